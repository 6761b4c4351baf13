/** Neural-network functions after jax.nn. */
import { normalizeAxis } from '../core/shape';
import type { Axis, Tensor, TensorLike } from '../core/tensor';
import { asTensor, astype } from './convert';
import { arange } from './creation';
import { add, equal, exp, mul, sub, tanh } from './math';
import { logsumexp, mean, sum } from './reductions';
import { expandDims } from './shape';
export { relu, sigmoid, softplus } from './math';

/** log(softmax(x)) along `axis`, computed as x - logsumexp(x) (stable). */
export function logSoftmax(x: TensorLike, axis: Axis = -1): Tensor {
  return sub(x, logsumexp(x, axis, { keepdims: true }));
}

/** exp(x) / sum(exp(x)) along `axis`, stable (the maximum is subtracted first). */
export function softmax(x: TensorLike, axis: Axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}

/**
 * Mean cross-entropy between `labels` (probabilities, e.g. one-hot, same shape as `logits`) and
 * softmax(logits) along the last axis. It is fused as logsumexp(z) - <labels, z>, so its gradient
 * is the stable softmax(z) - labels with no log of a rounded-to-zero probability.
 * @example nn.softmaxCrossEntropy(logits, nn.oneHot(y, 10))
 */
export function softmaxCrossEntropy(logits: TensorLike, labels: TensorLike): Tensor {
  const z = asTensor(logits);
  const y = astype(labels, z.dtype);
  if (y.ndim !== z.ndim || y.shape.some((d, i) => d !== z.shape[i])) {
    throw new Error(
      `softmaxCrossEntropy: labels shape [${y.shape}] must equal logits shape [${z.shape}]`,
    );
  }
  return mean(sub(logsumexp(z, -1), sum(mul(y, z), -1)));
}

/** One-hot encoding of integer labels into `numClasses` along a new last axis. */
export function oneHot(
  labels: TensorLike,
  numClasses: number,
  dtype: 'float32' | 'float64' = 'float32',
): Tensor {
  const l = astype(labels, 'int32');
  normalizeAxis('oneHot', -1, l.ndim + 1);
  return astype(equal(expandDims(l, -1), arange(numClasses)), dtype);
}

/** GELU with the tanh approximation (as jax.nn.gelu's default). */
export function gelu(x: TensorLike): Tensor {
  const t = asTensor(x);
  const inner = mul(Math.sqrt(2 / Math.PI), add(t, mul(0.044715, mul(t, mul(t, t)))));
  return mul(mul(0.5, t), add(1, tanh(inner)));
}
