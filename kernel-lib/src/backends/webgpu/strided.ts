/**
 * Data movement on the device: strided reads (transpose, slice, flip, broadcast), strided writes
 * into zeros (pad, concatenate), gather (`take`) and its transpose (`scatterAdd`). Copies move
 * 32-bit words, so one kernel serves every dtype.
 */
import type { DType } from '../../core/dtype';
import { sizeOf } from '../../core/shape';
import type { StridedView } from '../backend';
import type { GpuStorage } from './memory';
import { groupsFor, WORKGROUP, type Runtime } from './runtime';
import { ENTRY, flatIndex, storageType, stridedOffset } from './wgsl';

/** `out[i] = x[view(i)]`. */
export function readStrided(
  rt: Runtime,
  x: GpuStorage,
  view: StridedView,
  outShape: readonly number[],
  out: GpuStorage,
): void {
  stridedCopy(rt, x, out, outShape, view, 'read');
}

/**
 * One word per thread over the `shape`'s flat index i: a read `y[i] = x[view(i)]`, or a write
 * `y[view(i)] = x[i]`.
 */
function stridedCopy(
  rt: Runtime,
  x: GpuStorage,
  out: GpuStorage,
  shape: readonly number[],
  view: StridedView,
  direction: 'read' | 'write',
): void {
  const n = sizeOf(shape);
  if (n === 0) return;
  const groups = groupsFor(n, WORKGROUP, rt.context.limits.maxDispatch);
  const copy = direction === 'read' ? 'y[i] = x[at];' : 'y[at] = x[i];';
  const code = `@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> y: array<u32>;
${ENTRY} {
  ${flatIndex(groups[0])}
  if (i >= ${n}u) { return; }
  ${stridedOffset('at', 'i', shape, view.offset, view.strides)}
  ${copy}
}`;
  rt.run(code, [x.buffer, out.buffer], groups);
}

/** Zeros, then `out[view_p(i)] = parts[p][i]` (the parts' positions do not overlap). */
export function writeStrided(
  rt: Runtime,
  parts: readonly { x: GpuStorage; shape: readonly number[]; view: StridedView }[],
  outSize: number,
  out: GpuStorage,
): void {
  rt.clear(out.buffer, outSize * 4);
  for (const { x, shape, view } of parts) stridedCopy(rt, x, out, shape, view, 'write');
}

/** (outer, axis length, inner) sizes of `shape` around `axis`. */
function around(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/**
 * `out[o, j, t] = x[o, indices[j], t]` along `axis`. An index outside [0, len) reads 0 (the
 * primitive checks indices it can read on the host; device-computed ones cannot be checked
 * without a synchronous read).
 */
export function take(
  rt: Runtime,
  x: GpuStorage,
  xShape: readonly number[],
  indices: GpuStorage,
  axis: number,
  out: GpuStorage,
): void {
  const [, len, inner] = around(xShape, axis);
  const m = indices.size;
  const n = out.size;
  if (n === 0) return;
  const groups = groupsFor(n, WORKGROUP, rt.context.limits.maxDispatch);
  const code = `@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read> idx: array<i32>;
@group(0) @binding(2) var<storage, read_write> y: array<u32>;
${ENTRY} {
  ${flatIndex(groups[0])}
  if (i >= ${n}u) { return; }
  let t = i % ${inner}u;
  let j = (i / ${inner}u) % ${m}u;
  let o = i / ${inner * m}u;
  let k = idx[j];
  if (k < 0 || k >= ${len}) { y[i] = 0u; return; }
  y[i] = x[(o * ${len}u + u32(k)) * ${inner}u + t];
}`;
  rt.run(code, [x.buffer, indices.buffer, out.buffer], groups);
}

/**
 * The transpose of `take`: zeros of the output, then `out[o, indices[j], t] += ct[o, j, t]`,
 * with atomic adds (float32 through a compare-and-swap loop on the bits, as WGSL has no float
 * atomics), so repeated indices accumulate; the order of float32 additions is unspecified.
 */
export function scatterAdd(
  rt: Runtime,
  ct: GpuStorage,
  indices: GpuStorage,
  axis: number,
  outShape: readonly number[],
  dtype: DType,
  out: GpuStorage,
): void {
  const [, len, inner] = around(outShape, axis);
  const m = indices.size;
  rt.clear(out.buffer, out.size * 4);
  const n = ct.size;
  if (n === 0) return;
  const t = storageType(dtype, 'scatterAdd');
  const groups = groupsFor(n, WORKGROUP, rt.context.limits.maxDispatch);
  const add =
    t === 'f32'
      ? `var old = atomicLoad(&y[dst]);
  loop {
    let next = bitcast<u32>(bitcast<f32>(old) + bitcast<f32>(ct[i]));
    let r = atomicCompareExchangeWeak(&y[dst], old, next);
    if (r.exchanged) { break; }
    old = r.old_value;
  }`
      : t === 'i32'
        ? 'atomicAdd(&y[dst], ct[i]);'
        : 'atomicOr(&y[dst], ct[i]);';
  const word = t === 'i32' ? 'i32' : 'u32';
  const code = `@group(0) @binding(0) var<storage, read> ct: array<${word}>;
@group(0) @binding(1) var<storage, read> idx: array<i32>;
@group(0) @binding(2) var<storage, read_write> y: array<atomic<${word}>>;
${ENTRY} {
  ${flatIndex(groups[0])}
  if (i >= ${n}u) { return; }
  let t = i % ${inner}u;
  let j = (i / ${inner}u) % ${m}u;
  let o = i / ${inner * m}u;
  let k = idx[j];
  if (k < 0 || k >= ${len}) { return; }
  let dst = (o * ${len}u + u32(k)) * ${inner}u + t;
  ${add}
}`;
  rt.run(code, [ct.buffer, indices.buffer, out.buffer], groups);
}
