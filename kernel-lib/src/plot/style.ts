/**
 * The house style of every adlab figure, shared by the kernel (static images, exports) and the
 * JupyterLab extension (plotly, imported as `adlab/plot-style`): the colour-blind-safe palette,
 * log-axis ticks with real exponents, log-spaced contour levels and number formatting. Pure
 * functions with no imports, so both sides compute the same ticks and colours.
 */

/**
 * Okabe and Ito's colour-blind-safe palette (2008), reordered so the first colours keep apart on
 * white and on a dark background; black is replaced by a mid grey, which reads on both.
 */
export const PALETTE = [
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#8C8C8C', // grey
  '#F0E442', // yellow (last: faint on white)
] as const;

/**
 * The colour of series `index`: the same index gets the same colour on every tab and export.
 * @example colorAt(0) // '#0072B2'
 */
export function colorAt(index: number): string {
  const n = PALETTE.length;
  return PALETTE[((Math.trunc(index) % n) + n) % n];
}

/** Width presets in inches: a single journal column and a full page width (two columns). */
/**
 * The compact print legend's geometry, in font sizes (the kernel's static figures and the
 * widget's exports share it): line sample, sample to label, between entries; and DejaVu Sans'
 * average advance in em, where a label is estimated rather than measured.
 */
export const PRINT_LEGEND = { sample: 1.6, textGap: 0.4, entryGap: 1.2, emPerChar: 0.62 } as const;

/** The estimated width of `label` at `fontSize` (DejaVu Sans), in the font size's unit. */
export function estimatedLabelWidth(label: string, fontSize: number): number {
  return [...label].length * fontSize * PRINT_LEGEND.emPerChar;
}

export const COLUMN_WIDTH = { single: 3.5, double: 7.16 } as const;

/** A print width: inches, or a column preset. */
export type PrintWidth = number | keyof typeof COLUMN_WIDTH;

/**
 * The size in inches of a printed figure of `rows` × `cols` panels: `width` (default one column)
 * and, unless given, a height of 0.72 of the width per row of panels, for code and widgets alike.
 * @example printInches('single', 1, 1) // { width: 3.5, height: 2.52 }
 */
export function printInches(
  width: PrintWidth | undefined,
  rows: number,
  cols: number,
  height?: number,
): { width: number; height: number } {
  const w = width ?? 'single';
  const inches = typeof w === 'number' ? w : COLUMN_WIDTH[w];
  return { width: inches, height: height ?? inches * 0.72 * (rows / Math.max(1, cols)) };
}

/** Unicode superscript forms of digits and signs. */
export const SUPERSCRIPTS: Record<string, string> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '-': '⁻',
  '+': '⁺',
};

/**
 * An integer written in Unicode superscript digits.
 * @example superscript(-12) // '⁻¹²'
 */
export function superscript(n: number): string {
  return [...String(Math.trunc(n))].map((c) => SUPERSCRIPTS[c] ?? c).join('');
}

/** `10ᵏ` as text: `10⁻³`, with `1` and `10` for k = 0, 1 (as printed axes read). */
export function powerOfTenLabel(k: number): string {
  if (k === 0) return '1';
  if (k === 1) return '10';
  return `10${superscript(k)}`;
}

/**
 * Ticks of a log axis over [lo, hi] (both positive): powers of ten, every `step`-th decade so at
 * most `maxTicks` remain, labelled `10⁻³`. Within one decade, the ends labelled as numbers.
 * @example logTicks(1e-9, 10).labels // ['10⁻⁸', '10⁻⁶', '10⁻⁴', '10⁻²', '1']
 */
export function logTicks(
  lo: number,
  hi: number,
  maxTicks = 6,
): { values: number[]; labels: string[] } {
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi))) return { values: [], labels: [] };
  const k0 = Math.ceil(Math.log10(lo) - 1e-9);
  const k1 = Math.floor(Math.log10(hi) + 1e-9);
  if (k1 < k0) return { values: [lo, hi], labels: [formatNumber(lo, 2), formatNumber(hi, 2)] };
  const step = Math.max(1, Math.ceil((k1 - k0 + 1) / maxTicks));
  // Anchor the kept decades on multiples of `step` so zooming keeps 10⁰ when it is in range.
  const first = Math.ceil(k0 / step) * step;
  const values: number[] = [];
  const labels: string[] = [];
  for (let k = first; k <= k1; k += step) {
    values.push(Number(`1e${k}`));
    labels.push(powerOfTenLabel(k));
  }
  // A single power of ten in range (1 to 3, say) is no scale to read: add 2 and 5 times powers.
  return values.length >= 2 ? { values, labels } : oneTwoFive(lo, hi, k0, k1);
}

/** Ticks at 1, 2 and 5 times the powers of ten around [lo, hi], for ranges inside a decade or two. */
function oneTwoFive(lo: number, hi: number, k0: number, k1: number) {
  const values: number[] = [];
  for (let k = k0 - 1; k <= k1; k++)
    for (const m of [1, 2, 5]) {
      const v = Number(`${m}e${k}`);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) values.push(v);
    }
  const ticks = values.length >= 2 ? values : [lo, hi];
  return { values: ticks, labels: ticks.map((v) => formatNumber(v, 2)) };
}

/**
 * `count` contour levels spaced evenly in log10 between `lo` and `hi` (both positive): valleys
 * such as Rosenbrock's span decades, which linear levels crowd into the walls.
 * @example logLevels(1e-2, 1e2, 5) // [0.01, 0.1, 1, 10, 100]
 */
export function logLevels(lo: number, hi: number, count: number): number[] {
  if (!(lo > 0 && hi > lo) || count < 2) return lo > 0 ? [lo] : [];
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return Array.from({ length: count }, (_, i) => 10 ** (a + ((b - a) * i) / (count - 1)));
}

/** `count` levels spaced evenly between `lo` and `hi`. */
export function linearLevels(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo) || count < 2) return [lo];
  return Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
}

/**
 * A number for a table cell or label, never longer than it needs: `0.0312`, `2.502×10⁻¹³`,
 * `1.2×10⁶`, `NaN`, `∞`. Uses the true minus sign.
 * @example formatNumber(2.5021e-13) // '2.502×10⁻¹³'
 */
export function formatNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  let s: string;
  if (a < 1e-3 || a >= 1e5) {
    const [m, e] = x.toExponential(digits - 1).split('e');
    const mantissa = m.replace(/\.?0+$/, '');
    s = `${mantissa === '1' ? '' : mantissa === '-1' ? '-' : `${mantissa}×`}10${superscript(Number(e))}`;
  } else {
    s = String(Number(x.toPrecision(digits)));
  }
  return s.replace(/-/g, '−');
}

/** Nice linear ticks over [lo, hi] (1, 2, 5 steps), at most about `count` of them. */
export function linearTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  }
  return out;
}

/** The result of clipping values for a log axis. */
export interface Clipped {
  values: (number | null)[];
  /** How many finite values were at or below 0. */
  clipped: number;
  /** The value they were drawn at. */
  floor: number;
}

/**
 * Values as a log axis can draw them: finite values ≤ 0 become the smallest positive value
 * (`floor`, shared across a panel's series), non-finite ones become gaps (null).
 */
export function clipForLog(values: readonly number[], floor: number): Clipped {
  let clipped = 0;
  const out = values.map((v) => {
    if (!Number.isFinite(v)) return null;
    if (v > 0) return v;
    clipped++;
    return floor;
  });
  return { values: out, clipped, floor };
}

/** The smallest positive finite value of several arrays (1 when there is none). */
export function smallestPositive(arrays: readonly (readonly number[])[]): number {
  let m = Infinity;
  for (const a of arrays) for (const v of a) if (v > 0 && v < m && Number.isFinite(v)) m = v;
  return Number.isFinite(m) ? m : 1;
}

/** A panel's y span over its x span, in data units (from the axes' `range`). */
export function aspectOf(panel: {
  x: { range: readonly [number, number] };
  y: { range: readonly [number, number] };
}): number {
  return (panel.y.range[1] - panel.y.range[0]) / (panel.x.range[1] - panel.x.range[0]);
}

/**
 * The largest plot area inside `width` × `height` whose height / width is `ratio`, so one unit
 * is as long on both axes (a panel with `equalAspect`). A bad ratio keeps the box.
 */
export function fitAspect(
  width: number,
  height: number,
  ratio: number,
): { width: number; height: number } {
  if (!(ratio > 0) || !Number.isFinite(ratio) || !(width > 0) || !(height > 0))
    return { width, height };
  return height / width > ratio
    ? { width, height: width * ratio }
    : { width: height / ratio, height };
}
