/**
 * Spectra of symmetric operators known by their action: Lanczos (extreme eigenvalues and a
 * condition-number estimate from a few dozen matvecs) and power iteration (the dominant one).
 */
import { tensorFromHost } from '../backends';
import type { Tensor } from '../core/tensor';
import { astype } from '../numpy/convert';
import { eigh } from '../numpy/linalg';
import { vdot } from '../numpy/linalg';
import { div, mul, sub } from '../numpy/math';
import { key, normal } from '../numpy/random';
import { reshape } from '../numpy/shape';
import { asOperator, type OperatorLike } from './linear-operator';

/** Options of {@link lanczos}. */
export interface LanczosOptions {
  /** Krylov steps (matvecs), default 30 (capped at n). */
  steps?: number;
  /** Reorthogonalize each new vector against all previous ones (default false): costs O(n k) memory, keeps Ritz values free of spurious copies. */
  reorthogonalize?: boolean;
  /** Starting vector (default a normal vector from `seed`). */
  v0?: Tensor;
  seed?: number;
  /** The operator size when `op` is a plain function. */
  n?: number;
}

/** The result of {@link lanczos}. */
export interface LanczosResult {
  /** Ritz values, ascending: approximations of eigenvalues, the extreme ones first to converge. */
  ritzValues: number[];
  /** Error bounds |β_k s_k| of each Ritz value (a small bound means converged). */
  ritzResiduals: number[];
  max: number;
  min: number;
  /** max / min when min > 0 (an SPD estimate), else Infinity. */
  conditionNumber: number;
  /** The tridiagonal matrix: diagonal α and off-diagonal β. */
  alphas: number[];
  betas: number[];
  steps: number;
}

const dot = (u: Tensor, v: Tensor) => vdot(u, v).item();

const startVector = (n: number, v0: Tensor | undefined, seed: number) =>
  v0 ? astype(reshape(v0, [-1]), 'float64') : normal(key(seed), [n], 'float64');

/**
 * Extreme eigenvalues of a symmetric operator by k Lanczos steps (k matvecs): the Ritz values of
 * the k x k tridiagonal matrix, with error bounds and a condition-number estimate.
 * @example const { max, min, conditionNumber } = lanczos(hessianOperator(loss, [w]), { steps: 30 })
 */
export function lanczos(opLike: OperatorLike, options: LanczosOptions = {}): LanczosResult {
  const n0 = options.n ?? options.v0?.size;
  if (typeof opLike === 'function' && n0 === undefined)
    throw new Error('lanczos: pass options.n (or v0) when the operator is a plain function');
  const op = asOperator(opLike, n0 ?? 0);
  const n = op.shape[1];
  const steps = Math.min(options.steps ?? 30, n);
  const apply = (v: Tensor) => astype(reshape(op.matvec(astype(v, op.dtype)), [-1]), 'float64');
  let q = startVector(n, options.v0, options.seed ?? 0);
  q = div(q, Math.sqrt(dot(q, q)));
  const basis: Tensor[] = [q];
  const alphas: number[] = [];
  const betas: number[] = [];
  let prev: Tensor | undefined;
  let beta = 0;
  for (let j = 0; j < steps; j++) {
    let w = apply(q);
    const alpha = dot(w, q);
    alphas.push(alpha);
    w = sub(w, mul(q, alpha));
    if (prev) w = sub(w, mul(prev, beta));
    // Full reorthogonalization (twice is enough): in floating point the basis loses orthogonality
    // as Ritz values converge, and converged eigenvalues reappear as spurious copies.
    if (options.reorthogonalize)
      for (let pass = 0; pass < 2; pass++) for (const b of basis) w = sub(w, mul(b, dot(w, b)));
    beta = Math.sqrt(dot(w, w));
    if (j === steps - 1 || beta <= 1e-12 * Math.abs(alpha)) {
      betas.push(beta);
      break;
    }
    betas.push(beta);
    prev = q;
    q = div(w, beta);
    if (options.reorthogonalize) basis.push(q);
  }
  const k = alphas.length;
  const t = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    t[i * k + i] = alphas[i];
    if (i + 1 < k) t[i * k + i + 1] = t[(i + 1) * k + i] = betas[i];
  }
  const [w, s] = eigh(tensorFromHost(t, [k, k], 'float64'));
  const ritzValues = Array.from(w.dataSync());
  const sv = s.dataSync();
  const ritzResiduals = ritzValues.map((_, i) => Math.abs(betas[k - 1] * sv[(k - 1) * k + i]));
  const max = ritzValues[k - 1];
  const min = ritzValues[0];
  return {
    ritzValues,
    ritzResiduals,
    max,
    min,
    conditionNumber: min > 0 ? max / min : Infinity,
    alphas,
    betas: betas.slice(0, k - 1),
    steps: k,
  };
}

/** Options of {@link powerIteration}. */
export interface PowerIterationOptions {
  /** Iteration cap (default 200). */
  maxIter?: number;
  /** Stop when successive eigenvalue estimates differ by less than tol relatively (default 1e-6). */
  tol?: number;
  v0?: Tensor;
  seed?: number;
  /** The operator size when `op` is a plain function. */
  n?: number;
}

/** The result of {@link powerIteration}. */
export interface PowerIterationResult {
  /** The eigenvalue of largest magnitude (Rayleigh quotient), and its unit eigenvector. */
  eigenvalue: number;
  vector: Tensor;
  iterations: number;
  converged: boolean;
  /** The Rayleigh quotient after each iteration. */
  history: number[];
}

/**
 * The eigenvalue of largest magnitude by power iteration (one matvec per step; converges at the
 * rate |λ₂/λ₁|).
 * @example powerIteration(hessianOperator(loss, [w]), { maxIter: 100 }).eigenvalue
 */
export function powerIteration(
  opLike: OperatorLike,
  options: PowerIterationOptions = {},
): PowerIterationResult {
  const { maxIter = 200, tol = 1e-6 } = options;
  const n0 = options.n ?? options.v0?.size;
  if (typeof opLike === 'function' && n0 === undefined)
    throw new Error('powerIteration: pass options.n (or v0) when the operator is a plain function');
  const op = asOperator(opLike, n0 ?? 0);
  const apply = (v: Tensor) => astype(reshape(op.matvec(astype(v, op.dtype)), [-1]), 'float64');
  let v = startVector(op.shape[1], options.v0, options.seed ?? 0);
  v = div(v, Math.sqrt(dot(v, v)));
  const history: number[] = [];
  let converged = false;
  for (let i = 0; i < maxIter; i++) {
    const av = apply(v);
    const lambda = dot(v, av);
    const prev = history[history.length - 1];
    history.push(lambda);
    const norm = Math.sqrt(dot(av, av));
    if (norm === 0) {
      converged = true;
      break;
    }
    v = div(av, norm);
    if (prev !== undefined && Math.abs(lambda - prev) <= tol * Math.abs(lambda)) {
      converged = true;
      break;
    }
  }
  return {
    eigenvalue: history[history.length - 1],
    vector: v,
    iterations: history.length,
    converged,
    history,
  };
}
