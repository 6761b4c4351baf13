/** Strided copies (transpose, slice, flip, broadcast, pad, concatenate) and gather/scatter. */
import { allocate, type DType, type TypedArray } from '../../core/dtype';
import { sizeOf } from '../../core/shape';
import type { StridedView } from '../backend';

/** Calls `visit(outIndex, sourcePosition)` for every element of `shape` under `view`. */
function walk(
  shape: readonly number[],
  view: StridedView,
  visit: (i: number, pos: number) => void,
): void {
  const n = sizeOf(shape);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  let pos = view.offset;
  for (let i = 0; i < n; i++) {
    visit(i, pos);
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]++;
      pos += view.strides[ax];
      if (idx[ax] < shape[ax]) break;
      pos -= view.strides[ax] * shape[ax];
      idx[ax] = 0;
    }
  }
}

/** `out[i] = src[view(i)]`. */
export function readStrided(
  src: TypedArray,
  view: StridedView,
  outShape: readonly number[],
  dtype: DType,
): TypedArray {
  const n = sizeOf(outShape);
  const out = allocate(dtype, n);
  const rank = outShape.length;
  if (n === 0) return out;
  if (rank === 0) {
    out[0] = src[view.offset];
    return out;
  }
  // A tight loop along the last axis; an odometer over the others.
  const inner = outShape[rank - 1];
  const step = view.strides[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let pos = view.offset;
  for (let i = 0; i < n; i += inner) {
    for (let j = 0, p = pos; j < inner; j++, p += step) out[i + j] = src[p];
    for (let ax = rank - 2; ax >= 0; ax--) {
      idx[ax]++;
      pos += view.strides[ax];
      if (idx[ax] < outShape[ax]) break;
      pos -= view.strides[ax] * outShape[ax];
      idx[ax] = 0;
    }
  }
  return out;
}

/** Zeros of `outShape`, then each part added at its view positions. */
export function writeStrided(
  parts: readonly { data: TypedArray; shape: readonly number[]; view: StridedView }[],
  outShape: readonly number[],
  dtype: DType,
): TypedArray {
  const out = allocate(dtype, sizeOf(outShape));
  for (const part of parts) {
    walk(part.shape, part.view, (i, pos) => {
      out[pos] += part.data[i];
    });
  }
  return out;
}

/** Splits a shape around `axis` into (outer, axis length, inner) sizes. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/** Gathers along `axis`: the output's axis holds `indices.length` entries. */
export function take(
  src: TypedArray,
  shape: readonly number[],
  indices: TypedArray,
  axis: number,
  outShape: readonly number[],
  dtype: DType,
): TypedArray {
  const [outer, len, inner] = around(shape, axis);
  const m = indices.length;
  const out = allocate(dtype, sizeOf(outShape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * len + indices[j]) * inner;
      const to = (o * m + j) * inner;
      for (let t = 0; t < inner; t++) out[to + t] = src[from + t];
    }
  }
  return out;
}

/** The transpose of `take`: accumulates `ct` into zeros of `outShape` at `indices` along `axis`. */
export function scatterAdd(
  ct: TypedArray,
  indices: TypedArray,
  axis: number,
  outShape: readonly number[],
  dtype: DType,
): TypedArray {
  const [outer, len, inner] = around(outShape, axis);
  const m = indices.length;
  const out = allocate(dtype, sizeOf(outShape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const to = (o * len + indices[j]) * inner;
      const from = (o * m + j) * inner;
      for (let t = 0; t < inner; t++) out[to + t] += ct[from + t];
    }
  }
  return out;
}
