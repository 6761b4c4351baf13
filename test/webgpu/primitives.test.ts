/**
 * The rule-checking harness on WebGPU: every primitive's spec cases in float32, inputs placed on
 * the device: the value against the CPU backend's float32 result, the JVP (a random tangent)
 * and the VJP (a random cotangent) against the CPU's, all within float32 tolerance.
 *
 * Routines (ROUTINES below: sort, scans and convolution, WGSL kernels; the dense factorizations,
 * host steps in the device's program order) are also checked on inputs computed on the device
 * (no host copy), and the derivative checks reach them with device-computed tangents and
 * cotangents.
 */
import { expect, it } from 'vitest';
import { jvp, np, vjp, type Tensor } from '../../kernel-lib/src';
import { randn } from '../helpers/tensors';
import { describeEachCase } from '../rules/each-case';
import { describeOnWebGpu } from './gpu';

const toGpu = (xs: Tensor[]) => Promise.all(xs.map((x) => x.to('webgpu')));

async function expectNear(got: Tensor[], want: Tensor[], what: string): Promise<void> {
  expect(got.length).toBe(want.length);
  for (let k = 0; k < got.length; k++) {
    expect(got[k].device, what).toBe('webgpu');
    expect(got[k].shape, what).toEqual(want[k].shape);
    expect(got[k].dtype, what).toBe(want[k].dtype);
    const g = await got[k].data();
    const w = await want[k].data();
    for (let i = 0; i < w.length; i++) {
      if (Number.isNaN(w[i])) expect(Number.isNaN(g[i]), `${what} [${i}] NaN`).toBe(true);
      else if (!Number.isFinite(w[i])) expect(g[i], `${what} [${i}]`).toBe(w[i]);
      else
        expect(Math.abs(g[i] - w[i]), `${what} [${i}]: ${g[i]} vs ${w[i]}`).toBeLessThanOrEqual(
          2e-4 * (1 + Math.abs(w[i])),
        );
    }
  }
}

/** The same values, computed on the device (so no host copy is kept): -(-x), or not(not x). */
const computedOnDevice = (x: Tensor) =>
  x.dtype === 'bool' ? np.logicalNot(np.logicalNot(x)) : np.neg(np.neg(x));

const ROUTINES = new Set([
  'adjugate',
  'cumsum',
  'sort',
  'argsort',
  'conv',
  'solve',
  'slogdet',
  'cholesky',
  'eigh',
  'det',
  'svd',
  'qr',
]);

await describeOnWebGpu('primitives on webgpu, float32', () => {
  describeEachCase((c, spec, apply, key) => {
    const routine = ROUTINES.has(key);
    it(`${c.name}: value`, async () => {
      const xs = c.inputs('float32');
      if (xs.some((x) => x.dtype === 'float64')) return;
      const want = apply(...xs);
      const g = await toGpu(xs);
      if (want.some((y) => y.dtype === 'float64')) {
        expect(() => apply(...g)).toThrow(/float64 is not supported on webgpu.*never downcasts/);
        return;
      }
      await expectNear(apply(...g), want, 'value');
      if (routine)
        await expectNear(apply(...g.map(computedOnDevice)), want, 'value (device inputs)');
    });
    if (!spec.differentiable) return;
    it(`${c.name}: JVP and VJP`, async () => {
      const xs = c.inputs('float32');
      if (xs.some((x) => x.dtype === 'float64')) return;
      if (apply(...xs).some((y) => y.dtype === 'float64')) return;
      const floats = xs.map((x) => x.dtype === 'float32');
      const g = await toGpu(xs);
      // Differentiate with respect to the float inputs; the others are held fixed.
      const restrict =
        (all: Tensor[]) =>
        (...fs: Tensor[]) => {
          let k = 0;
          return apply(...all.map((x, i) => (floats[i] ? fs[k++] : x)));
        };
      const pick = (all: Tensor[]) => all.filter((_, i) => floats[i]);
      const tangents = pick(xs).map((x, i) => randn(40 + i, [...x.shape], 'float32'));
      {
        const [, dyCpu] = jvp(restrict(xs) as never, pick(xs), tangents) as unknown as [
          Tensor[],
          Tensor[],
        ];
        const [, dyGpu] = jvp(restrict(g) as never, pick(g), await toGpu(tangents)) as unknown as [
          Tensor[],
          Tensor[],
        ];
        await expectNear(dyGpu, dyCpu, 'jvp');
        const [outs, pullCpu] = vjp(restrict(xs) as never, pick(xs)) as unknown as [
          Tensor[],
          (ct: Tensor[]) => Tensor[],
        ];
        const [, pullGpu] = vjp(restrict(g) as never, pick(g)) as unknown as [
          Tensor[],
          (ct: Tensor[]) => Tensor[],
        ];
        const cts = outs.map((o, i) => randn(60 + i, [...o.shape], 'float32'));
        await expectNear(pullGpu(await toGpu(cts)), pullCpu(cts), 'vjp');
      }
    });
  });
});
