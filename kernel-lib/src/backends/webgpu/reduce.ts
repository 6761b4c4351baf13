/**
 * Reductions (sum, max, min, argmax, argmin) over any set of axes. Large reductions give each
 * output a workgroup whose threads stride over the reduced elements and combine in workgroup
 * memory (a tree); a very long reduction into few outputs first writes partial results per chunk
 * and reduces those in a second pass. Short ones (<= 32 elements) run one thread per output.
 * max/min propagate NaN; argmax/argmin give the first index of the extreme (NaN counts as one).
 */
import type { DType } from '../../core/dtype';
import { sizeOf } from '../../core/shape';
import type { ReduceKind } from '../backend';
import type { GpuStorage } from './memory';
import { groupsFor, WORKGROUP, type Runtime } from './runtime';
import { ENTRY, flatIndex, rowMajor, storageType, stridedOffset } from './wgsl';

const ISNAN = 'fn isnan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }';

/** The element type the kernel combines in, and how a loaded word becomes one. */
function accType(kind: ReduceKind, inDtype: DType, outDtype: DType): 'f32' | 'i32' {
  const d = kind === 'sum' ? outDtype : inDtype;
  return d === 'float32' ? 'f32' : 'i32';
}

/** WGSL: `better(a, ia, b, ib)` is true when (b, ib) should replace (a, ia). */
function betterFn(kind: ReduceKind, t: 'f32' | 'i32'): string {
  const cmp = kind === 'max' || kind === 'argmax' ? '>' : '<';
  const nan =
    t === 'f32'
      ? 'if (isnan(a)) { return isnan(b) && ib < ia; } if (isnan(b)) { return true; }'
      : '';
  return `fn better(a: ${t}, ia: u32, b: ${t}, ib: u32) -> bool {
  ${nan}
  return b ${cmp} a || (b == a && ib < ia);
}`;
}

function identity(kind: ReduceKind, t: 'f32' | 'i32'): string {
  if (kind === 'sum') return t === 'f32' ? '0.0' : '0';
  const max = kind === 'max' || kind === 'argmax';
  // -inf / inf, from a variable so the shader compiler does not fold (and reject) the constant.
  if (t === 'f32') return max ? 'bitcast<f32>(INF_BITS | 0x80000000u)' : 'bitcast<f32>(INF_BITS)';
  return max ? '-2147483647 - 1' : '2147483647';
}

/** Reduces `x` of `shape` over the sorted `axes` into `out`. */
export function reduce(
  rt: Runtime,
  kind: ReduceKind,
  x: GpuStorage,
  shape: readonly number[],
  axes: readonly number[],
  outDtype: DType,
  out: GpuStorage,
): void {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const strides = rowMajor(shape);
  const outShape = kept.map((i) => shape[i]);
  const redShape = axes.map((i) => shape[i]);
  const O = sizeOf(outShape);
  const R = sizeOf(redShape);
  if (O === 0) return;
  const src = {
    type: storageType(x.dtype, kind),
    keptShape: outShape,
    keptStrides: kept.map((i) => strides[i]),
    redShape,
    redStrides: axes.map((i) => strides[i]),
  };
  const t = accType(kind, x.dtype, outDtype);
  const arg = kind === 'argmax' || kind === 'argmin';
  const wg = Math.min(256, rt.context.limits.invocations);
  if (R <= 32 || (O >= 4096 && R <= 256)) {
    runSerial(rt, kind, t, src, O, R, x, out, outDtype);
    return;
  }
  const chunks = !arg && O < 64 && R > wg * 64 ? Math.min(1024, Math.ceil(R / (wg * 32))) : 1;
  if (chunks === 1) {
    runTree(rt, kind, t, src, O, R, 1, x, out, outDtype, wg);
    return;
  }
  const partial = rt.allocate(O * chunks, outDtype, out.backend);
  runTree(rt, kind, t, src, O, R, chunks, x, partial, outDtype, wg);
  const second = {
    type: storageType(outDtype, kind),
    keptShape: [O],
    keptStrides: [chunks],
    redShape: [chunks],
    redStrides: [1],
  };
  if (chunks <= 32) runSerial(rt, kind, t, second, O, chunks, partial, out, outDtype);
  else runTree(rt, kind, t, second, O, chunks, 1, partial, out, outDtype, wg);
  rt.pool.dispose(partial);
}

interface Source {
  type: 'f32' | 'i32' | 'u32';
  keptShape: readonly number[];
  keptStrides: readonly number[];
  redShape: readonly number[];
  redStrides: readonly number[];
}

function load(src: Source, t: 'f32' | 'i32', at: string): string {
  return src.type === t ? `x[${at}]` : `${t}(x[${at}])`;
}

function store(kind: ReduceKind, outDtype: DType, value: string, index: string): string {
  if (kind === 'argmax' || kind === 'argmin') return `i32(${index})`;
  const t = storageType(outDtype, kind);
  return `${t}(${value})`;
}

function header(src: Source, outDtype: DType, kind: ReduceKind, t: 'f32' | 'i32'): string {
  const outType = kind === 'argmax' || kind === 'argmin' ? 'i32' : storageType(outDtype, kind);
  return `@group(0) @binding(0) var<storage, read> x: array<${src.type}>;
@group(0) @binding(1) var<storage, read_write> y: array<${outType}>;
${t === 'f32' ? `${ISNAN}\nvar<private> INF_BITS: u32 = 0x7f800000u;` : ''}
${kind === 'sum' ? '' : betterFn(kind, t)}`;
}

function combine(kind: ReduceKind): string {
  return kind === 'sum' ? 'acc = acc + v;' : 'if (better(acc, best, v, r)) { acc = v; best = r; }';
}

/** One thread per output, looping over its reduced elements. */
function runSerial(
  rt: Runtime,
  kind: ReduceKind,
  t: 'f32' | 'i32',
  src: Source,
  O: number,
  R: number,
  x: GpuStorage,
  out: GpuStorage,
  outDtype: DType,
): void {
  const groups = groupsFor(O, WORKGROUP, rt.context.limits.maxDispatch);
  const code = `${header(src, outDtype, kind, t)}
${ENTRY} {
  ${flatIndex(groups[0], 'o')}
  if (o >= ${O}u) { return; }
  ${stridedOffset('base', 'o', src.keptShape, 0, src.keptStrides)}
  var acc: ${t} = ${identity(kind, t)};
  var best: u32 = 0u;
  for (var r: u32 = 0u; r < ${R}u; r++) {
    ${stridedOffset('off', 'r', src.redShape, 0, src.redStrides)}
    let v = ${load(src, t, 'base + off')};
    ${combine(kind)}
  }
  y[o] = ${store(kind, outDtype, 'acc', 'best')};
}`;
  rt.run(code, [x.buffer, out.buffer], groups);
}

/** A workgroup per (output, chunk): threads stride over the chunk, then a tree in shared memory. */
function runTree(
  rt: Runtime,
  kind: ReduceKind,
  t: 'f32' | 'i32',
  src: Source,
  O: number,
  R: number,
  chunks: number,
  x: GpuStorage,
  out: GpuStorage,
  outDtype: DType,
  wg: number,
): void {
  const per = Math.ceil(R / chunks);
  const groups = groupsFor(O * chunks, 1, rt.context.limits.maxDispatch);
  const code = `${header(src, outDtype, kind, t)}
var<workgroup> sv: array<${t}, ${wg}>;
var<workgroup> si: array<u32, ${wg}>;
@compute @workgroup_size(${wg}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * ${groups[0]}u;
  if (g >= ${O * chunks}u) { return; }
  let o = g / ${chunks}u;
  let c = g % ${chunks}u;
  ${stridedOffset('base', 'o', src.keptShape, 0, src.keptStrides)}
  var acc: ${t} = ${identity(kind, t)};
  var best: u32 = 0u;
  let end = min(${R}u, (c + 1u) * ${per}u);
  for (var r: u32 = c * ${per}u + lid; r < end; r += ${wg}u) {
    ${stridedOffset('off', 'r', src.redShape, 0, src.redStrides)}
    let v = ${load(src, t, 'base + off')};
    ${combine(kind)}
  }
  sv[lid] = acc;
  si[lid] = best;
  workgroupBarrier();
  for (var s: u32 = ${wg / 2}u; s > 0u; s = s / 2u) {
    if (lid < s) {
      let v = sv[lid + s];
      let r = si[lid + s];
      ${kind === 'sum' ? 'sv[lid] = sv[lid] + v;' : 'if (better(sv[lid], si[lid], v, r)) { sv[lid] = v; si[lid] = r; }'}
    }
    workgroupBarrier();
  }
  if (lid == 0u) { y[g] = ${store(kind, outDtype, 'sv[0]', 'si[0]')}; }
}`;
  rt.run(code, [x.buffer, out.buffer], groups);
}
