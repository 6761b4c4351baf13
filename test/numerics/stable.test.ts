/** Stable and naive variants side by side on planted inputs; precision helpers. */
import { describe, expect, it } from 'vitest';
import {
  compareDTypes,
  grad,
  machineEpsilon,
  nextafter,
  nn,
  np,
  numerics,
  Tensor,
  ulp,
} from '../../kernel-lib/src';
import { expectClose, randn } from '../helpers/tensors';

const { naive, stable } = numerics;
const f64 = (v: number | number[]) => np.array(v, 'float64');
const finite = (t: Tensor) => Array.from(t.dataSync()).every(Number.isFinite);

describe('naive vs stable', () => {
  it('logsumexp([1000, 1000])', () => {
    expect(naive.logsumexp(f64([1000, 1000])).item()).toBe(Infinity);
    expect(stable.logsumexp(f64([1000, 1000])).item()).toBeCloseTo(1000 + Math.LN2, 10);
  });
  it('softmax, logSoftmax and cross-entropy of large logits', () => {
    const z = np.array([[1000, 0, -1000]], 'float32');
    expect(finite(naive.softmax(z))).toBe(false);
    expectClose(stable.softmax(z), [[1, 0, 0]]);
    expect(finite(naive.logSoftmax(z))).toBe(false);
    expectClose(stable.logSoftmax(z), [[0, -1000, -2000]]);
    const y = nn.oneHot(np.array([1], 'int32'), 3);
    expect(finite(naive.softmaxCrossEntropy(z, y))).toBe(false);
    expect(stable.softmaxCrossEntropy(z, y).item()).toBeCloseTo(1000, 3);
    // The fused gradient is softmax - one-hot, exactly.
    const g = grad((l: Tensor) => stable.softmaxCrossEntropy(l, y))(z) as Tensor;
    expectClose(g, [[1, -1, 0]]);
  });
  it('sigmoid(-1000): the naive gradient is NaN, the stable one is 0', () => {
    const x = f64(-1000);
    expect(naive.sigmoid(x).item()).toBe(0);
    expect((grad((t: Tensor) => naive.sigmoid(t))(x) as Tensor).item()).toBeNaN();
    expect((grad((t: Tensor) => stable.sigmoid(t))(x) as Tensor).item()).toBe(0);
  });
  it('softplus(1000) and softplus(-40)', () => {
    expect(naive.softplus(f64(1000)).item()).toBe(Infinity);
    expect(stable.softplus(f64(1000)).item()).toBe(1000);
    expect(naive.softplus(f64(-40)).item()).toBe(0); // 1 + e^-40 rounds to 1
    expect(stable.softplus(f64(-40)).item()).toBeCloseTo(Math.exp(-40), 55);
  });
  it('log1p(1e-10) and expm1(1e-10)', () => {
    const x = f64(1e-10);
    const relErr = (got: number, want: number) => Math.abs(got - want) / want;
    expect(relErr(naive.log1p(x).item(), 1e-10 - 5e-21)).toBeGreaterThan(1e-8);
    expect(relErr(stable.log1p(x).item(), 1e-10 - 5e-21)).toBeLessThan(1e-15);
    expect(relErr(naive.expm1(x).item(), 1e-10 + 5e-21)).toBeGreaterThan(1e-8);
    expect(relErr(stable.expm1(x).item(), 1e-10 + 5e-21)).toBeLessThan(1e-15);
  });
  it('variance of 1e8 + noise in float32: E[x²] - E[x]² cancels, two-pass does not', () => {
    const x = np.add(1e8, np.mul(randn(3, [1000]), 1000)).astype('float32');
    const exact = stable.variance(x.astype('float64')).item(); // the same float32 data, in float64
    const two = stable.variance(x).item();
    const bad = naive.variance(x).item();
    // Two-pass in float32 is limited by the rounding of the mean (ulp(1e8) = 8): (4 / 1000)² ≈ 2e-5.
    expect(Math.abs(two - exact) / exact).toBeLessThan(1e-4);
    expect(Math.abs(bad - exact) / exact).toBeGreaterThan(0.5); // every digit lost
    expect(compareDTypes((t: Tensor) => naive.variance(t), [x]).maxRelDiff).toBeGreaterThan(0.5);
    expect(compareDTypes((t: Tensor) => stable.variance(t), [x]).maxRelDiff).toBeLessThan(1e-4);
  });
});

describe('precision helpers', () => {
  it('machine epsilon, ulp and nextafter', () => {
    expect(machineEpsilon('float32')).toBe(2 ** -23);
    expect(machineEpsilon('float64')).toBe(Number.EPSILON);
    expect(ulp(1, 'float32')).toBe(2 ** -23);
    expect(ulp(1)).toBe(2 ** -52);
    expect(ulp(1e8, 'float32')).toBe(8);
    expect(ulp(-2)).toBe(2 ** -51);
    expect(nextafter(1, 2, 'float32')).toBe(1 + 2 ** -23);
    expect(nextafter(1, 0, 'float32')).toBe(1 - 2 ** -24);
    expect(nextafter(1, 0)).toBe(1 - 2 ** -53);
    expect(nextafter(-1, -2)).toBe(-1 - 2 ** -52);
    expect(nextafter(0, 1)).toBe(Number.MIN_VALUE);
    expect(nextafter(0, -1, 'float32')).toBe(-(2 ** -149));
    expect(nextafter(3.4028234663852886e38, Infinity, 'float32')).toBe(Infinity);
    expect(numerics.roundTo(0.1, 'float32')).toBe(Math.fround(0.1));
  });
  it('compareDTypes measures float32 rounding of a well-conditioned function', () => {
    const r = compareDTypes((t: Tensor) => np.sum(np.tanh(t)), [randn(0, [10])]);
    expect(r.maxRelDiff).toBeGreaterThan(0);
    expect(r.maxRelDiff).toBeLessThan(1e-6);
    expect((r.float32 as Tensor).dtype).toBe('float32');
  });
});
