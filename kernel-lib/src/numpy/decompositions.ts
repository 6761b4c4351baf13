/**
 * More of jax.numpy.linalg, built on the svd and eigh primitives: svd, eigvalsh, pinv, lstsq,
 * cond, matrixPower. Every one is differentiable through its primitives' rules.
 */
import { bind } from '../core/trace';
import { fmt } from '../core/shape';
import type { Tensor, TensorLike } from '../core/tensor';
import * as D from '../primitives/decompositions';
import { astype, toFloat } from './convert';
import { eye, zeros } from './creation';
import { div, greater, mul, square, sub, where } from './math';
import { eigh, inv, matmul } from './linalg';
import { max, min, sum } from './reductions';
import { broadcastTo, expandDims, matrixTranspose, squeeze } from './shape';

function matrices(op: string, a: TensorLike): Tensor {
  const t = toFloat(a);
  if (t.ndim < 2)
    throw new Error(`${op}: expected matrices in the last two axes, got ${fmt(t.shape)}`);
  return t;
}

/**
 * The thin singular value decomposition A = U diag(s) Vᵀ of the last two axes: U [..., m, k],
 * s [..., k] descending, Vᵀ [..., k, n] with k = min(m, n) (JAX's full_matrices=False; the full
 * square U and V are not offered). With `computeUv: false`, only s.
 * @example const [U, s, Vt] = np.linalg.svd(A)
 */
export function svd(a: TensorLike, options: { computeUv: false; fullMatrices?: boolean }): Tensor;
export function svd(
  a: TensorLike,
  options?: { computeUv?: true; fullMatrices?: boolean },
): [Tensor, Tensor, Tensor];
export function svd(
  a: TensorLike,
  options: { computeUv?: boolean; fullMatrices?: boolean } = {},
): [Tensor, Tensor, Tensor] | Tensor {
  const t = matrices('svd', a);
  if (options.fullMatrices) {
    throw new Error(
      `svd: only the thin decomposition is available (fullMatrices: false), for ${fmt(t.shape)}`,
    );
  }
  const [u, s, vt] = bind(D.svd, [t]);
  return options.computeUv === false ? s : [u, s, vt];
}

/**
 * The thin QR decomposition A = Q R of the last two axes: Q [..., m, k] with orthonormal columns,
 * R [..., k, n] upper triangular with a non-negative diagonal (k = min(m, n); JAX's 'reduced'
 * mode). Differentiable for m >= n. @example const [Q, R] = np.linalg.qr(A)
 */
export function qr(a: TensorLike): [Tensor, Tensor] {
  const [q, r] = bind(D.qr, [matrices('qr', a)]);
  return [q, r];
}

/** Eigenvalues (ascending) of the symmetric part of A; derivatives stay finite at ties. */
export function eigvalsh(a: TensorLike): Tensor {
  return eigh(a)[0];
}

/** Default cutoff of pinv/lstsq: singular values below rcond · s_max count as zero (NumPy/JAX). */
const defaultRcond = (t: Tensor) =>
  10 * Math.max(...t.shape.slice(-2)) * (t.dtype === 'float32' ? 2 ** -23 : 2 ** -52);

/**
 * The Moore-Penrose pseudo-inverse V diag(1/s) Uᵀ, with singular values below rcond · s_max
 * treated as zero. @example np.linalg.pinv(A)
 */
export function pinv(a: TensorLike, rcond?: number): Tensor {
  const t = matrices('pinv', a);
  const [u, s, vt] = svd(t);
  const cutoff = mul(max(s, -1, { keepdims: true }), rcond ?? defaultRcond(t));
  const keep = greater(s, cutoff);
  const inverse = where(keep, div(1, where(keep, s, 1)), 0);
  return matmul(mul(matrixTranspose(vt), expandDims(inverse, -2)), matrixTranspose(u));
}

/**
 * Least squares: the x minimizing |A x - b| (the minimum-norm one when A is rank deficient), as
 * [x, residuals (sums of squares, empty unless A is tall and full rank), rank, s].
 * @example const [x] = np.linalg.lstsq(A, b)
 */
export function lstsq(
  a: TensorLike,
  b: TensorLike,
  rcond?: number,
): [Tensor, Tensor, number, Tensor] {
  const t = matrices('lstsq', a);
  if (t.ndim !== 2) throw new Error(`lstsq: expected one matrix, got ${fmt(t.shape)}`);
  const given = toFloat(b);
  let rhs = astype(given, t.dtype);
  const vector = rhs.ndim === 1;
  if (vector) rhs = expandDims(rhs, 1);
  const [m, n] = t.shape;
  if (rhs.ndim !== 2 || rhs.shape[0] !== m) {
    throw new Error(
      `lstsq: b ${fmt(given.shape)} does not match A ${fmt(t.shape)} (needs ${m} rows)`,
    );
  }
  const s = svd(t, { computeUv: false });
  const cut = (s.size ? Math.max(...s.dataSync()) : 0) * (rcond ?? defaultRcond(t));
  const rank = Array.from(s.dataSync()).filter((v) => v > cut).length;
  const x = matmul(pinv(t, rcond), rhs);
  // NumPy's convention: residuals only for a tall, full-rank A; otherwise an empty array.
  const residuals =
    rank === n && m > n ? sum(square(sub(matmul(t, x), rhs)), 0) : zeros([0], t.dtype);
  return vector
    ? [squeeze(x, 1), residuals.size ? squeeze(residuals, 0) : residuals, rank, s]
    : [x, residuals, rank, s];
}

/** The 2-norm condition number s_max / s_min (inf for a singular matrix). @example np.linalg.cond(A) */
export function cond(a: TensorLike): Tensor {
  const s = svd(a, { computeUv: false });
  return div(max(s, -1), min(s, -1));
}

/**
 * A raised to an integer power n by repeated squaring (n < 0 inverts first, n = 0 gives I).
 * @example np.linalg.matrixPower(A, 3)
 */
export function matrixPower(a: TensorLike, n: number): Tensor {
  let t = matrices('matrixPower', a);
  const k = t.shape[t.ndim - 1];
  if (t.shape[t.ndim - 2] !== k) {
    throw new Error(
      `matrixPower: expected square matrices in the last two axes, got ${fmt(t.shape)}`,
    );
  }
  if (!Number.isInteger(n))
    throw new TypeError(`matrixPower: the exponent must be an integer, got ${n}`);
  if (n < 0) [t, n] = [inv(t), -n];
  let result: Tensor | undefined;
  let square = t;
  while (n > 0) {
    if (n & 1) result = result === undefined ? square : matmul(result, square);
    n >>= 1;
    if (n > 0) square = matmul(square, square);
  }
  return result ?? broadcastTo(eye(k, t.dtype), t.shape);
}
