/** Tensor products after jax.numpy: tensordot and kron (composites of transpose, reshape, matmul). */
import { fmt, normalizeAxis, sizeOf } from '../core/shape';
import type { Tensor, TensorLike } from '../core/tensor';
import { astype, promote } from './convert';
import { isFloat } from '../core/dtype';
import { mul } from './math';
import { matmul } from './linalg';
import { reshape, transpose } from './shape';

/**
 * Sums products over the last `axes` axes of a and the first of b (a number), or over the listed
 * pairs ([axesOfA, axesOfB]); the result has a's free axes then b's.
 * @example np.tensordot(A, B, 1)  // a matrix product; np.tensordot(a, b, [[0, 1], [1, 0]])
 */
export function tensordot(
  a: TensorLike,
  b: TensorLike,
  axes: number | readonly [readonly number[], readonly number[]] = 2,
): Tensor {
  let [x, y] = promote(a, b);
  if (!isFloat(x.dtype)) [x, y] = [astype(x, 'float32'), astype(y, 'float32')];
  let ax: number[];
  let bx: number[];
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > x.ndim || axes > y.ndim) {
      throw new Error(
        `tensordot: cannot contract ${axes} axes of ${fmt(x.shape)} and ${fmt(y.shape)}`,
      );
    }
    ax = Array.from({ length: axes }, (_, i) => x.ndim - axes + i);
    bx = Array.from({ length: axes }, (_, i) => i);
  } else {
    ax = axes[0].map((i) => normalizeAxis('tensordot', i, x.ndim));
    bx = axes[1].map((i) => normalizeAxis('tensordot', i, y.ndim));
  }
  if (ax.length !== bx.length || ax.some((i, k) => x.shape[i] !== y.shape[bx[k]])) {
    throw new Error(
      `tensordot: contracted axes [${ax}] of ${fmt(x.shape)} and [${bx}] of ${fmt(y.shape)} differ in size`,
    );
  }
  const freeA = x.shape.map((_, i) => i).filter((i) => !ax.includes(i));
  const freeB = y.shape.map((_, i) => i).filter((i) => !bx.includes(i));
  const k = sizeOf(ax.map((i) => x.shape[i]));
  const left = reshape(transpose(x, [...freeA, ...ax]), [sizeOf(freeA.map((i) => x.shape[i])), k]);
  const right = reshape(transpose(y, [...bx, ...freeB]), [k, sizeOf(freeB.map((i) => y.shape[i]))]);
  return reshape(matmul(left, right), [
    ...freeA.map((i) => x.shape[i]),
    ...freeB.map((i) => y.shape[i]),
  ]);
}

/**
 * The Kronecker product: block (i, j) is a[i, j] · b (inputs of different rank get leading size-1
 * axes). @example np.kron(np.eye(2), B)
 */
export function kron(a: TensorLike, b: TensorLike): Tensor {
  const [x0, y0] = promote(a, b);
  const rank = Math.max(x0.ndim, y0.ndim);
  const lift = (t: Tensor) => reshape(t, [...Array<number>(rank - t.ndim).fill(1), ...t.shape]);
  const [x, y] = [lift(x0), lift(y0)];
  const spreadA = x.shape.flatMap((d) => [d, 1]);
  const spreadB = y.shape.flatMap((d) => [1, d]);
  return reshape(
    mul(reshape(x, spreadA), reshape(y, spreadB)),
    x.shape.map((d, i) => d * y.shape[i]),
  );
}
