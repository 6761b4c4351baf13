/**
 * The display protocol between the adlab kernel and the adlab JupyterLab extension.
 *
 * Every rich output is a multi-MIME bundle: one of the versioned JSON types below (read by the
 * extension's renderers), a static fallback that reads well without the extension (`text/html`,
 * escaped, or `image/png`) and `text/plain`. This file is the single definition: the extension
 * imports these names and types, and a change to a payload's shape bumps its version suffix.
 *
 * JSON has no NaN or infinities, so numeric arrays use {@link JsonNumber}.
 */

/** The versioned MIME types adlab emits. */
export const MIME = {
  /** A tensor: shape, dtype and (possibly truncated) values. */
  tensor: 'application/vnd.adlab.tensor.v1+json',
  /** A captured primitive graph (`makeGraph`). */
  graph: 'application/vnd.adlab.graph.v1+json',
  /** A Jacobian probe: columns from JVPs, rows from VJPs. */
  jacobianProbe: 'application/vnd.adlab.jacobian-probe.v1+json',
  /** A Hessian-vector-product probe. */
  hvpProbe: 'application/vnd.adlab.hvp-probe.v1+json',
  /** One or several optimizer runs with their histories. */
  optimizerRun: 'application/vnd.adlab.optimizer-run.v1+json',
  /** A pytree (nested plain objects and arrays) of tensors, as a collapsible tree. */
  pytree: 'application/vnd.adlab.pytree.v1+json',
  /** A figure from the plotting API (`plot.line`, `plot.contour`, ...): panels of series. */
  figure: 'application/vnd.adlab.figure.v1+json',
} as const;

export type AdlabMimeType = (typeof MIME)[keyof typeof MIME];

/** The dtypes a payload may carry. */
export type PayloadDType = 'float32' | 'float64' | 'int32' | 'bool';

/** A number in JSON: finite numbers as themselves, non-finite ones spelled out. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** A MIME bundle as Jupyter's `display_data` carries it. */
export type MimeBundle = Record<string, unknown>;

/** Anything the kernel can display richly implements this. */
export interface MimeBundleProvider {
  /** Returns the multi-MIME bundle for this object (custom JSON, static fallback, text/plain). */
  toMimeBundle(): MimeBundle;
}

/** True if `x` offers a MIME bundle. */
export function isMimeBundleProvider(x: unknown): x is MimeBundleProvider {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as { toMimeBundle?: unknown }).toMimeBundle === 'function'
  );
}

/**
 * A tensor, as `application/vnd.adlab.tensor.v1+json`.
 *
 * Values are a row-major grid over `view.indices`: for each axis the kept indices (all of them for
 * small tensors, the first and last few for large ones, in the manner of NumPy's `edgeitems`).
 * `truncated` is true when some axis lost indices.
 */
export interface TensorPayload {
  shape: number[];
  dtype: PayloadDType;
  size: number;
  view: {
    indices: number[][];
    values: JsonNumber[];
  };
  truncated: boolean;
  /** Summary statistics over all values (absent for an empty tensor). */
  stats?: { min: JsonNumber; max: JsonNumber; mean: JsonNumber; nonFinite: number };
  /** For 2-D tensors: the whole matrix block-averaged to at most 64x64 cells, for a heatmap. */
  heatmap?: { rows: number; cols: number; values: JsonNumber[] };
}

/** One node of a captured primitive graph. */
export interface GraphNodePayload {
  id: number;
  /** The primitive's name, or 'input' / 'constant'. */
  primitive: string;
  params: Record<string, unknown>;
  /** Ids of the nodes this one reads. */
  inputs: number[];
  shape: number[];
  dtype: PayloadDType;
  flops: number;
  bytes: number;
  /** Summary of the node's value (min, max, mean, count of non-finite values, histogram). */
  summary?: GraphValueSummary;
  /** Summary of the value's tangent, when a `jvp` inside the captured function pushed one. */
  tangent?: GraphValueSummary;
  /** Summary of the value's cotangent, when a pullback (grad, vjp) inside the function reached it. */
  cotangent?: GraphValueSummary;
  /** Optional human label (for example an input's argument path). */
  label?: string;
  /** 'backward' for nodes recorded while a pullback ran (grad, vjp); absent or 'forward' otherwise. */
  phase?: 'forward' | 'backward';
}

/** A captured primitive graph, as `application/vnd.adlab.graph.v1+json`. */
export interface GraphPayload {
  /** A name for the traced function. */
  name: string;
  nodes: GraphNodePayload[];
  /** Ids of the input nodes, in argument order. */
  inputs: number[];
  /** Ids of the output nodes, in output order. */
  outputs: number[];
  totals: { nodes: number; flops: number; bytes: number };
  /** The first primitive that made a non-finite value (makeGraph with `nanOrigin`), and why. */
  nanOrigin?: GraphNanOrigin;
  /** The kernel-side handle: op `values` {node, count} gives a node's values (see GraphValuesReply). */
  live?: LiveRef;
}

/**
 * The reply of a graph's live `values` op: the first `count` entries (row-major) of a node's
 * forward value and, where the graph recorded them, of its tangent and cotangent.
 */
export interface GraphValuesReply {
  node: number;
  shape: number[];
  dtype: PayloadDType;
  /** Entries in the value (all of them, however many are sent). */
  size: number;
  value: JsonNumber[];
  tangent?: JsonNumber[];
  cotangent?: JsonNumber[];
}

// --- graph view additions (value summaries, NaN origin) ---

/** A value's summary in a graph node: finite range and mean, non-finite count, histogram. */
export interface GraphValueSummary {
  min: JsonNumber;
  max: JsonNumber;
  mean: JsonNumber;
  nonFinite: number;
  /** Counts of the finite values in equal bins over [min, max] (absent when there are none). */
  histogram?: number[];
}

/** Where non-finite values started, as `debugNans` finds it, tied to a graph node. */
export interface GraphNanOrigin {
  /** Id of the node whose primitive produced the first non-finite value. */
  node: number;
  primitive: string;
  phase: 'forward' | 'backward';
  /** `debugNans`'s cause code (log-domain, division-by-zero, ...) and its explanation. */
  cause: string;
  explanation: string;
}

// --- end of graph view additions ---

/** A Jacobian probe, as `application/vnd.adlab.jacobian-probe.v1+json`. */
export interface JacobianProbePayload {
  /** A name for the probed function (shown as text, never as markup). */
  name: string;
  /** The input's dtype (the Jacobian is computed in it). */
  dtype: PayloadDType;
  /** Input and output dimensions n and m of f: R^n -> R^m. */
  n: number;
  m: number;
  /** The point x (flattened, n values). */
  x: JsonNumber[];
  /** Columns J e_j computed by JVPs (m values each), by column index. */
  columns: JsonNumber[][];
  /** Rows e_i^T J computed by VJPs (n values each), by row index. */
  rows: JsonNumber[][];
  /**
   * Measured milliseconds for the full Jacobian by each mode (reverse includes the one forward
   * pass that records the pullback), and per column (one JVP each) and per row (one pullback each).
   */
  cost: { forwardMs: number; reverseMs: number; columnMs: number[]; rowMs: number[] };
  /** max |<w, J v> - <J^T w, v>| over the probe's random pairs. */
  adjointError: number;
  /** How many random pairs (w, v) the adjoint check used. */
  adjointPairs: number;
  /**
   * Which columns `columns` (and `cost.columnMs`) hold, when not all n: large probes send none and
   * compute columns on demand over the live channel. Absent: all of them, in order.
   */
  columnIndices?: number[];
  /** Which rows `rows` (and `cost.rowMs`) hold; absent: all m, in order. */
  rowIndices?: number[];
  /** Mean measured milliseconds of one JVP and of one VJP (from the adjoint check). */
  unitCost?: { jvpMs: number; vjpMs: number };
  /** The kernel-side handle: ops jvp {v}, vjp {w}, columns {indices}, rows {indices}, setX {x}. */
  live?: LiveRef;
}

/** The result of a probe's live `jvp` / `vjp` op (J v or Jᵀ w), or of `hvp`'s H v. */
export interface LiveVectorResult {
  values: JsonNumber[];
  /** Milliseconds of the one JVP or VJP itself. */
  ms: number;
}

/** The result of an HVP probe's live `hvp` op: H v beside central differences of gradients. */
export interface LiveHvpResult {
  hvp: JsonNumber[];
  fd: JsonNumber[];
  /** The step of the finite differences. */
  h: number;
  maxError: JsonNumber;
  /** Milliseconds of the forward-over-reverse product and of the two gradients. */
  hvpMs: number;
  fdMs: number;
}

/** The result of an HVP probe's live `lanczos` op: k Ritz values, ascending. */
export interface LiveLanczosResult {
  eigenvalues: JsonNumber[];
  ms: number;
}

/** What a spectrum says about a symmetric matrix, read from its (estimated) eigenvalues. */
export interface SpectrumSummary {
  min: number;
  max: number;
  /** Definite (all eigenvalues of one sign), indefinite (both signs), or singular (a zero one). */
  kind: 'positive definite' | 'negative definite' | 'indefinite' | 'singular';
  /** max |λ| / min |λ| for a definite matrix; undefined otherwise (it says nothing there). */
  condition?: number;
}

/**
 * Summarizes eigenvalues (of float64 data by default; pass about 1e-6 for float32): one within `relTol` · max |λ| of zero counts as zero.
 * An indefinite matrix gets no condition number: its range of eigenvalues is the honest summary.
 */
export function spectrumSummary(eigenvalues: readonly number[], relTol = 1e-12): SpectrumSummary {
  const finite = eigenvalues.filter(Number.isFinite);
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  const big = Math.max(Math.abs(min), Math.abs(max));
  const small = Math.min(...finite.map(Math.abs));
  if (min < 0 && max > 0) return { min, max, kind: 'indefinite' };
  if (!(big > 0) || small <= relTol * big) return { min, max, kind: 'singular' };
  return {
    min,
    max,
    kind: min > 0 ? 'positive definite' : 'negative definite',
    condition: big / small,
  };
}

/** The result of a Jacobian probe's live `columns` / `rows` op. */
export interface LiveSlicesResult {
  slices: { index: number; values: JsonNumber[]; ms: number }[];
}

/** A Hessian-vector-product probe, as `application/vnd.adlab.hvp-probe.v1+json`. */
export interface HvpProbePayload {
  /** A name for the probed function (shown as text, never as markup). */
  name: string;
  dtype: PayloadDType;
  n: number;
  x: JsonNumber[];
  v: JsonNumber[];
  /** H v by forward-over-reverse. */
  hvp: JsonNumber[];
  /** H v by central differences of gradients, with the step used and max |hvp - values|. */
  finiteDifference: { values: JsonNumber[]; h: number; maxError: JsonNumber };
  /** The dense Hessian for small n (row-major n x n), else absent. */
  hessian?: JsonNumber[];
  /**
   * Eigenvalue estimates, ascending (all of them by dense `eigh` for small n, else Lanczos Ritz
   * values) and the condition number max|λ| / min|λ| (Lanczos: max / min, Infinity unless SPD).
   */
  spectrum?: { eigenvalues: JsonNumber[]; condition: JsonNumber; method: 'eigh' | 'lanczos' };
  /** The kernel-side handle: ops hvp {v, h}, lanczos {k}. */
  live?: LiveRef;
}

/** One iteration of an optimizer run. */
export interface OptimizerStepPayload {
  iter: number;
  loss: JsonNumber;
  gradNorm: JsonNumber;
  stepSize: JsonNumber;
  /** The iterate, for small problems only. */
  x?: JsonNumber[];
  evals: { f: number; grad: number; hvp: number };
  timeMs: number;
}

/**
 * The effective step matrix a_k P_k of a run at some iterations, as columns (one entry per
 * sample): the eigenvalue range [min, max] of its symmetric part and, for 2-D problems, the matrix
 * row-major [m00, m01, m10, m11]. `estimate`: 'exact' (P_k applied to the basis vectors, or a
 * diagonal read off) or 'lanczos' (a few Lanczos steps: an inner estimate of the range).
 */
export interface OptimizerStepMatrixPayload {
  estimate: 'exact' | 'lanczos';
  iter: number[];
  min: JsonNumber[];
  max: JsonNumber[];
  matrix?: JsonNumber[][];
}

/** One optimizer run. */
export interface OptimizerRunTracePayload {
  method: string;
  /** A display label (defaults to the method name). */
  label?: string;
  /** Why the run stopped, as a code: converged, maxIter, nonFinite, lineSearchFailed, noProgress, callback. */
  status?: string;
  /** The settings of the method (step sizes, memory, line search). */
  hyperparameters: Record<string, number | string | boolean>;
  /** What the method counted while it ran (CG iterations, skipped L-BFGS pairs), apart from the settings. */
  results?: Record<string, number | string | boolean>;
  /** The palette index of this run (the same colour on every tab and export). */
  colorIndex?: number;
  history: OptimizerStepPayload[];
  /** a_k P_k at a thinned set of iterations (at most 100; a constant stretch keeps its ends). */
  stepMatrix?: OptimizerStepMatrixPayload;
  termination: string;
}

/** One or several optimizer runs, as `application/vnd.adlab.optimizer-run.v1+json`. */
export interface OptimizerRunPayload {
  problem: string;
  runs: OptimizerRunTracePayload[];
  /** For 2-D problems: a grid of loss values for the contour plot (z row-major: z[j * xs.length + i] at (xs[i], ys[j])). */
  contour?: { xs: number[]; ys: number[]; z: JsonNumber[] };
  /** The known minimum of the problem, when there is one. */
  fStar?: JsonNumber;
  /** A run started by `compareRuns.live`: its state, and the handle whose `stop` op ends it. */
  live?: OptimizerLivePayload;
}

/**
 * The live part of an optimizer-run payload (`compareRuns.live`). While `state` is 'running' the
 * kernel replaces the output in place (update_display_data, at most `updatesPerSecond` a second)
 * and the widget offers Stop, which calls the handle's `stop` op; the run ends between iterations.
 */
export interface OptimizerLivePayload extends LiveRef {
  state: 'running' | 'stopped' | 'done';
  /** Updates sent so far, this one included. */
  updates: number;
  /** Milliseconds since the runs started. */
  elapsedMs: number;
  /** Iterations per second over all runs so far. */
  itPerSec: number;
  /** With 'stopped': the iteration each run had reached, in run order. */
  stoppedAt?: number[];
}

// ---- Figures (the plotting API, `kernel-lib/src/plot/`) ----------------------------------------

/**
 * One axis of a panel. `ticks` (computed in the kernel) are what both renderers draw, so a log
 * axis reads `10⁻³` on screen, in the PNG fallback and in every export alike.
 */
export interface FigureAxisPayload {
  label: string;
  scale: 'linear' | 'log';
  /** [lo, hi] in data units (a log axis: both positive). */
  range: [number, number];
  ticks?: { values: number[]; labels: string[] };
  /** Drawn from high to low (a heatmap's row axis: row 0 on top). */
  reversed?: boolean;
}

/** A polyline (or, with `markers` only, a point cloud) in one colour. `null` breaks the line. */
export interface FigureLinePayload {
  kind: 'line';
  name: string;
  color: string;
  x: (number | null)[];
  y: (number | null)[];
  lines: boolean;
  markers: boolean;
  /** Marker size in points. */
  size?: number;
}

/** Filled cells of a grid: z row-major, `z[j * xs.length + i]` at (xs[i], ys[j]). */
export interface FigureGridPayload {
  kind: 'heatmap' | 'contour';
  name: string;
  xs: number[];
  ys: number[];
  z: (number | null)[];
  /** Contour levels (ascending; log-spaced when `logLevels`); the heatmap's colour bar ticks otherwise. */
  levels: number[];
  logLevels: boolean;
  /** The colour-bar title. */
  zLabel: string;
  colorbar?: { values: number[]; labels: string[] };
}

/** Bars from `lo[i]` to `hi[i]` of height `height[i]` (histograms). */
export interface FigureBarsPayload {
  kind: 'bars';
  name: string;
  color: string;
  lo: number[];
  hi: number[];
  height: number[];
}

/** Vertical stems from 0 to y[i] at x[i], with a marker on top (spectra). */
export interface FigureStemsPayload {
  kind: 'stems';
  name: string;
  color: string;
  x: number[];
  y: number[];
}

/** Anything drawn in a panel. */
export type FigureSeriesPayload =
  FigureLinePayload | FigureGridPayload | FigureBarsPayload | FigureStemsPayload;

/** One panel (a subplot) of a figure. */
export interface FigurePanelPayload {
  title: string;
  x: FigureAxisPayload;
  y: FigureAxisPayload;
  series: FigureSeriesPayload[];
  /** Lines said under the panel (for example that zeros were clipped on a log axis). */
  notes: string[];
  /** Whether x and y share units (contours): the renderers keep the aspect ratio. */
  equalAspect?: boolean;
}

/** A figure, as `application/vnd.adlab.figure.v1+json`: panels laid out in `columns` columns. */
export interface FigurePayload {
  title: string;
  columns: number;
  panels: FigurePanelPayload[];
}

// ---- Live widget channel (jupyter/live.ts in the kernel, kernel/live-channel.ts in the extension) ----

/** The comm target the kernel registers for live widget requests. */
export const LIVE_TARGET = 'adlab.live';

/** What a payload carries when its widget can ask the kernel that made it for more. */
export interface LiveRef {
  /** The id returned by `liveHandle` in the kernel. */
  handle: string;
}

/** A request from a widget: run operation `op` of handle `handle` with `args`. */
export interface LiveRequest {
  id: string;
  handle: string;
  op: string;
  args?: unknown;
}

/**
 * Why a live request failed: the handle belongs to another kernel process (restarted, or a saved
 * notebook reopened), was released to bound memory, names no such operation, was malformed, or
 * its handler threw.
 */
export type LiveErrorCode = 'unknown-handle' | 'released' | 'unknown-op' | 'bad-request' | 'failed';

/** The kernel's answer to a {@link LiveRequest}, with the handler's time in milliseconds. */
export type LiveReply =
  | { id: string; ok: true; result: unknown; ms: number }
  | { id: string; ok: false; error: string; code: LiveErrorCode };

// ---- Pytree view (jupyter/pytree-display.ts) ----

/** One node of a pytree: a dict, a list, a tensor leaf, a number leaf, or anything else as text. */
export type PytreeNodePayload =
  | { kind: 'dict'; entries: { key: string; node: PytreeNodePayload }[] }
  | { kind: 'list'; items: PytreeNodePayload[] }
  | { kind: 'tensor'; tensor: TensorPayload }
  | { kind: 'number'; value: JsonNumber }
  | { kind: 'other'; text: string };

/** A pytree of tensors, as `application/vnd.adlab.pytree.v1+json`. */
export interface PytreePayload {
  root: PytreeNodePayload;
  /** Tensor leaves in the whole tree, and their total number of entries. */
  leaves: number;
  size: number;
  /** True when leaves beyond the display limit were summarized as text. */
  truncated: boolean;
}

/** Maps each MIME type to its payload type. */
export interface PayloadByMime {
  [MIME.tensor]: TensorPayload;
  [MIME.graph]: GraphPayload;
  [MIME.jacobianProbe]: JacobianProbePayload;
  [MIME.hvpProbe]: HvpProbePayload;
  [MIME.optimizerRun]: OptimizerRunPayload;
  [MIME.pytree]: PytreePayload;
  [MIME.figure]: FigurePayload;
}

/** Encodes a number for JSON. */
export function toJsonNumber(x: number): JsonNumber {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

/** Decodes a {@link JsonNumber}; anything else becomes NaN. */
export function fromJsonNumber(x: unknown): number {
  if (typeof x === 'number') return x;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  return NaN;
}
