/**
 * The plotting functions: each turns tensors, arrays or optimizer runs into a {@link Figure} of
 * one panel (combine panels with `plot.grid`). Colours come from the palette by series index,
 * titles and labels accept `$...$` math, long series are thinned to what a chart can show.
 */
import type {
  FigureGridPayload,
  FigureLinePayload,
  FigurePanelPayload,
  FigureSeriesPayload,
} from '../jupyter/protocol';
import { buildAxis, clipNote, type AxisScale } from './axes';
import { array } from '../numpy/convert';
import {
  compact,
  isRunLike,
  thinIndices,
  toMatrix,
  toNumbers,
  type NumbersLike,
  type RunLike,
} from './data';
import { Figure } from './figure';
import { mathText } from './math-text';
import {
  aspectOf,
  clipForLog,
  smallestPositive,
  colorAt,
  formatNumber,
  linearLevels,
  linearTicks,
  logLevels,
  logTicks,
} from './style';

/** Options every plotting function takes. */
export interface PlotOptions {
  /** Panel title (`$...$` parts become Unicode math). */
  title?: string;
  xLabel?: string;
  yLabel?: string;
  xScale?: AxisScale;
  yScale?: AxisScale;
  /** [lo, hi] of each axis (default: from the data). */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
}

/** One series of {@link line}: y alone (x = 0, 1, ...), or x and y, with a name. */
export interface SeriesInput {
  x?: NumbersLike;
  y: NumbersLike;
  name?: string;
  /** Draw markers (default: when the series has at most 60 points). */
  markers?: boolean;
  /** Draw the connecting line (default true; false gives a scatter). */
  lines?: boolean;
  /** Palette index (default: the series' position), to keep a run's colour across figures. */
  colorIndex?: number;
}

/** Options of {@link line} and {@link scatter}. */
export interface LineOptions extends PlotOptions {
  /** Markers on every series. */
  markers?: boolean;
  /** Most points kept per series (default 600: about two per pixel of a chart). */
  maxPoints?: number;
  /** Optimizer runs only: what to draw against the iteration (default 'loss'). */
  quantity?: RunQuantity;
}

/** What {@link line} draws of an optimizer run, and its axis label. */
export type RunQuantity = 'loss' | 'gradNorm';
const QUANTITY_LABELS: Record<RunQuantity, string> = {
  loss: 'loss',
  gradNorm: 'gradient norm',
};

type LineData =
  NumbersLike | SeriesInput | RunLike | readonly (NumbersLike | SeriesInput | RunLike)[];

function isSeriesInput(x: unknown): x is SeriesInput {
  return typeof x === 'object' && x !== null && 'y' in x && !Array.isArray(x);
}

function isNumbersLike(x: unknown): boolean {
  return (
    ArrayBuffer.isView(x) ||
    (Array.isArray(x) && x.every((v) => typeof v === 'number')) ||
    (typeof x === 'object' && x !== null && 'dataSync' in x)
  );
}

/** Normalizes the accepted forms of `line`'s data into series. */
function seriesOf(
  op: string,
  data: LineData | Record<string, NumbersLike>,
  quantity: RunQuantity = 'loss',
): SeriesInput[] {
  if (isRunLike(data)) return [runSeries(data, 0, quantity)];
  if (isSeriesInput(data)) return [data];
  if (isNumbersLike(data)) return [{ y: data as NumbersLike }];
  if (Array.isArray(data)) {
    return data.map((d, i) => {
      if (isRunLike(d)) return runSeries(d, i, quantity);
      if (isSeriesInput(d)) return d;
      return { y: d as NumbersLike, name: `series ${i + 1}` };
    });
  }
  if (typeof data === 'object' && data !== null) {
    return Object.entries(data as Record<string, NumbersLike>).map(([name, y]) => ({ y, name }));
  }
  throw new TypeError(`${op}: expected numbers, a tensor, series objects or optimizer runs`);
}

/** An optimizer run as a series of `quantity` (loss or gradient norm) against the iteration. */
function runSeries(run: RunLike, index: number, quantity: RunQuantity): SeriesInput {
  return {
    x: run.history.map((h) => h.iter),
    y: run.history.map((h) => h[quantity]),
    name: run.name,
    colorIndex: index,
  };
}

/** Builds line payloads for a panel: log clipping, thinning, rounding. */
function lineSeries(
  op: string,
  inputs: SeriesInput[],
  options: LineOptions,
  notes: string[],
  defaults: { lines: boolean },
): FigureLinePayload[] {
  const resolved = inputs.map((s, i) => {
    const y = toNumbers(s.y, op, inputs.length > 1 ? `series ${i}.y` : 'y');
    const x = s.x === undefined ? y.map((_, k) => k) : toNumbers(s.x, op, `series ${i}.x`);
    if (x.length !== y.length) {
      throw new RangeError(`${op}: series ${i} has ${x.length} x values but ${y.length} y values`);
    }
    return { s, x, y, i };
  });
  const floors = {
    x: smallestPositive(resolved.map((r) => r.x)),
    y: smallestPositive(resolved.map((r) => r.y)),
  };
  const clippedCount = { x: 0, y: 0 };
  const out = resolved.map(({ s, x, y, i }) => {
    const cx =
      options.xScale === 'log' ? clipForLog(x, floors.x) : { values: x.map(fin), clipped: 0 };
    const cy =
      options.yScale === 'log' ? clipForLog(y, floors.y) : { values: y.map(fin), clipped: 0 };
    clippedCount.x += cx.clipped;
    clippedCount.y += cy.clipped;
    const keep = thinIndices(y, options.maxPoints ?? 600);
    const markers = s.markers ?? options.markers ?? keep.length <= 60;
    return {
      kind: 'line' as const,
      name: mathText(s.name ?? (inputs.length > 1 ? `series ${i + 1}` : 'y')),
      color: colorAt(s.colorIndex ?? i),
      x: keep.map((k) => (cx.values[k] === null ? null : compact(cx.values[k]!))),
      y: keep.map((k) => (cy.values[k] === null ? null : compact(cy.values[k]!))),
      lines: s.lines ?? defaults.lines,
      markers,
    };
  });
  if (clippedCount.x) notes.push(clipNote('x', clippedCount.x, floors.x));
  if (clippedCount.y) notes.push(clipNote('y', clippedCount.y, floors.y));
  return out;
}

function fin(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** A panel from series, with axes fitted to them. */
function panelOf(
  options: PlotOptions,
  series: FigureSeriesPayload[],
  notes: string[],
  fallback: { x: string; y: string },
  extent?: { x: (number | null)[][]; y: (number | null)[][] },
): FigurePanelPayload {
  const xs = extent?.x ?? series.map((s) => ('x' in s ? s.x : []));
  const ys = extent?.y ?? series.map((s) => ('y' in s ? s.y : []));
  return {
    title: mathText(options.title ?? ''),
    x: buildAxis(
      mathText(options.xLabel ?? fallback.x),
      options.xScale ?? 'linear',
      xs,
      options.xRange,
    ),
    y: buildAxis(
      mathText(options.yLabel ?? fallback.y),
      options.yScale ?? 'linear',
      ys,
      options.yRange,
    ),
    series,
    notes,
  };
}

/**
 * Line plot of one or several series (tensors, arrays, `{ x, y, name }` objects, a record of named
 * series, or optimizer runs: loss, or with `quantity: 'gradNorm'` the gradient norm, against the
 * iteration), with log axes and markers as asked. Series without x are drawn against their index.
 * @example plot.line({ sgd: lossesA, adam: lossesB }, { yScale: 'log', yLabel: 'loss' })
 * @example plot.line([runA, runB], { quantity: 'gradNorm' }) // ‖∇f‖ against the iteration, log y
 */
export function line(
  data: LineData | Record<string, NumbersLike>,
  options: LineOptions = {},
): Figure {
  const runs = isRunLike(data) || (Array.isArray(data) && data.every(isRunLike));
  if (options.quantity !== undefined && !runs)
    throw new TypeError(
      `plot.line: quantity '${options.quantity}' applies to optimizer runs, got other data`,
    );
  const quantity = options.quantity ?? 'loss';
  if (!(quantity in QUANTITY_LABELS))
    throw new TypeError(
      `plot.line: quantity must be one of ${Object.keys(QUANTITY_LABELS).join(', ')}, got '${String(quantity)}'`,
    );
  const inputs = seriesOf('plot.line', data, quantity);
  const opts = runs ? { yScale: 'log' as const, ...options } : options;
  const notes: string[] = [];
  const series = lineSeries('plot.line', inputs, opts, notes, { lines: true });
  const labels = runs
    ? { x: 'iteration', y: QUANTITY_LABELS[quantity] }
    : {
        // An axis says what it measures, not a letter: x is the index when no series gives x,
        // and y is the series' name when there is one named series.
        x: inputs.every((s) => s.x === undefined) ? 'index' : 'x',
        y: inputs.length === 1 && inputs[0]!.name ? inputs[0]!.name : 'y',
      };
  return new Figure({ title: '', columns: 1, panels: [panelOf(opts, series, notes, labels)] });
}

/**
 * Scatter plot: points without connecting lines.
 * @example plot.scatter(xs, ys, { title: 'samples' })
 */
export function scatter(x: NumbersLike, y: NumbersLike, options: LineOptions = {}): Figure {
  const notes: string[] = [];
  const series = lineSeries(
    'plot.scatter',
    [{ x, y, markers: true, lines: false, name: 'points' }],
    options,
    notes,
    {
      lines: false,
    },
  );
  return new Figure({
    title: '',
    columns: 1,
    panels: [panelOf(options, series, notes, { x: 'x', y: 'y' })],
  });
}

/** Options of {@link contour} and {@link heatmap}. */
export interface GridOptions extends PlotOptions {
  /** Colour-bar title (default 'f'). */
  zLabel?: string;
  /** 'log' spacing (default when every value is positive), 'linear', a count, or the levels. */
  levels?: 'log' | 'linear' | number | readonly number[];
  /** Grid points per axis when sampling a function (default 60). */
  grid?: number;
  /** Trajectories drawn on top: optimizer runs of a 2-D problem, or `{ x, y, name }` series. */
  paths?: readonly (RunLike | SeriesInput)[];
  /**
   * Contours: one unit is as long on x as on y, so level sets keep their shape (default: true for
   * a function of two variables whose ranges differ at most {@link MAX_AUTO_ASPECT}-fold; false
   * for a grid of values, whose axes may measure different things).
   */
  equalAxes?: boolean;
}

/** The most the x and y spans of a function's domain may differ for equal axes by default. */
export const MAX_AUTO_ASPECT = 5;

/** A 2-D function of two numbers, or of a 2-vector (the optimizer test problems' form). */
export type Function2D = ((x: number, y: number) => number) | ((p: never) => unknown);

/** The grid of {@link contour}: a function sampled over [x0, x1] × [y0, y1], or given values. */
export type GridInput = Function2D | { xs: NumbersLike; ys: NumbersLike; z: unknown };

function sample(
  op: string,
  f: Function2D,
  xr: readonly [number, number],
  yr: readonly [number, number],
  n: number,
) {
  const xs = Array.from({ length: n }, (_, i) => xr[0] + ((xr[1] - xr[0]) * i) / (n - 1));
  const ys = Array.from({ length: n }, (_, j) => yr[0] + ((yr[1] - yr[0]) * j) / (n - 1));
  const evaluate =
    f.length >= 2
      ? (x: number, y: number) => (f as (x: number, y: number) => number)(x, y)
      : (x: number, y: number) => {
          // A function of a 2-vector tensor (optim.problems.*.f) returns a scalar tensor.
          const v = (f as (p: unknown) => unknown)(array([x, y], 'float64'));
          return typeof v === 'number' ? v : (v as { item(): number }).item();
        };
  const z = ys.map((y) =>
    xs.map((x) => {
      const v = Number(evaluate(x, y));
      if (typeof v !== 'number') throw new TypeError(`${op}: the function must return a number`);
      return v;
    }),
  );
  return { xs, ys, z };
}

function gridOf(op: string, input: GridInput, options: GridOptions) {
  if (typeof input === 'function') {
    if (!options.xRange || !options.yRange) {
      throw new TypeError(
        `${op}: sampling a function needs xRange and yRange, e.g. { xRange: [-2, 2], yRange: [-1, 3] }`,
      );
    }
    return sample(
      op,
      input,
      options.xRange,
      options.yRange,
      Math.max(2, Math.min(options.grid ?? 60, 300)),
    );
  }
  const xs = toNumbers(input.xs, op, 'xs');
  const ys = toNumbers(input.ys, op, 'ys');
  const z = toMatrix(input.z, op, 'z');
  if (z.length !== ys.length || z[0].length !== xs.length) {
    throw new RangeError(
      `${op}: z has shape [${z.length}, ${z[0].length}], expected [ys.length, xs.length] = [${ys.length}, ${xs.length}]`,
    );
  }
  return { xs, ys, z };
}

/** Levels and colour-bar ticks for a grid's values. */
function levelsFor(z: number[][], levels: GridOptions['levels'], notes: string[]) {
  const finite = z.flat().filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const positive = finite.filter((v) => v > 0);
  const wantLog = levels === 'log' || (levels === undefined && lo > 0 && hi / lo > 100);
  if (Array.isArray(levels))
    return { levels: [...levels].sort((a, b) => a - b), log: false, lo, hi };
  if (wantLog && positive.length > 0) {
    const floor = Math.min(...positive);
    if (lo <= 0) notes.push(`values ≤ 0 coloured as ${formatNumber(floor, 3)} (log colour scale)`);
    const decades = Math.log10(hi / floor);
    // About 4 to 12 lines: one per decade for wide spans, finer for narrow ones (each line costs
    // bytes in the PNG fallback, and more than a dozen no longer read as separate levels).
    const perDecade = decades > 5 ? 1 : decades > 2.5 ? 2 : 4;
    const count =
      typeof levels === 'number' ? levels : Math.max(3, Math.round(decades * perDecade) + 1);
    return { levels: logLevels(floor, hi, count), log: true, lo: floor, hi };
  }
  const count = typeof levels === 'number' ? levels : 12;
  return { levels: linearLevels(lo, hi, count), log: false, lo, hi };
}

function gridSeries(
  kind: 'contour' | 'heatmap',
  grid: { xs: number[]; ys: number[]; z: number[][] },
  options: GridOptions,
  notes: string[],
): FigureGridPayload {
  const lv = levelsFor(grid.z, options.levels, notes);
  const linear = linearTicks(lv.lo, lv.hi, 5).filter((v) => v >= lv.lo && v <= lv.hi);
  const colorbar = lv.log
    ? logTicks(lv.lo, lv.hi, 6)
    : { values: linear, labels: linear.map((v) => formatNumber(v, 3)) };
  return {
    kind,
    name: mathText(options.zLabel ?? 'f'),
    xs: grid.xs.map((v) => compact(v)!),
    ys: grid.ys.map((v) => compact(v)!),
    z: grid.z
      .flat()
      .map((v) => (lv.log && v <= 0 && Number.isFinite(v) ? compact(lv.lo) : compact(v))),
    levels: lv.levels.map((v) => compact(v)!),
    logLevels: lv.log,
    zLabel: mathText(options.zLabel ?? 'f'),
    colorbar,
  };
}

/**
 * Contour plot of a 2-D function over `xRange` × `yRange` (or of a grid `{ xs, ys, z }`), with
 * log-spaced levels when the values span decades, a colour bar, and optimizer trajectories on top.
 * @example plot.contour(p.f, { xRange: [-2, 2], yRange: [-1, 3], paths: [runA, runB] })
 */
export function contour(input: GridInput, options: GridOptions = {}): Figure {
  const grid = gridOf('plot.contour', input, options);
  const notes: string[] = [];
  const series: FigureSeriesPayload[] = [gridSeries('contour', grid, options, notes)];
  (options.paths ?? []).forEach((p, i) => {
    const s = isRunLike(p)
      ? {
          x: p.history.filter((h) => h.x).map((h) => h.x![0]),
          y: p.history.filter((h) => h.x).map((h) => h.x![1]),
          name: p.name,
          colorIndex: i,
        }
      : { colorIndex: i, ...p };
    series.push(
      ...lineSeries('plot.contour', [{ markers: true, ...s }], { maxPoints: 200 }, notes, {
        lines: true,
      }),
    );
  });
  const xr = [grid.xs[0], grid.xs[grid.xs.length - 1]] as const;
  const yr = [grid.ys[0], grid.ys[grid.ys.length - 1]] as const;
  const panel = panelOf({ xRange: xr, yRange: yr, ...options }, series, notes, {
    x: 'x₁',
    y: 'x₂',
  });
  const ratio = aspectOf(panel);
  const sameUnits =
    typeof input === 'function' && ratio <= MAX_AUTO_ASPECT && ratio >= 1 / MAX_AUTO_ASPECT;
  if (options.equalAxes ?? sameUnits) panel.equalAspect = true;
  return new Figure({ title: '', columns: 1, panels: [panel] });
}

/**
 * Heatmap of a matrix (a 2-D tensor or rows of numbers), row 0 at the top as matrices read.
 * @example plot.heatmap(hessian(f)(x), { title: 'Hessian', zLabel: 'H_ij' })
 */
export function heatmap(matrix: unknown, options: GridOptions = {}): Figure {
  const rows = toMatrix(matrix, 'plot.heatmap', 'matrix');
  const m = rows.length;
  const n = rows[0].length;
  // Row 0 on top: y runs from m-1 (top row) down to 0, so flip the rows onto ascending ys.
  const grid = { xs: rows[0].map((_, j) => j), ys: rows.map((_, i) => i), z: rows };
  const notes: string[] = [];
  const series = [
    gridSeries('heatmap', grid, { levels: 'linear', zLabel: 'value', ...options }, notes),
  ];
  const panel = panelOf(
    { xRange: [-0.5, n - 0.5], yRange: [-0.5, m - 0.5], ...options },
    series,
    notes,
    { x: 'column', y: 'row' },
  );
  panel.x.ticks = indexTicks(n);
  panel.y.ticks = indexTicks(m);
  panel.y.reversed = true;
  return new Figure({ title: '', columns: 1, panels: [panel] });
}

/** Integer ticks 0 … n−1, at most about 8 of them. */
function indexTicks(n: number): { values: number[]; labels: string[] } {
  const step = Math.max(1, Math.ceil(n / 8));
  const values = Array.from({ length: Math.ceil(n / step) }, (_, k) => k * step);
  return { values, labels: values.map(String) };
}

/** Options of {@link hist}. */
export interface HistOptions extends PlotOptions {
  /** Number of bins (default: Sturges' rule, at most 60). */
  bins?: number;
}

/**
 * Histogram of values (a tensor of any shape is flattened).
 * @example plot.hist(random.normal(key, [1000]), { bins: 30 })
 */
export function hist(values: NumbersLike, options: HistOptions = {}): Figure {
  const data = (values as { flatten?: () => NumbersLike }).flatten
    ? (values as { flatten(): NumbersLike }).flatten()
    : values;
  const v = toNumbers(data, 'plot.hist', 'values').filter(Number.isFinite);
  if (v.length === 0) throw new RangeError('plot.hist: no finite values to count');
  const bins = Math.max(1, Math.min(options.bins ?? Math.ceil(Math.log2(v.length) + 1), 200));
  const lo = Math.min(...v);
  const hi = Math.max(...v) === lo ? lo + 1 : Math.max(...v);
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const x of v) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
  const edges = counts.map((_, i) => lo + i * width);
  const series = [
    {
      kind: 'bars' as const,
      name: 'count',
      color: colorAt(0),
      lo: edges.map((e) => compact(e)!),
      hi: edges.map((e) => compact(e + width)!),
      height: counts,
    },
  ];
  const panel = panelOf(
    options,
    series,
    [],
    { x: 'value', y: 'count' },
    { x: [[lo, hi]], y: [[0, Math.max(...counts)]] },
  );
  return new Figure({ title: '', columns: 1, panels: [panel] });
}

/**
 * Stem plot of a spectrum (eigenvalues, ascending by index), with the extremes and the condition
 * number, or "indefinite" when eigenvalues of both signs occur, in a note.
 * @example plot.spectrum(linalg.eigh(H)[0], { title: 'Hessian spectrum' })
 */
export function spectrum(eigenvalues: NumbersLike, options: PlotOptions = {}): Figure {
  const lam = toNumbers(eigenvalues, 'plot.spectrum', 'eigenvalues')
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (lam.length === 0) throw new RangeError('plot.spectrum: no finite eigenvalues');
  const lo = lam[0];
  const hi = lam[lam.length - 1];
  const note =
    lo < 0 && hi > 0
      ? `indefinite: λ from ${formatNumber(lo)} to ${formatNumber(hi)}`
      : `λ from ${formatNumber(lo)} to ${formatNumber(hi)}, κ = ${formatNumber(Math.abs(hi) / Math.abs(lo))}`;
  const x = lam.map((_, i) => i);
  const series = [
    { kind: 'stems' as const, name: 'λ', color: colorAt(0), x, y: lam.map((l) => compact(l)!) },
  ];
  const panel = panelOf(
    options,
    series,
    [note],
    { x: 'index', y: 'λ' },
    { x: [x], y: [[0, ...lam]] },
  );
  return new Figure({ title: '', columns: 1, panels: [panel] });
}
