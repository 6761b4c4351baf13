/**
 * sort and argsort as WGSL kernels (`backends/webgpu/sort.ts`, a bitonic network per line)
 * against the CPU backend, bit for bit, on inputs computed on the device: ties (stable order),
 * NaN (last ascending, first descending), -0 beside +0 (a tie, as on the CPU), ±inf, subnormals,
 * int32 extremes; empty, length 1, non-powers of two, the last axis and others, batched; lines
 * in workgroup memory and lines long enough for the global-memory path; no host step taken;
 * grad, jvp and vmap through sort on webgpu.
 */
import { expect, it } from 'vitest';
import { grad, jvp, np, vmap, type Tensor } from '../../kernel-lib/src';
import { awkwardLines, onDevice, withoutHostSteps } from './awkward-lines';
import { describeOnWebGpu } from './gpu';

/** A float32 tensor full of ties and special values (deterministic). */
function awkward(seed: number, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const specials = [NaN, -0, 0, Infinity, -Infinity, 1e-40, -1e-40, 3.4e38];
  const data = new Float32Array(n);
  let s = seed * 7919 + 1;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const r = s / 2 ** 31;
    data[i] = r < 0.15 ? specials[Math.floor(r * 100) % specials.length] : Math.round(r * 40) - 20;
  }
  return np.reshape(np.array(data), shape);
}

const bits = (d: ArrayLike<number>, dtype: string) =>
  Array.from(dtype === 'float32' ? new Uint32Array(Float32Array.from(d).buffer) : d);

async function expectSorts(x: Tensor, axis: number): Promise<void> {
  const g = await onDevice(x);
  for (const descending of [false, true]) {
    const what = `${x.dtype}[${x.shape}] axis ${axis}${descending ? ' descending' : ''}`;
    const order = np.argsort(g, axis, { descending });
    const values = np.sort(g, axis, { descending });
    expect(order.device, what).toBe('webgpu');
    expect(order.shape, what).toEqual(x.shape);
    expect(Array.from(await order.data()), `argsort ${what}`).toEqual(
      Array.from(np.argsort(x, axis, { descending }).dataSync()),
    );
    expect(bits(await values.data(), x.dtype), `sort ${what}`).toEqual(
      bits(np.sort(x, axis, { descending }).dataSync(), x.dtype),
    );
  }
}

await describeOnWebGpu('sort and argsort as WGSL kernels', () => {
  it('match the CPU bit for bit at awkward sizes and values, with no host step', async () => {
    const cases = awkwardLines(
      [[2], 0],
      [[2, 3, 1000], 2],
      [[2, 3000], 1],
      [[2, 5000], 1],
      [[5000, 2], 0],
    );
    await withoutHostSteps(async () => {
      for (const [k, [shape, axis]] of cases.entries()) await expectSorts(awkward(k, shape), axis);
    });
  }, 30_000);

  it('int32, extremes included', async () => {
    const big = np.clip(np.mul(awkward(20, [3, 500]), 1e8), -2147483648, 2147483647);
    const x = np.astype(np.where(np.isnan(big), 7, big), 'int32');
    await expectSorts(x, 1);
    await expectSorts(np.astype(np.nanToNum(awkward(21, [300, 2])), 'int32'), 0);
    const extremes = np.array(Int32Array.of(0, -2147483648, 2147483647, -1, 1, -2147483648, 5));
    await expectSorts(extremes, 0);
  }, 30_000);

  it('grad, jvp and vmap through sort on webgpu match the CPU', async () => {
    const x = np.mul(awkward(30, [3, 50]), 0.05);
    const clean = np.nanToNum(np.clip(x, -5, 5));
    const g = await onDevice(clean);
    const f = (t: Tensor) => np.sum(np.mul(np.sort(t, 1), np.arange(50)));
    expect(Array.from(await grad(f)(g).data())).toEqual(Array.from(grad(f)(clean).dataSync()));
    const v = np.cos(clean);
    const sort0 = (t: Tensor) => np.sort(t, 0, { descending: true });
    const [, dy] = jvp(sort0, [g], [await onDevice(v)]) as [Tensor, Tensor];
    const [, dyCpu] = jvp(sort0, [clean], [v]) as [Tensor, Tensor];
    expect(Array.from(await dy.data())).toEqual(Array.from(dyCpu.dataSync()));
    const rows = vmap((t: Tensor) => np.argsort(t, 0), { inAxes: 1 }) as (t: Tensor) => Tensor;
    expect(Array.from(await rows(g).data())).toEqual(Array.from(rows(clean).dataSync()));
  }, 30_000);
});
