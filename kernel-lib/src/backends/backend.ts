/**
 * The backend interface: where tensor data lives and the few kinds of kernels that run on it.
 *
 * Primitives never touch raw data directly: they call these kernel kinds (an elementwise map
 * described as a scalar expression, reductions, matmul, strided copies, gather/scatter, dense
 * linear-algebra routines). Every
 * kernel argument is data, never a JavaScript closure, so a device backend can compile it: the
 * elementwise expression form and its op table (each op with a CPU and a WGSL lowering) are in
 * `expression/`.
 *
 * Memory: the CPU backend's storage is a typed array owned by the garbage collector, so `dispose`
 * does nothing there. The WebGPU backend releases a storage's buffer when the storage becomes
 * unreachable (a FinalizationRegistry) into a pool later kernels reuse; see kernel-lib/README.md.
 * Routines a device has no kernel for run on the host through `runOnHost` (`host-kernel.ts`).
 */
import type { DType, TypedArray } from '../core/dtype';
import type { Expr, ScalarOpName } from './expression';

/** Backend-owned data. */
export interface Storage {
  readonly backend: Backend;
}

/** A kernel operand: data with its shape and dtype. */
export interface Operand {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** The reductions a backend provides. */
export type ReduceKind = 'sum' | 'max' | 'min' | 'argmax' | 'argmin';

/**
 * An affine view for strided copies: output element `i` (multi-index) corresponds to source
 * element `offset + sum_k i_k * strides[k]`. Zero strides broadcast, negative strides flip.
 */
export interface StridedView {
  readonly offset: number;
  readonly strides: readonly number[];
}

/** The dense linear-algebra routines, named after their primitives. */
export type LinalgRoutine =
  'solve' | 'slogdet' | 'det' | 'adjugate' | 'cholesky' | 'eigh' | 'svd' | 'qr';

/**
 * One routine on batches of matrices in the last two axes: the outputs of its primitive (shapes
 * and dtypes in `outs`, inputs and outputs in the primitive's order), on this backend.
 */
export type LinalgKernel = (
  xs: readonly Operand[],
  outs: readonly { readonly shape: readonly number[]; readonly dtype: DType }[],
) => Storage[];

/**
 * A computation on the host: the inputs' data (in order, bool as 0/1 bytes) to the outputs' data
 * (typed arrays of the outputs' dtypes). What a device runs for a routine it has no kernel for.
 */
export type HostKernel = (xs: readonly TypedArray[]) => TypedArray[];

/** Convolution parameters, one entry per spatial axis (two): see `primitives/convolution.ts`. */
export interface ConvParams {
  strides: readonly number[];
  padding: readonly (readonly [number, number])[];
  lhsDilation: readonly number[];
  rhsDilation: readonly number[];
}

/** The routines a device may run natively instead of as host steps, with their parameters. */
export interface RoutineParams {
  cumsum: { axis: number; reverse: boolean };
  sort: { axis: number; descending: boolean };
  argsort: { axis: number; descending: boolean };
  conv: ConvParams;
}

/** A routine's name (also its primitive's registry key). */
export type RoutineName = keyof RoutineParams;

/**
 * A device's own kernel for a routine: the outputs' storages (shapes and dtypes in `outs`), or
 * undefined where it does not cover these operands (the routine then runs as a host step).
 */
export type RoutineKernel<R extends RoutineName> = (
  xs: readonly Operand[],
  outs: readonly { readonly shape: readonly number[]; readonly dtype: DType }[],
  params: RoutineParams[R],
) => Storage[] | undefined;

/** Which operands of a matmul are stored transposed (last two axes swapped). */
export interface MatmulTranspose {
  readonly a?: boolean;
  readonly b?: boolean;
}

/**
 * Memory in which a jitted program keeps its intermediates (the wasm backend's linear memory):
 * one frame per run, above any frame still open (a program run inside another's step), holding
 * the slots that `transforms/buffer-plan.ts` assigned. See kernel-lib/README.md, **jit**.
 */
export interface BackendArena {
  /** Opens a frame of `bytes` (growing memory as needed); frames close in reverse order. */
  open(bytes: number): ArenaFrame;
}

/** One program run's frame of an arena. */
export interface ArenaFrame {
  /**
   * The next kernel result of exactly `slot.bytes` bytes is written at `slot.offset` in this
   * frame and stays there (read in place by later kernels) until the frame closes; a kernel that
   * does not run in this memory leaves the slot unused. `place()` cancels a placement.
   */
  place(slot?: { readonly offset: number; readonly bytes: number }): void;
  /**
   * A copy of `storage`'s data placed at `offset` in this frame (read in place by later kernels),
   * or `storage` itself where it already lies in this memory or cannot be placed.
   */
  adopt(storage: Storage, offset: number): Storage;
  /** Where `storage` lies in this frame (a byte offset), or -1 when it lies elsewhere. */
  offsetOf(storage: Storage): number;
  /** `storage`, or a host copy of it when it lies in an arena (what may outlive the frame). */
  detach(storage: Storage): Storage;
  /** Releases the frame (and cancels a placement no kernel took). */
  close(): void;
}

/**
 * How float32 transcendentals of an elementwise kernel are computed: `'exact'`, the float64
 * formula rounded once (bit-identical to `Math.exp` and friends); `'polynomial'`, a float32
 * polynomial within a stated ulp bound where the backend has one (jit's default for fused chains).
 */
export type TranscendentalPolicy = 'exact' | 'polynomial';

/** The small interface every backend implements. */
export interface Backend {
  readonly name: string;
  /**
   * The device the data lives on (`cpu` when omitted): `cpu` and `cpu-wasm` share host memory,
   * `webgpu` is a GPU's. Operands of one operation must live on one device.
   */
  readonly device?: string;
  /** The dtypes this backend holds (all when omitted); another one is an error naming the op. */
  readonly dtypes?: readonly DType[];
  /**
   * Scalar ops this backend runs in its own kernels faster than a fused loop would (jit's fusion
   * leaves them as separate kernels).
   */
  readonly nativeOps?: ReadonlySet<ScalarOpName>;
  /**
   * float32 ops its kernels evaluate by polynomial when `elementwise` is called with the
   * `'polynomial'` policy (jit's default for fused chains); fusion then fuses them even when they
   * are also `nativeOps`.
   */
  readonly polynomialOps?: ReadonlySet<ScalarOpName>;
  /**
   * Its own dense linear-algebra routines. A routine it lacks runs through the host fallback in
   * `backends/linalg.ts`: the CPU routine as a host kernel (`backends/host-kernel.ts`).
   */
  readonly linalg?: Partial<Record<LinalgRoutine, LinalgKernel>>;
  /**
   * Its own kernels for sort, argsort, cumsum and conv. A routine it lacks (or declines) runs on
   * the host: `backends/routines.ts` is where that choice is made.
   */
  readonly routines?: { readonly [R in RoutineName]?: RoutineKernel<R> };
  /** True when `matmul` takes transposed operands (its `transpose` flags); jit then folds transposes into it. */
  readonly matmulTransposes?: boolean;
  /** Where jit keeps intermediates so that the backend's kernels read them in place. */
  readonly arena?: BackendArena;
  /**
   * Runs `kernel` on the host in program order with this device's work, for operands it cannot
   * read synchronously (`backends/host-kernel.ts` calls it): returns the outputs' storages at
   * once; their data is written when the kernel has run on the downloaded inputs. Backends whose
   * data the host reads directly omit it.
   */
  runOnHost?(
    xs: readonly Operand[],
    outs: readonly { readonly shape: readonly number[]; readonly dtype: DType }[],
    kernel: HostKernel,
  ): Storage[];
  /** Takes ownership of host data. */
  fromHost(data: TypedArray): Storage;
  /**
   * Reads data synchronously (the CPU backend returns its own array: do not mutate it). A device
   * backend throws for data that only the device holds (see `canReadSync`).
   */
  readSync(storage: Storage): TypedArray;
  /** False where `readSync` would throw (device results); true when omitted. */
  canReadSync?(storage: Storage): boolean;
  /** Reads data asynchronously (a GPU's way; when omitted, `readSync`). */
  readAsync?(storage: Storage): Promise<TypedArray>;
  /** Frees the storage now (a no-op where the garbage collector owns memory). */
  dispose(storage: Storage): void;
  /**
   * `out[i] = expr(xs[0][i], xs[1][i], ...)` with NumPy broadcasting of the inputs to `outShape`:
   * `input(k)` reads `xs[k]`; the semantics (float64 formulas, each node rounded to its dtype) are
   * in `expression/index.ts`. The same expression object comes back for every call of a primitive,
   * so backends may cache what they compile from it. With `policy` `'polynomial'` (jit's fused
   * chains) the ops in {@link Backend.polynomialOps} may be float32 polynomials within their
   * stated ulp bounds instead; every other op, and every op without it, keeps the semantics.
   */
  elementwise(
    expr: Expr,
    xs: readonly Operand[],
    outShape: readonly number[],
    outDtype: DType,
    policy?: TranscendentalPolicy,
  ): Storage;
  /** Reduces `x` over the sorted `axes`; the output shape drops those axes. */
  reduce(kind: ReduceKind, x: Operand, axes: readonly number[], outDtype: DType): Storage;
  /**
   * Batched matrix product `[..., m, k] @ [..., k, n]`, batch axes already broadcast-compatible.
   * With `transpose.a` (`.b`) the operand is stored transposed, `[..., k, m]` (`[..., n, k]`), and
   * is read as its transpose without a copy; callers pass flags only to backends that declare
   * {@link Backend.matmulTransposes}. Results equal those of the materialized transpose.
   */
  matmul(a: Operand, b: Operand, outShape: readonly number[], transpose?: MatmulTranspose): Storage;
  /** `out[i] = x[view(i)]`: transpose, slice, flip and broadcast in one kernel. */
  readStrided(x: Operand, view: StridedView, outShape: readonly number[]): Storage;
  /** Zeros of `outShape`, then `out[view_p(i)] += parts[p][i]` for each part: pad and concatenate. */
  writeStrided(
    parts: readonly { x: Operand; view: StridedView }[],
    outShape: readonly number[],
    dtype: DType,
  ): Storage;
  /** `out[..., j, ...] = x[..., indices[j], ...]` along `axis` (indices flattened into the axis). */
  take(x: Operand, indices: Operand, axis: number, outShape: readonly number[]): Storage;
  /** The transpose of `take`: adds `ct` rows into zeros of `outShape` at `indices` along `axis`. */
  scatterAdd(ct: Operand, indices: Operand, axis: number, outShape: readonly number[]): Storage;
}
