/**
 * Hyperbolic and inverse trigonometric functions, more logarithms and exponentials, after
 * jax.numpy. The `Math`-backed ones are primitives (primitives/transcendental.ts); exp2,
 * logaddexp and hypot are stable composites.
 */
import { bind1 } from '../core/trace';
import type { Tensor, TensorLike } from '../core/tensor';
import type { AnyPrimitive } from '../core/primitive';
import * as T from '../primitives/transcendental';
import { promote, toFloat } from './convert';
import { isinf } from './logic';
import {
  abs,
  add,
  equal,
  exp,
  log1p,
  logicalOr,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  sqrt,
  sub,
  where,
  div,
} from './math';

const floatUnary =
  (prim: AnyPrimitive) =>
  (x: TensorLike): Tensor =>
    bind1(prim, [toFloat(x)]);

/** Floats of one dtype from two operands (integers become float32). */
function floatPair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [x, y] = promote(a, b);
  return [toFloat(x), toFloat(y)];
}

/** Hyperbolic sine. @example np.sinh(x) */
export const sinh = floatUnary(T.sinh);
/** Hyperbolic cosine. */
export const cosh = floatUnary(T.cosh);
/** Inverse hyperbolic sine. @example np.arcsinh(x) */
export const arcsinh = floatUnary(T.arcsinh);
/** Inverse hyperbolic cosine (NaN below 1). */
export const arccosh = floatUnary(T.arccosh);
/** Inverse hyperbolic tangent (±inf at ±1, NaN outside [-1, 1]). */
export const arctanh = floatUnary(T.arctanh);
/** Inverse sine, in [-π/2, π/2]. @example np.arcsin(x) */
export const arcsin = floatUnary(T.arcsin);
/** Inverse cosine, in [0, π]. */
export const arccos = floatUnary(T.arccos);
/** Inverse tangent, in (-π/2, π/2). */
export const arctan = floatUnary(T.arctan);
/** Base-2 logarithm (exact at powers of two). @example np.log2(8) */
export const log2 = floatUnary(T.log2);
/** Base-10 logarithm. */
export const log10 = floatUnary(T.log10);
/** Real cube root (negative for negative x). @example np.cbrt(-8) */
export const cbrt = floatUnary(T.cbrt);

/** The angle of the point (x, y) in (-π, π], quadrant-aware. @example np.arctan2(y, x) */
export function arctan2(y: TensorLike, x: TensorLike): Tensor {
  return bind1(T.arctan2, floatPair(y, x));
}

/** 2ˣ, computed as a power so integer exponents are exact. @example np.exp2(x) */
export function exp2(x: TensorLike): Tensor {
  return pow(2, toFloat(x));
}

/**
 * log(eᵃ + eᵇ) without overflow: max(a, b) + log1p(e^{-|a - b|}). Equal infinities give that
 * infinity; at a = b the derivative is 1/2 to each (σ(0)). @example np.logaddexp(a, b)
 */
export function logaddexp(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = floatPair(a, b);
  // a - b is NaN for equal infinities; the difference is 0 there (the answer is the infinity).
  const diff = where(equal(x, y), 0, sub(x, y));
  return add(maximum(x, y), log1p(exp(neg(abs(diff)))));
}

/**
 * √(a² + b²) without overflow or underflow: m √(1 + (n/m)²) with m = max(|a|, |b|), n the other.
 * An infinite operand gives inf (even with NaN, as NumPy); the gradient at (0, 0) is 0.
 * @example np.hypot(3, 4)
 */
export function hypot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = floatPair(a, b);
  const [ax, ay] = [abs(x), abs(y)];
  const big = maximum(ax, ay);
  const small = minimum(ax, ay);
  const zero = equal(big, 0);
  const safeBig = where(zero, 1, big);
  const ratio = div(small, safeBig);
  const finite = where(zero, 0, mul(big, sqrt(add(1, mul(ratio, ratio)))));
  return where(logicalOr(isinf(x), isinf(y)), Infinity, finite);
}
