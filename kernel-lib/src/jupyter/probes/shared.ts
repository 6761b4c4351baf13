/** What the two derivative probes share: input handling, flattening and number formatting. */
import { tensorFromHost } from '../../backends';
import { allocate, isFloat } from '../../core/dtype';
import type { Tensor, TensorLike } from '../../core/tensor';
import { asTensor, astype } from '../../numpy/convert';
import { reshape } from '../../numpy/shape';

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

export const values = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

export function fmt(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)
    ? x.toExponential(digits - 1)
    : String(Number(x.toPrecision(digits)));
}

export const nameOf = (f: TensorFn, name?: string) => name ?? (f.name || 'f');
