/**
 * Normalization layers as pure functions (flax style): parameters and running statistics are
 * plain trees passed in and returned, never hidden state. Both are written with np ops only, so
 * gradients through the batch statistics come from AD.
 */
import { fmt, normalizeAxes, normalizeAxis, shapesEqual } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { ones, zeros } from '../numpy/creation';
import { add, div, mul, sqrt, stopGradient, sub } from '../numpy/math';
import { mean, variance } from '../numpy/reductions';
import { reshape } from '../numpy/shape';

/** Learnable scale γ and shift β. */
export interface NormParams {
  scale: Tensor;
  shift: Tensor;
}

/** BatchNorm's running statistics (per feature). */
export interface BatchNormState {
  mean: Tensor;
  var: Tensor;
}

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Use the batch statistics and update the running ones (default true); else use the running ones. */
  training?: boolean;
  /** running = momentum · running + (1 - momentum) · batch (default 0.9, as flax). */
  momentum?: number;
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** The feature axis (default -1); statistics reduce over all other axes. */
  axis?: number;
}

/** Throws unless each named parameter has `want` shape, naming the normalized axes (`where`). */
function checkParams(
  op: string,
  params: Record<string, Tensor>,
  want: readonly number[],
  where: string,
): void {
  for (const [name, p] of Object.entries(params)) {
    if (!shapesEqual(p.shape, want))
      throw new Error(`${op}: ${name} has shape ${fmt(p.shape)} but ${where}`);
  }
}

/** A per-feature vector reshaped to broadcast along `axis` of an `ndim`-d input. */
const along = (v: Tensor, axis: number, ndim: number) =>
  reshape(
    v,
    Array.from({ length: ndim }, (_, i) => (i === axis ? -1 : 1)),
  );

/**
 * Initial parameters (γ = 1, β = 0) and state (mean 0, var 1) for `features` channels.
 * @example const { params, state } = batchNormInit(8)
 */
export function batchNormInit(
  features: number,
  dtype: 'float32' | 'float64' = 'float32',
): { params: NormParams; state: BatchNormState } {
  const one = () => ones([features], dtype);
  const zero = () => zeros([features], dtype);
  return { params: { scale: one(), shift: zero() }, state: { mean: zero(), var: one() } };
}

/**
 * Batch normalization y = γ (x - μ) / √(σ² + ε) + β; in training μ, σ² are the batch statistics
 * (biased variance) and the running statistics are updated, in evaluation the running ones are used.
 * @example const [y, state2] = batchNorm(x, params, state, { training: true, momentum: 0.9 })
 */
export function batchNorm(
  x: Tensor,
  params: NormParams,
  state: BatchNormState,
  options: BatchNormOptions = {},
): [Tensor, BatchNormState] {
  const { training = true, momentum = 0.9, eps = 1e-5 } = options;
  const axis = normalizeAxis('batchNorm', options.axis ?? -1, x.ndim);
  const reduce = Array.from({ length: x.ndim }, (_, i) => i).filter((i) => i !== axis);
  const features = x.shape[axis];
  const where = `feature axis ${axis} of input ${fmt(x.shape)} has size ${features}`;
  const given = {
    scale: params.scale,
    shift: params.shift,
    'state.mean': state.mean,
    'state.var': state.var,
  };
  checkParams('batchNorm', given, [features], where);
  let mu: Tensor;
  let sigma2: Tensor;
  let next = state;
  if (training) {
    mu = mean(x, reduce);
    sigma2 = variance(x, reduce);
    // The running averages are bookkeeping, not part of the function being differentiated.
    const blend = (old: Tensor, batch: Tensor) =>
      add(mul(old, momentum), mul(stopGradient(batch), 1 - momentum));
    next = { mean: blend(state.mean, mu), var: blend(state.var, sigma2) };
  } else {
    mu = state.mean;
    sigma2 = state.var;
  }
  const b = (v: Tensor) => along(v, axis, x.ndim);
  const xhat = div(sub(x, b(mu)), sqrt(add(b(sigma2), eps)));
  return [add(mul(xhat, b(params.scale)), b(params.shift)), next];
}

/** Options of {@link layerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** The normalized axes (default -1, the features); scale and shift have their shape. */
  axis?: number | readonly number[];
}

/**
 * Layer normalization: each example is standardized over `axis` (default the last), then
 * scaled and shifted: y = γ (x - μ) / √(σ² + ε) + β. The same in training and evaluation.
 * @example layerNorm(x, { scale: np.ones([8]), shift: np.zeros([8]) })
 */
export function layerNorm(x: Tensor, params: NormParams, options: LayerNormOptions = {}): Tensor {
  const { eps = 1e-5 } = options;
  const axes = normalizeAxes('layerNorm', options.axis ?? -1, x.ndim);
  const normalized = axes.map((a) => x.shape[a]);
  checkParams(
    'layerNorm',
    { scale: params.scale, shift: params.shift },
    normalized,
    `the normalized axes ${fmt(axes)} of input ${fmt(x.shape)} have shape ${fmt(normalized)}`,
  );
  const mu = mean(x, axes, { keepdims: true });
  const sigma2 = variance(x, axes, { keepdims: true });
  const xhat = div(sub(x, mu), sqrt(add(sigma2, eps)));
  const shape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
  return add(mul(xhat, reshape(params.scale, shape)), reshape(params.shift, shape));
}
