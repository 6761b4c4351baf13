/** Reductions over a sorted list of axes. */
import { allocate, type DType, type TypedArray } from '../../core/dtype';
import { sizeOf, stridesOf } from '../../core/shape';
import type { ReduceKind } from '../backend';

/**
 * Reduces `data` of `shape` over `axes`. Sums accumulate in float64 and round once at the end.
 * max/min propagate NaN (like NumPy); argmax/argmin return the first index of the extreme
 * (NaN counts as the extreme), as int32, over the single reduced axis (or all axes, flattened).
 */
export function reduce(
  kind: ReduceKind,
  data: TypedArray,
  shape: readonly number[],
  axes: readonly number[],
  outDtype: DType,
): TypedArray {
  if (kind === 'sum' && contiguous(axes)) return sumContiguous(data, shape, axes, outDtype);
  const keptAxes = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outShape = keptAxes.map((i) => shape[i]);
  const strides = stridesOf(shape);
  const out = allocate(outDtype, sizeOf(outShape));
  const redShape = axes.map((i) => shape[i]);
  const redStrides = axes.map((i) => strides[i]);
  const redSize = sizeOf(redShape);
  const keptStrides = keptAxes.map((i) => strides[i]);
  const outIdx = new Array<number>(keptAxes.length).fill(0);
  const redIdx = new Array<number>(axes.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let base = 0;
    for (let k = 0; k < keptAxes.length; k++) base += outIdx[k] * keptStrides[k];
    let acc = kind === 'sum' ? 0 : kind === 'max' || kind === 'argmax' ? -Infinity : Infinity;
    let best = 0;
    let pos = base;
    redIdx.fill(0);
    for (let r = 0; r < redSize; r++) {
      const v = data[pos];
      if (kind === 'sum') acc += v;
      else if (Number.isNaN(acc)) {
        // NaN already won.
      } else if (Number.isNaN(v) || (kind === 'max' || kind === 'argmax' ? v > acc : v < acc)) {
        acc = v;
        best = r;
      }
      for (let ax = axes.length - 1; ax >= 0; ax--) {
        redIdx[ax]++;
        pos += redStrides[ax];
        if (redIdx[ax] < redShape[ax]) break;
        pos -= redStrides[ax] * redShape[ax];
        redIdx[ax] = 0;
      }
    }
    out[o] = kind === 'argmax' || kind === 'argmin' ? best : acc;
    for (let ax = keptAxes.length - 1; ax >= 0; ax--) {
      if (++outIdx[ax] < outShape[ax]) break;
      outIdx[ax] = 0;
    }
  }
  return out;
}

function contiguous(axes: readonly number[]): boolean {
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return false;
  return true;
}

/** Sums over one contiguous block of axes: `data` viewed as [outer, red, inner], float64 sums. */
function sumContiguous(
  data: TypedArray,
  shape: readonly number[],
  axes: readonly number[],
  outDtype: DType,
): TypedArray {
  const [outer, red, inner] = splitAxes(shape, axes);
  const out = allocate(outDtype, outer * inner);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let acc = 0;
      const base = o * red;
      for (let r = 0; r < red; r++) acc += data[base + r];
      out[o] = acc;
    }
    return out;
  }
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let r = 0; r < red; r++) {
      const base = (o * red + r) * inner;
      for (let i = 0; i < inner; i++) acc[i] += data[base + i];
    }
    out.set(acc, o * inner);
  }
  return out;
}

/** [outer, red, inner] sizes of `shape` around the contiguous block `axes` (may be empty). */
export function splitAxes(
  shape: readonly number[],
  axes: readonly number[],
): [number, number, number] {
  if (axes.length === 0) return [sizeOf(shape), 1, 1];
  const first = axes[0];
  const last = axes[axes.length - 1];
  return [
    sizeOf(shape.slice(0, first)),
    sizeOf(shape.slice(first, last + 1)),
    sizeOf(shape.slice(last + 1)),
  ];
}
