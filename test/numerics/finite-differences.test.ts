/** Finite differences: convergence orders, the step-size V-curve, and agreement with AD. */
import { describe, expect, it } from 'vitest';
import {
  finiteDifferenceGrad,
  finiteDifferenceJvp,
  grad,
  np,
  numerics,
  stepSizeSweep,
  Tensor,
} from '../../kernel-lib/src';
import { expectClose, randn } from '../helpers/tensors';

const f = (x: Tensor) => np.sum(np.mul(np.exp(x), np.sin(x)));
const x0 = np.array([0.3, -0.7, 1.1], 'float64');
const exactJvp = (v: Tensor) => np.vdot(grad(f)(x0) as Tensor, v).item();

describe('finite differences', () => {
  it('central differences converge as O(h²), forward as O(h), Richardson as O(h⁴)', () => {
    const v = randn(1, [3]);
    const err = (method: 'forward' | 'central' | 'richardson', h: number) =>
      Math.abs(finiteDifferenceJvp(f, x0, v, { method, h }).item() - exactJvp(v));
    expect(err('central', 1e-2) / err('central', 1e-3)).toBeGreaterThan(70);
    expect(err('central', 1e-2) / err('central', 1e-3)).toBeLessThan(130);
    expect(err('forward', 1e-2) / err('forward', 1e-3)).toBeGreaterThan(7);
    expect(err('forward', 1e-2) / err('forward', 1e-3)).toBeLessThan(13);
    expect(err('richardson', 1e-1) / err('richardson', 1e-2)).toBeGreaterThan(5e3);
  });

  it('the gradient matches AD in float64', () => {
    expectClose(finiteDifferenceGrad(f, x0), grad(f)(x0) as Tensor, 1e-9, 1e-10);
    expectClose(
      finiteDifferenceGrad(f, x0, { method: 'richardson' }),
      grad(f)(x0) as Tensor,
      1e-11,
      1e-12,
    );
  });

  it('works in float32 with a float32-sized error', () => {
    const x = x0.astype('float32');
    const g = finiteDifferenceGrad(f, x);
    expect(g.dtype).toBe('float32');
    expectClose(g, grad(f)(x0) as Tensor, 1e-3, 1e-4);
  });

  it('the sweep finds the best central step near ε^(1/3) in each precision', () => {
    const sweep = stepSizeSweep((x: Tensor) => np.exp(x), np.array(1, 'float64'));
    const [c32, c64] = sweep.curves;
    expect(c64.theoryH).toBeCloseTo(2 ** (-52 / 3), 12);
    for (const c of [c32, c64]) {
      expect(c.bestH / c.theoryH).toBeGreaterThan(0.1);
      expect(c.bestH / c.theoryH).toBeLessThan(10);
    }
    // The V: the error at the best step is far below both ends of the sweep.
    expect(c64.bestError).toBeLessThan(1e-10);
    expect(c32.bestError).toBeLessThan(1e-4);
    expect(c64.errors[0]).toBeGreaterThan(1e3 * c64.bestError);
    expect(c64.errors[c64.errors.length - 1]).toBeGreaterThan(1e3 * c64.bestError);
    // float32's best step is larger and its best error ~ε32^(2/3).
    expect(c32.bestH).toBeGreaterThan(30 * c64.bestH);
  });

  it('forward differences are best near √ε', () => {
    const sweep = stepSizeSweep((x: Tensor) => np.exp(x), np.array(1, 'float64'), {
      method: 'forward',
      dtypes: ['float64'],
    });
    const c = sweep.curves[0];
    expect(c.bestH / numerics.optimalStep('forward', 'float64')).toBeGreaterThan(0.1);
    expect(c.bestH / numerics.optimalStep('forward', 'float64')).toBeLessThan(10);
  });
});
