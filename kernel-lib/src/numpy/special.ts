/**
 * The `special` namespace, after jax.scipy.special: erf, erfc, gammaln, digamma, polygamma (all
 * primitives with rules), and the composites xlogy, xlog1py, logit, expit, logsumexp.
 */
import { bind1 } from '../core/trace';
import type { Tensor, TensorLike } from '../core/tensor';
import * as F from '../primitives/special-functions';
import { promote, toFloat } from './convert';
import { equal, log, log1p, mul, neg, sigmoid, sub, where } from './math';
export { logsumexp } from './reductions';

/** The error function (2/√π)∫₀ˣ e^{-t²} dt. @example special.erf(x) */
export const erf = (x: TensorLike): Tensor => bind1(F.erf, [toFloat(x)]);
/** 1 - erf(x), accurate in the tail where erf(x) rounds to 1. */
export const erfc = (x: TensorLike): Tensor => bind1(F.erfc, [toFloat(x)]);
/** ln|Γ(x)|; its derivative is digamma. @example special.gammaln(np.array([0.5, 10])) */
export const gammaln = (x: TensorLike): Tensor => bind1(F.gammaln, [toFloat(x)]);

/** ψ⁽ⁿ⁾(x), the n-th derivative of digamma; differentiable to any order. @example special.polygamma(1, x) */
export function polygamma(n: number, x: TensorLike): Tensor {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`polygamma: order n must be a non-negative integer, got ${n}`);
  return bind1(F.polygamma, [toFloat(x)], { n });
}

/** ψ(x) = d/dx ln Γ(x). */
export const digamma = (x: TensorLike): Tensor => polygamma(0, x);

/** Floats of one dtype from two operands. */
function floatPair(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [x, y] = promote(a, b);
  return [toFloat(x), toFloat(y)];
}

/**
 * x log(y), defined as 0 where x = 0 (even for y = 0); the double where keeps the gradient finite
 * there. @example special.xlogy(p, p)  // the entropy terms, 0 at p = 0
 */
export function xlogy(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = floatPair(x, y);
  const zero = equal(a, 0);
  return where(zero, 0, mul(a, log(where(zero, 1, b))));
}

/** x log(1 + y), 0 where x = 0. */
export function xlog1py(x: TensorLike, y: TensorLike): Tensor {
  const [a, b] = floatPair(x, y);
  const zero = equal(a, 0);
  return where(zero, 0, mul(a, log1p(where(zero, 0, b))));
}

/** The log-odds log(p / (1 - p)), the inverse of expit; ±inf at 1 and 0. */
export function logit(p: TensorLike): Tensor {
  const t = toFloat(p);
  return sub(log(t), log1p(neg(t)));
}

/** The logistic sigmoid 1 / (1 + e⁻ˣ) (scipy's name). */
export const expit = sigmoid;
