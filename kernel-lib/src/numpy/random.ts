/**
 * Random numbers from explicit keys, after jax.random: the same key always gives the same numbers,
 * and `split` derives independent keys. A key is an int32 tensor of shape [2]. The generator is a
 * counter-based hash (a 32-bit mix in the manner of SplitMix/Murmur finalizers) of the key and the
 * element index; it is fast and reproducible, not cryptographic.
 */
import { allocate, type DType } from '../core/dtype';
import { checkShape, sizeOf } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { tensorFromHost } from '../backends';
import { nextafter } from '../numerics/precision';

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** 32 random bits for element `i` of the stream named by key (k0, k1). */
function bits(k0: number, k1: number, i: number): number {
  return mix(mix(k0 ^ mix(i + 0x9e3779b9)) ^ mix(k1 + Math.imul(i, 0x632be5ab)));
}

/** A key from an integer seed. @example const key = random.key(0) */
export function key(seed: number): Tensor {
  if (!Number.isInteger(seed))
    throw new TypeError(`random.key: seed must be an integer, got ${seed}`);
  return tensorFromHost(
    Int32Array.of(mix(seed >>> 0) | 0, mix(Math.floor(seed / 2 ** 32) ^ 0x5bd1e995) | 0),
    [2],
    'int32',
  );
}

function keyParts(k: Tensor, op: string): [number, number] {
  if (k.dtype !== 'int32' || k.shape.length !== 1 || k.shape[0] !== 2) {
    throw new TypeError(
      `random.${op}: expected a key (int32 of shape [2]) from random.key, got ${k.dtype} [${k.shape}]`,
    );
  }
  const d = k.dataSync();
  return [d[0], d[1]];
}

/** `num` new independent keys, as a list. @example const [k1, k2] = random.split(key) */
export function split(k: Tensor, num = 2): Tensor[] {
  const [k0, k1] = keyParts(k, 'split');
  return Array.from({ length: num }, (_, j) =>
    tensorFromHost(
      Int32Array.of(bits(k0, k1, 2 * j) | 0, bits(k0, k1, 2 * j + 1) | 0),
      [2],
      'int32',
    ),
  );
}

/** Uniform in [0, 1) with 53 (float64) or 24 (float32) random bits. */
function unitUniform(k0: number, k1: number, i: number, dtype: DType): number {
  const hi = bits(k0, k1, 2 * i);
  if (dtype === 'float32') return (hi >>> 8) / 2 ** 24;
  const lo = bits(k0, k1, 2 * i + 1);
  return ((hi >>> 5) * 2 ** 26 + (lo >>> 6)) / 2 ** 53;
}

/** Uniform samples in [minval, maxval). @example random.uniform(key, [3], { minval: -1, maxval: 1 }) */
export function uniform(
  k: Tensor,
  shape: readonly number[] = [],
  options: { minval?: number; maxval?: number; dtype?: 'float32' | 'float64' } = {},
): Tensor {
  const [k0, k1] = keyParts(k, 'uniform');
  checkShape('random.uniform', shape);
  const { minval = 0, maxval = 1, dtype = 'float32' } = options;
  const out = allocate(dtype, sizeOf(shape));
  // Rounding minval + (maxval - minval) u to the dtype can reach maxval: those become the largest
  // dtype value below it, so the interval stays half-open.
  const rounded = dtype === 'float32' ? Math.fround(maxval) : maxval;
  const top = rounded < maxval ? rounded : nextafter(rounded, -Infinity, dtype);
  for (let i = 0; i < out.length; i++) {
    out[i] = minval + (maxval - minval) * unitUniform(k0, k1, i, dtype);
    if (out[i] >= maxval && maxval > minval) out[i] = top;
  }
  return tensorFromHost(out, [...shape], dtype);
}

/** Standard normal samples (Box-Muller). @example random.normal(key, [2, 3], 'float64') */
export function normal(
  k: Tensor,
  shape: readonly number[] = [],
  dtype: 'float32' | 'float64' = 'float32',
): Tensor {
  const [k0, k1] = keyParts(k, 'normal');
  checkShape('random.normal', shape);
  const out = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < out.length; i++) {
    const u1 = 1 - unitUniform(k0, k1, 2 * i, 'float64');
    const u2 = unitUniform(k0, k1, 2 * i + 1, 'float64');
    out[i] = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return tensorFromHost(out, [...shape], dtype);
}
