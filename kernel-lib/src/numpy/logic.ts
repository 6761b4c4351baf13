/** Truth tests and value clean-up after jax.numpy: any, all, isinf, isclose, allclose, nanToNum. */
import { isFloat, type DType } from '../core/dtype';
import { fmt } from '../core/shape';
import type { Axis, Tensor, TensorLike } from '../core/tensor';
import { asTensor, astype, promote } from './convert';
import { fullLike } from './creation';
import {
  abs,
  add,
  equal,
  greater,
  isfinite,
  isnan,
  lessEqual,
  logicalAnd,
  logicalNot,
  logicalOr,
  mul,
  sub,
  where,
} from './math';
import { sum, type ReduceOptions } from './reductions';

/** True where any element along `axis` is non-zero (all axes when undefined). @example np.any(mask) */
export function any(x: TensorLike, axis?: Axis, options?: ReduceOptions): Tensor {
  return greater(sum(astype(x, 'bool'), axis, options), 0);
}

/** True where every element along `axis` is non-zero; true for an empty axis. @example np.all(ok) */
export function all(x: TensorLike, axis?: Axis, options?: ReduceOptions): Tensor {
  return logicalNot(any(logicalNot(astype(x, 'bool')), axis, options));
}

/** True where x is +inf or -inf. @example np.isinf(np.array([1, Infinity])) */
export function isinf(x: TensorLike): Tensor {
  const t = asTensor(x);
  if (!isFloat(t.dtype)) return astype(fullLike(t, 0), 'bool');
  return logicalAnd(logicalNot(isfinite(t)), logicalNot(isnan(t)));
}

/** Tolerances of `isclose`/`allclose` (NumPy's defaults). */
export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** NaN equals NaN (default false). */
  equalNan?: boolean;
}

/**
 * |a - b| <= atol + rtol |b| elementwise (NumPy's asymmetric rule), with equal infinities close.
 * @example np.isclose(x, 1, { atol: 1e-6 })
 */
export function isclose(a: TensorLike, b: TensorLike, options: CloseOptions = {}): Tensor {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  if (!(rtol >= 0) || !(atol >= 0)) {
    throw new RangeError(`isclose: rtol and atol must be >= 0, got rtol ${rtol}, atol ${atol}`);
  }
  const [x, y] = promote(a, b);
  const [fx, fy] = isFloat(x.dtype) ? [x, y] : [astype(x, 'float64'), astype(y, 'float64')];
  const near = lessEqual(abs(sub(fx, fy)), add(atol, mul(rtol, abs(fy))));
  const close = logicalOr(equal(fx, fy), logicalAnd(near, logicalAnd(isfinite(fx), isfinite(fy))));
  return equalNan ? logicalOr(close, logicalAnd(isnan(fx), isnan(fy))) : close;
}

/**
 * Whether every element is close (see {@link isclose}). Returns a JS boolean, as NumPy does, so
 * `if (np.allclose(a, b))` tests the values (a tensor would always be truthy).
 * @example np.allclose(np.add(0.1, 0.2), 0.3)
 */
export function allclose(a: TensorLike, b: TensorLike, options: CloseOptions = {}): boolean {
  return all(isclose(a, b, options)).item() !== 0;
}

/** Largest finite value of a float dtype. */
const maxFinite = (dtype: DType) =>
  dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;

/**
 * Replaces NaN with `nan` (0), +inf with `posinf` and -inf with `neginf` (default: the dtype's
 * largest finite values). Integers pass through. @example np.nanToNum(x, { nan: 0 })
 */
export function nanToNum(
  x: TensorLike,
  options: { nan?: number; posinf?: number; neginf?: number } = {},
): Tensor {
  const t = asTensor(x);
  if (!isFloat(t.dtype)) return t;
  const big = maxFinite(t.dtype);
  const { nan = 0, posinf = big, neginf = -big } = options;
  for (const [k, v] of Object.entries({ nan, posinf, neginf })) {
    if (typeof v !== 'number')
      throw new TypeError(`nanToNum: ${k} must be a number, got ${typeof v} for ${fmt(t.shape)}`);
  }
  // Two JS numbers alone would make a float32 scalar: give them t's dtype first.
  const [hi, lo] = [asTensor(posinf, t.dtype), asTensor(neginf, t.dtype)];
  return where(isnan(t), nan, where(isinf(t), where(greater(t, 0), hi, lo), t));
}
