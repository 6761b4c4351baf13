/**
 * Sorting along one axis (stable; NaN last, as NumPy). `sort` is differentiable: it permutes its
 * input, so its tangent is the same permutation of dx and its cotangent is ct sent back through
 * the inverse permutation (a scatter). `argsort` gives that permutation (int32, zero derivative).
 */
import { allocate, type TypedArray } from '../core/dtype';
import type { Aval, Primitive } from '../core/primitive';
import { fmt, sizeOf, stridesOf } from '../core/shape';
import { runRoutine } from '../backends/routines';
import * as ops from '../numpy/ops';
import { batchShiftingAxes } from './batching';
import { linear, zeroDerivative } from './helpers';

type SortParams = { axis: number; descending: boolean };

/** Under vmap the sorted axis moves one place right, past the batch axis. */
const batchSort = batchShiftingAxes<SortParams>((p) => ({ ...p, axis: p.axis + 1 }));

/** The stable sorting permutation of every line along `axis`, as int32 (positions along the axis). */
function sortPermutation(
  data: TypedArray,
  shape: readonly number[],
  { axis, descending }: SortParams,
): Int32Array {
  const perm = new Int32Array(data.length);
  const n = shape[axis];
  const stride = stridesOf(shape)[axis];
  const outer = sizeOf(shape.slice(0, axis));
  const order = Array.from({ length: n }, (_, k) => k);
  const line = new Float64Array(n);
  // NaN counts as larger than everything: last ascending, first descending. Ties keep their order.
  const ascending = (a: number, b: number) =>
    Number.isNaN(a) || Number.isNaN(b)
      ? +Number.isNaN(a) - +Number.isNaN(b)
      : a < b
        ? -1
        : +(a > b);
  const sign = descending ? -1 : 1;
  for (let o = 0; o < outer; o++) {
    for (let inner = 0; inner < stride; inner++) {
      const base = o * n * stride + inner;
      for (let k = 0; k < n; k++) {
        order[k] = k;
        line[k] = data[base + k * stride];
      }
      order.sort((i, j) => sign * ascending(line[i], line[j]) || i - j);
      for (let k = 0; k < n; k++) perm[base + k * stride] = order[k];
    }
  }
  return perm;
}

function checkAxis(op: string, x: Aval, axis: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) {
    throw new Error(`${op}: axis ${axis} is out of bounds for ${x.dtype}${fmt(x.shape)}`);
  }
  if (x.dtype === 'bool') throw new TypeError(`${op}: cannot sort a bool tensor ${fmt(x.shape)}`);
}

// y = x[perm]: dy = dx[perm] (takeAlongAxis); ct_x = ct scattered back to the positions perm.
export const sort: Primitive<SortParams> = {
  name: 'sort',
  abstractEval: ([x], { axis }) => {
    checkAxis('sort', x, axis);
    return [x];
  },
  impl: ([x], params, outs) =>
    runRoutine('sort', [x], outs, params, ([data]) => {
      const perm = sortPermutation(data, x.shape, params);
      const values = allocate(outs[0].dtype, data.length);
      const n = x.shape[params.axis];
      const stride = stridesOf(x.shape)[params.axis];
      for (let i = 0; i < data.length; i++) {
        const k = Math.floor(i / stride) % n;
        values[i] = data[i + (perm[i] - k) * stride];
      }
      return [values];
    }),
  jvp: ([dx], [x], _y, { axis, descending }) => [
    linear(dx, (t) => ops.takeAlongAxis(t, ops.argsort(x, axis, { descending }), axis)),
  ],
  vjp: ([ct], [x], _y, { axis, descending }) => [
    ops.putAlongAxis(ct, ops.argsort(x, axis, { descending }), axis),
  ],
  batch: batchSort,
};

/** The stable sorting permutation along `axis` (int32); zero derivative. */
export const argsort: Primitive<SortParams> = {
  name: 'argsort',
  abstractEval: ([x], { axis }) => {
    checkAxis('argsort', x, axis);
    return [{ shape: x.shape, dtype: 'int32' }];
  },
  impl: ([x], params, outs) =>
    runRoutine('argsort', [x], outs, params, ([data]) => [sortPermutation(data, x.shape, params)]),
  ...zeroDerivative,
  batch: batchSort,
};

/** The sort family, for the registry. */
export const sortPrimitives = { sort, argsort };
