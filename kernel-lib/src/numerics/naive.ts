/**
 * The textbook formulas, written the way they first appear on paper: they overflow, underflow or
 * cancel where the stable versions in `np`/`nn` do not. Exported only as `numerics.naive.*` so
 * nobody takes them by accident; `numerics.stable.*` holds the stable ones under the same names.
 */
import type { Axis, Tensor, TensorLike } from '../core/tensor';
import { asTensor, astype } from '../numpy/convert';
import { add, div, exp, log, mul, neg, square, sub } from '../numpy/math';
import { mean, sum } from '../numpy/reductions';

/** log(Σ exp x): exp overflows for x ≳ 88.7 (float32) or 709.8 (float64). @example numerics.naive.logsumexp(np.array([1000, 1000])) // inf */
export function logsumexp(x: TensorLike, axis?: Axis): Tensor {
  return log(sum(exp(x), axis));
}

/** exp(x) / Σ exp(x) without subtracting the max: inf / inf = NaN for large logits. @example numerics.naive.softmax(np.array([1000, 0])) */
export function softmax(x: TensorLike, axis: Axis = -1): Tensor {
  const e = exp(x);
  return div(e, sum(e, axis, { keepdims: true }));
}

/** log(softmax(x)): log of a probability that rounded to 0 is -inf. @example numerics.naive.logSoftmax(np.array([0, -200])) */
export function logSoftmax(x: TensorLike, axis: Axis = -1): Tensor {
  return log(softmax(x, axis));
}

/** Cross-entropy as -mean(Σ labels · log softmax(z)), unfused: NaN or inf where the fused form is exact. @example numerics.naive.softmaxCrossEntropy(logits, nn.oneHot(y, 10)) */
export function softmaxCrossEntropy(logits: TensorLike, labels: TensorLike): Tensor {
  const z = asTensor(logits);
  return neg(mean(sum(mul(astype(labels, z.dtype), log(softmax(z, -1))), -1)));
}

/** 1 / (1 + exp(-x)): exp(-x) overflows for very negative x (the value survives, the gradient is NaN). @example numerics.naive.sigmoid(np.array(-1000)) */
export function sigmoid(x: TensorLike): Tensor {
  return div(1, add(1, exp(neg(x))));
}

/** log(1 + exp(x)): inf for large x, and 0 once exp(x) < ε/2 (the tail is lost). @example numerics.naive.softplus(np.array(1000)) // inf */
export function softplus(x: TensorLike): Tensor {
  return log(add(1, exp(x)));
}

/** log(1 + x): 1 + x rounds away the digits of a tiny x. @example numerics.naive.log1p(np.array(1e-10, 'float64')) */
export function log1p(x: TensorLike): Tensor {
  return log(add(1, x));
}

/** exp(x) - 1: cancels for tiny x. @example numerics.naive.expm1(np.array(1e-10, 'float64')) */
export function expm1(x: TensorLike): Tensor {
  return sub(exp(x), 1);
}

/** E[x²] - E[x]²: catastrophic cancellation when the mean is large against the spread. @example numerics.naive.variance(np.add(1e8, noise)) */
export function variance(x: TensorLike, axis?: Axis): Tensor {
  return sub(mean(square(x), axis), square(mean(x, axis)));
}
