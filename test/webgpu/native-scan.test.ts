/**
 * cumsum's WGSL kernel (`backends/webgpu/scan.ts`) against the CPU backend, on inputs computed on
 * the device, at awkward sizes: empty, length 1, short lines (one thread each), lines longer than
 * a workgroup (chunked), non-powers of two, the last axis and others, batched, reversed; int32
 * bit-identical; no host step taken; grad, jvp and vmap through it on webgpu.
 *
 * float32 tolerance: the GPU sums in float32 in a tree order, the CPU in float64 rounded once, so
 * |gpu - cpu| <= 2^-22 * (2 * ceil(n / 64) + 8) * sum_{j<=i} |x_j| (a few roundings per level
 * of the chunk loops and the log2(64) = 6 scan steps, each of at most the running |sum|).
 */
import { expect, it } from 'vitest';
import { grad, jvp, np, random, vmap, type Tensor } from '../../kernel-lib/src';
import { awkwardLines, onDevice, withoutHostSteps } from './awkward-lines';
import { describeOnWebGpu } from './gpu';

async function expectScan(x: Tensor, axis: number, reverse = false): Promise<void> {
  const what = `cumsum ${x.dtype}[${x.shape}] axis ${axis}${reverse ? ' reversed' : ''}`;
  const g = np.cumsum(await onDevice(x), axis, { reverse });
  const want = np.cumsum(x, axis, { reverse });
  expect(g.device, what).toBe('webgpu');
  expect(g.shape, what).toEqual(want.shape);
  expect(g.dtype, what).toBe(want.dtype);
  const got = await g.data();
  const w = want.dataSync();
  if (x.dtype === 'int32') {
    expect(Array.from(got), what).toEqual(Array.from(w));
    return;
  }
  const bound = np.cumsum(np.abs(x), axis, { reverse }).dataSync();
  const tol = 2 ** -22 * (2 * Math.ceil(x.shape[axis] / 64) + 8);
  for (let i = 0; i < w.length; i++)
    expect(Math.abs(got[i] - w[i]), `${what} [${i}]: ${got[i]} vs ${w[i]}`).toBeLessThanOrEqual(
      tol * bound[i],
    );
}

const normal = (seed: number, shape: number[]) => random.normal(random.key(seed), shape, 'float32');

await describeOnWebGpu('cumsum as a WGSL kernel', () => {
  it('matches the CPU at awkward sizes, every axis, both directions, with no host step', async () => {
    const cases = awkwardLines([[4, 3, 257], 2], [[2, 5000], 1], [[300, 2, 5], 0], [[4100, 40], 1]);
    await withoutHostSteps(async () => {
      for (const [k, [shape, axis]] of cases.entries())
        for (const reverse of [false, true]) await expectScan(normal(k, shape), axis, reverse);
    });
  }, 30_000);

  it('int32 is bit-identical (and wraps like the CPU)', async () => {
    const ints = (seed: number, shape: number[], scale: number) =>
      np.astype(np.floor(np.mul(normal(seed, shape), scale)), 'int32');
    await expectScan(ints(1, [3, 700], 1000), 1);
    await expectScan(ints(2, [700, 3], 1000), 0, true);
    await expectScan(ints(3, [2, 9], 1000), 1);
    await expectScan(ints(4, [4, 300], 2 ** 28), 1);
  }, 30_000);

  it('grad, jvp and vmap through cumsum on webgpu match the CPU', async () => {
    const x = normal(9, [3, 300]);
    const v = normal(10, [3, 300]);
    const g = await onDevice(x);
    const f = (t: Tensor) => np.sum(np.tanh(np.cumsum(np.mul(t, 0.1), 1, { reverse: true })));
    const gradGpu = await grad(f)(g).data();
    const gradCpu = grad(f)(x).dataSync();
    gradCpu.forEach((w, i) => expect(Math.abs(gradGpu[i] - w)).toBeLessThanOrEqual(1e-5));
    const scan0 = (t: Tensor) => np.cumsum(t, 0);
    const [, dy] = jvp(scan0, [g], [await onDevice(v)]) as [Tensor, Tensor];
    const want = np.cumsum(v, 0).dataSync();
    const got = await dy.data();
    want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(1e-5));
    const scanColumns = vmap((t: Tensor) => np.cumsum(t, 0), { inAxes: 1 }) as (
      t: Tensor,
    ) => Tensor;
    const mapped = await scanColumns(g).data();
    const mappedCpu = scanColumns(x).dataSync();
    mappedCpu.forEach((w, i) => expect(Math.abs(mapped[i] - w)).toBeLessThanOrEqual(1e-4));
  }, 30_000);
});
