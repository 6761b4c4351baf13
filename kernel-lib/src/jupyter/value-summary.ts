/** The value summaries a graph node carries: range, mean, non-finite count and a small histogram. */
import type { GraphValueSummary, JsonNumber } from './protocol';
import { valueStats } from './tensor-display';

/** Bins of a node's histogram (a sparkline's worth). */
export const HISTOGRAM_BINS = 16;

/**
 * Summarizes values for the graph view: {@link valueStats} plus counts of the finite values in
 * {@link HISTOGRAM_BINS} equal bins over [min, max] (all in the first bin when min = max).
 */
export function graphValueSummary(data: ArrayLike<number>): GraphValueSummary {
  const stats = valueStats(data);
  // Six significant digits: what the view shows, and a third of the payload of full doubles.
  const short = (v: JsonNumber): JsonNumber =>
    typeof v === 'number' ? Number(v.toPrecision(6)) : v;
  const summary: GraphValueSummary = {
    min: short(stats.min),
    max: short(stats.max),
    mean: short(stats.mean),
    nonFinite: stats.nonFinite,
  };
  if (typeof stats.min !== 'number' || typeof stats.max !== 'number') return summary;
  const lo = stats.min;
  const width = stats.max - lo;
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) continue;
    // The top edge belongs to the last bin.
    const bin =
      width > 0 ? Math.min(HISTOGRAM_BINS - 1, Math.floor(((v - lo) / width) * HISTOGRAM_BINS)) : 0;
    counts[bin]++;
  }
  summary.histogram = counts;
  return summary;
}
