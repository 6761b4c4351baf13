/** Elementwise kernels with NumPy broadcasting, computing in float64 and storing per dtype. */
import { allocate, type DType, type TypedArray } from '../../core/dtype';
import { broadcastStrides, sizeOf } from '../../core/shape';
import { directOp, type Expr, type ScalarOpName } from '../expression';
import { compileCpu } from './compile';
import { binaryLoops, trailingPeriod, unaryLoops, whereLoop } from './fast-loops';

type Fn = (...xs: number[]) => number;

/** Runs `expr` over broadcast inputs. Stores into a typed array of `outDtype` (rounding per element). */
export function elementwise(
  expr: Expr,
  xs: readonly { data: TypedArray; shape: readonly number[]; dtype: DType }[],
  outShape: readonly number[],
  outDtype: DType,
): TypedArray {
  const n = sizeOf(outShape);
  const out = allocate(outDtype, n);
  // an eager op's own loop first, before any lookup of compiled code (per-op cost matters here)
  const op = directOp(expr);
  if (op !== undefined && opLoop(op, xs, outShape, n, out)) return out;
  const kernel = compileCpu(
    expr,
    xs.map((x) => x.dtype),
  );
  // A composed expression over full-size and one-element inputs: its own generated loop.
  if (kernel.loop && xs.every((x) => x.data.length === n || x.data.length === 1)) {
    kernel.loop(xs.map((x) => x.data.length === 1 && n !== 1))(out, n, ...xs.map((x) => x.data));
    return out;
  }
  const fn = kernel.fn;
  const sameShape = xs.every((x) => x.data.length === n && x.shape.length === outShape.length);
  if (xs.length === 1 && sameShape) {
    const a = xs[0].data;
    for (let i = 0; i < n; i++) out[i] = fn(a[i]);
    return out;
  }
  if (xs.length === 2 && sameShape) {
    const a = xs[0].data;
    const b = xs[1].data;
    for (let i = 0; i < n; i++) out[i] = fn(a[i], b[i]);
    return out;
  }
  if (xs.length === 2 && xs[1].data.length === 1 && xs[0].data.length === n) {
    const a = xs[0].data;
    const b = xs[1].data[0];
    for (let i = 0; i < n; i++) out[i] = fn(a[i], b);
    return out;
  }
  const periods = xs.map((x) => trailingPeriod(x.shape, outShape));
  if (n > 0 && periods.every((p) => p > 0)) {
    periodic(fn, xs, periods, out, n);
    return out;
  }
  // General case: walk the output with one odometer, advancing each input by its own strides.
  const rank = outShape.length;
  const strides = xs.map((x) => broadcastStrides(x.shape, outShape));
  const pos = new Array<number>(xs.length).fill(0);
  const idx = new Array<number>(rank).fill(0);
  const args = new Array<number>(xs.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < xs.length; k++) args[k] = xs[k].data[pos[k]];
    out[i] = fn(...args);
    for (let ax = rank - 1; ax >= 0; ax--) {
      idx[ax]++;
      for (let k = 0; k < xs.length; k++) pos[k] += strides[k][ax];
      if (idx[ax] < outShape[ax]) break;
      for (let k = 0; k < xs.length; k++) pos[k] -= strides[k][ax] * outShape[ax];
      idx[ax] = 0;
    }
  }
  return out;
}

/** Runs an op's own loop when the operands allow it; false when they do not. */
function opLoop(
  op: ScalarOpName,
  xs: readonly { data: TypedArray; shape: readonly number[] }[],
  outShape: readonly number[],
  n: number,
  out: TypedArray,
): boolean {
  if (op === 'select') {
    if (xs.length !== 3 || n === 0) return false;
    const [pc, pa, pb] = xs.map((x) => trailingPeriod(x.shape, outShape));
    if (pc === 0 || pa === 0 || pb === 0) return false;
    whereLoop(xs[0].data, xs[1].data, xs[2].data, out, n, pc, pa, pb);
    return true;
  }
  if (xs.length === 1) {
    const loop = unaryLoops[op];
    if (!loop || xs[0].data.length !== n) return false;
    loop(xs[0].data, out, n);
    return true;
  }
  const loop = binaryLoops[op];
  if (!loop || xs.length !== 2 || n === 0) return false;
  const [a, b] = xs;
  const pa = trailingPeriod(a.shape, outShape);
  const pb = trailingPeriod(b.shape, outShape);
  if (pa === n && pb > 0) loop(a.data, b.data, out, n, pb, false);
  else if (pb === n && pa > 0) loop(b.data, a.data, out, n, pa, true);
  else return false;
  return true;
}

/** Inputs that repeat along leading axes only (each with its period): counters, no odometer. */
function periodic(
  fn: Fn,
  xs: readonly { data: TypedArray }[],
  periods: readonly number[],
  out: TypedArray,
  n: number,
): void {
  if (xs.length === 2) {
    const [a, b] = [xs[0].data, xs[1].data];
    const [pa, pb] = periods;
    for (let i = 0, ia = 0, ib = 0; i < n; i++) {
      out[i] = fn(a[ia], b[ib]);
      if (++ia === pa) ia = 0;
      if (++ib === pb) ib = 0;
    }
  } else if (xs.length === 3) {
    const [a, b, c] = [xs[0].data, xs[1].data, xs[2].data];
    const [pa, pb, pc] = periods;
    for (let i = 0, ia = 0, ib = 0, ic = 0; i < n; i++) {
      out[i] = fn(a[ia], b[ib], c[ic]);
      if (++ia === pa) ia = 0;
      if (++ib === pb) ib = 0;
      if (++ic === pc) ic = 0;
    }
  } else {
    const pos = new Array<number>(xs.length).fill(0);
    const args = new Array<number>(xs.length);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < xs.length; k++) {
        args[k] = xs[k].data[pos[k]];
        if (++pos[k] === periods[k]) pos[k] = 0;
      }
      out[i] = fn(...args);
    }
  }
}
