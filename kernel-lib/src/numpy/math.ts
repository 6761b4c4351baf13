/**
 * Elementwise math after jax.numpy: primitives with promotion and broadcasting in front, plus
 * composites (square, relu, softplus, clip, ...) that carry no rules of their own.
 */
import { isFloat } from '../core/dtype';
import { fmt } from '../core/shape';
import { bind1 } from '../core/trace';
import type { Tensor, TensorLike } from '../core/tensor';
import type { AnyPrimitive } from '../core/primitive';
import * as B from '../primitives/binary';
import * as S from '../primitives/special';
import * as U from '../primitives/unary';
import { asTensor, astype, promote, toFloat } from './convert';

const unary =
  (prim: AnyPrimitive) =>
  (x: TensorLike): Tensor =>
    bind1(prim, [toFloat(x)]);
const binary =
  (prim: AnyPrimitive) =>
  (a: TensorLike, b: TensorLike): Tensor =>
    bind1(prim, promote(a, b));

/**
 * Bool operands of arithmetic, as JAX: add is logical or and mul logical and (a bool tensor never
 * stores 2), sub and neg are rejected; other dtypes go to `prim`.
 */
const boolAware =
  (prim: AnyPrimitive, name: string, onBool?: AnyPrimitive) =>
  (a: TensorLike, b: TensorLike): Tensor => {
    const xs = promote(a, b);
    if (xs[0].dtype !== 'bool') return bind1(prim, xs);
    if (onBool) return bind1(onBool, xs);
    throw new TypeError(
      `${name}: not defined for bool tensors ${fmt(xs[0].shape)} and ${fmt(xs[1].shape)} (as JAX); use logicalXor, or astype('int32') first`,
    );
  };

/** Elementwise a + b (logical or for two bool tensors, as JAX). @example np.add(x, 1) */
export const add = boolAware(B.add, 'add', B.logicalOr);
/** Elementwise a - b (bool tensors are rejected, as JAX). */
export const sub = boolAware(B.sub, 'sub');
/** Elementwise a * b (logical and for two bool tensors, as JAX). */
export const mul = boolAware(B.mul, 'mul', B.logicalAnd);
/**
 * Elementwise a ** b. Integer bases with an integer exponent stay int32 (as JAX; a negative
 * exponent then truncates), otherwise the result is float. @example np.pow(x, 2)
 */
export const pow = (a: TensorLike, b: TensorLike): Tensor => {
  const [x, y] = promote(a, b);
  if (x.dtype === 'int32' || x.dtype === 'bool') {
    const base = astype(x, 'int32');
    return astype(bind1(B.pow, [astype(base, 'float64'), astype(y, 'float64')]), 'int32');
  }
  return bind1(B.pow, [x, y]);
};
/** Elementwise maximum (NaN propagates; ties split the derivative in half). */
export const maximum = binary(B.maximum);
/** Elementwise minimum. */
export const minimum = binary(B.minimum);

/** True division: integers divide as floats, like NumPy. */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promote(a, b);
  return isFloat(x.dtype)
    ? bind1(B.div, [x, y])
    : bind1(B.div, [astype(x, 'float32'), astype(y, 'float32')]);
}

/** Elementwise -x (bool tensors are rejected, as JAX). */
export const neg = (x: TensorLike): Tensor => {
  const t = asTensor(x);
  if (t.dtype === 'bool')
    throw new TypeError(
      `neg: not defined for a bool tensor ${fmt(t.shape)} (as JAX); use logicalNot`,
    );
  return bind1(U.neg, [t]);
};
/** Elementwise e^x. */
export const exp = unary(U.exp);
/** Natural logarithm. */
export const log = unary(U.log);
/** log(1 + x), accurate for small x. */
export const log1p = unary(U.log1p);
/** e^x - 1, accurate for small x. */
export const expm1 = unary(U.expm1);
/** Elementwise sine (radians). @example np.sin(np.linspace(0, Math.PI, 5)) */
export const sin = unary(U.sin);
/** Elementwise cosine (radians). */
export const cos = unary(U.cos);
/** Elementwise tangent (radians). */
export const tan = unary(U.tan);
/** Elementwise hyperbolic tangent. @example np.tanh(x) */
export const tanh = unary(U.tanh);
/** Square root; its derivative at 0 is +inf. */
export const sqrt = unary(U.sqrt);
/** The logistic sigmoid 1 / (1 + e^-x), computed without overflow. */
export const sigmoid = unary(U.logistic);
/** |x|; its derivative at 0 is 0. */
export const abs = (x: TensorLike): Tensor => bind1(U.abs, [asTensor(x)]);
/** sign(x) in {-1, 0, 1}; zero derivative. */
export const sign = (x: TensorLike): Tensor => bind1(U.sign, [asTensor(x)]);
/** Rounds down; zero derivative. Integers are returned as they are (int32 stays int32, as JAX). */
export const floor = (x: TensorLike): Tensor => {
  const t = asTensor(x);
  return isFloat(t.dtype) ? bind1(U.floor, [t]) : t;
};
/** True where x is finite. */
export const isfinite = (x: TensorLike): Tensor => bind1(U.isFinite, [asTensor(x)]);
/** True where x is NaN. */
export const isnan = (x: TensorLike): Tensor => bind1(U.isNaN, [asTensor(x)]);

/** x * x (bool becomes int32 first, as JAX). */
export const square = (x: TensorLike): Tensor => {
  const t = asTensor(x);
  const v = t.dtype === 'bool' ? astype(t, 'int32') : t;
  return mul(v, v);
};
/** 1 / x. */
export const reciprocal = (x: TensorLike): Tensor => div(1, toFloat(x));
/** max(x, 0); NaN propagates; its derivative at 0 is 0 (convention, as JAX and PyTorch). */
export const relu = (x: TensorLike): Tensor => {
  const t = toFloat(x);
  // NaN <= 0 is false, so a NaN takes the `t` branch and survives (debugNans can find it).
  return where(lessEqual(t, 0), 0, t);
};
/**
 * log(1 + e^x), stable and smooth: x + log1p(e^-x) for x > 0, log1p(e^x) otherwise. Each branch
 * only sees inputs of its own sign (the double-where pattern), so neither exp overflows and the
 * derivatives are σ(x) and σ(x)(1 - σ(x)) everywhere, 0 included. @example nn.softplus(x)
 */
export const softplus = (x: TensorLike): Tensor => {
  const t = toFloat(x);
  const positive = greater(t, 0);
  const xPos = where(positive, t, 0);
  const xNeg = where(positive, 0, t);
  return where(positive, add(xPos, log1p(exp(neg(xPos)))), log1p(exp(xNeg)));
};
/**
 * min(max(x, lo), hi), as JAX (so with lo > hi every entry is hi; NaN stays NaN). At the bounds
 * the derivative with respect to x is 1 (the closed interval counts as inside; convention, as
 * PyTorch's clamp). @example np.clip(x, 0, 1)
 */
export function clip(x: TensorLike, lo: TensorLike, hi: TensorLike): Tensor {
  const t = asTensor(x);
  const atLeastLo = where(less(t, lo), lo, t);
  return where(greater(atLeastLo, hi), hi, atLeastLo);
}

/**
 * Chooses from `a` where `cond` is true, else from `b`. Beware non-finite derivatives in the branch
 * that is not taken: use the double-where pattern (see kernel-lib/README.md).
 * @example np.where(np.greater(x, 0), x, 0)
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = asTensor(cond);
  if (c.dtype !== 'bool')
    throw new TypeError(`where: condition must be bool, got ${c.dtype} [${c.shape}]`);
  const [x, y] = promote(a, b);
  return bind1(S.where, [c, x, y]);
}

/** The identity in the forward pass, with zero derivative. @example stopGradient(x) */
export const stopGradient = (x: TensorLike): Tensor => bind1(S.stopGradient, [asTensor(x)]);

const compare =
  (prim: AnyPrimitive) =>
  (a: TensorLike, b: TensorLike): Tensor =>
    bind1(prim, promote(a, b));
/** Elementwise a < b, a bool tensor. @example np.less(x, 0) */
export const less = compare(B.less);
/** Elementwise a <= b. */
export const lessEqual = compare(B.lessEqual);
/** Elementwise a > b. @example np.where(np.greater(x, 0), x, 0) */
export const greater = compare(B.greater);
/** Elementwise a >= b. */
export const greaterEqual = compare(B.greaterEqual);
/** Elementwise a == b. */
export const equal = compare(B.equal);
/** Elementwise a != b. */
export const notEqual = compare(B.notEqual);

const logical =
  (prim: AnyPrimitive) =>
  (a: TensorLike, b: TensorLike): Tensor =>
    bind1(prim, [astype(a, 'bool'), astype(b, 'bool')]);
/** Elementwise logical and (inputs are converted to bool). */
export const logicalAnd = logical(B.logicalAnd);
/** Elementwise logical or. */
export const logicalOr = logical(B.logicalOr);
/** Elementwise logical exclusive or. */
export const logicalXor = logical(B.logicalXor);
/** Logical not. */
export const logicalNot = (x: TensorLike): Tensor => bind1(U.logicalNot, [astype(x, 'bool')]);
