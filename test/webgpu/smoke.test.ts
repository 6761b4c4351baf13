import { expect, it } from 'vitest';
import { devicePut, initWebGPU, np } from '../../kernel-lib/src';

it('smoke', async () => {
  await initWebGPU();
  const a = np.array([[1, 2, 3], [4, 5, 6]], 'float32');
  const g = await devicePut(a, 'webgpu');
  expect(g.device).toBe('webgpu');
  const t = np.transpose(g);
  expect(await t.array()).toEqual([[1, 4], [2, 5], [3, 6]]);
  expect(() => t.dataSync()).toThrow(/await t.data/);
  expect(await np.sum(g, 1).array()).toEqual([6, 15]);
  expect(await np.max(g, 0).array()).toEqual([4, 5, 6]);
  expect(await np.argmax(g, 1).array()).toEqual([2, 2]);
  const b = await devicePut(np.array([[1, 0], [0, 1], [1, 1]], 'float32'), 'webgpu');
  expect(await np.matmul(g, b).array()).toEqual([[4, 5], [10, 11]]);
  const big = np.arange(0, 100000, 1, 'float32');
  expect((await np.sum(await big.to('webgpu')).data())[0]).toBeCloseTo(4999950000, -4);
  expect(await np.concatenate([g, g], 0).array()).toEqual([[1, 2, 3], [4, 5, 6], [1, 2, 3], [4, 5, 6]]);
  expect(await np.take(g, np.array([2, 0], 'int32'), 1).array()).toEqual([[3, 1], [6, 4]]);
});
