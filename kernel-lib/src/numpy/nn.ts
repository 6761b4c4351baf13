/** Neural-network functions after jax.nn. */
import { normalizeAxis } from '../core/shape';
import type { Axis, Tensor, TensorLike } from '../core/tensor';
import { asTensor, astype, toFloat } from './convert';
import { arange } from './creation';
import {
  add,
  div,
  equal,
  exp,
  isfinite,
  log,
  mul,
  neg,
  stopGradient,
  sub,
  tanh,
  where,
} from './math';
import { max, mean, sum } from './reductions';
import { expandDims } from './shape';
export { relu, sigmoid, softplus } from './math';

/**
 * x - max(x), the max held constant for differentiation (the result does not depend on it) and
 * replaced by 0 where it is not finite (a row of all -inf stays -inf, not NaN from -inf + inf).
 */
function shiftedByMax(t: Tensor, axis: Axis): Tensor {
  const m = stopGradient(max(t, axis, { keepdims: true }));
  return sub(t, where(isfinite(m), m, 0));
}

/**
 * log(softmax(x)) along `axis`, as (x - m) - log Σ exp(x - m) with m = max(x). Every term is
 * relative to the max, so the value keeps the dtype's full precision at any magnitude: rounding the
 * logsumexp itself (~5000.31 in float32 has an ulp of 5e-4) would cost digits.
 * @example nn.logSoftmax(np.array([1e15, 1e15, 1e15 - 1], 'float64'))
 */
export function logSoftmax(x: TensorLike, axis: Axis = -1): Tensor {
  const s = shiftedByMax(toFloat(x), axis);
  return sub(s, log(sum(exp(s), axis, { keepdims: true })));
}

/**
 * exp(x) / Σ exp(x) along `axis`, as e / Σ e with e = exp(x - max(x)): no overflow, and as accurate
 * at 1e7 in float32 or 1e30 in float64 as near 0. The derivative rules come from the same shifted
 * terms. @example nn.softmax(logits, -1)
 */
export function softmax(x: TensorLike, axis: Axis = -1): Tensor {
  const e = exp(shiftedByMax(toFloat(x), axis));
  return div(e, sum(e, axis, { keepdims: true }));
}

/** Options of {@link softmaxCrossEntropy}. */
export interface CrossEntropyOptions {
  /** 'mean' over rows (default), 'sum' over rows, or 'none': one loss per row (as PyTorch). */
  reduction?: 'none' | 'mean' | 'sum';
}

/**
 * Cross-entropy -Σ labels · logSoftmax(logits) along the last axis, per row (what PyTorch and optax
 * compute; labels need not sum to 1). It is fused from the max-shifted terms, so the gradient with
 * respect to the logits is the exact softmax(z)·Σy - y and with respect to the labels
 * -logSoftmax(z). A masked logit (-inf) whose label is 0 contributes 0 to the loss and 0 to both
 * gradients (0 · -inf is taken as 0); with a positive label the loss is +inf.
 * @example nn.softmaxCrossEntropy(logits, nn.oneHot(y, 10), { reduction: 'none' })
 */
export function softmaxCrossEntropy(
  logits: TensorLike,
  labels: TensorLike,
  options: CrossEntropyOptions = {},
): Tensor {
  const { reduction = 'mean' } = options;
  if (!['none', 'mean', 'sum'].includes(reduction))
    throw new RangeError(
      `softmaxCrossEntropy: reduction must be 'none', 'mean' or 'sum', got ${JSON.stringify(reduction)}`,
    );
  const z = toFloat(logits);
  const y = astype(labels, z.dtype);
  if (y.ndim !== z.ndim || y.shape.some((d, i) => d !== z.shape[i])) {
    throw new Error(
      `softmaxCrossEntropy: labels shape [${y.shape}] must equal logits shape [${z.shape}]`,
    );
  }
  // Where a label is 0 both factors are replaced (the double-where pattern), so a masked -inf
  // logit yields neither 0 · -inf = NaN in the loss nor a NaN in either gradient.
  const ls = logSoftmax(z, -1);
  const unlabeled = equal(y, 0);
  const safeLs = where(unlabeled, 0, ls);
  const rows = neg(sum(where(unlabeled, 0, mul(y, safeLs)), -1));
  if (reduction === 'none') return rows;
  return reduction === 'sum' ? sum(rows) : mean(rows);
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
