/**
 * The `minimize` driver: runs any method of the template x_{k+1} = x_k - a_k P_k g_k on a scalar
 * function of a pytree, records a history and stops with a stated reason.
 */
import type { Tensor } from '../core/tensor';
import * as np from '../numpy/ops';
import { integer, inRange, knownKeys, positive, show } from './options';
import { Objective } from './objective';
import type { Method, SearchSettings, StepOutcome } from './method';
import { lbfgsMethod } from './lbfgs';
import { newtonMethod } from './newton';
import { newtonCgMethod, type Forcing } from './newton-cg';
import { OptimizeResult, type TerminationStatus } from './result';
import type { LearningRate } from './schedules';
import { checkLr } from './schedules';
import { searchAlong } from './line-search';
import type { IterationRecord, Preconditioner } from './template';
import * as T from './transformations';
import type { GradientTransformation } from './transformations';
import { ravel } from './tree-math';
import {
  STEP_MATRIX_ALLOWANCE,
  STEP_MATRIX_BUDGET,
  stepMatrixCost,
  stepMatrixIterations,
  summarizeStepMatrix,
} from './step-matrix';
import type { TensorsOf } from './state-kind';
import type { TreeResult } from '../core/pytree';

/** The methods `minimize` knows by name. */
export const METHODS = [
  'sgd',
  'momentum',
  'nesterov',
  'adam',
  'adamw',
  'rmsprop',
  'adagrad',
  'gd',
  'lbfgs',
  'newton',
  'newtonCg',
] as const;

/** A method name. */
export type MethodName = (typeof METHODS)[number];

/** Options of {@link minimize}. */
export interface MinimizeOptions {
  /** A method name (default 'lbfgs') or any gradient transformation (run with fixed steps). */
  method?: MethodName | GradientTransformation;
  /** Most iterations (default 1000). */
  maxIter?: number;
  /** Stop when |g| <= tol (default 1e-6). */
  tol?: number;
  /** Line-search methods stop when f decreases by <= ftol · max(1, |f|) (default 1e-15). */
  ftol?: number;
  /** Step size of first-order methods (a number or a schedule); first trial step of 'gd'. */
  lr?: LearningRate;
  /** 'armijo', 'wolfe' or 'none' (fixed step 1); defaults: gd/newton/newtonCg 'armijo', lbfgs 'wolfe'. */
  lineSearch?: 'armijo' | 'wolfe' | 'none';
  /** Line-search constants (defaults 1e-4 and 0.9) and the cap on trial steps (default 30). */
  c1?: number;
  c2?: number;
  maxLineSearch?: number;
  /** L-BFGS memory m (default 10). */
  memory?: number;
  /** Newton: a shift added to the Hessian (default 0; more is added if H is not positive definite). */
  damping?: number;
  /**
   * Newton-CG: most CG steps per iteration (default max(20, 2n) for n parameters); CG also stops
   * earlier at the forcing tolerance or at non-positive curvature.
   */
  cgMaxIter?: number;
  /**
   * Newton-CG: the forcing term η_k, CG stops at |r| <= η_k |g_k|: a constant in (0, 1) (linear
   * convergence; small values approach Newton's quadratic rate at more CG steps) or a function of
   * |g_k| (default min(0.5, sqrt(|g_k|)), superlinear).
   */
  forcing?: Forcing;
  /** Hyperparameters of the first-order methods. */
  beta?: number;
  b1?: number;
  b2?: number;
  eps?: number;
  epsRoot?: number;
  weightDecay?: number;
  decay?: number;
  /** Called after every iteration with its record; return true to stop the run. */
  callback?: (record: IterationRecord) => boolean | void;
  /** Record the iterate in the history when it has at most this many entries (default 100). */
  recordIterateMaxDim?: number;
  /**
   * Record a summary of the effective step matrix a_k P_k (its eigenvalue range; the matrix for
   * 2-D problems) at about this many log-spaced iterations, the last one included (default 100;
   * 0 turns it off). See step-matrix.ts for the cost.
   */
  stepMatrixSamples?: number;
  /** A label for displays. */
  name?: string;
}

const OPTION_KEYS = [
  'method',
  'maxIter',
  'tol',
  'ftol',
  'lr',
  'lineSearch',
  'c1',
  'c2',
  'maxLineSearch',
  'memory',
  'damping',
  'cgMaxIter',
  'forcing',
  'beta',
  'b1',
  'b2',
  'eps',
  'epsRoot',
  'weightDecay',
  'decay',
  'callback',
  'recordIterateMaxDim',
  'stepMatrixSamples',
  'name',
];

const FIRST_ORDER_LR: Record<string, number> = {
  sgd: 0.01,
  momentum: 0.01,
  nesterov: 0.01,
  adam: 1e-3,
  adamw: 1e-3,
  rmsprop: 1e-3,
  adagrad: 0.1,
};

/** Only the options that were given (so each transformation sees its own defaults). */
function given<K extends keyof MinimizeOptions>(o: MinimizeOptions, keys: K[]) {
  const out: Partial<Pick<MinimizeOptions, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out as Record<string, number>;
}

/** Runs a gradient transformation with fixed steps x <- x + update. */
function transformationMethod(t: GradientTransformation, x0: Tensor): Method {
  let state = t.init(x0);
  return {
    name: t.name,
    hyperparameters: t.hyperparameters,
    preconditioner: () => (t.preconditioner ? t.preconditioner(state) : undefined),
    step({ obj, x, g }): StepOutcome {
      const [u, s2] = t.update(g, state, x);
      state = s2;
      const xn = T.applyUpdates(x, u);
      const [fn, gn] = obj.valueAndGrad(xn);
      const stepSize = t.stepSize ? t.stepSize(state) : np.norm(u).item() / np.norm(g).item();
      return { x: xn, f: fn, g: gn, stepSize };
    },
  };
}

/** Gradient descent with a line search: P_k = I. */
function gdMethod(lr: number, search: SearchSettings): Method {
  let prevStep = lr;
  const identity: Preconditioner<Tensor> = {
    kind: 'identity',
    description: 'P_k = I; a_k from an Armijo backtracking search',
    apply: (v) => v,
  };
  return {
    name: 'gd',
    hyperparameters: { lr, lineSearch: search.kind },
    preconditioner: () => identity,
    step({ obj, x, f, g }) {
      // Start from twice the last accepted step (capped at lr), so steps can grow back.
      const a0 = Math.min(lr, 2 * prevStep);
      const kind = search.kind === 'none' ? 'armijo' : search.kind;
      const res = searchAlong(obj, x, f, g, np.neg(g), kind, { ...search, a0 });
      if ('failure' in res) return res;
      prevStep = res.step;
      return { x: res.x, f: res.f, g: res.g, stepSize: res.step, lineSearch: res.record };
    },
  };
}

function checkOptions(o: MinimizeOptions, method: string): void {
  const op = 'minimize';
  knownKeys(op, o, OPTION_KEYS);
  if (o.maxIter !== undefined) integer(op, 'maxIter', o.maxIter, 0);
  if (o.tol !== undefined) positive(op, 'tol', o.tol, true);
  if (o.ftol !== undefined) positive(op, 'ftol', o.ftol, true);
  if (o.lr !== undefined) checkLr(op, o.lr);
  if (o.c1 !== undefined) inRange(op, 'c1', o.c1, 0, 1, true);
  if (o.c2 !== undefined) inRange(op, 'c2', o.c2, o.c1 ?? 1e-4, 1, true);
  if (o.maxLineSearch !== undefined) integer(op, 'maxLineSearch', o.maxLineSearch);
  if (o.memory !== undefined) integer(op, 'memory', o.memory);
  if (o.damping !== undefined) positive(op, 'damping', o.damping, true);
  if (o.cgMaxIter !== undefined) integer(op, 'cgMaxIter', o.cgMaxIter);
  if (typeof o.forcing === 'number') inRange(op, 'forcing', o.forcing, 0, 1, true);
  else if (o.forcing !== undefined && typeof o.forcing !== 'function')
    throw new TypeError(
      `${op}: option 'forcing' must be a number in (0, 1) or a function of |g|, got ${show(o.forcing)}`,
    );
  if (o.recordIterateMaxDim !== undefined)
    integer(op, 'recordIterateMaxDim', o.recordIterateMaxDim, 0);
  if (o.stepMatrixSamples !== undefined) integer(op, 'stepMatrixSamples', o.stepMatrixSamples, 0);
  if (o.callback !== undefined && typeof o.callback !== 'function')
    throw new TypeError(`${op}: option 'callback' must be a function, got ${show(o.callback)}`);
  if (o.lineSearch !== undefined) {
    if (!['armijo', 'wolfe', 'none'].includes(o.lineSearch))
      throw new RangeError(
        `${op}: option 'lineSearch' must be 'armijo', 'wolfe' or 'none', got ${show(o.lineSearch)}`,
      );
    if (method in FIRST_ORDER_LR && o.lineSearch !== 'none')
      throw new RangeError(
        `${op}: option 'lineSearch' does not apply to method '${method}' (fixed steps); use method 'gd' for a line search`,
      );
  }
}

function makeMethod(o: MinimizeOptions, x0: Tensor): Method {
  const m = o.method ?? 'lbfgs';
  if (typeof m === 'object' && m !== null && typeof m.update === 'function')
    return transformationMethod(m, x0);
  if (typeof m !== 'string' || !(METHODS as readonly string[]).includes(m))
    throw new RangeError(
      `minimize: option 'method' must be one of ${METHODS.join(', ')} or a gradient transformation, got ${show(m)}`,
    );
  const search = (fallback: 'armijo' | 'wolfe'): SearchSettings => ({
    kind: o.lineSearch ?? fallback,
    c1: o.c1 ?? 1e-4,
    c2: o.c2 ?? 0.9,
    maxTrials: o.maxLineSearch ?? 30,
  });
  const lr = o.lr ?? FIRST_ORDER_LR[m];
  switch (m) {
    case 'sgd':
      return transformationMethod(T.sgd(lr), x0);
    case 'momentum':
    case 'nesterov':
      return transformationMethod(T[m](lr, given(o, ['beta'])), x0);
    case 'adam':
      return transformationMethod(T.adam(lr, given(o, ['b1', 'b2', 'eps', 'epsRoot'])), x0);
    case 'adamw':
      return transformationMethod(
        T.adamw(lr, given(o, ['b1', 'b2', 'eps', 'epsRoot', 'weightDecay'])),
        x0,
      );
    case 'rmsprop':
      return transformationMethod(T.rmsprop(lr, given(o, ['decay', 'eps'])), x0);
    case 'adagrad':
      return transformationMethod(T.adagrad(lr, given(o, ['eps'])), x0);
    case 'gd':
      if (typeof o.lr === 'function')
        throw new RangeError(`minimize: option 'lr' must be a number for method 'gd'`);
      return gdMethod((o.lr as number | undefined) ?? 1, search('armijo'));
    case 'lbfgs':
      return lbfgsMethod(o.memory ?? 10, search('wolfe'));
    case 'newton':
      return newtonMethod(o.damping ?? 0, search('armijo'));
    case 'newtonCg':
      return newtonCgMethod(o.cgMaxIter, search('armijo'), o.forcing);
  }
  throw new Error(`minimize: unhandled method ${m}`);
}

const nonFiniteName = (v: number) => (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

/** A run of {@link minimize} taken one iteration at a time (live displays drive it this way). */
export interface RunStepper<X = TreeResult> {
  /** Takes one iteration; returns false once the run has ended (and takes no more). */
  step(): boolean;
  /** True once the run has ended (converged, failed, stopped, or out of iterations). */
  readonly done: boolean;
  /** The iterations so far (iteration 0 is the start). */
  readonly history: readonly IterationRecord[];
  /** Ends the run from outside (a Stop button), keeping what was computed. */
  stop(): void;
  /** The result so far; a run stopped early says "stopped at iteration k". */
  result(): OptimizeResult<X>;
}

/**
 * Starts a run of {@link minimize} without taking any step: the options are checked and the start
 * point evaluated (iteration 0); `step()` takes the iterations one at a time.
 * @example const run = startMinimize(f, x0, { method: 'adam' }); while (run.step()) {} run.result()
 */
export function startMinimize<P>(
  f: (params: P) => Tensor,
  x0: P,
  options: MinimizeOptions = {},
): RunStepper<TensorsOf<P>> {
  if (typeof f !== 'function')
    throw new TypeError(`minimize: f must be a function, got ${show(f)}`);
  if (options === null || typeof options !== 'object')
    throw new TypeError(`minimize: options must be an object, got ${show(options)}`);
  const methodName = typeof options.method === 'string' ? options.method : 'transformation';
  checkOptions(options, methodName);
  const { maxIter = 1000, tol = 1e-6, ftol = 1e-15, callback, recordIterateMaxDim = 100 } = options;
  const sampled = stepMatrixIterations(maxIter, options.stepMatrixSamples ?? 100);
  let summaryCost = 0;
  const { flat, unravel } = ravel(x0, 'minimize');
  const obj = new Objective((z) => f(unravel(z)));
  const method = makeMethod(options, flat);
  const lineSearchMethod = ['gd', 'lbfgs', 'newton', 'newtonCg'].includes(methodName);

  const t0 = performance.now();
  const history: IterationRecord[] = [];
  const record = (
    iter: number,
    x: Tensor,
    f: number,
    gn: number,
    step: number,
    ls?: IterationRecord['lineSearch'],
  ) => {
    const r: IterationRecord = {
      iter,
      loss: f,
      gradNorm: gn,
      stepSize: step,
      evals: { ...obj.counts },
      timeMs: performance.now() - t0,
    };
    if (x.size <= recordIterateMaxDim) r.x = Array.from(x.dataSync());
    if (ls) r.lineSearch = ls;
    history.push(r);
    return r;
  };

  let x = flat;
  let [fx, g] = obj.valueAndGrad(x);
  let gn = np.norm(g).item();
  const first = record(0, x, fx, gn, 0);
  let status: TerminationStatus = 'maxIter';
  let reason = `reached maxIter = ${maxIter} iterations`;
  const check = (k: number): boolean => {
    if (!Number.isFinite(fx)) {
      status = 'nonFinite';
      reason = `non-finite loss (${nonFiniteName(fx)}) at iteration ${k}`;
      return true;
    }
    if (!Number.isFinite(gn)) {
      status = 'nonFinite';
      reason = `non-finite gradient (norm ${nonFiniteName(gn)}) at iteration ${k}`;
      return true;
    }
    if (gn <= tol) {
      status = 'converged';
      reason = `converged: gradient norm ${gn.toExponential(2)} <= tol ${tol} at iteration ${k}`;
      return true;
    }
    return false;
  };
  let done = check(0);
  if (!done && callback && callback(first) === true) {
    done = true;
    status = 'callback';
    reason = 'stopped by the callback at iteration 0';
  }
  let k = 1;

  /** One iteration; true when the run ends with it. */
  const iterate = (): boolean => {
    if (k > maxIter) return true;
    const out = method.step({ obj, x, f: fx, g, iter: k - 1 });
    if ('failure' in out) {
      status = out.failure.includes('non-finite') ? 'nonFinite' : 'lineSearchFailed';
      reason = `${out.failure} (at iteration ${k})`;
      return true;
    }
    const fPrev = fx;
    x = out.x;
    fx = out.f;
    g = out.g;
    gn = np.norm(g).item();
    const rec = record(k, x, fx, gn, out.stepSize, out.lineSearch);
    // a_k P_k at the sampled iterations, and at the last one (a run ending early included).
    const summarize = (final = true) => {
      const P = method.preconditioner();
      const cost = stepMatrixCost(P, x.size);
      const affordable =
        summaryCost + cost <= Math.max(STEP_MATRIX_BUDGET * k, STEP_MATRIX_ALLOWANCE);
      if (sampled.size > 0 && !rec.stepMatrix && (final || affordable)) {
        summaryCost += cost;
        try {
          const m = summarizeStepMatrix(P, out.stepSize, x);
          if (m) rec.stepMatrix = m;
        } catch {
          // A summary is a view on the run: one that fails (a non-finite P_k) leaves the run alone.
        }
      }
      return true;
    };
    if (sampled.has(k)) summarize(k === maxIter);
    if (check(k)) return summarize();
    if (lineSearchMethod && fPrev - fx <= ftol * Math.max(1, Math.abs(fPrev), Math.abs(fx))) {
      status = 'noProgress';
      reason = `no progress: loss decreased by ${(fPrev - fx).toExponential(2)} <= ftol · max(1, |f|) at iteration ${k}`;
      return summarize();
    }
    if (callback && callback(rec) === true) {
      status = 'callback';
      reason = `stopped by the callback at iteration ${k}`;
      return summarize();
    }
    return ++k > maxIter;
  };

  return {
    step() {
      if (done) return false;
      done = iterate();
      return !done;
    },
    get done() {
      return done;
    },
    history,
    stop() {
      if (done) return;
      done = true;
      status = 'stopped';
      const k = history.length - 1;
      reason = `stopped at iteration ${k} (Stop pressed; ${k} of at most ${maxIter} iterations kept)`;
    },
    result: () =>
      new OptimizeResult(
        unravel(x),
        x,
        fx,
        history,
        done ? status : 'running',
        done ? reason : `running: iteration ${history.length - 1} of at most ${maxIter}`,
        method.name,
        { ...method.hyperparameters, maxIter, tol },
        method.preconditioner(),
        options.name ?? method.name,
        obj.fz,
        { ...obj.counts },
      ),
  };
}

/**
 * Minimizes a scalar function of a pytree with one method of the preconditioned template,
 * recording loss, gradient norm, step size, iterates (small problems), evaluation counts and time.
 * @example const r = minimize((x: Tensor) => np.sum(np.square(x)), np.array([1, 2]), { method: 'lbfgs' })
 */
export function minimize<P>(
  f: (params: P) => Tensor,
  x0: P,
  options: MinimizeOptions = {},
): OptimizeResult<TensorsOf<P>> {
  const run = startMinimize(f, x0, options);
  while (run.step());
  return run.result();
}
