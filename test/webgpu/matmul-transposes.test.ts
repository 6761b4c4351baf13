/**
 * WebGPU matmul reading transposed operands in place (`Backend.matmulTransposes`): all four
 * combinations of flags against the CPU's product of the materialized transposes, with sizes that
 * are not multiples of the 64 x 64 tile or of the 16-wide k slice, batched with broadcasting; and
 * jit folding a transpose into a matmul on webgpu (no transpose kernel runs).
 */
import { expect, it } from 'vitest';
import { jit, np, random, type Tensor } from '../../kernel-lib/src';
import { ConcreteTensor } from '../../kernel-lib/src/core/tensor';
import { webgpuBackend } from '../../kernel-lib/src/backends/webgpu';
import { describeOnWebGpu, expectDataClose } from './gpu';

const expectClose = (got: Tensor, want: Tensor, what: string) =>
  expectDataClose(got, want, 1e-4, what);

await describeOnWebGpu('webgpu matmul with transposed operands', () => {
  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('transpose a: %s, b: %s, against the CPU', async (ta, tb) => {
    const backend = webgpuBackend()!;
    expect(backend.matmulTransposes).toBe(true);
    for (const [batchA, batchB, M, K, N] of [
      [[], [], 70, 37, 65],
      [[2, 1], [3], 5, 17, 3],
    ] as [number[], number[], number, number, number][]) {
      const a = random.normal(random.key(1), [...batchA, M, K], 'float32');
      const b = random.normal(random.key(2), [...batchB, K, N], 'float32');
      const want = np.matmul(a, b);
      // Stored transposed: the operand's last two axes swapped (a contiguous copy).
      const stored = (x: Tensor, t: boolean) => (t ? np.swapaxes(x, -1, -2) : x).to('webgpu');
      const [ga, gb] = [await stored(a, ta), await stored(b, tb)];
      const [ca, cb] = [ga.concrete(), gb.concrete()];
      const storage = backend.matmul(ca, cb, want.shape, { a: ta, b: tb });
      const got = new ConcreteTensor(storage, want.shape, 'float32');
      await expectClose(got, want, `[${batchA}, ${M}, ${K}] @ [${batchB}, ${K}, ${N}]`);
    }
  });

  it('jit folds a transpose into the matmul: no separate transpose kernel', async () => {
    const A = await random.normal(random.key(3), [40, 20], 'float32').to('webgpu');
    const B = await random.normal(random.key(4), [30, 20], 'float32').to('webgpu');
    const f = jit((a: Tensor, b: Tensor) => np.matmul(a, np.transpose(b)));
    await f(A, B).data();
    const before = webgpuBackend()!.stats().dispatches;
    const y = f(A, B);
    expect(webgpuBackend()!.stats().dispatches - before).toBe(1);
    await expectClose(y, np.matmul(await A.to('cpu'), np.transpose(await B.to('cpu'))), 'jit');
  });
});
