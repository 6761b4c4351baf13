/** Turning JS values into tensors, and dtype promotion for binary operations. */
import {
  allocate,
  checkDType,
  isFloat,
  promoteTypes,
  storedValue,
  weakNumberDType,
  type DType,
} from '../core/dtype';
import { bind1 } from '../core/trace';
import { Tensor, type NestedArray, type TensorLike } from '../core/tensor';
import { tensorFromHost } from '../backends';
import { convert } from '../primitives/special';

/** Infers the shape of a nested array, checking that it is rectangular. */
function nestedShape(value: NestedArray, op: string): number[] {
  const shape: number[] = [];
  let v: NestedArray = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  const check = (x: NestedArray, axis: number): void => {
    if (axis === shape.length) {
      if (Array.isArray(x))
        throw new Error(`${op}: ragged nested array (deeper than its first element)`);
      if (typeof x !== 'number' && typeof x !== 'boolean') {
        throw new TypeError(`${op}: expected numbers or booleans, got ${typeof x}`);
      }
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[axis]) {
      throw new Error(
        `${op}: ragged nested array: expected length ${shape[axis]} at depth ${axis}`,
      );
    }
    for (const y of x) check(y, axis + 1);
  };
  check(value, 0);
  return shape;
}

/**
 * Creates a tensor from nested arrays, a typed array or a tensor. JS numbers default to float32
 * (as tfjs does; JAX and PyTorch would give an integer array for `[1, 2]`, and JAX's x64 mode
 * float64 for floats), booleans to bool; pass `dtype` for anything else.
 * @example np.array([[1, 2], [3, 4]], 'float64')
 */
export function array(value: TensorLike | ArrayLike<number>, dtype?: DType): Tensor {
  if (value instanceof Tensor) return dtype === undefined ? value : astype(value, dtype);
  if (dtype !== undefined) checkDType(dtype, 'array');
  if (typeof value === 'number') {
    // The hot case (every JS number an operation meets): no nested-array walk.
    const dt = dtype ?? 'float32';
    const data = allocate(dt, 1);
    data[0] = storedValue(dt, value);
    return tensorFromHost(data, [], dt);
  }
  if (ArrayBuffer.isView(value)) {
    const flat = value as unknown as ArrayLike<number>;
    const dt =
      dtype ??
      (value instanceof Float64Array
        ? 'float64'
        : value instanceof Int32Array
          ? 'int32'
          : 'float32');
    const data = allocate(dt, flat.length);
    if (dt === 'bool') for (let i = 0; i < flat.length; i++) data[i] = storedValue(dt, flat[i]);
    else data.set(flat);
    return tensorFromHost(data, [flat.length], dt);
  }
  const nested = value as NestedArray;
  const shape = nestedShape(nested, 'array');
  const flat = (Array.isArray(nested) ? (nested as unknown[]).flat(Infinity as 1) : [nested]) as (
    number | boolean
  )[];
  const dt = dtype ?? (flat.length > 0 && typeof flat[0] === 'boolean' ? 'bool' : 'float32');
  const data = allocate(dt, flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = storedValue(dt, Number(flat[i]));
  return tensorFromHost(data, shape, dt);
}

/** Converts `x` to a tensor; JS numbers become scalars of `like`'s dtype (weak typing). */
export function asTensor(x: TensorLike, like?: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' && like !== undefined) return array(x, weakNumberDType(x, like));
  if (typeof x === 'boolean' && like !== undefined)
    return array(x, like === 'bool' ? 'bool' : like);
  return array(x);
}

/** Floats stay as they are; integers and bools become float32 (for float-only functions). */
export function toFloat(x: TensorLike): Tensor {
  const t = asTensor(x);
  return isFloat(t.dtype) ? t : astype(t, 'float32');
}

/** Converts to `dtype` (a no-op when it already has it). */
export function astype(x: TensorLike, dtype: DType): Tensor {
  const t = asTensor(x);
  checkDType(dtype, 'astype');
  return t.dtype === dtype ? t : bind1(convert, [t], { dtype });
}

/** Brings operands to one dtype: tensors promote; JS numbers are weak and follow the tensors. */
export function promote(...xs: TensorLike[]): Tensor[] {
  if (xs.length === 2) {
    // Fast paths for the common binary cases; same results as the general rule below.
    const [a, b] = xs;
    if (a instanceof Tensor) {
      if (b instanceof Tensor && a.dtype === b.dtype) return [a, b];
      if (typeof b === 'number' && isFloat(a.dtype)) return [a, array(b, a.dtype)];
    } else if (b instanceof Tensor && typeof a === 'number' && isFloat(b.dtype)) {
      return [array(a, b.dtype), b];
    }
  }
  let dtype: DType | undefined;
  for (const x of xs)
    if (x instanceof Tensor) dtype = dtype === undefined ? x.dtype : promoteTypes(dtype, x.dtype);
  if (dtype === undefined) {
    const tensors = xs.map((x) => asTensor(x));
    dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
    return tensors.map((t) => astype(t, dtype!));
  }
  // A non-integer number next to integer tensors makes the result float32.
  for (const x of xs)
    if (typeof x === 'number') dtype = promoteTypes(dtype, weakNumberDType(x, dtype));
  return xs.map((x) => astype(asTensor(x, dtype), dtype!));
}
