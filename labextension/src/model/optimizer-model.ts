/**
 * The optimizer-run data model: strict validation of an
 * `application/vnd.adlab.optimizer-run.v1+json` payload into per-run series (loss, gradient norm,
 * evaluations, time, 2-D path) and the contour grid. No DOM here.
 */
import type { OptimizerRunPayload } from 'adlab/protocol';
import {
  decodeNumber,
  describe,
  fail,
  isJsonNumber,
  isNonNegNumber,
  isPlainObject,
  parseLive,
  parseSafely,
  type ParseResult,
} from './validate';

/** Most runs, iterations per run and contour cells accepted. */
export const MAX_RUNS = 50;
export const MAX_ITERATIONS = 20_000;
export const MAX_CONTOUR_CELLS = 250_000;

/** One run, decoded into aligned series. */
export interface RunModel {
  label: string;
  method: string;
  status: string;
  termination: string;
  /** `key=value` pairs, in payload order. */
  hyperparameters: [string, string][];
  /** What the method counted while it ran (CG iterations, skipped pairs), as `key=value` pairs. */
  results: [string, string][];
  /** The palette index of the run: its colour on every tab. */
  colorIndex: number;
  iter: number[];
  loss: number[];
  gradNorm: number[];
  stepSize: number[];
  /** f + gradient + HVP evaluations so far. */
  evals: number[];
  timeMs: number[];
  /** The 2-D path, when every iterate has two coordinates. */
  path?: { x: number[]; y: number[] };
  /** a_k P_k at a thinned set of iterations (see {@link StepMatrixModel}). */
  stepMatrix?: StepMatrixModel;
}

/**
 * The effective step matrix a_k P_k of a run at some iterations: the eigenvalue range of its
 * symmetric part and, for 2-D problems, the matrix (row-major) for the ellipses on the trajectories.
 */
export interface StepMatrixModel {
  estimate: 'exact' | 'lanczos';
  iter: number[];
  min: number[];
  max: number[];
  /** One [m00, m01, m10, m11] per sample (2-D problems). */
  matrix?: [number, number, number, number][];
}

/** Most a_k P_k samples accepted per run. */
export const MAX_STEP_MATRIX_SAMPLES = 1000;

/** A run started by `compareRuns.live`: its state and the handle whose `stop` op ends it. */
export interface OptimizerLiveModel {
  handle: string;
  state: 'running' | 'stopped' | 'done';
  /** Updates the kernel has sent, this one included. */
  updates: number;
  elapsedMs: number;
  itPerSec: number;
  /** With 'stopped': the iteration each run reached. */
  stoppedAt?: number[];
}

/** Everything the optimizer view shows. */
export interface OptimizerModel {
  problem: string;
  runs: RunModel[];
  contour?: { xs: number[]; ys: number[]; z: number[][] };
  fStar?: number;
  live?: OptimizerLiveModel;
}

const LIVE_STATES: readonly OptimizerLiveModel['state'][] = ['running', 'stopped', 'done'];

function parseLiveRun(raw: unknown, runs: number): OptimizerLiveModel {
  if (!isPlainObject(raw)) fail(`live must be an object, got ${describe(raw)}`);
  const handle = parseLive(raw);
  const state = raw.state as OptimizerLiveModel['state'];
  if (!LIVE_STATES.includes(state)) fail(`live.state must be running, stopped or done`);
  for (const k of ['updates', 'elapsedMs', 'itPerSec'] as const)
    if (!isNonNegNumber(raw[k])) fail(`live.${k} must be a non-negative number`);
  const live: OptimizerLiveModel = {
    handle: handle!,
    state,
    updates: raw.updates as number,
    elapsedMs: raw.elapsedMs as number,
    itPerSec: raw.itPerSec as number,
  };
  if (raw.stoppedAt !== undefined) {
    const at = finiteArray(raw.stoppedAt, 'live.stoppedAt', runs);
    if (at.length !== runs || at.some((k) => k < 0 || !Number.isInteger(k)))
      fail(`live.stoppedAt must give one iteration per run (${runs})`);
    live.stoppedAt = at;
  }
  return live;
}

function text(x: unknown, what: string, fallback?: string): string {
  if (x === undefined && fallback !== undefined) return fallback;
  if (typeof x !== 'string') fail(`${what} must be a string, got ${describe(x)}`);
  return x.length > 300 ? `${x.slice(0, 299)}…` : x;
}

function num(x: unknown, what: string): number {
  if (!isJsonNumber(x)) fail(`${what} is not a number (got ${describe(x)})`);
  return decodeNumber(x);
}

function finiteArray(raw: unknown, what: string, max: number): number[] {
  if (!Array.isArray(raw)) fail(`${what} must be an array, got ${describe(raw)}`);
  if (raw.length > max) fail(`${what} has ${raw.length} entries, more than ${max}`);
  return raw.map((v: unknown, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what}[${i}] is not a finite number`);
    return v;
  });
}

/** `value` of a hyperparameter as short text. */
function hyperText(v: unknown, what: string): string {
  if (typeof v === 'number') return String(Number(v.toPrecision(6)));
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return v.length > 60 ? `${v.slice(0, 59)}…` : v;
  return fail(`${what} must be a number, string or boolean`);
}

function pairs(raw: unknown, what: string): [string, string][] {
  const o = raw ?? {};
  if (!isPlainObject(o)) fail(`${what} must be an object`);
  return Object.entries(o)
    .slice(0, 30)
    .map(([k, v]) => [k.slice(0, 40), hyperText(v, `${what}.${k}`)]);
}

function parseRun(raw: unknown, r: number): RunModel {
  const at = `runs[${r}]`;
  if (!isPlainObject(raw)) fail(`${at} must be an object, got ${describe(raw)}`);
  const method = text(raw.method, `${at}.method`);
  const history = raw.history;
  if (!Array.isArray(history)) fail(`${at}.history must be an array, got ${describe(history)}`);
  if (history.length > MAX_ITERATIONS) {
    fail(`${at}.history has ${history.length} steps, more than ${MAX_ITERATIONS}`);
  }
  const run: RunModel = {
    label: text(raw.label, `${at}.label`, method),
    method,
    status: text(raw.status, `${at}.status`, ''),
    termination: text(raw.termination, `${at}.termination`, ''),
    hyperparameters: pairs(raw.hyperparameters, `${at}.hyperparameters`),
    results: pairs(raw.results, `${at}.results`),
    colorIndex: isNonNegNumber(raw.colorIndex) ? Math.trunc(raw.colorIndex) : r,
    iter: [],
    loss: [],
    gradNorm: [],
    stepSize: [],
    evals: [],
    timeMs: [],
  };
  const xs: number[] = [];
  const ys: number[] = [];
  let is2d = history.length > 0;
  history.forEach((step: unknown, i) => {
    const s = `${at}.history[${i}]`;
    if (!isPlainObject(step)) fail(`${s} must be an object, got ${describe(step)}`);
    if (!isNonNegNumber(step.iter)) fail(`${s}.iter must be a non-negative number`);
    run.iter.push(step.iter);
    run.loss.push(num(step.loss, `${s}.loss`));
    run.gradNorm.push(num(step.gradNorm, `${s}.gradNorm`));
    run.stepSize.push(step.stepSize === undefined ? NaN : num(step.stepSize, `${s}.stepSize`));
    const ev = step.evals;
    if (!isPlainObject(ev)) fail(`${s}.evals must be an object`);
    let total = 0;
    for (const k of ['f', 'grad', 'hvp'] as const) {
      const count = ev[k];
      if (count === undefined) continue;
      if (!isNonNegNumber(count)) fail(`${s}.evals.${k} must be a non-negative number`);
      total += count;
    }
    run.evals.push(total);
    if (!isNonNegNumber(step.timeMs)) fail(`${s}.timeMs must be a non-negative number`);
    run.timeMs.push(step.timeMs);
    if (step.x === undefined) {
      is2d = false;
    } else {
      if (!Array.isArray(step.x)) fail(`${s}.x must be an array`);
      if (step.x.length === 2) {
        xs.push(num(step.x[0], `${s}.x[0]`));
        ys.push(num(step.x[1], `${s}.x[1]`));
      } else {
        is2d = false;
      }
    }
  });
  if (is2d) run.path = { x: xs, y: ys };
  if (raw.stepMatrix !== undefined) run.stepMatrix = parseStepMatrix(raw.stepMatrix, at);
  return run;
}

function parseStepMatrix(raw: unknown, run: string): StepMatrixModel {
  const at = `${run}.stepMatrix`;
  if (!isPlainObject(raw)) fail(`${at} must be an object, got ${describe(raw)}`);
  const estimate = raw.estimate as StepMatrixModel['estimate'];
  if (estimate !== 'exact' && estimate !== 'lanczos')
    fail(`${at}.estimate must be 'exact' or 'lanczos', got ${describe(raw.estimate)}`);
  const column = (key: 'iter' | 'min' | 'max' | 'matrix'): unknown[] => {
    const c = raw[key];
    if (!Array.isArray(c)) fail(`${at}.${key} must be an array, got ${describe(c)}`);
    if (c.length > MAX_STEP_MATRIX_SAMPLES)
      fail(`${at}.${key} has ${c.length} entries, more than ${MAX_STEP_MATRIX_SAMPLES}`);
    return c;
  };
  const iter = column('iter').map((k, i) => {
    if (!isNonNegNumber(k)) fail(`${at}.iter[${i}] must be a non-negative number`);
    return k;
  });
  const model: StepMatrixModel = {
    estimate,
    iter,
    min: column('min').map((v, i) => num(v, `${at}.min[${i}]`)),
    max: column('max').map((v, i) => num(v, `${at}.max[${i}]`)),
  };
  for (const key of ['min', 'max'] as const)
    if (model[key].length !== iter.length)
      fail(`${at}.${key} has ${model[key].length} entries, iter has ${iter.length}`);
  if (raw.matrix !== undefined) {
    const rows = column('matrix');
    if (rows.length !== iter.length)
      fail(`${at}.matrix has ${rows.length} entries, iter has ${iter.length}`);
    model.matrix = rows.map((m, i) => {
      if (!Array.isArray(m) || m.length !== 4)
        fail(`${at}.matrix[${i}] must be an array of 4 numbers (a 2x2 matrix, row-major)`);
      const [a, b, c, d] = m.map((v: unknown, j) => num(v, `${at}.matrix[${i}][${j}]`));
      return [a, b, c, d] as [number, number, number, number];
    });
  }
  return model;
}

function parseContour(raw: unknown): NonNullable<OptimizerModel['contour']> {
  if (!isPlainObject(raw)) fail(`contour must be an object, got ${describe(raw)}`);
  const xs = finiteArray(raw.xs, 'contour.xs', 2000);
  const ys = finiteArray(raw.ys, 'contour.ys', 2000);
  if (xs.length < 2 || ys.length < 2) fail('contour needs at least 2 points per axis');
  if (xs.length * ys.length > MAX_CONTOUR_CELLS) fail('contour grid is too large');
  if (!Array.isArray(raw.z)) fail(`contour.z must be an array, got ${describe(raw.z)}`);
  if (raw.z.length !== xs.length * ys.length) {
    fail(`contour.z has ${raw.z.length} entries, expected ${xs.length * ys.length}`);
  }
  const flat = raw.z.map((v: unknown, i) => num(v, `contour.z[${i}]`));
  const z = ys.map((_, j) => flat.slice(j * xs.length, (j + 1) * xs.length));
  return { xs, ys, z };
}

/**
 * Validates an optimizer-run payload strictly and builds its view model.
 * Never throws: a malformed payload gives `{ ok: false, error }`.
 */
export function parseOptimizerPayload(data: unknown): ParseResult<OptimizerModel> {
  return parseSafely(parseOrThrow, data);
}

function parseOrThrow(data: unknown): OptimizerModel {
  if (!isPlainObject(data)) fail(`payload must be an object, got ${describe(data)}`);
  const p = data as Partial<Record<keyof OptimizerRunPayload, unknown>>;
  const problem = text(p.problem, 'problem', '');
  if (!Array.isArray(p.runs)) fail(`runs must be an array, got ${describe(p.runs)}`);
  if (p.runs.length === 0) fail('runs is empty');
  if (p.runs.length > MAX_RUNS) fail(`${p.runs.length} runs, more than ${MAX_RUNS}`);
  const model: OptimizerModel = { problem, runs: p.runs.map((r: unknown, i) => parseRun(r, i)) };
  if (p.contour !== undefined) model.contour = parseContour(p.contour);
  if (p.fStar !== undefined) model.fStar = num(p.fStar, 'fStar');
  if (p.live !== undefined) model.live = parseLiveRun(p.live, model.runs.length);
  return model;
}

/**
 * The legend name of a run: its label alone (settings and results are in the table and on hover),
 * with the settings added only where two runs share a label, so the legend stays one short line.
 */
export function runLegend(run: RunModel, runs: readonly RunModel[] = [run], maxChars = 48): string {
  const shared = runs.filter((r) => r.label === run.label).length > 1;
  const hp = shared
    ? run.hyperparameters
        .filter(([k]) => k !== 'maxIter' && k !== 'tol')
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')
    : '';
  const s = hp ? `${run.label} (${hp})` : run.label;
  return s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s;
}
