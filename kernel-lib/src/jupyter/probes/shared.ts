/** What the two derivative probes share: input handling, flattening and number formatting. */
import { tensorFromHost } from '../../backends';
import { allocate, isFloat } from '../../core/dtype';
import type { Tensor, TensorLike } from '../../core/tensor';
import { asTensor, astype } from '../../numpy/convert';
import { reshape } from '../../numpy/shape';
import { fromJsonNumber } from '../protocol';

export type TensorFn = (x: Tensor) => Tensor;

export const fmtShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** x as a float tensor (ints and bools become float32: derivatives need a float dtype). */
export function floatInput(x: TensorLike): [Tensor, 'float32' | 'float64'] {
  const t = asTensor(x);
  const f = isFloat(t.dtype) ? t : astype(t, 'float32');
  return [f, f.dtype === 'float64' ? 'float64' : 'float32'];
}

/** The flattened function z ↦ vec(f(unvec(z))). */
export function flatten(f: TensorFn, shape: readonly number[]): TensorFn {
  return (z) => reshape(f(reshape(z, [...shape])), [-1]);
}

export function basis(i: number, size: number, dtype: Tensor['dtype']): Tensor {
  const e = allocate(dtype, size);
  e[i] = 1;
  return tensorFromHost(e, [size], dtype);
}

/** A host vector as a 1-D tensor of `dtype`. */
export function hostVector(data: readonly number[], dtype: Tensor['dtype']): Tensor {
  const buf = allocate(dtype, data.length);
  data.forEach((v, i) => (buf[i] = v));
  return tensorFromHost(buf, [data.length], dtype);
}

/**
 * A vector argument of a live operation: `length` numbers (JSON numbers, or 'NaN'/'Infinity'
 * spelled out). Throws an error naming the operation, the argument and the expected length.
 */
export function vectorArg(raw: unknown, op: string, what: string, length: number): number[] {
  if (!Array.isArray(raw)) throw new TypeError(`${op}: ${what} must be an array of numbers`);
  if (raw.length !== length)
    throw new RangeError(`${op}: ${what} has ${raw.length} entries, expected ${length}`);
  return raw.map((v: unknown, i) => {
    const x = typeof v === 'string' ? fromJsonNumber(v) : v;
    if (typeof x !== 'number' || (typeof v === 'string' && Number.isNaN(x) && v !== 'NaN'))
      throw new TypeError(`${op}: ${what}[${i}] is not a number`);
    return x;
  });
}

/** Indices argument of a live operation: at most `max` integers in [0, size). */
export function indicesArg(raw: unknown, op: string, size: number, max: number): number[] {
  if (!Array.isArray(raw) || raw.length > max)
    throw new RangeError(`${op}: indices must be an array of at most ${max} integers`);
  return raw.map((i: unknown) => {
    if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= size)
      throw new RangeError(`${op}: index ${String(i)} is outside [0, ${size})`);
    return i as number;
  });
}

export const values = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

export function fmt(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)
    ? x.toExponential(digits - 1)
    : String(Number(x.toPrecision(digits)));
}

export const nameOf = (f: TensorFn, name?: string) => name ?? (f.name || 'f');
