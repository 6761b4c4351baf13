/** Cumulative sums and products along an axis, after jax.numpy. */
import { normalizeAxis } from '../core/shape';
import { bind1 } from '../core/trace';
import type { Tensor, TensorLike } from '../core/tensor';
import * as S from '../primitives/scan';
import { asTensor, astype } from './convert';
import { ones } from './creation';
import { mul } from './math';
import { concatenate, reshape, sliceStatic } from './shape';

/** Bools and integers accumulate as int32 (as `sum`). */
function prepare(op: string, x: TensorLike, axis: number | undefined): [Tensor, number] {
  let t = asTensor(x);
  if (t.dtype === 'bool') t = astype(t, 'int32');
  if (axis === undefined) return [reshape(t, [-1]), 0];
  return [t, normalizeAxis(op, axis, t.ndim)];
}

/**
 * Running sums along `axis` (over the flattened tensor when undefined); `reverse` sums from the
 * end. @example np.cumsum(np.array([1, 2, 3]))  // [1,3,6]
 */
export function cumsum(x: TensorLike, axis?: number, options: { reverse?: boolean } = {}): Tensor {
  const [t, a] = prepare('cumsum', x, axis);
  return bind1(S.cumsum, [t], { axis: a, reverse: options.reverse ?? false });
}

/**
 * Running products along `axis`, by log₂(n) rounds of y ← y · shift(y) (a Hillis-Steele scan of
 * multiplications): no division, so the derivative is right where entries are 0.
 * @example np.cumprod(np.array([1, 2, 3]))  // [1,2,6]
 */
export function cumprod(x: TensorLike, axis?: number): Tensor {
  const [t, a] = prepare('cumprod', x, axis);
  let y = t;
  const n = y.shape[a];
  for (let d = 1; d < n; d *= 2) {
    const head = ones(
      y.shape.map((s, i) => (i === a ? d : s)),
      y.dtype,
    );
    const body = sliceStatic(y, {
      starts: y.shape.map(() => 0),
      limits: y.shape.map((s, i) => (i === a ? n - d : s)),
      steps: y.shape.map(() => 1),
    });
    y = mul(y, concatenate([head, body], a));
  }
  return y;
}
