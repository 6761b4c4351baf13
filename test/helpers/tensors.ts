/** Shared test helpers: deterministic random tensors and tolerant comparisons. */
import { expect } from 'vitest';
import { np, random, Tensor } from '../../kernel-lib/src';
import type { DType } from '../../kernel-lib/src';

/** A deterministic normal tensor (float64 unless told otherwise). */
export function randn(seed: number, shape: number[], dtype: DType = 'float64'): Tensor {
  return random.normal(random.key(seed), shape, dtype as 'float32' | 'float64');
}

/** Uniform in [lo, hi). */
export function rand(
  seed: number,
  shape: number[],
  lo = 0,
  hi = 1,
  dtype: DType = 'float64',
): Tensor {
  return random.uniform(random.key(seed), shape, {
    minval: lo,
    maxval: hi,
    dtype: dtype as 'float32' | 'float64',
  });
}

/** Asserts elementwise closeness (NaN equals NaN). */
export function expectClose(
  got: Tensor | number,
  want: Tensor | number | number[] | number[][],
  rtol = 1e-6,
  atol = 1e-9,
): void {
  const g = typeof got === 'number' ? [got] : Array.from(got.dataSync());
  const w =
    typeof want === 'number'
      ? [want]
      : want instanceof Tensor
        ? Array.from(want.dataSync())
        : ((want as number[]).flat(Infinity as 1) as number[]);
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => {
    if (Number.isNaN(w[i])) expect(v).toBeNaN();
    else if (!Number.isFinite(w[i])) expect(v).toBe(w[i]);
    else expect(Math.abs(v - w[i])).toBeLessThanOrEqual(atol + rtol * Math.abs(w[i]));
  });
}

/** A well-conditioned random matrix n x n (random + n I). */
export function wellConditioned(seed: number, n: number, batch: number[] = []): Tensor {
  return np.add(randn(seed, [...batch, n, n]), np.mul(np.eye(n, 'float64'), n));
}

/** A symmetric positive definite matrix B Bᵀ + n I. */
export function spd(seed: number, n: number): Tensor {
  const b = randn(seed, [n, n]);
  return np.add(np.matmul(b, b.T), np.mul(np.eye(n, 'float64'), n));
}

/**
 * Asserts two lists of tensors agree in shape, dtype and values: bit for bit when `rtol` is 0,
 * else within `rtol` (relative and absolute).
 */
export function expectSameTensors(got: Tensor[], want: Tensor[], rtol = 0): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    expect(g.shape).toEqual(want[i].shape);
    expect(g.dtype).toBe(want[i].dtype);
    if (rtol === 0) expect(Array.from(g.dataSync())).toEqual(Array.from(want[i].dataSync()));
    else expectClose(g, want[i], rtol, rtol);
  });
}
