/** Small helpers shared by the rule files: they keep each derivative rule to one line. */
import type { Aval, Tangent } from '../core/primitive';
import { ConcreteTensor, type Tensor } from '../core/tensor';
import type { Storage } from '../backends/backend';
import type { Expr } from '../backends/expression';
import { isFloat, type DType } from '../core/dtype';
import { fmt } from '../core/shape';
import * as ops from '../numpy/ops';

/** Wraps a kernel's storage as the output described by `aval`. */
export function wrap(storage: Storage, aval: Aval): ConcreteTensor {
  return new ConcreteTensor(storage, aval.shape, aval.dtype);
}

/**
 * The kernel of an elementwise primitive: its scalar expression over its inputs (broadcast to the
 * output), run by the first input's backend.
 */
export function elementwiseImpl<P>(expression: (params: P) => Expr) {
  return (xs: readonly ConcreteTensor[], params: P, [out]: readonly Aval[]): ConcreteTensor[] => [
    wrap(xs[0].backend.elementwise(expression(params), xs, out.shape, out.dtype), out),
  ];
}

/** Sum of tangents where `null` is zero. */
export function addTangents(...ts: Tangent[]): Tangent {
  let acc: Tangent = null;
  for (const t of ts) if (t !== null) acc = acc === null ? t : ops.add(acc, t);
  return acc;
}

/** Applies a linear map to a tangent, keeping symbolic zeros. */
export function linear(t: Tangent, f: (t: Tensor) => Tensor): Tangent {
  return t === null ? null : f(t);
}

/** Sums `ct` over the axes that broadcasting added or stretched, giving back `shape`. */
export function unbroadcast(ct: Tensor, shape: readonly number[]): Tensor {
  if (ct.shape.length === shape.length && ct.shape.every((d, i) => d === shape[i])) return ct;
  const lead = ct.shape.length - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < ct.shape.length; i++) {
    if (i < lead || (shape[i - lead] === 1 && ct.shape[i] !== 1)) axes.push(i);
  }
  return ops.reshape(ops.sum(ct, axes), shape);
}

/** Throws unless all inputs share one dtype (the numpy layer promotes before binding). */
export function sameDType(op: string, xs: readonly Aval[]): DType {
  const dtype = xs[0].dtype;
  for (const x of xs) {
    if (x.dtype !== dtype) {
      throw new TypeError(`${op}: dtypes differ: ${xs.map((a) => a.dtype).join(' and ')}`);
    }
  }
  return dtype;
}

/** Throws unless `x` has a floating dtype. */
export function requireFloat(op: string, x: Aval): void {
  if (!isFloat(x.dtype)) {
    throw new TypeError(
      `${op}: expected a float32 or float64 tensor, got ${x.dtype} ${fmt(x.shape)}`,
    );
  }
}

/** A rule for primitives whose derivative is zero everywhere (comparisons, sign, argmax, ...). */
export const zeroDerivative = {
  jvp: (_dxs: readonly Tangent[], _xs: readonly Tensor[], ys: readonly Tensor[]): Tangent[] =>
    ys.map(() => null),
  vjp: (_cts: readonly Tensor[], xs: readonly Tensor[]): Tangent[] => xs.map(() => null),
};

const symbolicZeros = new WeakSet<Tensor>();

/**
 * Zeros standing for a cotangent that never arrived (an unused output of a multi-output primitive).
 * Rules may test `isSymbolicZero` to skip terms that would multiply 0 by an infinity (eigh).
 */
export function symbolicZero(like: Tensor): Tensor {
  const z = ops.zerosLike(like);
  symbolicZeros.add(z);
  return z;
}

/** True for the zeros made by {@link symbolicZero}. */
export function isSymbolicZero(t: Tensor): boolean {
  return symbolicZeros.has(t);
}
