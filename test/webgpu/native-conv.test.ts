/**
 * conv's WGSL kernel (`backends/webgpu/convolution.ts`, direct) against the CPU backend on inputs
 * computed on the device: SAME and VALID, strides, negative padding (crops), lhs dilation (the
 * transposed convolution), rhs dilation, non-square windows, batches, one channel, 1-D, empty
 * batch and empty output; no host step; grad, jvp and vmap (batched kernels) on webgpu.
 *
 * Tolerance: the GPU sums the C·KH·KW products in float32 in the CPU loop's order, the CPU in
 * float64 rounded once: |gpu - cpu| <= 2^-21 · C·KH·KW · sum |products| (here bounded by the
 * same convolution of |x| and |w|).
 */
import { expect, it } from 'vitest';
import { grad, jvp, nn, np, random, vmap, type Tensor } from '../../kernel-lib/src';
import { onDevice, withoutHostSteps } from './awkward-lines';
import { describeOnWebGpu } from './gpu';

type Options = Parameters<typeof nn.conv>[2];

const normal = (seed: number, shape: number[]) => random.normal(random.key(seed), shape, 'float32');

async function expectConv(xShape: number[], wShape: number[], options: Options): Promise<void> {
  const what = `conv [${xShape}] * [${wShape}] ${JSON.stringify(options)}`;
  const x = normal(xShape.length * 11 + xShape[0], xShape);
  const w = normal(wShape[0] * 13 + 1, wShape);
  const g = nn.conv(await onDevice(x), await onDevice(w), options);
  const want = nn.conv(x, w, options);
  expect(g.device, what).toBe('webgpu');
  expect(g.shape, what).toEqual(want.shape);
  const got = await g.data();
  const ref = want.dataSync();
  const bound = nn.conv(np.abs(x), np.abs(w), options).dataSync();
  const terms = wShape.slice(1).reduce((a, b) => a * b, 1);
  for (let i = 0; i < ref.length; i++)
    expect(Math.abs(got[i] - ref[i]), `${what} [${i}]: ${got[i]} vs ${ref[i]}`).toBeLessThanOrEqual(
      2 ** -21 * terms * bound[i],
    );
}

await describeOnWebGpu('conv as a WGSL kernel', () => {
  it('matches the CPU across padding, strides and dilations, with no host step', async () => {
    await withoutHostSteps(async () => {
      await expectConv([2, 3, 7, 5], [4, 3, 3, 3], { padding: 'SAME' });
      await expectConv([1, 2, 9, 8], [3, 2, 3, 2], { strides: 2 });
      await expectConv([3, 1, 6, 6], [2, 1, 2, 3], {
        strides: [2, 1],
        padding: [
          [-1, 2],
          [1, 0],
        ],
      });
      await expectConv([1, 2, 5, 4], [2, 2, 3, 3], {
        lhsDilation: 2,
        padding: [
          [2, 2],
          [1, 2],
        ],
      });
      await expectConv([2, 2, 9, 9], [2, 2, 3, 2], { rhsDilation: [2, 3], padding: 'SAME' });
      await expectConv([1, 5, 4, 4], [1, 5, 1, 1], {});
      await expectConv([2, 3, 17], [2, 3, 4], { padding: 'SAME' });
      await expectConv([0, 2, 4, 4], [3, 2, 3, 3], {});
      await expectConv([1, 2, 2, 2], [3, 2, 3, 3], {});
    });
  }, 30_000);

  it('grad, jvp and vmap (batched kernels) through conv on webgpu match the CPU', async () => {
    const x = normal(1, [2, 3, 6, 5]);
    const w = normal(2, [4, 3, 3, 2]);
    const [gx, gw] = [await onDevice(x), await onDevice(w)];
    const opts: Options = { strides: [2, 1], padding: 'SAME', rhsDilation: [1, 2] };
    const loss = (a: Tensor, b: Tensor) => np.sum(np.tanh(nn.conv(a, b, opts)));
    const close = async (got: Tensor, want: Tensor, what: string) => {
      expect(got.device, what).toBe('webgpu');
      const g = await got.data();
      want
        .dataSync()
        .forEach((v, i) =>
          expect(Math.abs(g[i] - v), what).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(v))),
        );
    };
    const [dx, dw] = grad(loss, { argnums: [0, 1] })(gx, gw) as Tensor[];
    const [dxCpu, dwCpu] = grad(loss, { argnums: [0, 1] })(x, w) as Tensor[];
    await close(dx, dxCpu, 'grad lhs');
    await close(dw, dwCpu, 'grad rhs');
    const f = (a: Tensor, b: Tensor) => nn.conv(a, b, opts);
    const [tx, tw] = [np.cos(x), np.sin(w)];
    const [, dy] = jvp(f, [gx, gw], [await onDevice(tx), await onDevice(tw)]) as [Tensor, Tensor];
    const [, dyCpu] = jvp(f, [x, w], [tx, tw]) as [Tensor, Tensor];
    await close(dy, dyCpu, 'jvp');
    const ws = normal(3, [2, 4, 3, 3, 2]);
    const perKernel = vmap((b: Tensor) => nn.conv(x, b, opts)) as (b: Tensor) => Tensor;
    await close(perKernel(await onDevice(ws)), perKernel(ws), 'vmap over kernels');
  }, 30_000);
});
