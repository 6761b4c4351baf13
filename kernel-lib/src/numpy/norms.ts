/**
 * jax.numpy.linalg.vector_norm and matrix_norm: every `ord` NumPy accepts. The spectral and
 * nuclear norms go through the svd primitive, so all of them are differentiable.
 */
import { normalizeAxes } from '../core/shape';
import { fmt } from '../core/shape';
import type { Axis, Tensor, TensorLike } from '../core/tensor';
import { astype, toFloat } from './convert';
import { abs, mul, notEqual, pow, sqrt } from './math';
import { max, min, sum, type ReduceOptions } from './reductions';
import { reshape, transpose } from './shape';
import { svd } from './decompositions';

/**
 * The vector p-norm over `axis` (all axes by default): ord 2 (default), 1, Infinity (max |x|),
 * -Infinity (min |x|), 0 (the count of non-zeros), or any other p as (Σ|x|^p)^(1/p).
 * @example np.linalg.vectorNorm(x, 1)
 */
export function vectorNorm(
  x: TensorLike,
  ord = 2,
  axis?: Axis,
  options: ReduceOptions = {},
): Tensor {
  const t = toFloat(x);
  normalizeAxes('vectorNorm', axis, t.ndim);
  if (typeof ord !== 'number' || Number.isNaN(ord)) {
    throw new TypeError(`vectorNorm: ord must be a number, got ${String(ord)} for ${fmt(t.shape)}`);
  }
  if (ord === 2) return sqrt(sum(mul(t, t), axis, options));
  if (ord === 1) return sum(abs(t), axis, options);
  if (ord === Infinity) return max(abs(t), axis, options);
  if (ord === -Infinity) return min(abs(t), axis, options);
  if (ord === 0) return astype(sum(notEqual(t, 0), axis, options), t.dtype);
  return pow(sum(pow(abs(t), ord), axis, options), 1 / ord);
}

/** The orders matrixNorm accepts. */
export type MatrixOrd = 'fro' | 'nuc' | 1 | -1 | 2 | -2 | number;

/**
 * A matrix norm of the last two axes: 'fro' (default), 'nuc' (sum of singular values), 2 / -2
 * (largest / smallest singular value), 1 / -1 (max / min column sum of |A|), Infinity / -Infinity
 * (max / min row sum). @example np.linalg.matrixNorm(A, 2)
 */
export function matrixNorm(
  x: TensorLike,
  ord: MatrixOrd = 'fro',
  options: ReduceOptions = {},
): Tensor {
  const t = toFloat(x);
  if (t.ndim < 2)
    throw new Error(`matrixNorm: expected matrices in the last two axes, got ${fmt(t.shape)}`);
  const keep = (v: Tensor) => (options.keepdims ? reshape(v, [...v.shape, 1, 1]) : v);
  switch (ord) {
    case 'fro':
      return keep(sqrt(sum(mul(t, t), [-2, -1])));
    case 'nuc':
      return keep(sum(svd(t, { computeUv: false }), -1));
    case 2:
      return keep(max(svd(t, { computeUv: false }), -1));
    case -2:
      return keep(min(svd(t, { computeUv: false }), -1));
    case 1:
      return keep(max(sum(abs(t), -2), -1));
    case -1:
      return keep(min(sum(abs(t), -2), -1));
    case Infinity:
      return keep(max(sum(abs(t), -1), -1));
    case -Infinity:
      return keep(min(sum(abs(t), -1), -1));
    default:
      throw new RangeError(
        `matrixNorm: unsupported ord ${String(ord)} for ${fmt(t.shape)}; use 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity`,
      );
  }
}

/**
 * The norm of a vector or matrix, as jax.numpy.linalg.norm: with no `ord` and no `axis` the
 * 2-norm of the flattened tensor (Frobenius for a matrix); otherwise a vector norm (1-D input or
 * one `axis`, see {@link vectorNorm}) or a matrix norm (2-D input or a pair of axes, see
 * {@link matrixNorm}: `norm(A, 2)` is the spectral norm, not the Frobenius one).
 * @example np.linalg.norm(x); np.linalg.norm(A, 2)
 */
export function norm(
  x: TensorLike,
  ord?: MatrixOrd,
  axis?: Axis,
  options: ReduceOptions = {},
): Tensor {
  const t = toFloat(x);
  if (ord === undefined && axis === undefined) return vectorNorm(t, 2, undefined, options);
  const axes = normalizeAxes('norm', axis, t.ndim);
  if (axes.length === 1 && typeof ord !== 'string') return vectorNorm(t, ord ?? 2, axes, options);
  if (axes.length !== 2)
    throw new RangeError(
      `norm: ord ${JSON.stringify(ord)} needs one axis (a vector) or two (a matrix), got axes ${fmt(axes)} of ${fmt(t.shape)}`,
    );
  // Bring the two matrix axes to the end, in the order given (rows, columns).
  const pair = (typeof axis === 'number' || axis === undefined ? axes : [...axis]).map((a) =>
    a < 0 ? a + t.ndim : a,
  );
  const rest = t.shape.map((_, i) => i).filter((i) => !pair.includes(i));
  const value = matrixNorm(transpose(t, [...rest, ...pair]), ord ?? 'fro');
  return options.keepdims
    ? reshape(
        value,
        t.shape.map((d, i) => (pair.includes(i) ? 1 : d)),
      )
    : value;
}
