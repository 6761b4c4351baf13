/**
 * Batched matrix product `[..., m, k] @ [..., k, n]`, the kernel that decides GPU speed.
 *
 * Blocking (the GEMM recipe: reuse each loaded value many times from fast memory): a workgroup of
 * 16 x 16 threads computes a 64 x 64 tile of C. For each slice of 16 along k it loads a 64 x 16
 * tile of A and a 16 x 64 tile of B into workgroup (shared) memory once, then each thread
 * accumulates its 4 x 4 outputs from registers: 64 multiply-adds per 8 shared-memory loads.
 * A thread's rows and columns are 16 apart, so neighbouring threads touch neighbouring addresses
 * (coalesced loads and stores, no shared-memory bank conflicts). Batch axes broadcast (a size-1
 * batch axis of one operand is read with stride 0); the batch index is the z workgroup.
 *
 * Transposed operands (jit folds `matmul(a, transpose(b))` into flags, `Backend.matmulTransposes`)
 * are read in place: only the index of a tile load changes, and the threads of a load walk the
 * operand's contiguous axis either way, so the loads stay coalesced.
 */
import type { DType } from '../../core/dtype';
import { sizeOf } from '../../core/shape';
import type { MatmulTranspose } from '../backend';
import type { GpuStorage } from './memory';
import type { Runtime } from './runtime';
import { storageType, stridedOffset } from './wgsl';

const TILE = 64;
const BK = 16;
const THREADS = 16; // per side: 16 x 16 threads, 4 x 4 outputs each

/** Batch strides of an operand whose matrices are `rows x cols`, broadcast to `batch`. */
function batchStrides(shape: readonly number[], batch: readonly number[]): number[] {
  const own = shape.slice(0, -2);
  const matrix = shape[shape.length - 2] * shape[shape.length - 1];
  const strides: number[] = [];
  let acc = matrix;
  for (let i = batch.length - 1; i >= 0; i--) {
    const d = own[i - (batch.length - own.length)];
    strides[i] = d === undefined || d === 1 ? 0 : acc;
    acc *= d ?? 1;
  }
  return strides;
}

/**
 * WGSL loading element `e` (0..1023) of a 64 x 16 tile slice into `tile[k][i]`: the operand's
 * rows (A) or columns (B) from `start` (`size` of them) against k from `k0`. `kMajor`: the
 * operand is stored with k as its slow axis (`[K, size]`: B, or a transposed A), so consecutive
 * threads take consecutive i; otherwise (`[size, K]`: A, or a transposed B) consecutive k.
 */
function tileLoad(
  operand: string,
  tile: string,
  base: string,
  start: string,
  size: number,
  kMajor: boolean,
): string {
  // The element's place in the tile (li along rows or columns, lk along k).
  const [li, lk] = kMajor ? [`e % ${TILE}u`, `e / ${TILE}u`] : [`e / ${BK}u`, `e % ${BK}u`];
  const at = (ii: string, kk: string) =>
    kMajor ? `${kk} * ${size}u + ${ii}` : `${ii} * KDIM + ${kk}`;
  return `{
        let i = ${start} + ${li};
        let k = k0 + ${lk};
        ${tile}[${lk}][${li}] = select(ZERO, ${operand}[u32(${base}) + ${at(`min(i, ${size - 1}u)`, 'min(k, KLAST)')}], i < ${size}u && k < KDIM);
      }`;
}

export function matmul(
  rt: Runtime,
  a: GpuStorage,
  aShape: readonly number[],
  b: GpuStorage,
  bShape: readonly number[],
  outShape: readonly number[],
  dtype: DType,
  out: GpuStorage,
  transpose: MatmulTranspose = {},
): void {
  const r = outShape.length;
  const [M, N] = [outShape[r - 2], outShape[r - 1]];
  const K = aShape[aShape.length - (transpose.a ? 2 : 1)];
  const batch = outShape.slice(0, -2);
  const B = sizeOf(batch);
  if (M * N * B === 0) return;
  if (K === 0) {
    rt.clear(out.buffer, out.size * 4);
    return;
  }
  const t = storageType(dtype, 'matmul');
  const zero = t === 'f32' ? '0.0' : '0';
  const max = rt.context.limits.maxDispatch;
  if (B > max) throw new Error(`matmul: ${B} matrices in one batch exceed the device's ${max}`);
  const code = `@group(0) @binding(0) var<storage, read> A: array<${t}>;
@group(0) @binding(1) var<storage, read> Bm: array<${t}>;
@group(0) @binding(2) var<storage, read_write> C: array<${t}>;
const KDIM = ${K}u;
const KLAST = ${K - 1}u;
const ZERO: ${t} = ${zero};
var<workgroup> As: array<array<${t}, ${TILE}>, ${BK}>;
var<workgroup> Bs: array<array<${t}, ${TILE}>, ${BK}>;
@compute @workgroup_size(${THREADS}, ${THREADS})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  ${stridedOffset('aBase', 'wid.z', batch, 0, batchStrides(aShape, batch))}
  ${stridedOffset('bBase', 'wid.z', batch, 0, batchStrides(bShape, batch))}
  let cBase = wid.z * ${M * N}u;
  let row0 = wid.y * ${TILE}u;
  let col0 = wid.x * ${TILE}u;
  let tid = lid.y * ${THREADS}u + lid.x;
  var acc: array<${t}, 16>;
  for (var i = 0u; i < 16u; i++) { acc[i] = ${zero}; }
  for (var k0 = 0u; k0 < ${K}u; k0 += ${BK}u) {
    for (var l = 0u; l < 4u; l++) {
      let e = tid + l * 256u;
      ${tileLoad('A', 'As', 'aBase', 'row0', M, transpose.a ?? false)}
      ${tileLoad('Bm', 'Bs', 'bBase', 'col0', N, !(transpose.b ?? false))}
    }
    workgroupBarrier();
    for (var k = 0u; k < ${BK}u; k++) {
      var av: array<${t}, 4>;
      var bv: array<${t}, 4>;
      for (var i = 0u; i < 4u; i++) {
        av[i] = As[k][lid.y + i * ${THREADS}u];
        bv[i] = Bs[k][lid.x + i * ${THREADS}u];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i * 4u + j] = fma(av[i], bv[j], acc[i * 4u + j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + lid.y + i * ${THREADS}u;
    if (row >= ${M}u) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + lid.x + j * ${THREADS}u;
      if (col < ${N}u) { C[cBase + row * ${N}u + col] = acc[i * 4u + j]; }
    }
  }
}`;
  rt.run(
    t === 'f32'
      ? code
      : code.replace(/fma\(av\[i\], bv\[j\], (acc\[i \* 4u \+ j\])\)/, '$1 + av[i] * bv[j]'),
    [a.buffer, b.buffer, out.buffer],
    [Math.ceil(N / TILE), Math.ceil(M / TILE), B],
  );
}
