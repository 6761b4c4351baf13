/**
 * sort and argsort along one axis, on the device: a bitonic sort of every line (the elements
 * along the axis at one position of the other axes), padded to a power of two P.
 *
 * Elements are compared as (key, position) pairs, all distinct, so the result is the CPU's stable
 * order exactly: the key maps a word to a u32 whose unsigned order is the value order (float32:
 * the sign-magnitude bits flipped into two's-complement order, -0 read as +0 so the two tie as on
 * the CPU, every NaN as the largest key; int32: the sign bit flipped); descending inverts the key
 * (NaN first, ties still by position). Padding takes the largest key and positions past the line,
 * so it sorts last. Words are compared and copied as bits, so results are bit-identical.
 *
 * Lines with P <= the workgroup memory's capacity C (C = 2048 slots under the default 16 KiB)
 * sort in one dispatch, one workgroup per line. Longer lines keep keys and positions in global
 * memory: blocks of C slots are sorted in workgroup memory, then each merge level k > C runs its
 * steps of distance >= C as global passes and the rest in workgroup memory again
 * (1 + sum over levels of (log2(k / C) + 1) dispatches, plus a first and a last pass).
 */
import { sizeOf } from '../../core/shape';
import type { GpuStorage } from './memory';
import { groupsFor, WORKGROUP, type Runtime } from './runtime';
import { ENTRY, flatIndex } from './wgsl';

/** What a sort writes: the sorted values (`sort`) or their positions along the axis (`argsort`). */
export type SortOutput = 'values' | 'positions';

interface Lines {
  n: number;
  inner: number;
  lines: number;
  /** n rounded up to a power of two. */
  P: number;
}

/** Sorts `x` (of `shape`, float32 or int32) along `axis` into `out`. */
export function sortLines(
  rt: Runtime,
  x: GpuStorage,
  shape: readonly number[],
  axis: number,
  descending: boolean,
  output: SortOutput,
  out: GpuStorage,
): void {
  const n = shape[axis];
  const lines = n === 0 ? 0 : sizeOf(shape) / n;
  if (lines === 0) return;
  const line: Lines = {
    n,
    inner: sizeOf(shape.slice(axis + 1)),
    lines,
    P: 2 ** Math.ceil(Math.log2(n)),
  };
  const common = `${addressing(line)}\n${keyFn(x.dtype === 'float32', descending)}`;
  const C = 2 ** Math.floor(Math.log2(Math.min(4096, rt.context.limits.workgroupBytes / 8)));
  if (line.P <= C) localSort(rt, line, common, output, x, out);
  else globalSort(rt, line, C, common, output, x, out);
}

/** WGSL `at(l, q)`: the address of element q of line l. */
function addressing({ n, inner }: Lines): string {
  return `fn at(l: u32, q: u32) -> u32 {
  return (l / ${inner}u) * ${n * inner}u + l % ${inner}u + q * ${inner}u;
}`;
}

/** WGSL `keyOf(w)`: the order-preserving u32 key of the word `w` (see the file comment). */
function keyFn(float: boolean, descending: boolean): string {
  const body = float
    ? `if ((w & 0x7fffffffu) > 0x7f800000u) { return ${descending ? '0u' : '0xffffffffu'}; }
  var b = w;
  if (b == 0x80000000u) { b = 0u; }
  let k = select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);`
    : 'let k = w ^ 0x80000000u;';
  return `fn keyOf(w: u32) -> u32 {
  ${body}
  return ${descending ? '~k' : 'k'};
}`;
}

/**
 * WGSL statements: the compare-exchange of pair `p` in the step of distance j of merge level k,
 * on arrays `keys` and `idx` from slot `o`: slots i and i + j, ascending where bit k of the
 * slot's position in its line (`at` + i) is clear.
 */
function compareExchange(o: string, at: string): string {
  return `let i = 2u * j * (p / j) + p % j;
    let a = ${o} + i;
    let b = a + j;
    let bFirst = keys[b] < keys[a] || (keys[b] == keys[a] && idx[b] < idx[a]);
    if (bFirst == (((${at} + i) & k) == 0u)) {
      let tk = keys[a]; keys[a] = keys[b]; keys[b] = tk;
      let ti = idx[a]; idx[a] = idx[b]; idx[b] = ti;
    }`;
}

/**
 * WGSL: levels k = kFrom..kTo of the network on `size` slots in workgroup memory, steps of
 * distance min(k, size) / 2 down to 1, `T` threads; `at` is the block's position in its line.
 */
function workgroupSteps(kFrom: number, kTo: number, size: number, T: number, at: string): string {
  return `for (var k: u32 = ${kFrom}u; k <= ${kTo}u; k = k * 2u) {
    for (var j: u32 = min(k, ${size}u) / 2u; j > 0u; j = j / 2u) {
      for (var p: u32 = lid; p < ${size >> 1}u; p += ${T}u) {
        ${compareExchange('0u', at)}
      }
      workgroupBarrier();
    }
  }`;
}

/** WGSL: the output word for sorted slot `s` of line `l`. */
const result = (output: SortOutput, s: string) => (output === 'values' ? `x[at(l, ${s})]` : s);

/** WGSL: the key of element q of line l, or the padding key past the line. */
const initialKey = (n: number) =>
  `select(0xffffffffu, keyOf(x[at(l, min(q, ${n - 1}u))]), q < ${n}u)`;

const BUFFERS = `@group(0) @binding(0) var<storage, read> x: array<u32>;
@group(0) @binding(1) var<storage, read_write> y: array<u32>;`;

const SHARED = (size: number) => `var<workgroup> keys: array<u32, ${size}>;
var<workgroup> idx: array<u32, ${size}>;`;

const WORKGROUP_ENTRY = (T: number) =>
  `@compute @workgroup_size(${T}) fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32)`;

const threadsFor = (rt: Runtime, size: number) =>
  Math.max(1, Math.min(WORKGROUP, rt.context.limits.invocations, size >> 1));

/** One workgroup per line, the whole bitonic network in workgroup memory. */
function localSort(
  rt: Runtime,
  { n, lines, P }: Lines,
  common: string,
  output: SortOutput,
  x: GpuStorage,
  out: GpuStorage,
): void {
  const T = threadsFor(rt, P);
  const groups = groupsFor(lines, 1, rt.context.limits.maxDispatch);
  const code = `${BUFFERS}
${SHARED(P)}
${common}
${WORKGROUP_ENTRY(T)} {
  let l = wid.x + wid.y * ${groups[0]}u;
  if (l >= ${lines}u) { return; }
  for (var q: u32 = lid; q < ${P}u; q += ${T}u) {
    keys[q] = ${initialKey(n)};
    idx[q] = q;
  }
  workgroupBarrier();
  ${workgroupSteps(2, P, P, T, '0u')}
  for (var q: u32 = lid; q < ${n}u; q += ${T}u) { y[at(l, q)] = ${result(output, 'idx[q]')}; }
}`;
  rt.run(code, [x.buffer, out.buffer], groups);
}

/** Lines longer than C slots: keys and positions in global memory (see the file comment). */
function globalSort(
  rt: Runtime,
  { n, lines, P }: Lines,
  C: number,
  common: string,
  output: SortOutput,
  x: GpuStorage,
  out: GpuStorage,
): void {
  const keys = rt.allocate(lines * P, 'int32', out.backend);
  const idx = rt.allocate(lines * P, 'int32', out.backend);
  const max = rt.context.limits.maxDispatch;
  const global = (first: number) =>
    `@group(0) @binding(${first}) var<storage, read_write> ${first === 0 ? 'gkeys' : 'keys'}: array<u32>;
@group(0) @binding(${first + 1}) var<storage, read_write> ${first === 0 ? 'gidx' : 'idx'}: array<u32>;`;
  // A thread per element (or pair) of every line.
  const pass = (threads: number, bindings: string, body: string, buffers: GPUBuffer[]) => {
    const groups = groupsFor(threads, WORKGROUP, max);
    const code = `${bindings}\n${common}\n${ENTRY} {\n  ${flatIndex(groups[0], 'g')}\n  if (g >= ${threads}u) { return; }\n  ${body}\n}`;
    rt.run(code, buffers, groups);
  };
  // A workgroup per block of C slots: levels kFrom..kTo of the steps of distance < C.
  const T = threadsFor(rt, C);
  const blocks = (lines * P) / C;
  const blockGroups = groupsFor(blocks, 1, max);
  const block = (kFrom: number, kTo: number) =>
    rt.run(
      `${global(0)}
${SHARED(C)}
${common}
${WORKGROUP_ENTRY(T)} {
  let g = wid.x + wid.y * ${blockGroups[0]}u;
  if (g >= ${blocks}u) { return; }
  let o = g * ${C}u;
  for (var q: u32 = lid; q < ${C}u; q += ${T}u) { keys[q] = gkeys[o + q]; idx[q] = gidx[o + q]; }
  workgroupBarrier();
  ${workgroupSteps(kFrom, kTo, C, T, `o % ${P}u`)}
  for (var q: u32 = lid; q < ${C}u; q += ${T}u) { gkeys[o + q] = keys[q]; gidx[o + q] = idx[q]; }
}`,
      [keys.buffer, idx.buffer],
      blockGroups,
    );
  pass(
    lines * P,
    `${BUFFERS.split('\n')[0]}\n${global(1)}`,
    `let l = g / ${P}u;
  let q = g % ${P}u;
  keys[g] = ${initialKey(n)};
  idx[g] = q;`,
    [x.buffer, keys.buffer, idx.buffer],
  );
  block(2, C);
  for (let k = 2 * C; k <= P; k *= 2) {
    for (let j = k / 2; j >= C; j /= 2)
      pass(
        (lines * P) / 2,
        global(1).replace(/binding\((\d)\)/g, (_, d: string) => `binding(${+d - 1})`),
        `let k = ${k}u;
  let j = ${j}u;
  let p = g % ${P >> 1}u;
  ${compareExchange(`(g / ${P >> 1}u) * ${P}u`, '0u')}`,
        [keys.buffer, idx.buffer],
      );
    block(k, k);
  }
  // Positions need no x; a binding the shader does not use may not be bound.
  const withX = output === 'values';
  pass(
    lines * n,
    `${withX ? BUFFERS : BUFFERS.split('\n')[1].replace('binding(1)', 'binding(0)')}
@group(0) @binding(${withX ? 2 : 1}) var<storage, read> idx: array<u32>;`,
    `let l = g / ${n}u;
  let q = g % ${n}u;
  y[at(l, q)] = ${result(output, `idx[l * ${P}u + q]`)};`,
    withX ? [x.buffer, out.buffer, idx.buffer] : [out.buffer, idx.buffer],
  );
  rt.pool.dispose(keys);
  rt.pool.dispose(idx);
}
