/**
 * Routines (sort, cumsum, conv, the dense factorizations) on inputs computed on the device: those
 * without a WGSL kernel (the factorizations; see `backends/webgpu/routines.ts`) run as host steps
 * in the device's program order (download, CPU, upload), never as synchronous reads. Values against the CPU backend, GPU work issued after a
 * host step and reading its output, host steps feeding host steps, outputs dropped before the
 * step has run, grad / jvp through every routine on webgpu, jit, and a failing host kernel
 * (its error comes back at the next read; the device keeps working).
 */
import { expect, it } from 'vitest';
import { grad, jit, jvp, nn, np, random, type Tensor } from '../../kernel-lib/src';
import { ConcreteTensor } from '../../kernel-lib/src/core/tensor';
import { webgpuBackend } from '../../kernel-lib/src/backends/webgpu';
import { describeOnWebGpu, expectDataClose } from './gpu';

async function expectClose(got: Tensor, want: Tensor, what: string, tol = 2e-4): Promise<void> {
  expect(got.device, what).toBe('webgpu');
  await expectDataClose(got, want, tol, what);
}

/** A symmetric positive definite batch built from `x` (device-computed when x is on the GPU). */
const spd = (x: Tensor) =>
  np.add(np.matmul(x, np.swapaxes(x, -1, -2)), np.mul(np.eye(x.shape[x.ndim - 1]), 3));

/** Each routine as a function of one float32 [2, 3, 3] input, returning one tensor. */
const routines: Record<string, (x: Tensor) => Tensor> = {
  sort: (x) => np.sort(np.exp(x), -1),
  sortDescendingAxis0: (x) => np.sort(np.tanh(x), 0, { descending: true }),
  cumsum: (x) => np.cumsum(np.exp(x), 1),
  cumsumReversed: (x) => np.cumsum(np.sin(x), -1, { reverse: true }),
  conv: (x) =>
    nn.conv(np.reshape(np.exp(x), [1, 2, 3, 3]), np.reshape(np.cos(x), [1, 2, 3, 3]), {
      padding: 'SAME',
    }),
  solve: (x) => np.linalg.solve(spd(x), np.sin(x)),
  cholesky: (x) => np.linalg.cholesky(spd(x)),
  eighValues: (x) => np.linalg.eigh(spd(x))[0],
  slogdet: (x) => np.linalg.slogdet(spd(x))[1],
  inv: (x) => np.linalg.inv(spd(x)),
  det: (x) => np.linalg.det(np.add(x, 1)),
};

await describeOnWebGpu('host routines on device-computed inputs', () => {
  const x = random.normal(random.key(7), [2, 3, 3], 'float32');

  it('np.sort(np.exp(x)) with x on webgpu: the values, then GPU work that reads them', async () => {
    const g = await x.to('webgpu');
    const sorted = np.sort(np.exp(g));
    const after = np.mul(np.add(sorted, 1), 2); // recorded while the host step may be pending
    await expectClose(sorted, np.sort(np.exp(x)), 'sort');
    await expectClose(after, np.mul(np.add(np.sort(np.exp(x)), 1), 2), 'after');
    const argsorted = np.argsort(np.neg(g), 1);
    expect(argsorted.dtype).toBe('int32');
    expect(Array.from(await argsorted.data())).toEqual(
      Array.from(np.argsort(np.neg(x), 1).dataSync()),
    );
  });

  it('every routine matches the CPU on device-computed inputs', async () => {
    const g = await x.to('webgpu');
    for (const [name, f] of Object.entries(routines)) await expectClose(f(g), f(x), name, 1e-3);
  });

  it('host steps feeding host steps, outputs dropped before they ran, collections between', async () => {
    const g = await x.to('webgpu');
    const pool = webgpuBackend()!.runtime.pool;
    pool.slackBytes = 0; // a collection at almost every allocation
    const step = (t: Tensor) => {
      np.linalg.cholesky(spd(t)); // dropped at once: its buffer may be reused before the step writes it
      const s = spd(np.tanh(t));
      return np.add(np.mul(np.linalg.solve(s, np.linalg.cholesky(s)), 0.5), 0.25);
    };
    let a = g;
    let b = x;
    for (let i = 0; i < 20; i++) [a, b] = [step(a), step(b)];
    pool.slackBytes = 64 * 2 ** 20;
    await expectClose(a, b, 'chain');
    const hostSteps = webgpuBackend()!.runtime.hostSteps;
    expect(hostSteps).toBeGreaterThanOrEqual(60);
  });

  it('grad and jvp through every routine on webgpu match the CPU', async () => {
    const g = await x.to('webgpu');
    const v = random.normal(random.key(8), [2, 3, 3], 'float32');
    const vg = await v.to('webgpu');
    for (const [name, f] of Object.entries(routines)) {
      const loss = (t: Tensor) => np.sum(np.tanh(f(t)));
      await expectClose(grad(loss)(g), grad(loss)(x), `grad ${name}`, 1e-3);
      const [, dy] = jvp(f, [g], [vg]) as [Tensor, Tensor];
      const [, dyCpu] = jvp(f, [x], [v]) as [Tensor, Tensor];
      await expectClose(dy, dyCpu, `jvp ${name}`, 1e-3);
    }
  }, 60_000);

  it('jit(grad) of a program with host routines runs on webgpu', async () => {
    const g = await x.to('webgpu');
    const f = (t: Tensor) => np.sum(np.tanh(np.cumsum(np.sort(np.exp(t)), 1)));
    await expectClose(jit(grad(f))(g), grad(f)(x), 'jit(grad)', 1e-3);
  });

  it('a host kernel that throws: the next read rejects with its error, later work is fine', async () => {
    const g = await x.to('webgpu');
    const backend = webgpuBackend()!;
    const onDevice = np.exp(g).concrete();
    const [s] = backend.runOnHost!([onDevice], [{ shape: [2], dtype: 'float32' }], () => {
      throw new Error('host kernel failed');
    });
    await expect(new ConcreteTensor(s, [2], 'float32').data()).rejects.toThrow(
      'host kernel failed',
    );
    await expectClose(np.sort(np.exp(g)), np.sort(np.exp(x)), 'after the failure');
  });
});
