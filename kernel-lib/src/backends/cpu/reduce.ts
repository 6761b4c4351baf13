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
