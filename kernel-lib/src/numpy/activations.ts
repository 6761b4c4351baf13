/**
 * More of jax.nn: activation functions (silu, leakyRelu, elu, selu, celu, logSigmoid, glu, mish),
 * standardize and dotProductAttention. Composites of primitives, so every derivative is free.
 */
import { fmt, normalizeAxes, normalizeAxis } from '../core/shape';
import type { Axis, Tensor, TensorLike } from '../core/tensor';
import { asTensor, toFloat } from './convert';
import {
  add,
  div,
  expm1,
  greater,
  greaterEqual,
  logicalAnd,
  mul,
  neg,
  sigmoid,
  softplus,
  sqrt,
  sub,
  tanh,
  where,
} from './math';
import { mean, variance } from './reductions';
import { split } from './shape';
import { einsum } from './linalg';
import { softmax } from './nn';
import { tril } from './layout';
import { ones } from './creation';

/** x σ(x), also called swish. @example nn.silu(x) */
export function silu(x: TensorLike): Tensor {
  const t = toFloat(x);
  return mul(t, sigmoid(t));
}

/** x for x >= 0, negativeSlope · x below (JAX's default slope 0.01). */
export function leakyRelu(x: TensorLike, negativeSlope = 0.01): Tensor {
  const t = toFloat(x);
  return where(greaterEqual(t, 0), t, mul(t, negativeSlope));
}

/** x for x > 0, α(eˣ - 1) below. The exponential only sees x <= 0 (double where), so no overflow. */
export function elu(x: TensorLike, alpha = 1): Tensor {
  const t = toFloat(x);
  const positive = greater(t, 0);
  return where(positive, t, mul(alpha, expm1(where(positive, 0, t))));
}

/** Continuously differentiable ELU: x for x > 0, α(e^{x/α} - 1) below (jax.nn.celu). */
export function celu(x: TensorLike, alpha = 1): Tensor {
  const t = toFloat(x);
  const positive = greater(t, 0);
  return where(positive, t, mul(alpha, expm1(div(where(positive, 0, t), alpha))));
}

/** Scaled ELU with the self-normalizing constants of Klambauer et al. (2017), as jax.nn.selu. */
export function selu(x: TensorLike): Tensor {
  const alpha = 1.6732632423543772;
  const scale = 1.0507009873554805;
  return mul(scale, elu(x, alpha));
}

/** log σ(x) = -softplus(-x), stable for large |x|. @example nn.logSigmoid(x) */
export function logSigmoid(x: TensorLike): Tensor {
  return neg(softplus(neg(toFloat(x))));
}

/** x tanh(softplus(x)) (Misra 2019). */
export function mish(x: TensorLike): Tensor {
  const t = toFloat(x);
  return mul(t, tanh(softplus(t)));
}

/**
 * Gated linear unit: splits `axis` in two halves a, b and returns a σ(b).
 * @example nn.glu(x)  // [..., 2n] -> [..., n]
 */
export function glu(x: TensorLike, axis = -1): Tensor {
  const t = toFloat(x);
  const a = normalizeAxis('glu', axis, t.ndim);
  if (t.shape[a] % 2 !== 0) {
    throw new Error(
      `glu: axis ${a} of shape ${fmt(t.shape)} has odd size ${t.shape[a]}; it must split in two halves`,
    );
  }
  const [first, second] = split(t, 2, a);
  return mul(first, sigmoid(second));
}

/**
 * (x - mean) / √(variance + ε) over `axis` (the last by default); mean and variance may be given.
 * @example nn.standardize(x, -1)
 */
export function standardize(
  x: TensorLike,
  axis: Axis = -1,
  options: { mean?: TensorLike; variance?: TensorLike; epsilon?: number } = {},
): Tensor {
  const t = toFloat(x);
  const axes = normalizeAxes('standardize', axis, t.ndim);
  const m = options.mean ?? mean(t, axes, { keepdims: true });
  const v = options.variance ?? variance(t, axes, { keepdims: true });
  return div(sub(t, m), sqrt(add(v, options.epsilon ?? 1e-5)));
}

/** Options of {@link dotProductAttention}. */
export interface AttentionOptions {
  /** Added to the logits, broadcast to [B, N, T, S]. */
  bias?: TensorLike;
  /** Boolean, broadcast to [B, N, T, S]: false entries are excluded from the softmax. */
  mask?: TensorLike;
  /** Multiplies the logits (default 1/√H). */
  scale?: number;
  /** Query position t attends to key positions s <= t only. */
  isCausal?: boolean;
}

/**
 * Scaled dot-product attention, as jax.nn.dot_product_attention: query [B, T, N, H], key and value
 * [B, S, N, H] (the batch axis may be left out), result [B, T, N, H]:
 * softmax(scale · q kᵀ + bias, masked) v over the key positions. Rows masked entirely give NaN.
 * @example nn.dotProductAttention(q, k, v, { isCausal: true })
 */
export function dotProductAttention(
  query: TensorLike,
  key: TensorLike,
  value: TensorLike,
  options: AttentionOptions = {},
): Tensor {
  let [q, k, v] = [toFloat(query), toFloat(key), toFloat(value)];
  const batched = q.ndim === 4;
  if (!batched) [q, k, v] = [q, k, v].map((t) => t.reshape([1, ...t.shape]));
  const [B, T, N, H] = q.shape;
  const ok =
    [q, k, v].every((t) => t.ndim === 4 && t.shape[0] === B && t.shape[2] === N) &&
    k.shape[3] === H &&
    k.shape[1] === v.shape[1];
  if (!ok) {
    throw new Error(
      `dotProductAttention: expected query [B,T,N,H], key [B,S,N,H], value [B,S,N,H'], got ${fmt(asTensor(query).shape)}, ${fmt(asTensor(key).shape)}, ${fmt(asTensor(value).shape)}`,
    );
  }
  const S = k.shape[1];
  let logits = mul(einsum('btnh,bsnh->bnts', q, k), options.scale ?? 1 / Math.sqrt(H));
  if (options.bias !== undefined) logits = add(logits, options.bias);
  let keep: Tensor | undefined;
  if (options.mask !== undefined) keep = asTensor(options.mask);
  if (options.isCausal) {
    const causal = greater(tril(ones([T, S])), 0);
    keep = keep === undefined ? causal : logicalAnd(keep, causal);
  }
  // Excluded logits become -inf, so their weight is exactly 0 (and a row with no key left is NaN).
  if (keep !== undefined) logits = where(keep, logits, -Infinity);
  const weights = softmax(logits, -1);
  const out = einsum('bnts,bsnh->btnh', weights, v);
  return batched ? out : out.reshape(out.shape.slice(1));
}
