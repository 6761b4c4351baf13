/**
 * The template every optimizer here instantiates: x_{k+1} = x_k - a_k P_k g_k, where g_k is the
 * gradient, P_k a preconditioner and a_k a step size. Methods differ only in P_k and a_k, so each
 * exposes its P_k as a {@link Preconditioner} you can apply to a vector and inspect.
 */
import type { TreeResult } from '../core/pytree';
import type { Tensor } from '../core/tensor';

/** What kind of operator a preconditioner is. */
export type PreconditionerKind =
  'identity' | 'diagonal' | 'momentum' | 'lbfgs' | 'newton' | 'newton-cg';

/**
 * The P_k of one iteration: an operator you can apply to a vector (or a pytree, for first-order
 * methods), with the data that defines it. `G` is the type it acts on: the parameters' tree for a
 * gradient transformation (`Tensor` for a Tensor, `{ w, b }` for `{ w, b }`), the flat `Tensor`
 * for `minimize`'s results.
 * @example const P = result.preconditioner; P.apply(np.array([1, 0]))
 */
export interface Preconditioner<G = TreeResult> {
  kind: PreconditionerKind;
  /** One line on what P_k is, for people. */
  description: string;
  /** P_k v (for momentum, the direction from a gradient v: beta m_{k-1} + v, an affine map). */
  apply(v: G): G;
  /** For diagonal methods (Adam, RMSProp, Adagrad): the diagonal of P_k, shaped like the params. */
  diagonal?: G;
  /** For L-BFGS: the memory of curvature pairs (oldest first) and the initial scaling gamma. */
  memory?: { s: Tensor[]; y: Tensor[]; rho: number[]; gamma: number };
  /** For Newton: the Hessian and the shift tau added to make H + tau I positive definite. */
  hessian?: Tensor;
  shift?: number;
  /** For Newton-CG: the Hessian action used by CG (matrix-free) and CG's last iteration count. */
  hvp?: (v: Tensor) => Tensor;
  cgIterations?: number;
  /**
   * For small n: P_k as an n x n matrix, P_k applied to the n basis vectors in one batched pass
   * (the two-loop recursion on the identity; a solve with n right-hand sides).
   */
  dense?: () => Tensor;
}

/**
 * What the effective step matrix a_k P_k of one iteration looks like: the range of eigenvalues of
 * its symmetric part (the smallest and largest step length per unit of gradient) and, for 2-D
 * problems, the matrix itself. `estimate` says how the range was found: 'exact' (from P_k applied
 * to the basis vectors, or read off a diagonal) or 'lanczos' (Ritz values of a few Lanczos steps,
 * which lie inside the true range).
 */
export interface StepMatrixSummary {
  min: number;
  max: number;
  estimate: 'exact' | 'lanczos';
  /** For 2-D problems: a_k P_k row-major [m00, m01, m10, m11] (its linear part, for momentum). */
  matrix?: [number, number, number, number];
}

/** Line-search bookkeeping for one iteration, kept so the conditions can be checked afterwards. */
export interface LineSearchRecord {
  /** 'armijo' (sufficient decrease) or 'wolfe' (strong Wolfe). */
  kind: 'armijo' | 'wolfe';
  c1: number;
  c2?: number;
  /** phi'(0) = g_k · d_k, with d_k = -P_k g_k the search direction. */
  slope0: number;
  /** phi'(a_k) = g_{k+1} · d_k (when the gradient at the new point was computed). */
  slopeNew?: number;
  /** Number of trial steps. */
  trials: number;
}

/** The evaluation counters of a run (cumulative). */
export interface EvalCounts {
  f: number;
  grad: number;
  hvp: number;
}

/** One iteration of a run (iteration 0 is the starting point). */
export interface IterationRecord {
  iter: number;
  loss: number;
  gradNorm: number;
  /** a_k, the step that led to this iterate (0 at iteration 0). */
  stepSize: number;
  /** The iterate, flattened, for problems with at most `recordIterateMaxDim` parameters. */
  x?: number[];
  /** Cumulative evaluation counts up to this iterate. */
  evals: EvalCounts;
  /** Milliseconds since the start of the run. */
  timeMs: number;
  lineSearch?: LineSearchRecord;
  /** a_k P_k of the step that led here, at a thinned set of iterations (`stepMatrixSamples`). */
  stepMatrix?: StepMatrixSummary;
}
