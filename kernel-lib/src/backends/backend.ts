/**
 * The backend interface: where tensor data lives and the few kinds of kernels that run on it.
 *
 * Primitives never touch raw data directly: they call these kernel kinds (an elementwise map from a
 * scalar formula, reductions, matmul, strided copies, gather/scatter). Host kernels (the dense
 * factorizations in `linalg`) read data back with `readSync` and upload their result.
 *
 * Memory: the CPU backend's storage is a typed array owned by the garbage collector, so `dispose`
 * does nothing there. A GPU backend keeps buffers alive by reference counting from ConcreteTensor
 * (plus a FinalizationRegistry as a safety net) and frees them deterministically in `dispose`;
 * see kernel-lib/README.md.
 */
import type { DType, TypedArray } from '../core/dtype';

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

/**
 * Formulas a backend may recognize and run with its own loop or SIMD kernel. The scalar formula
 * stays the definition: a kernel must give the same results as calling it (rounded to the dtype).
 */
export type ScalarOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'max'
  | 'min'
  | 'neg'
  | 'abs'
  | 'sqrt'
  | 'exp'
  | 'log'
  | 'tanh'
  | 'sin'
  | 'cos'
  | 'gt'
  | 'ge'
  | 'lt'
  | 'le'
  | 'eq'
  | 'ne'
  | 'where';

/**
 * An elementwise scalar formula; inputs and result are JS numbers (float64 arithmetic). `op`, when
 * present, names a well-known formula (see {@link ScalarOp}) so backends need not call `fn` per element.
 */
export type ScalarFn = ((...xs: number[]) => number) & { readonly op?: ScalarOp };

/** Tags a scalar formula with the name backends may recognize it by. */
export function scalarOp<F extends (...xs: number[]) => number>(op: ScalarOp, fn: F): ScalarFn {
  return Object.assign(fn, { op });
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
   * Tagged scalar ops this backend runs in its own kernels faster than a fused JavaScript loop
   * would (jit's fusion leaves them as separate kernels).
   */
  readonly nativeOps?: ReadonlySet<ScalarOp>;
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
  /** `out[i] = fn(xs[0][i], xs[1][i], ...)` with NumPy broadcasting of the inputs to `outShape`. */
  elementwise(
    fn: ScalarFn,
    xs: readonly Operand[],
    outShape: readonly number[],
    outDtype: DType,
  ): Storage;
  /** Reduces `x` over the sorted `axes`; the output shape drops those axes. */
  reduce(kind: ReduceKind, x: Operand, axes: readonly number[], outDtype: DType): Storage;
  /** Batched matrix product `[..., m, k] @ [..., k, n]`, batch axes already broadcast-compatible. */
  matmul(a: Operand, b: Operand, outShape: readonly number[]): Storage;
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
