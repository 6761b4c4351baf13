/**
 * Rounding, remainders and floor division after jax.numpy, with NumPy's sign conventions: `mod`
 * takes the sign of the divisor (Python's %), `fmod` the sign of the dividend (C's fmod).
 */
import { isFloat } from '../core/dtype';
import { bind1 } from '../core/trace';
import type { Tensor, TensorLike } from '../core/tensor';
import type { AnyPrimitive } from '../core/primitive';
import * as B from '../primitives/binary';
import * as R from '../primitives/rounding';
import { asTensor, astype, promote, toFloat } from './convert';
import { fullLike } from './creation';
import { add, div, equal, less, logicalAnd, mul, notEqual, pow, sub, where } from './math';

/** Integers are already rounded; bools become float32 first. */
const rounding =
  (prim: AnyPrimitive) =>
  (x: TensorLike): Tensor => {
    const t = asTensor(x);
    return t.dtype === 'int32' ? t : bind1(prim, [toFloat(t)]);
  };

/** Rounds toward +inf; zero derivative. @example np.ceil(x) */
export const ceil = rounding(R.ceil);
/** Rounds toward 0; zero derivative. */
export const trunc = rounding(R.trunc);

/**
 * Rounds to `decimals` places, halves to even (as NumPy: round(2.5) = 2); zero derivative.
 * @example np.round(x, 2)
 */
export function round(x: TensorLike, decimals = 0): Tensor {
  if (!Number.isInteger(decimals))
    throw new TypeError(`round: decimals must be an integer, got ${decimals}`);
  const whole = rounding(R.round);
  if (decimals === 0) return whole(x);
  const t = toFloat(x);
  const scale = pow(10, astype(Math.abs(decimals), t.dtype));
  return decimals > 0 ? div(whole(mul(t, scale)), scale) : mul(whole(div(t, scale)), scale);
}

/**
 * Runs `f` on floats and int32 alike (a remainder of integers is exact in int32, so it needs no
 * float64, which WebGPU lacks); bools compute as int32.
 */
function onNumbers(a: TensorLike, b: TensorLike, f: (x: Tensor, y: Tensor) => Tensor): Tensor {
  const [x, y] = promote(a, b);
  if (x.dtype !== 'bool') return f(x, y);
  return f(astype(x, 'int32'), astype(y, 'int32'));
}

/** C's fmod: a - trunc(a/b) b, with the sign of `a` (exact). @example np.fmod(-7, 3) // -1 */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  return onNumbers(a, b, (x, y) => bind1(R.rem, [x, y]));
}

/**
 * The remainder with the sign of the divisor (NumPy's mod, Python's %): a - floor(a/b) b,
 * computed exactly from fmod. @example np.mod(-7, 3) // 2
 */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  return onNumbers(a, b, (x, y) => {
    const r = bind1(R.rem, [x, y]);
    const wrongSign = logicalAnd(notEqual(r, 0), notEqual(less(r, 0), less(y, 0)));
    return where(wrongSign, add(r, y), r);
  });
}

/** NumPy's name for {@link mod}. */
export const remainder = mod;

/**
 * floor(a / b), consistent with `mod` (a = floorDivide(a, b) b + mod(a, b), as NumPy); integers
 * stay int32 (computed in int32: exact, and no float64, which WebGPU lacks). Zero derivative.
 * Integer edge cases saturate, as the float quotient converted to int32 would: a // 0 is the int32
 * limit of a's sign (0 // 0 = 0; NumPy gives 0) and -2^31 // -1 = 2^31 - 1 (NumPy wraps to -2^31).
 * @example np.floorDivide(7, 2) // 3
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promote(a, b);
  if (isFloat(x.dtype)) {
    // (a - mod(a, b)) / b is an integer up to rounding: round it rather than floor it.
    const q = bind1(R.round, [div(sub(x, mod(x, y)), y)]);
    return where(equal(y, 0), div(x, y), q);
  }
  return intFloorDivide(astype(x, 'int32'), astype(y, 'int32'));
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/** floorDivide of int32: the truncated quotient, one less where the remainder's sign differs from b's. */
function intFloorDivide(x: Tensor, y: Tensor): Tensor {
  const truncated = bind1(B.div, [x, y]); // int32 division truncates toward 0
  const r = bind1(R.rem, [x, y]);
  const down = logicalAnd(notEqual(r, 0), notEqual(less(r, 0), less(y, 0)));
  const q = where(down, sub(truncated, 1), truncated);
  const int = (v: number) => fullLike(x, v, 'int32');
  const byZero = where(less(x, 0), int(INT32_MIN), where(equal(x, 0), int(0), int(INT32_MAX)));
  const overflow = logicalAnd(equal(x, INT32_MIN), equal(y, -1));
  return where(equal(y, 0), byZero, where(overflow, int(INT32_MAX), q));
}
