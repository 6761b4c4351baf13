/**
 * cumsum along one axis, on the device. Each line (the elements along the axis at one position of
 * the other axes) is scanned by one workgroup: every thread sums a contiguous chunk of the line,
 * the chunk totals are scanned in workgroup memory (Hillis-Steele, log2(64) = 6 steps), and
 * every thread rescans its chunk from the total before it. Short lines (<= 32 elements), and
 * many lines (>= 4096, enough threads to fill a device) of up to 1024, take one thread each,
 * summing in order. One dispatch either way. (64 threads, not 256: on llvmpipe the 256-thread
 * scan of [256, 1024] was 4x slower, its barriers dominating; a GPU is fine with either.)
 *
 * int32 sums are exact and wrap like the CPU's (bit-identical). float32 sums are in float32 and
 * in a different order from the CPU's float64 accumulation, so they agree within float32
 * rounding of the partial sums (about 2 n / 64 + 6 roundings of the running |sum|).
 */
import { sizeOf } from '../../core/shape';
import type { GpuStorage } from './memory';
import { groupsFor, WORKGROUP, type Runtime } from './runtime';
import { ENTRY, flatIndex, storageType } from './wgsl';

/** Running sums of `x` (of `shape`) along `axis` into `out`, from the end when `reverse`. */
export function cumsum(
  rt: Runtime,
  x: GpuStorage,
  shape: readonly number[],
  axis: number,
  reverse: boolean,
  out: GpuStorage,
): void {
  const n = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const lines = sizeOf(shape) / (n || 1);
  if (n === 0 || lines === 0) return;
  const t = storageType(x.dtype, 'cumsum');
  const line = { n, inner, reverse, t };
  if (n <= 32 || (lines >= 4096 && n <= 1024)) serialScan(rt, line, lines, x, out);
  else workgroupScan(rt, line, lines, x, out);
}

interface Line {
  n: number;
  inner: number;
  reverse: boolean;
  t: 'f32' | 'i32' | 'u32';
}

/** WGSL: the buffers, and `at(line, k)`: the address of the k-th element in scan order. */
function header({ n, inner, reverse, t }: Line): string {
  const pos = reverse ? `(${n - 1}u - k)` : 'k';
  return `@group(0) @binding(0) var<storage, read> x: array<${t}>;
@group(0) @binding(1) var<storage, read_write> y: array<${t}>;
fn at(line: u32, k: u32) -> u32 {
  return (line / ${inner}u) * ${n * inner}u + line % ${inner}u + ${pos} * ${inner}u;
}`;
}

/** One thread per line, in order. */
function serialScan(rt: Runtime, line: Line, lines: number, x: GpuStorage, out: GpuStorage): void {
  const groups = groupsFor(lines, WORKGROUP, rt.context.limits.maxDispatch);
  const code = `${header(line)}
${ENTRY} {
  ${flatIndex(groups[0], 'l')}
  if (l >= ${lines}u) { return; }
  var acc: ${line.t} = ${line.t}(0);
  for (var k: u32 = 0u; k < ${line.n}u; k++) {
    let i = at(l, k);
    acc = acc + x[i];
    y[i] = acc;
  }
}`;
  rt.run(code, [x.buffer, out.buffer], groups);
}

/** One workgroup per line: chunk sums, a scan of them in workgroup memory, chunk rescans. */
function workgroupScan(
  rt: Runtime,
  line: Line,
  lines: number,
  x: GpuStorage,
  out: GpuStorage,
): void {
  const wg = WORKGROUP;
  const chunk = Math.ceil(line.n / wg);
  const groups = groupsFor(lines, 1, rt.context.limits.maxDispatch);
  const { t } = line;
  const code = `${header(line)}
var<workgroup> totals: array<${t}, ${wg}>;
@compute @workgroup_size(${wg}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let l = wid.x + wid.y * ${groups[0]}u;
  if (l >= ${lines}u) { return; }
  let start = lid * ${chunk}u;
  let end = min(${line.n}u, start + ${chunk}u);
  var acc: ${t} = ${t}(0);
  for (var k: u32 = start; k < end; k++) { acc = acc + x[at(l, k)]; }
  totals[lid] = acc;
  workgroupBarrier();
  for (var s: u32 = 1u; s < ${wg}u; s = s * 2u) {
    var before: ${t} = ${t}(0);
    if (lid >= s) { before = totals[lid - s]; }
    workgroupBarrier();
    totals[lid] = totals[lid] + before;
    workgroupBarrier();
  }
  acc = ${t}(0);
  if (lid > 0u) { acc = totals[lid - 1u]; }
  for (var k: u32 = start; k < end; k++) {
    let i = at(l, k);
    acc = acc + x[i];
    y[i] = acc;
  }
}`;
  rt.run(code, [x.buffer, out.buffer], groups);
}
