/** Reductions with `axis` and `keepdims`, after jax.numpy. Composites carry no rules. */
import { normalizeAxes, normalizeAxis, sizeOf } from '../core/shape';
import { bind1 } from '../core/trace';
import type { Axis, Tensor, TensorLike } from '../core/tensor';
import * as R from '../primitives/reduce';
import type { AnyPrimitive } from '../core/primitive';
import { asTensor, astype, toFloat } from './convert';
import { add, div, exp, isfinite, log, mul, sqrt, stopGradient, sub, where } from './math';
import { reshape, sliceStatic, padStatic } from './shape';
import { full } from './creation';

/** Options shared by the reductions. */
export interface ReduceOptions {
  /** Keep reduced axes as size 1 (default false). */
  keepdims?: boolean;
}

function reduceWith(
  prim: AnyPrimitive,
  op: string,
  x: TensorLike,
  axis: Axis,
  options: ReduceOptions = {},
): Tensor {
  const t = asTensor(x);
  const axes = normalizeAxes(op, axis, t.ndim);
  const out = axes.length === 0 ? t : bind1(prim, [t], { axes });
  return options.keepdims
    ? reshape(
        out,
        t.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
      )
    : out;
}

/** Sum over `axis` (all axes when undefined); bools and ints sum as int32. @example np.sum(x, 0) */
export function sum(x: TensorLike, axis?: Axis, options?: ReduceOptions): Tensor {
  const t = asTensor(x);
  return reduceWith(R.reduceSum, 'sum', t.dtype === 'bool' ? astype(t, 'int32') : t, axis, options);
}

/** Maximum over `axis`; the derivative is split evenly among tied maxima. */
export function max(x: TensorLike, axis?: Axis, options?: ReduceOptions): Tensor {
  checkNonEmpty('max', asTensor(x), axis);
  return reduceWith(R.reduceMax, 'max', x, axis, options);
}

/** Minimum over `axis`. */
export function min(x: TensorLike, axis?: Axis, options?: ReduceOptions): Tensor {
  checkNonEmpty('min', asTensor(x), axis);
  return reduceWith(R.reduceMin, 'min', x, axis, options);
}

function checkNonEmpty(op: string, t: Tensor, axis: Axis): void {
  const axes = normalizeAxes(op, axis, t.ndim);
  if (axes.some((a) => t.shape[a] === 0)) {
    throw new Error(
      `${op}: zero-size reduction over axis ${axes.join(',')} of shape [${t.shape}] has no identity`,
    );
  }
}

/** Mean over `axis`. @example np.mean(x, -1, { keepdims: true }) */
export function mean(x: TensorLike, axis?: Axis, options?: ReduceOptions): Tensor {
  const t = toFloat(x);
  const axes = normalizeAxes('mean', axis, t.ndim);
  return div(sum(t, axes, options), sizeOf(axes.map((a) => t.shape[a])));
}

/** Variance over `axis` (two-pass, numerically stable); `ddof` as in NumPy (NaN when ddof >= n, as JAX). */
export function variance(
  x: TensorLike,
  axis?: Axis,
  options: ReduceOptions & { ddof?: number } = {},
): Tensor {
  const t = toFloat(x);
  const axes = normalizeAxes('var', axis, t.ndim);
  const n = sizeOf(axes.map((a) => t.shape[a]));
  const centered = sub(t, mean(t, axes, { keepdims: true }));
  // No degrees of freedom left (ddof >= n): NaN, as JAX (n - ddof would give inf or a negative).
  const dof = n - (options.ddof ?? 0);
  return div(sum(mul(centered, centered), axes, options), dof > 0 ? dof : NaN);
}

/** Standard deviation over `axis`. */
export function std(
  x: TensorLike,
  axis?: Axis,
  options: ReduceOptions & { ddof?: number } = {},
): Tensor {
  return sqrt(variance(x, axis, options));
}

/**
 * log(sum(exp(x))) over `axis`, stable: the maximum is subtracted first (and held constant for
 * differentiation). With -inf entries the value is exact; when every entry is -inf the value is
 * -inf and the gradient is NaN. @example np.logsumexp(logits, -1)
 */
export function logsumexp(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Tensor {
  const t = toFloat(x);
  const axes = normalizeAxes('logsumexp', axis, t.ndim);
  // An empty sum is 0 and its log -inf, as in NumPy and JAX (there is no maximum to subtract).
  if (axes.some((a) => t.shape[a] === 0)) return log(sum(exp(t), axes, options));
  const m = stopGradient(max(t, axes, { keepdims: true }));
  const shift = where(isfinite(m), m, 0);
  const out = add(log(sum(exp(sub(t, shift)), axes, { keepdims: true })), shift);
  if (options.keepdims) return out;
  return reshape(
    out,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

/**
 * Product over `axis`, by pairwise multiplication of halves: exact derivatives even with zeros
 * (no division by x). @example np.prod(x)
 */
export function prod(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): Tensor {
  let t = asTensor(x);
  const axes = normalizeAxes('prod', axis, t.ndim);
  for (const a of axes) {
    while (t.shape[a] > 1) {
      const n = t.shape[a];
      if (n % 2 === 1) {
        t = padWithOnes(t, a);
        continue;
      }
      const stepTwo = t.shape.map((_, i) => (i === a ? 2 : 1));
      const starts = t.shape.map(() => 0);
      const even = sliceStatic(t, { starts, limits: t.shape, steps: stepTwo });
      const odd = sliceStatic(t, {
        starts: starts.map((_, i) => (i === a ? 1 : 0)),
        limits: t.shape,
        steps: stepTwo,
      });
      t = mul(even, odd);
    }
    if (t.shape[a] === 0)
      t = full(
        t.shape.map((d, i) => (i === a ? 1 : d)),
        1,
        t.dtype,
      );
  }
  const kept = t.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return options.keepdims
    ? reshape(t, kept)
    : reshape(
        t,
        t.shape.filter((_, i) => !axes.includes(i)),
      );
}

/** Appends one entry equal to 1 along `axis` (so odd lengths pair up in `prod`). */
function padWithOnes(t: Tensor, axis: number): Tensor {
  const zero = t.shape.map(() => 0);
  const hi = t.shape.map((_, i) => (i === axis ? 1 : 0));
  return add(padStatic(t, { lo: zero, hi, interior: zero }), onesAt(t, axis));
}

/** Zeros shaped like `t` padded by one along `axis`, with ones in the new slot. */
function onesAt(t: Tensor, axis: number): Tensor {
  const lo = t.shape.map((_, i) => (i === axis ? t.shape[axis] : 0));
  const zero = lo.map(() => 0);
  return padStatic(
    full(
      t.shape.map((d, i) => (i === axis ? 1 : d)),
      1,
      t.dtype,
    ),
    { lo, hi: zero, interior: zero },
  );
}

/** Index of the maximum along `axis` (over the flattened tensor when undefined), as int32. */
export function argmax(x: TensorLike, axis?: number): Tensor {
  return argReduce(R.argmax, 'argmax', x, axis);
}

/** Index of the minimum along `axis`. */
export function argmin(x: TensorLike, axis?: number): Tensor {
  return argReduce(R.argmin, 'argmin', x, axis);
}

function argReduce(
  prim: AnyPrimitive,
  op: string,
  x: TensorLike,
  axis: number | undefined,
): Tensor {
  let t = asTensor(x);
  if (axis === undefined) {
    t = reshape(t, [-1]);
    axis = 0;
  }
  const a = normalizeAxis(op, axis, t.ndim);
  if (t.shape[a] === 0)
    throw new Error(`${op}: attempt to get ${op} of an empty axis ${a} of shape [${t.shape}]`);
  return bind1(prim, [t], { axis: a });
}
