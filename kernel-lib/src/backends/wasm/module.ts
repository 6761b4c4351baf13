/**
 * Loads dist/kernels.wasm (built from wasm/kernels.c) synchronously in Node, and manages its
 * memory: scratch that each kernel call starts afresh (operands copied in, the result copied out
 * into a fresh typed array), above the frames that jitted programs keep their intermediates in
 * (`arena.ts`).
 */

/** The parts of the WebAssembly JS API used here (lib ES2022 does not declare them). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * C[r0:r1] = A[r0:r1] B for row-major m x k and k x n matrices; `work` is scratch for packing;
 * `trans` bit 0: A is stored as k x m, bit 1: B is stored as n x k (read transposed, no copy).
 */
type MatmulKernel = (
  a: number,
  b: number,
  c: number,
  m: number,
  k: number,
  n: number,
  r0: number,
  r1: number,
  work: number,
  trans: number,
) => void;

/** out[i] = op(a[i], b[i mod bn]) (operands swapped when `swap` is set). */
type BinaryKernel = (
  op: number,
  a: number,
  b: number,
  out: number,
  n: number,
  bn: number,
  swap: number,
) => void;

/** The kernel exports (pointers are byte offsets into the module's memory). */
export interface WasmExports {
  matmul_f32: MatmulKernel;
  matmul_f64: MatmulKernel;
  binary_f32: BinaryKernel;
  binary_f64: BinaryKernel;
  unary_f32(op: number, a: number, out: number, n: number): void;
  unary_f64(op: number, a: number, out: number, n: number): void;
  transcendental_f32(op: number, a: number, out: number, n: number, flags: number): number;
  sum_f32(x: number, out: number, outer: number, red: number, inner: number, acc: number): void;
  sum_f64(x: number, out: number, outer: number, red: number, inner: number, acc: number): void;
  __heap_base: { value: number };
}

/** Packing space of the matmul kernels: (MC + NC) * KC elements of 8 bytes (see kernels.c). */
export const MATMUL_WORK_BYTES = (96 + 1024) * 256 * 8;

const PAGE = 65536;

/** An instantiated kernel module with a bump arena that is reset before every kernel call. */
export class WasmKernels {
  readonly memory: WasmMemory;
  readonly k: WasmExports;
  /** Where scratch starts: the heap base, raised by the open arena frames (see arena.ts). */
  floor: number;
  private top = 0;

  constructor(
    api: WasmApi,
    module: object,
    /** Where the module was loaded from (worker threads load it again). */
    readonly file: string,
  ) {
    this.memory = new api.Memory({ initial: 64 });
    const instance = new api.Instance(module, { env: { memory: this.memory } });
    this.k = instance.exports as unknown as WasmExports;
    this.floor = ((this.k.__heap_base.value as number) + 15) & ~15;
  }

  /** Starts a kernel call: the scratch is empty again. */
  reset(): void {
    this.top = this.floor;
  }

  /** Reserves `bytes` (16-byte aligned), growing memory as needed; returns the offset. */
  alloc(bytes: number): number {
    const at = this.top;
    this.top = (at + bytes + 15) & ~15;
    this.reserve(this.top);
    return at;
  }

  /** Grows memory to hold `end` bytes (views of the old buffer are detached then). */
  reserve(end: number): void {
    const need = end - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / PAGE));
  }

  /** Copies a typed array into the arena; returns its offset. */
  put(data: Float32Array | Float64Array): number {
    const at = this.alloc(data.byteLength);
    new Uint8Array(this.memory.buffer, at, data.byteLength).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    return at;
  }

  /** A copy of `n` elements at `at` as a new typed array of the same kind as `like`. */
  take(at: number, n: number, like: 'float32' | 'float64'): Float32Array | Float64Array {
    return like === 'float32'
      ? new Float32Array(this.memory.buffer, at, n).slice()
      : new Float64Array(this.memory.buffer, at, n).slice();
  }
}

/** Where the built module may be, relative to this file in dist/ and in src/ (tests). */
function candidates(join: (...p: string[]) => string): string[] {
  const here = typeof __dirname === 'string' ? __dirname : '';
  return here
    ? [join(here, '..', '..', 'kernels.wasm'), join(here, '..', '..', '..', 'dist', 'kernels.wasm')]
    : [];
}

/** The compiled kernels, or the reason they are unavailable. */
export function loadKernels(): WasmKernels | string {
  if (!wasm) return 'WebAssembly is not available';
  const proc = (globalThis as { process?: NodeJS.Process }).process;
  if (proc?.env?.ADLAB_NO_WASM) return 'disabled by ADLAB_NO_WASM';
  const getBuiltin = proc?.getBuiltinModule;
  if (typeof getBuiltin !== 'function') return 'not running in Node (>= 20.16)';
  const fs = proc!.getBuiltinModule('fs');
  const path = proc!.getBuiltinModule('path');
  const file = candidates(path.join).find((f) => fs.existsSync(f));
  if (!file) return 'dist/kernels.wasm not built (clang missing at build time?)';
  try {
    return new WasmKernels(wasm, new wasm.Module(fs.readFileSync(file)), file);
  } catch (e) {
    return `dist/kernels.wasm failed to load: ${(e as Error).message}`;
  }
}
