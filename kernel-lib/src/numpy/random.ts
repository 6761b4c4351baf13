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
import { erf } from '../backends/expression/scalar-special';
import * as ops from './ops';

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

/**
 * A new key from `key` and an integer `data` (a step number, a layer index): different data give
 * independent keys, as jax.random.fold_in. @example const k = random.foldIn(key, step)
 */
export function foldIn(k: Tensor, data: number): Tensor {
  const [k0, k1] = keyParts(k, 'foldIn');
  if (!Number.isInteger(data))
    throw new TypeError(`random.foldIn: data must be an integer, got ${data}`);
  const d = mix((data >>> 0) ^ 0x2545f491) ^ mix(Math.floor(data / 2 ** 32) + 0x3c6ef372);
  return tensorFromHost(
    Int32Array.of(bits(k0 ^ d, k1, 0) | 0, bits(k0, k1 ^ d, 1) | 0),
    [2],
    'int32',
  );
}

/** Uniform samples in [0, 1) as JS numbers (53 random bits each). */
function uniforms(k: Tensor, op: string, count: number): Float64Array {
  const [k0, k1] = keyParts(k, op);
  return Float64Array.from({ length: count }, (_, i) => unitUniform(k0, k1, i, 'float64'));
}

/** Values of a tensor-like parameter broadcast to `shape`, read on the host. */
function hostValues(op: string, p: Tensor | number, shape: readonly number[]): ArrayLike<number> {
  if (typeof p === 'number') return new Float64Array(sizeOf(shape)).fill(p);
  const size = sizeOf(shape);
  const d = p.concrete().readSync();
  if (d.length === size) return d;
  if (d.length === 1) return new Float64Array(size).fill(d[0]);
  throw new Error(`random.${op}: parameter of shape [${p.shape}] does not match shape [${shape}]`);
}

/**
 * True with probability `p` (a number or a tensor; the shape defaults to p's). @example
 * random.bernoulli(key, 0.3, [5])
 */
export function bernoulli(k: Tensor, p: Tensor | number = 0.5, shape?: readonly number[]): Tensor {
  const s = shape ?? (typeof p === 'number' ? [] : p.shape);
  checkShape('random.bernoulli', s);
  const u = uniforms(k, 'bernoulli', sizeOf(s));
  const ps = hostValues('bernoulli', p, s);
  return tensorFromHost(
    Uint8Array.from(u, (v, i) => +(v < ps[i])),
    [...s],
    'bool',
  );
}

/**
 * Uniform integers in [minval, maxval) (int32). @example random.randint(key, [3], 0, 10)
 */
export function randint(
  k: Tensor,
  shape: readonly number[],
  minval: number,
  maxval: number,
): Tensor {
  checkShape('random.randint', shape);
  if (!Number.isInteger(minval) || !Number.isInteger(maxval) || maxval <= minval) {
    throw new RangeError(
      `random.randint: need integers minval < maxval, got [${minval}, ${maxval})`,
    );
  }
  const u = uniforms(k, 'randint', sizeOf(shape));
  return tensorFromHost(
    Int32Array.from(u, (v) => minval + Math.floor(v * (maxval - minval))),
    [...shape],
    'int32',
  );
}

/** Standard Gumbel samples -log(-log u). */
export function gumbel(
  k: Tensor,
  shape: readonly number[] = [],
  dtype: 'float32' | 'float64' = 'float32',
): Tensor {
  checkShape('random.gumbel', shape);
  const u = uniforms(k, 'gumbel', sizeOf(shape));
  const out = allocate(dtype, u.length);
  // -log(1 - u) lies in [0, inf); the clamp keeps u = 0 (probability 2^-53) finite.
  for (let i = 0; i < u.length; i++) out[i] = -Math.log(Math.max(-Math.log1p(-u[i]), 1e-300));
  return tensorFromHost(out, [...shape], dtype);
}

/**
 * Samples class indices (int32) from unnormalized log-probabilities along `axis`, by the
 * Gumbel-max trick: argmax(logits + Gumbel noise). @example random.categorical(key, logits)
 */
export function categorical(k: Tensor, logits: Tensor, axis = -1): Tensor {
  if (logits.ndim === 0)
    throw new Error('random.categorical: logits must have at least one axis, got shape []');
  const dtype = logits.dtype === 'float64' ? 'float64' : 'float32';
  const noisy = ops.add(logits, gumbel(k, logits.shape, dtype));
  return ops.argmax(noisy, axis < 0 ? axis + logits.ndim : axis);
}

/** A random permutation of 0..n-1 (Fisher-Yates); of a tensor's entries along `axis` when given one. */
export function permutation(k: Tensor, x: number | Tensor, axis = 0): Tensor {
  const n = typeof x === 'number' ? x : x.shape[axis < 0 ? axis + x.ndim : axis];
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(
      `random.permutation: need a non-negative integer or a tensor, got ${typeof x === 'number' ? x : `shape [${x.shape}] axis ${axis}`}`,
    );
  const u = uniforms(k, 'permutation', n);
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i] * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const p = tensorFromHost(perm, [n], 'int32');
  return typeof x === 'number' ? p : ops.take(x, p, axis);
}

/**
 * Samples from 0..n-1 (or from a tensor's entries along axis 0), with or without replacement,
 * uniformly or with probabilities `p`. @example random.choice(key, 5, [3], { replace: false })
 */
export function choice(
  k: Tensor,
  a: number | Tensor,
  shape: readonly number[] = [],
  options: { replace?: boolean; p?: Tensor | readonly number[] } = {},
): Tensor {
  const n = typeof a === 'number' ? a : a.shape[0];
  checkShape('random.choice', shape);
  const count = sizeOf(shape);
  const { replace = true } = options;
  const p =
    options.p === undefined
      ? undefined
      : Array.from(ops.array(options.p as number[], 'float64').dataSync());
  if (p && (p.length !== n || p.some((v) => !(v >= 0)))) {
    throw new Error(`random.choice: p must hold ${n} non-negative probabilities, got ${p.length}`);
  }
  if (!replace && count > n)
    throw new RangeError(
      `random.choice: cannot take ${count} samples from ${n} without replacement`,
    );
  let picks: number[];
  if (replace) {
    const u = uniforms(k, 'choice', count);
    if (!p) picks = Array.from(u, (v) => Math.floor(v * n));
    else {
      const total = p.reduce((s, v) => s + v, 0);
      const cdf: number[] = [];
      p.reduce((s, v, i) => (cdf[i] = s + v / total), 0);
      picks = Array.from(u, (v) => {
        const i = cdf.findIndex((c) => v < c);
        return i < 0 ? n - 1 : i;
      });
    }
  } else {
    // Without replacement: the k largest of log p + Gumbel noise (uniform p: a permutation prefix).
    const g = gumbel(k, [n], 'float64').dataSync();
    const keys = Array.from(g, (v, i) => (p ? Math.log(p[i]) : 0) + v);
    picks = Array.from({ length: n }, (_, i) => i)
      .sort((i, j) => keys[j] - keys[i])
      .slice(0, count);
  }
  const idx = tensorFromHost(Int32Array.from(picks), [...shape], 'int32');
  return typeof a === 'number' ? idx : ops.take(a, idx, 0);
}

/**
 * Normal samples truncated to [lower, upper], by inverting the normal CDF between the bounds
 * (as jax.random.truncated_normal). @example random.truncatedNormal(key, -2, 2, [100])
 */
export function truncatedNormal(
  k: Tensor,
  lower: number,
  upper: number,
  shape: readonly number[] = [],
  dtype: 'float32' | 'float64' = 'float32',
): Tensor {
  checkShape('random.truncatedNormal', shape);
  if (!(lower < upper))
    throw new RangeError(`random.truncatedNormal: need lower < upper, got [${lower}, ${upper}]`);
  const u = uniforms(k, 'truncatedNormal', sizeOf(shape));
  const [a, b] = [erf(lower / Math.SQRT2), erf(upper / Math.SQRT2)];
  const out = allocate(dtype, u.length);
  for (let i = 0; i < u.length; i++) {
    const x = Math.SQRT2 * erfinv(a + (b - a) * u[i]);
    out[i] = Math.min(Math.max(x, lower), upper);
  }
  return tensorFromHost(out, [...shape], dtype);
}

/**
 * Inverse of erf on (-1, 1): Newton's method kept inside a shrinking bracket [lo, hi] of
 * |x| (a step that would leave it bisects instead), so it converges from any start.
 */
function erfinv(y: number): number {
  if (y <= -1) return -Infinity;
  if (y >= 1) return Infinity;
  const target = Math.abs(y);
  let [lo, hi] = [0, 6];
  let x = target * (Math.sqrt(Math.PI) / 2);
  for (let it = 0; it < 100; it++) {
    const r = erf(x) - target;
    if (r > 0) hi = x;
    else lo = x;
    let next = x - r / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-15 * Math.max(1, x)) return Math.sign(y) * next;
    x = next;
  }
  return Math.sign(y) * x;
}
