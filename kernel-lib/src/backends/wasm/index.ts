/**
 * The `cpu-wasm` backend: the CPU backend's typed-array storage with WebAssembly SIMD kernels for
 * matmul, sums and the exactly rounded elementwise operations (see wasm/kernels.c); everything
 * else, and small tensors (where copying in and out costs more than it saves), stay on the
 * TypeScript kernels.
 */
import { sizeOf } from '../../core/shape';
import type { DType } from '../../core/dtype';
import type { Backend, Operand } from '../backend';
import { directOp, scalarOps, type ScalarOpName } from '../expression';
import { cpuData, createCpuBackend, type FastKernels } from '../cpu';
import { WasmArena } from './arena';
import { trailingPeriod } from '../cpu/fast-loops';
import { batchOffsets } from '../cpu/matmul';
import { splitAxes } from '../cpu/reduce';
import { loadKernels, MATMUL_WORK_BYTES } from './module';
import { MatmulThreads } from './threads';
import { wasmExprKernel } from './expression-kernel';
import { POLYNOMIAL_OPS } from './simd-math';

/** Sizes below which a kernel stays in TypeScript (tests set them to 0 to cover every case). */
export interface WasmThresholds {
  /** Elements of an elementwise op or a sum (default 4096). */
  elementwise: number;
  /** m·k·n of a matmul (default 16384). */
  matmul: number;
  /** m·k·n of a matmul that is split with a second thread (default 2^22; Infinity: never). */
  threads?: number;
}

const BINARY: Partial<Record<ScalarOpName, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  max: 4,
  min: 5,
};
const UNARY: Partial<Record<ScalarOpName, number>> = { neg: 0, abs: 1, sqrt: 2 };
/** Computed in float64 and rounded; doubtful elements come back flagged (float32 output only). */
const TRANSCENDENTAL: Partial<Record<ScalarOpName, number>> = { exp: 0, tanh: 1 };

type Float = 'float32' | 'float64';
const isFloatOf = (d: DType, xs: readonly Operand[]): d is Float =>
  (d === 'float32' || d === 'float64') && xs.every((x) => x.dtype === d);

/**
 * The kernels on `arena`'s memory: operands resident there are read in place (others copied into
 * scratch), and a result goes to the slot a jitted program placed for it (else copied out).
 */
function fastKernels(arena: WasmArena, min: WasmThresholds): FastKernels {
  const w = arena.w;
  const k = w.k;
  let threads: MatmulThreads | undefined | null = null; // null: not started yet
  const data = (x: Operand) => cpuData(x) as Float32Array | Float64Array;
  const ptr = (x: Operand) => arena.ptr(x);
  return {
    // SIMD exp and tanh beat a JavaScript loop calling Math.exp/Math.tanh by about 2x.
    nativeOps: new Set(Object.keys(TRANSCENDENTAL) as ScalarOpName[]),
    polynomialOps: new Set(Object.keys(POLYNOMIAL_OPS) as ScalarOpName[]),
    arena: env()?.ADLAB_JIT_ARENA === '0' ? undefined : arena, // 0: for A/B measurements
    elementwise(expr, xs, outShape, outDtype, policy) {
      // the size first: most eager ops are small, and this is their whole cost here
      const n = sizeOf(outShape);
      if (n < min.elementwise || !isFloatOf(outDtype, xs)) return undefined;
      const op = directOp(expr);
      if (op === undefined) {
        // a fused chain: compiled to SIMD when its ops and inputs (full-size or one element) allow
        if (
          outDtype !== 'float32' ||
          !xs.every((x) => sizeOf(x.shape) === 1 || sizeOf(x.shape) === n)
        )
          return undefined;
        if (!xs.every((x) => sizeOf(x.shape) === 1 || x.shape.length === outShape.length))
          return undefined;
        const kernel = wasmExprKernel(
          w,
          expr,
          xs.map((x) => sizeOf(x.shape) === 1 && n !== 1),
          policy,
        );
        return kernel?.(arena, xs, n);
      }
      const size = outDtype === 'float32' ? 4 : 8;
      const tr = TRANSCENDENTAL[op];
      if (tr !== undefined && outDtype === 'float32' && xs.length === 1) {
        if (xs[0].shape.length !== outShape.length) return undefined;
        w.reset();
        const a = ptr(xs[0]);
        const out = arena.output(n * 4);
        const flags = w.alloc(n * 4);
        const count = k.transcendental_f32(tr, a, out, n, flags);
        const result = arena.result(out, n, 'float32');
        // views taken after the allocations (growing memory detaches older ones)
        const [x, y] = [data(xs[0]), ArrayBuffer.isView(result) ? result : result.data];
        const redo = new Int32Array(w.memory.buffer, flags, count);
        const fn = scalarOps[op].cpu;
        for (let i = 0; i < count; i++) y[redo[i]] = fn(x[redo[i]]);
        return result;
      }
      if (xs.length === 1) {
        const code = UNARY[op];
        if (code === undefined || xs[0].shape.length !== outShape.length) return undefined;
        w.reset();
        const a = ptr(xs[0]);
        const out = arena.output(n * size);
        (outDtype === 'float32' ? k.unary_f32 : k.unary_f64)(code, a, out, n);
        return arena.result(out, n, outDtype);
      }
      const code = BINARY[op];
      if (code === undefined || xs.length !== 2) return undefined;
      const pa = trailingPeriod(xs[0].shape, outShape);
      const pb = trailingPeriod(xs[1].shape, outShape);
      const swap = !(pa === n && pb > 0);
      if (swap && !(pb === n && pa > 0)) return undefined;
      const [full, other, period] = swap ? [xs[1], xs[0], pa] : [xs[0], xs[1], pb];
      w.reset();
      const a = ptr(full);
      const b = ptr(other);
      const out = arena.output(n * size);
      (outDtype === 'float32' ? k.binary_f32 : k.binary_f64)(
        code,
        a,
        b,
        out,
        n,
        period,
        swap ? 1 : 0,
      );
      return arena.result(out, n, outDtype);
    },
    reduce(kind, x, axes, outDtype) {
      if (kind !== 'sum' || !isFloatOf(outDtype, [x]) || sizeOf(x.shape) < min.elementwise)
        return undefined;
      for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return undefined;
      const [outer, red, inner] = splitAxes(x.shape, axes);
      w.reset();
      const src = ptr(x);
      const out = arena.output(outer * inner * (outDtype === 'float32' ? 4 : 8));
      const acc = w.alloc(inner * 8);
      (outDtype === 'float32' ? k.sum_f32 : k.sum_f64)(src, out, outer, red, inner, acc);
      return arena.result(out, outer * inner, outDtype);
    },
    matmulTransposes: true,
    matmul(a, b, outShape, transpose) {
      const dtype = a.dtype;
      if (!isFloatOf(dtype, [a, b])) return undefined;
      const rank = outShape.length;
      const [m, n] = [outShape[rank - 2], outShape[rank - 1]];
      const kk = a.shape[a.shape.length - (transpose?.a ? 2 : 1)];
      const trans = (transpose?.a ? 1 : 0) | (transpose?.b ? 2 : 0);
      const size = dtype === 'float32' ? 4 : 8;
      const batchShape = outShape.slice(0, rank - 2);
      const batch = sizeOf(batchShape);
      const aOff = batchOffsets(a.shape.slice(0, -2), batchShape, m * kk);
      const bOff = batchOffsets(b.shape.slice(0, -2), batchShape, kk * n);
      // A batch of matrix-vector products with one matrix (what vmap makes of a matvec) is one
      // matmul, [batch, k] @ Aᵀ (vector-matrix: [batch, k] @ B): the same sums in the same order.
      // A vector's layout is the same transposed or not, so only the matrix keeps its flag.
      const shared = (off: readonly number[]) => off.every((o) => o === off[0]);
      const packed = (off: readonly number[]) => off.every((o, t) => o === t * kk);
      const fold =
        batch === 1
          ? undefined
          : n === 1 && shared(aOff) && packed(bOff)
            ? 'matvec'
            : m === 1 && shared(bOff) && packed(aOff)
              ? 'vecmat'
              : undefined;
      if ((fold ? batch : 1) * m * n * kk < min.matmul) return undefined;
      w.reset();
      const pa = ptr(a);
      const pb = ptr(b);
      const pc = arena.output(batch * m * n * size);
      const work = w.alloc(MATMUL_WORK_BYTES);
      const run = dtype === 'float32' ? k.matmul_f32 : k.matmul_f64;
      /** One matrix product, on two threads when it is large. */
      const one = (x: number, y: number, c: number, mm: number, nn: number, tr: number) => {
        const split = mm * kk * nn >= (min.threads ?? 2 ** 22) && mm >= 8;
        if (split && threads === null) threads = MatmulThreads.start(w.file);
        if (split && threads) threads.matmul(w, size as 4 | 8, x, y, c, mm, kk, nn, work, tr);
        else run(x, y, c, mm, kk, nn, 0, mm, work, tr);
      };
      if (fold === 'matvec') one(pb, pa + aOff[0] * size, pc, batch, m, trans & 1 ? 0 : 2);
      else if (fold === 'vecmat') one(pa, pb + bOff[0] * size, pc, batch, n, trans & 2);
      else
        for (let t = 0; t < batch; t++)
          one(pa + aOff[t] * size, pb + bOff[t] * size, pc + t * m * n * size, m, n, trans);
      return arena.result(pc, batch * m * n, dtype);
    },
  };
}

const loaded = loadKernels();

const env = () => (globalThis as { process?: NodeJS.Process }).process?.env;

/** Two threads for large matmuls unless ADLAB_WASM_THREADS=0. */
function defaultThreads(): number {
  return env()?.ADLAB_WASM_THREADS === '0' ? Infinity : 2 ** 22;
}

/** Why the WebAssembly kernels are unavailable, or `undefined` when they loaded. */
export const wasmUnavailable: string | undefined = typeof loaded === 'string' ? loaded : undefined;

/** A WebAssembly SIMD backend (`undefined` when dist/kernels.wasm is unavailable). */
export function createWasmBackend(
  thresholds: WasmThresholds = { elementwise: 4096, matmul: 16384, threads: defaultThreads() },
): Backend | undefined {
  if (typeof loaded === 'string') return undefined;
  const arena = new WasmArena(loaded);
  arena.backend = createCpuBackend('cpu-wasm', fastKernels(arena, thresholds));
  return arena.backend;
}

/** The default WebAssembly SIMD backend, when dist/kernels.wasm was built and loads. */
export const wasmBackend: Backend | undefined = createWasmBackend();
