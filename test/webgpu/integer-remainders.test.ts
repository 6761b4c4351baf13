/**
 * Integer remainders and floor division on WebGPU: `mod`, `fmod` and `floorDivide` of int32
 * compute in int32 (exact, no float64, which WebGPU lacks) and agree with the CPU, the int32
 * limits and a zero divisor included. The int32 `div` scalar op (a truncating quotient; WGSL's
 * i32 `x / 0` gives x) is lowered so that x / 0 is 0 on WebGPU as on the CPU.
 */
import { expect, it } from 'vitest';
import { np } from '../../kernel-lib/src';
import { bind1, primitives } from '../../kernel-lib/src/extend';
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

  it('floorDivide of int32 agrees with the CPU, x // 0 and -2^31 // -1 included', async () => {
    const [lo, hi] = [-2147483648, 2147483647];
    const x = np.array([7, -7, 7, -7, 0, 5, -5, lo, lo, hi, lo, 13, -6], 'int32');
    const y = np.array([2, 2, -2, -2, 0, 0, 0, -1, 1, -1, 3, 1, 3], 'int32');
    const want = Array.from(np.floorDivide(x, y).dataSync());
    expect(want).toEqual([3, -4, -4, 3, 0, hi, lo, hi, lo, -hi, -715827883, 13, -2]);
    const onGpu = np.floorDivide(await x.to('webgpu'), await y.to('webgpu'));
    expect(onGpu.dtype).toBe('int32');
    expect(Array.from(await onGpu.data())).toEqual(want);
  });

  it('the int32 div scalar op truncates and gives 0 for x / 0 on both devices', async () => {
    const x = np.array([7, -7, 5, 0, -2147483648, -2147483648], 'int32');
    const y = np.array([2, 2, 0, 0, -1, 3], 'int32');
    const want = Array.from(bind1(primitives.div, [x, y]).dataSync());
    expect(want).toEqual([3, -3, 0, 0, -2147483648, -715827882]);
    const onGpu = bind1(primitives.div, [await x.to('webgpu'), await y.to('webgpu')]);
    expect(Array.from(await onGpu.data())).toEqual(want);
  });
});
