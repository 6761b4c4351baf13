/**
 * The effective step matrix a_k P_k of an iteration, summarised cheaply so a run can record it:
 * the eigenvalue range of its symmetric part (how long a step a unit gradient buys along the
 * stiffest and the flattest direction) and, for 2-D problems, the matrix itself. Matrix-free: P_k
 * is only ever applied to vectors (or, batched, to the identity), never formed from a Hessian.
 */
import type { Tensor } from '../core/tensor';
import * as np from '../numpy/ops';
import { lanczos } from '../numerics/lanczos';
import type { Preconditioner, StepMatrixSummary } from './template';

/** Up to this size the range is exact: P_k applied to every basis vector. */
export const DENSE_STEP_MATRIX_MAX_DIM = 64;
/**
 * A method without a batched `dense` form (Newton-CG, momentum, a custom transformation) gets its
 * matrix one basis vector at a time only up to this size; beyond, a few Lanczos steps.
 */
const PER_VECTOR_MAX_DIM = 8;
/** Lanczos steps for large n: the extreme Ritz values settle first, so a few suffice for a range. */
const LANCZOS_STEPS = 6;

/**
 * Applications of P_k that summaries may cost per iteration, on average over the run so far: a
 * sampled iteration is skipped when it would exceed this (beyond a small allowance), so the overhead
 * stays a fraction of the run whatever n and the method (the last iteration is always summarised).
 */
export const STEP_MATRIX_BUDGET = 0.5;
/** Applications of P_k the first summaries may take regardless (short runs get a full record). */
export const STEP_MATRIX_ALLOWANCE = 10;

/**
 * The iterations at which a run records a_k P_k: at most `samples` of 1..maxIter, log-spaced (every
 * early iteration, where methods change most, then ever sparser), maxIter included.
 * @example stepMatrixIterations(1000, 100).has(1) // true
 */
export function stepMatrixIterations(maxIter: number, samples: number): Set<number> {
  const out = new Set<number>();
  if (samples <= 0 || maxIter <= 0) return out;
  if (maxIter <= samples) {
    for (let k = 1; k <= maxIter; k++) out.add(k);
    return out;
  }
  // Fill the early iterations one by one until the log spacing from there on is wider than 1.
  const logMax = Math.log(maxIter);
  let k = 1;
  for (let left = samples; left > 1; left--) {
    out.add(k);
    const ratio = Math.exp((logMax - Math.log(k)) / Math.max(left - 1, 1));
    k = Math.min(maxIter, Math.max(k + 1, Math.round(k * ratio)));
  }
  out.add(maxIter);
  return out;
}

/** The n x n matrix of P_k as host rows (float64), from its batched form or one column per vector. */
function denseRows(P: Preconditioner<Tensor>, x: Tensor): Float64Array[] {
  const n = x.size;
  let m: Float64Array;
  if (P.dense) m = Float64Array.from(np.astype(P.dense(), 'float64').dataSync());
  else {
    // Column j is P e_j - P 0: the linear part (momentum's P is affine in the gradient).
    const zero = np.zerosLike(x);
    const p0 = P.kind === 'momentum' ? P.apply(zero).dataSync() : undefined;
    m = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      const e = new Array<number>(n).fill(0);
      e[j] = 1;
      const col = P.apply(np.array(e, x.dtype).reshape(x.shape)).dataSync();
      for (let i = 0; i < n; i++) m[i * n + j] = col[i] - (p0 ? p0[i] : 0);
    }
  }
  return Array.from({ length: n }, (_, i) => m.subarray(i * n, (i + 1) * n));
}

/** Eigenvalue range of the symmetric part (M + Mᵀ) / 2 of a small host matrix. */
function symmetricRange(rows: Float64Array[]): [number, number] {
  const n = rows.length;
  if (n === 1) return [rows[0][0], rows[0][0]];
  if (n === 2) {
    // λ = mean ± sqrt(((a - d) / 2)² + b²) for the symmetric [[a, b], [b, d]]
    const [a, d, b] = [rows[0][0], rows[1][1], (rows[0][1] + rows[1][0]) / 2];
    const r = Math.hypot((a - d) / 2, b);
    return [(a + d) / 2 - r, (a + d) / 2 + r];
  }
  const sym = rows.map((r, i) => Array.from(r, (v, j) => (v + rows[j][i]) / 2));
  const ev = Array.from(np.eigh(np.array(sym, 'float64'))[0].dataSync());
  return [Math.min(...ev), Math.max(...ev)];
}

const as2x2 = (rows: Float64Array[], a: number): StepMatrixSummary['matrix'] => [
  a * rows[0][0],
  a * rows[0][1],
  a * rows[1][0],
  a * rows[1][1],
];

/** Orders a range of a·λ so that min <= max whatever the sign of a. */
function scaled(a: number, lo: number, hi: number): [number, number] {
  return a >= 0 ? [a * lo, a * hi] : [a * hi, a * lo];
}

/** How a_k P_k is summarised at size n: read off, one batched pass, per vector, or Lanczos. */
function strategy(P: Preconditioner<Tensor>, n: number) {
  if (P.kind === 'identity' || P.diagonal) return 'read' as const;
  if (P.dense && n <= DENSE_STEP_MATRIX_MAX_DIM) return 'batched' as const;
  if (n <= PER_VECTOR_MAX_DIM) return 'perVector' as const;
  return P.hvp ? ('hessianLanczos' as const) : ('lanczos' as const);
}

/**
 * What summarising a_k P_k costs, in applications of P_k (each about what the method pays for its
 * own direction): 0 when read off, 1 for a batched pass, n per vector, the Lanczos steps; for
 * Newton-CG, Lanczos on the Hessian costs a few HVPs, about one CG solve (counted 1).
 */
export function stepMatrixCost(P: Preconditioner<Tensor> | undefined, n: number): number {
  if (!P) return 0;
  const how = strategy(P, n);
  return how === 'read'
    ? 0
    : how === 'batched' || how === 'hessianLanczos'
      ? 1
      : how === 'perVector'
        ? n
        : LANCZOS_STEPS;
}

/**
 * Summarises a_k P_k at the iterate x (whose size and dtype P_k acts on): exact for identity and
 * diagonal P_k at any size and for n <= 64 otherwise (Newton-CG and momentum: n <= 8), else the
 * Ritz range of a few Lanczos steps (on H_k for Newton-CG). Undefined without a P_k or a finite a_k.
 * @example summarizeStepMatrix(result.preconditioner, result.history.at(-1).stepSize, result.xFlat)
 */
export function summarizeStepMatrix(
  P: Preconditioner<Tensor> | undefined,
  a: number,
  x: Tensor,
): StepMatrixSummary | undefined {
  if (!P || !Number.isFinite(a)) return undefined;
  const n = x.size;
  if (P.kind === 'identity') {
    return { min: a, max: a, estimate: 'exact', ...(n === 2 ? { matrix: [a, 0, 0, a] } : {}) };
  }
  if (P.diagonal) {
    const d = Array.from(P.diagonal.dataSync(), Number);
    const [min, max] = scaled(a, Math.min(...d), Math.max(...d));
    const matrix: StepMatrixSummary['matrix'] = [a * d[0], 0, 0, a * d[1]];
    return { min, max, estimate: 'exact', ...(n === 2 ? { matrix } : {}) };
  }
  const how = strategy(P, n);
  if (how === 'batched' || how === 'perVector') {
    const rows = denseRows(P, x);
    const [min, max] = scaled(a, ...symmetricRange(rows));
    return { min, max, estimate: 'exact', ...(n === 2 ? { matrix: as2x2(rows, a) } : {}) };
  }
  if (how === 'hessianLanczos') {
    // Newton-CG's P_k approximates H_k⁻¹: Ritz values θ of H_k lie inside its spectrum, so 1/θ
    // lie inside that of H_k⁻¹ (an inner estimate); none when H_k is not positive definite.
    const l = lanczos((v) => P.hvp!(np.astype(v, x.dtype)), { n, steps: LANCZOS_STEPS, seed: 0 });
    if (!(l.min > 0)) return undefined;
    const [min, max] = scaled(a, 1 / l.max, 1 / l.min);
    return { min, max, estimate: 'lanczos' };
  }
  const zero = P.kind === 'momentum' ? P.apply(np.zerosLike(x)) : undefined;
  const op = (v: Tensor) => {
    const pv = P.apply(np.astype(v, x.dtype).reshape(x.shape)).reshape([-1]);
    return zero ? np.sub(pv, zero.reshape([-1])) : pv;
  };
  const l = lanczos(op, { n, steps: LANCZOS_STEPS, seed: 0 });
  const [min, max] = scaled(a, l.min, l.max);
  return { min, max, estimate: 'lanczos' };
}
