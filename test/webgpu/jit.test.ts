/**
 * jit on WebGPU tensors: a jitted program runs its planned steps (fusion, transposes folded into
 * matmuls) for the backend holding its arguments, not the default one, and binds equation by
 * equation (each operation placing its operands, as eagerly) when arguments and constants lie on
 * different devices.
 */
import { afterEach, expect, it } from 'vitest';
import { grad, jit, np, random, setDefaultDevice, type Tensor } from '../../kernel-lib/src';
import { webgpuBackend } from '../../kernel-lib/src/backends/webgpu';
import { describeOnWebGpu, expectDataClose as expectClose } from './gpu';

afterEach(() => setDefaultDevice('cpu'));

await describeOnWebGpu('jit on webgpu tensors', () => {
  const A = random.normal(random.key(1), [3, 4], 'float32');
  const B = random.normal(random.key(2), [5, 4], 'float32');

  it('jit(grad) with CPU constants (the seed, captured tensors) and GPU arguments', async () => {
    const X = random.normal(random.key(3), [5, 4], 'float32');
    const loss = (W: Tensor, x: Tensor) => np.sum(np.tanh(np.matmul(x, W)));
    const onGpu = jit(grad(loss))(await np.transpose(A).to('webgpu'), await X.to('webgpu'));
    expect(onGpu.device).toBe('webgpu');
    await expectClose(onGpu, grad(loss)(np.transpose(A), X));
  });

  it('a transpose read by a matmul is folded into it on webgpu too', async () => {
    // Both the default CPU backend (cpu-wasm) and WebGPU read transposed matmul operands.
    const abT = jit((a: Tensor, b: Tensor) => np.matmul(a, np.transpose(b)));
    const got = abT(await A.to('webgpu'), await B.to('webgpu'));
    expect(got.shape).toEqual([3, 5]);
    await expectClose(got, np.matmul(A, np.transpose(B)));
  });

  it('fuses elementwise chains for the arguments’ backend', async () => {
    const want = np.tanh(np.mul(np.exp(A), 0.5));
    setDefaultDevice('webgpu'); // the traced constant 0.5 is made on the GPU too
    const chain = jit((a: Tensor) => np.tanh(np.mul(np.exp(a), 0.5)));
    const a = await A.to('webgpu');
    expect(
      chain
        .trace(a)
        .steps(webgpuBackend()!)
        .some((s) => 'fused' in s),
    ).toBe(true);
    const got = chain(a);
    expect(got.device).toBe('webgpu');
    await expectClose(got, want);
  });

  it('results of fused steps stay committed to the arguments’ device, as eagerly', async () => {
    const onCpu = np.ones([3, 4], 'float32'); // uncommitted: moved to a committed operand's device
    const want = np.add(np.tanh(np.mul(np.exp(A), 2)), 1);
    setDefaultDevice('webgpu'); // the constant 2 on the GPU too, so the fused step runs
    const chain = jit((a: Tensor) => np.tanh(np.mul(np.exp(a), 2)));
    const y = chain(await A.to('webgpu'));
    setDefaultDevice('cpu');
    await expectClose(np.add(y, onCpu), want);
  });
});
