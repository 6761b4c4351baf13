/**
 * Integer remainders on WebGPU: `mod` and `fmod` of int32 compute in int32 (exact, no float64,
 * which WebGPU lacks) and agree with the CPU, the int32 minimum and a zero divisor included.
 */
import { expect, it } from 'vitest';
import { np } from '../../kernel-lib/src';
import { describeOnWebGpu } from './gpu';

await describeOnWebGpu('int32 remainders on webgpu', () => {
  const a = np.array([5, -7, 3, 0, 7, -2147483648], 'int32');
  const b = np.array([0, 2, -2, 0, 3, 3], 'int32');

  it('mod takes the sign of the divisor, fmod that of the dividend, on both devices', async () => {
    const [ga, gb] = [await a.to('webgpu'), await b.to('webgpu')];
    expect(np.mod(a, b).toArray()).toEqual([0, 1, -1, 0, 1, 1]);
    expect(np.fmod(a, b).toArray()).toEqual([0, -1, 1, 0, 1, -2]);
    const onGpu = np.mod(ga, gb);
    expect(onGpu.dtype).toBe('int32');
    expect(await onGpu.array()).toEqual([0, 1, -1, 0, 1, 1]);
    expect(await np.fmod(ga, gb).array()).toEqual([0, -1, 1, 0, 1, -2]);
  });
});
