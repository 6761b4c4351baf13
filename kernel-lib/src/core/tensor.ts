/**
 * The user-visible tensor. `Tensor` is abstract: a `ConcreteTensor` holds data in a backend, and
 * the tracers of each transform (see `trace.ts`) stand in for values while a function is being
 * differentiated or captured. Tensors are immutable; every operation returns a new one.
 *
 * Methods are thin sugar over the `np` namespace (installed by `numpy/index.ts`, which keeps this
 * file free of import cycles).
 */
import type { Backend, Storage } from '../backends/backend';
import { tensorToMimeBundle, tensorToString } from '../jupyter/tensor-display';
import type { MimeBundle } from '../jupyter/protocol';
import type { DType, TypedArray } from './dtype';
import { sizeOf } from './shape';
import type * as Methods from '../numpy/ops';

/** A nested JS array of numbers or booleans (what `np.array` accepts and `toArray` returns). */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Anything the `np` functions accept where a tensor is expected. */
export type TensorLike = Tensor | NestedArray;

/** An axis argument: one axis, several, or (undefined) all of them. */
export type Axis = number | readonly number[] | undefined;

let methods: typeof Methods | undefined;

/** Installs the implementations behind the tensor methods (called once by `numpy/index.ts`). */
export function installTensorMethods(impl: typeof Methods): void {
  methods = impl;
}

/** Moves a tensor to a device (installed by `backends/devices.ts`). */
type Placement = (x: Tensor, device: string) => Promise<Tensor>;
let placement: Placement | undefined;

/** Installs the implementation of `Tensor.to` (called once by `backends/devices.ts`). */
export function installPlacement(impl: Placement): void {
  placement = impl;
}

function m(): typeof Methods {
  if (!methods) throw new Error('adlab: tensor methods used before the library finished loading');
  return methods;
}

/** An immutable n-dimensional array, possibly a tracer inside a transform. */
export abstract class Tensor {
  abstract readonly shape: readonly number[];
  abstract readonly dtype: DType;

  /** The concrete value underneath any tracers (reading data inside a transform is allowed). */
  abstract concrete(): ConcreteTensor;

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** The device the data lives on: `cpu` or `webgpu`. */
  get device(): string {
    return this.concrete().device;
  }

  /** A copy of the values as a flat typed array (row-major); on a GPU use `await t.data()`. */
  dataSync(): TypedArray {
    return this.concrete().readSync('dataSync').slice();
  }

  /** A copy of the values as a flat typed array, read asynchronously (any device). */
  async data(): Promise<TypedArray> {
    const c = this.concrete();
    const { backend, storage } = c;
    const data = backend.readAsync ? await backend.readAsync(storage) : c.readSync('data');
    return data.slice();
  }

  /** The values as nested JS arrays, read asynchronously (any device). */
  async array(): Promise<NestedArray> {
    return this.nest(await this.data());
  }

  /** The same values on `device` (`'cpu'` or `'webgpu'`), placed there explicitly (committed). */
  to(device: string): Promise<Tensor> {
    if (!placement)
      throw new Error('adlab: tensor methods used before the library finished loading');
    return placement(this, device);
  }

  /** The values as nested JS arrays (booleans for bool tensors); on a GPU use `await t.array()`. */
  toArray(): NestedArray {
    return this.nest(this.concrete().readSync('toArray'));
  }

  private nest(data: TypedArray): NestedArray {
    const bool = this.dtype === 'bool';
    const build = (axis: number, offset: number, stride: number): NestedArray => {
      if (axis === this.shape.length) return bool ? data[offset] !== 0 : data[offset];
      const n = this.shape[axis];
      const inner = stride / Math.max(n, 1);
      return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * inner, inner));
    };
    return build(0, 0, this.size);
  }

  /** The value of a one-element tensor as a JS number. */
  item(): number {
    if (this.size !== 1) {
      throw new Error(
        `item: only one-element tensors convert to a number, got shape [${this.shape}]`,
      );
    }
    return this.concrete().readSync('item')[0];
  }

  /** Readable text, like NumPy's repr. */
  toString(): string {
    return tensorToString(this);
  }

  /** The Jupyter MIME bundle: adlab's tensor JSON, an escaped HTML table and text. */
  toMimeBundle(): MimeBundle {
    return tensorToMimeBundle(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Elementwise `this + y` with broadcasting. */
  add(y: TensorLike): Tensor {
    return m().add(this, y);
  }
  /** Elementwise `this - y`. */
  sub(y: TensorLike): Tensor {
    return m().sub(this, y);
  }
  /** Elementwise `this * y`. */
  mul(y: TensorLike): Tensor {
    return m().mul(this, y);
  }
  /** Elementwise `this / y`. */
  div(y: TensorLike): Tensor {
    return m().div(this, y);
  }
  /** Elementwise `this ** y`. */
  pow(y: TensorLike): Tensor {
    return m().pow(this, y);
  }
  /** Elementwise `-this`. */
  neg(): Tensor {
    return m().neg(this);
  }
  /** Matrix product `this @ y` (batched, broadcasting leading axes). */
  matmul(y: TensorLike): Tensor {
    return m().matmul(this, y);
  }
  /** Elementwise comparisons, giving bool tensors. */
  lt(y: TensorLike): Tensor {
    return m().less(this, y);
  }
  le(y: TensorLike): Tensor {
    return m().lessEqual(this, y);
  }
  gt(y: TensorLike): Tensor {
    return m().greater(this, y);
  }
  ge(y: TensorLike): Tensor {
    return m().greaterEqual(this, y);
  }
  eq(y: TensorLike): Tensor {
    return m().equal(this, y);
  }
  ne(y: TensorLike): Tensor {
    return m().notEqual(this, y);
  }
  exp(): Tensor {
    return m().exp(this);
  }
  log(): Tensor {
    return m().log(this);
  }
  sqrt(): Tensor {
    return m().sqrt(this);
  }
  square(): Tensor {
    return m().square(this);
  }
  abs(): Tensor {
    return m().abs(this);
  }
  tanh(): Tensor {
    return m().tanh(this);
  }
  sin(): Tensor {
    return m().sin(this);
  }
  cos(): Tensor {
    return m().cos(this);
  }
  /** Sum over `axis` (all axes when omitted). */
  sum(axis?: Axis, options?: { keepdims?: boolean }): Tensor {
    return m().sum(this, axis, options);
  }
  /** Mean over `axis`. */
  mean(axis?: Axis, options?: { keepdims?: boolean }): Tensor {
    return m().mean(this, axis, options);
  }
  /** Maximum over `axis`. */
  max(axis?: Axis, options?: { keepdims?: boolean }): Tensor {
    return m().max(this, axis, options);
  }
  /** Minimum over `axis`. */
  min(axis?: Axis, options?: { keepdims?: boolean }): Tensor {
    return m().min(this, axis, options);
  }
  /** Product over `axis`. */
  prod(axis?: Axis, options?: { keepdims?: boolean }): Tensor {
    return m().prod(this, axis, options);
  }
  /** Index of the maximum along `axis` (flattened when omitted). */
  argmax(axis?: number): Tensor {
    return m().argmax(this, axis);
  }
  /** Index of the minimum along `axis`. */
  argmin(axis?: number): Tensor {
    return m().argmin(this, axis);
  }
  /** Same values, new shape (one entry may be -1). */
  reshape(shape: readonly number[]): Tensor {
    return m().reshape(this, shape);
  }
  /** Permutes axes (reverses them when `axes` is omitted). */
  transpose(axes?: readonly number[]): Tensor {
    return m().transpose(this, axes);
  }
  /** The transpose (axes reversed). */
  get T(): Tensor {
    return m().transpose(this);
  }
  /** Converts to another dtype. */
  astype(dtype: DType): Tensor {
    return m().astype(this, dtype);
  }
  /** Flattens to one axis. */
  flatten(): Tensor {
    return m().reshape(this, [-1]);
  }
  /** Removes size-1 axes. */
  squeeze(axis?: Axis): Tensor {
    return m().squeeze(this, axis);
  }
  /** Inserts a size-1 axis. */
  expandDims(axis: number): Tensor {
    return m().expandDims(this, axis);
  }
  /** Elements at `indices` along `axis` (flattened when omitted). */
  take(indices: TensorLike, axis?: number): Tensor {
    return m().take(this, indices, axis);
  }
  /**
   * NumPy-style basic indexing: numbers, `null` (new axis), `'...'` and slice strings like `'1:3'`
   * or `'::-1'`. @example x.get(0, '1:') // x[0, 1:]
   */
  get(...index: (number | string | null)[]): Tensor {
    return m().index(this, index);
  }
  /**
   * Functional indexed updates, as JAX's `x.at[idx]`: slices at `indices` along `axis` (0).
   * @example x.at([0, 2]).set(0); x.at(1).add(v)
   */
  at(indices: TensorLike, axis?: number): ReturnType<typeof Methods.at> {
    return m().at(this, indices, axis);
  }
}

/** A tensor whose data lives in a backend. */
export class ConcreteTensor extends Tensor {
  /**
   * Placed on its device explicitly (`to`, `devicePut`) or computed from such a tensor: as in
   * JAX, an operation moves its uncommitted CPU operands to its committed operands' device.
   */
  committed = false;

  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly dtype: DType,
  ) {
    super();
  }

  get backend(): Backend {
    return this.storage.backend;
  }

  concrete(): ConcreteTensor {
    return this;
  }

  override get device(): string {
    return this.storage.backend.device ?? 'cpu';
  }

  /** True when `readSync` can answer (always on the CPU; on a GPU, only for uploaded data). */
  get readableSync(): boolean {
    return this.storage.backend.canReadSync?.(this.storage) ?? true;
  }

  /**
   * The backend's data without a copy (internal: callers must not mutate it). On a GPU, a result
   * computed there cannot be read synchronously: a {@link DeviceReadError} names `op`.
   */
  readSync(op = 'reading data'): TypedArray {
    if (!this.readableSync) throw new DeviceReadError(op, this);
    return this.storage.backend.readSync(this.storage);
  }
}

/** A synchronous read of data that only a GPU holds. */
export class DeviceReadError extends Error {
  constructor(
    readonly op: string,
    x: { device: string; dtype: DType; shape: readonly number[] },
    note = '',
  ) {
    super(
      `${op}: a ${x.dtype}[${x.shape}] tensor computed on ${x.device} cannot be read synchronously` +
        `${note}; use \`await t.data()\` or \`await t.array()\`, or move it with \`await t.to('cpu')\``,
    );
    this.name = 'DeviceReadError';
  }
}
