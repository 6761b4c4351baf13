/**
 * Data types and type promotion.
 *
 * Promotion (documented, like JAX with x64 enabled): bool < int32 < float32 < float64; a binary
 * operation computes in the larger of its operands' types. A JS number is *weakly typed*: it takes
 * the tensor operand's dtype (float32 stays float32), except that a non-integer number meeting an
 * int32 or bool tensor gives float32.
 */

/** The element types adlab supports. Only float32 and float64 are differentiable. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** The typed array behind each dtype (bool is stored as 0/1 bytes). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Every dtype, in promotion order (a binary op computes in the later of its operands'). */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

/** Throws unless `dtype` is a supported dtype name. */
export function checkDType(dtype: unknown, op: string): DType {
  if (typeof dtype === 'string' && (DTYPES as readonly string[]).includes(dtype)) {
    return dtype as DType;
  }
  throw new TypeError(
    `${op}: unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`,
  );
}

/** True for the differentiable dtypes. */
export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** The dtype both operands are promoted to. */
export function promoteTypes(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b;
}

/** The dtype a weakly typed JS number takes next to a tensor of dtype `other`. */
export function weakNumberDType(value: number, other: DType): DType {
  if (isFloat(other)) return other;
  return Number.isInteger(value) ? (other === 'bool' ? 'int32' : other) : 'float32';
}

/** Allocates a zero-filled typed array for `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** `x` as a `dtype` array stores it: for bool, 1 for any nonzero value (NaN included), like NumPy. */
export function storedValue(dtype: DType, x: number): number {
  return dtype === 'bool' ? (x !== 0 ? 1 : 0) : x;
}

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  return dtype === 'float64' ? 8 : dtype === 'bool' ? 1 : 4;
}
