/**
 * Cumulative sums along one axis. The kernel runs on the host (one pass per line, accumulating in
 * float64 and rounding each output once, like the reductions). cumprod is a composite of
 * multiplications (numpy/cumulative.ts), so its derivatives stay right where entries are 0.
 */
import { allocate, type TypedArray } from '../core/dtype';
import type { Aval, Primitive } from '../core/primitive';
import { fmt, sizeOf, stridesOf } from '../core/shape';
import type { ConcreteTensor } from '../core/tensor';
import { runRoutine } from '../backends/routines';
import * as ops from '../numpy/ops';
import { batchShiftingAxes } from './batching';
import { linear } from './helpers';

type ScanParams = { axis: number; reverse: boolean };

/** Running sums along `axis` of `x` (from the end when `reverse`): the device's kernel or the host loop. */
function scan(x: ConcreteTensor, params: ScanParams): ConcreteTensor[] {
  return runRoutine('cumsum', [x], [x], params, ([data]) => [
    scanLines(data, x, params.axis, params.reverse),
  ]);
}

function scanLines(data: TypedArray, x: Aval, axis: number, reverse: boolean): TypedArray {
  const out = allocate(x.dtype, data.length);
  const n = x.shape[axis];
  const stride = stridesOf(x.shape)[axis];
  const outer = sizeOf(x.shape.slice(0, axis));
  for (let o = 0; o < outer; o++) {
    for (let inner = 0; inner < stride; inner++) {
      const base = o * n * stride + inner;
      let acc = 0;
      for (let k = 0; k < n; k++) {
        const i = base + (reverse ? n - 1 - k : k) * stride;
        acc += data[i];
        out[i] = acc;
      }
    }
  }
  return out;
}

// y_i = Σ_{j<=i} x_j: dy = cumsum(dx); ct_x = reverse cumsum of ct (the transpose of a lower
// triangular matrix of ones is upper triangular).
export const cumsum: Primitive<ScanParams> = {
  name: 'cumsum',
  abstractEval: ([x], { axis }) => {
    if (x.dtype === 'bool' || !Number.isInteger(axis) || axis < 0 || axis >= x.shape.length) {
      throw new Error(`cumsum: bad axis ${axis} or dtype for ${x.dtype}${fmt(x.shape)}`);
    }
    return [x];
  },
  impl: ([x], params) => scan(x, params),
  jvp: ([dx], _x, _y, { axis, reverse }) => [linear(dx, (t) => ops.cumsum(t, axis, { reverse }))],
  vjp: ([ct], _x, _y, { axis, reverse }) => [ops.cumsum(ct, axis, { reverse: !reverse })],
  batch: batchShiftingAxes((p) => ({ ...p, axis: p.axis + 1 })),
  flops: (_i, [out]) => sizeOf(out.shape),
};

/** The scan family, for the registry. */
export const scanPrimitives = { cumsum };
