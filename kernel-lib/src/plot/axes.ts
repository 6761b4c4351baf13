/**
 * Axes of a panel: the range from the data, log ticks with exponents, and the log-axis rule for
 * zeros and negative values (clipped to the smallest positive value by `clipForLog` in style.ts, and said so in a note: a
 * run that reaches exactly 0 must not turn a log axis linear).
 */
import type { FigureAxisPayload } from '../jupyter/protocol';
import { formatNumber, linearTicks, logTicks } from './style';

/** A linear or logarithmic axis. */
export type AxisScale = 'linear' | 'log';

/** The note a panel carries when values were clipped. */
export function clipNote(axis: 'x' | 'y', clipped: number, floor: number): string {
  return `${clipped} value${clipped === 1 ? '' : 's'} ≤ 0 drawn at ${formatNumber(floor, 3)} on the log ${axis} axis`;
}

/**
 * An axis over the finite values of `arrays`: padded a little (linear) or to whole decades when
 * that costs little (log), with ticks both renderers use.
 */
export function buildAxis(
  label: string,
  scale: AxisScale,
  arrays: readonly (readonly (number | null)[])[],
  range?: readonly [number, number],
): FigureAxisPayload {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (const v of a) {
      if (v === null || !Number.isFinite(v) || (scale === 'log' && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (range) [lo, hi] = range;
  if (!(lo <= hi)) [lo, hi] = scale === 'log' ? [1, 10] : [0, 1];
  if (scale === 'log') {
    if (!range) {
      // Pad by 6 % of the span in decades (at least 0.15 decade) so end markers stay inside.
      const pad = Math.max(0.15, 0.06 * Math.log10(hi / lo));
      lo /= 10 ** pad;
      hi *= 10 ** pad;
    }
    return { label, scale, range: [lo, hi], ticks: logTicks(lo, hi) };
  }
  if (!range) {
    const pad = hi > lo ? 0.04 * (hi - lo) : Math.max(Math.abs(lo) * 0.1, 0.5);
    lo -= pad;
    hi += pad;
  }
  const values = linearTicks(lo, hi, 5);
  return {
    label,
    scale,
    range: [lo, hi],
    ticks: { values, labels: values.map((v) => formatNumber(v)) },
  };
}
