/**
 * The elementwise additions (hyperbolic, inverse trigonometric, logs, rounding, remainders,
 * truth tests, special functions) against NumPy/scipy values, their derivatives, and their errors.
 */
import { describe, expect, it } from 'vitest';
import { checkGrads, grad, np, special, Tensor } from '../../kernel-lib/src';
import { expectClose } from '../helpers/tensors';
import { ref } from './breadth-reference';

const f64 = (v: readonly number[]) => np.array(v, 'float64');
const x7 = f64([-3.5, -1, -0.25, 0, 0.5, 2, 10]);

describe('hyperbolic, inverse trigonometric and logarithmic functions', () => {
  it('match NumPy in float64', () => {
    expectClose(np.sinh(x7), ref.sinh, 1e-15);
    expectClose(np.cosh(x7), ref.cosh, 1e-15);
    expectClose(np.arcsinh(x7), ref.arcsinh, 1e-15);
    expectClose(np.arccosh(f64([1, 1.5, 10, 1e10])), ref.arccosh, 1e-15);
    expectClose(np.arctanh(f64([-0.99, -0.5, 0, 0.3, 0.999999])), ref.arctanh, 1e-14);
    expectClose(np.arcsin(f64([-1, -0.5, 0, 0.7, 1])), ref.arcsin, 1e-15);
    expectClose(np.arccos(f64([-1, -0.5, 0, 0.7, 1])), ref.arccos, 1e-15);
    expectClose(np.arctan(x7), ref.arctan, 1e-15);
    expectClose(
      np.arctan2(f64([1, 1, -1, -1, 0, 0]), f64([1, -1, -1, 1, -1, 1])),
      ref.arctan2,
      1e-15,
    );
    expectClose(np.log10(f64([1, 1000, 0.01, 2])), ref.log10, 1e-15);
    expectClose(np.exp2(f64([0, 3, -1, 0.5, 10])), ref.exp2, 1e-15);
    expectClose(np.cbrt(f64([-27, -8, 0, 2, 1000])), ref.cbrt, 1e-15);
  });
  it('log2 and exp2 are exact at powers of two, in float32 too', () => {
    expect(Array.from(np.log2(np.array([1, 8, 0.5, 1024])).dataSync())).toEqual([0, 3, -1, 10]);
    expect(Array.from(np.exp2(np.array([3, -1, 10])).dataSync())).toEqual([8, 0.5, 1024]);
    expectClose(np.log2(f64([3])), ref.log2[3], 1e-15);
  });
  it('integers become float32, like the other float functions', () => {
    expect(np.sinh(np.array([1], 'int32')).dtype).toBe('float32');
  });
  it('derivatives: sinh → cosh, arcsinh → 1/√(x²+1), arctan2 by its partials', () => {
    expectClose(grad((x: Tensor) => np.sum(np.sinh(x)))(x7), ref.cosh, 1e-14);
    expectClose(
      grad((x: Tensor) => np.sum(np.arcsinh(x)))(f64([0, 2])),
      [1, 1 / Math.sqrt(5)],
      1e-15,
    );
    const [gy, gx] = grad((y: Tensor, x: Tensor) => np.sum(np.arctan2(y, x)), { argnums: [0, 1] })(
      f64([3]),
      f64([4]),
    ) as Tensor[];
    expectClose(gy, 4 / 25, 1e-15);
    expectClose(gx, -3 / 25, 1e-15);
  });
});

describe('logaddexp and hypot are stable', () => {
  it('logaddexp matches NumPy, with equal infinities and huge magnitudes', () => {
    const a = f64([0, 1000, -1000, 1, -Infinity, Infinity]);
    const b = f64([0, 1000, -999, -2, -Infinity, Infinity]);
    expectClose(np.logaddexp(a, b), ref.logaddexp, 1e-15);
    // at a = b each operand gets σ(0) = 1/2
    expectClose(grad((x: Tensor) => np.logaddexp(x, f64([1])).sum())(f64([1])), 0.5, 1e-15);
    checkGrads(
      (x: Tensor, y: Tensor) => np.logaddexp(x, y),
      [f64([0.3, -2, 5]), f64([1, -2.5, -4])],
    );
  });
  it('hypot neither overflows nor underflows; inf wins over NaN', () => {
    const a = f64([3, 1e200, 1e-200, 0, -5]);
    const b = f64([4, 1e200, 1e-200, 0, 12]);
    expectClose(np.hypot(a, b), ref.hypot, 1e-15);
    expect(np.hypot(f64([Infinity]), f64([NaN])).item()).toBe(Infinity);
    expectClose(grad((x: Tensor) => np.hypot(x, 4).sum())(f64([3])), 0.6, 1e-15);
    expectClose(grad((x: Tensor) => np.hypot(x, 0).sum())(f64([0])), 0);
    checkGrads((x: Tensor, y: Tensor) => np.hypot(x, y), [f64([0.3, -2, 5]), f64([1, -2.5, -4])]);
  });
});

describe('rounding, remainders and floor division', () => {
  const a = f64([-7, -7, 7, 7, 5.5, -5.5, 0]);
  const b = f64([3, -3, 3, -3, 2, 2, 4]);
  it('mod takes the sign of the divisor, fmod of the dividend (NumPy)', () => {
    expectClose(np.mod(a, b), ref.mod, 0, 0);
    expectClose(np.remainder(a, b), ref.mod, 0, 0);
    expectClose(np.fmod(a, b), ref.fmod, 0, 0);
    expectClose(np.floorDivide(a, b), ref.floordiv, 0, 0);
    expect(np.floorDivide(1, f64([0.1])).item()).toBe(ref.floordiv_01);
    expect(np.mod(1, f64([0.1])).item()).toBe(ref.mod_01);
  });
  it('integers stay int32', () => {
    const m = np.mod(np.array([-7, 7], 'int32'), np.array([3, -3], 'int32'));
    expect(m.dtype).toBe('int32');
    expect(m.toArray()).toEqual([2, -2]);
    expect(np.floorDivide(np.array([-7, 7], 'int32'), 2).toArray()).toEqual([-4, 3]);
  });
  it('int32 floorDivide (computed in int32) equals the float64 quotient converted to int32', () => {
    const [lo, hi] = [-2147483648, 2147483647];
    const a = [7, -7, 7, -7, 0, 5, -5, lo, lo, hi, lo, hi, 1, -1, 13, lo, hi, -6, 6];
    const b = [2, 2, -2, -2, 0, 0, 0, -1, 1, -1, 3, 7, lo, lo, 1, lo, hi, 3, -3];
    const [ia, ib] = [np.array(a, 'int32'), np.array(b, 'int32')];
    const q = np.floorDivide(ia, ib);
    expect(q.dtype).toBe('int32');
    const viaFloat64 = np.floorDivide(np.astype(ia, 'float64'), np.astype(ib, 'float64'));
    expect(Array.from(q.dataSync())).toEqual(Array.from(np.astype(viaFloat64, 'int32').dataSync()));
    // x // 0 saturates to the int32 limit of x's sign (NumPy gives 0), 0 // 0 = 0.
    expect(Array.from(q.dataSync().slice(4, 7))).toEqual([0, hi, lo]);
    expect(np.floorDivide(np.array([true, false]), np.array([true, true])).toArray()).toEqual([
      1, 0,
    ]);
  });
  it('round halves to even, with decimals; ceil and trunc', () => {
    expectClose(np.round(f64([0.5, 1.5, 2.5, -0.5, -1.5, 2.675, 1.234567])), ref.round, 0, 0);
    expectClose(np.round(f64([2.675, 1.234567, -1.005]), 2), ref.round2, 0, 0);
    expectClose(np.round(f64([1234.5, -55, 45]), -1), ref.roundm1, 0, 0);
    expectClose(np.ceil(f64([-1.5, -0.2, 0.2, 3])), ref.ceil, 0, 0);
    expectClose(np.trunc(f64([-1.7, -0.2, 0.2, 3.9])), ref.trunc, 0, 0);
    expect(np.round(np.array([3], 'int32')).dtype).toBe('int32');
  });
  it('mod is differentiable: 1 in a, -floor(a/b) in b', () => {
    const [ga, gb] = grad((x: Tensor, y: Tensor) => np.mod(x, y).sum(), { argnums: [0, 1] })(
      f64([-7.5]),
      f64([2]),
    ) as Tensor[];
    expectClose(ga, 1);
    expectClose(gb, 4);
  });
});

describe('truth tests and clean-up', () => {
  it('any and all over axes, empty axes included', () => {
    const m = np.array([
      [true, false],
      [false, false],
    ]);
    expect(np.any(m, 1).toArray()).toEqual([true, false]);
    expect(np.all(m, 0).toArray()).toEqual([false, false]);
    expect(np.all(np.array([1, 2])).item()).toBe(1);
    expect(np.any(np.zeros([0])).item()).toBe(0);
    expect(np.all(np.zeros([0])).item()).toBe(1);
  });
  it('isinf, isclose and allclose (a JS boolean) follow NumPy', () => {
    expect(np.isinf(f64([1, Infinity, -Infinity, NaN])).toArray()).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(np.isinf(np.array([1], 'int32')).toArray()).toEqual([false]);
    const got = np.isclose(f64([1, 1.00001, Infinity, NaN, 1e-9]), f64([1, 1, Infinity, NaN, 0]));
    expect(got.toArray()).toEqual(ref.isclose);
    expect(np.isclose(NaN, NaN, { equalNan: true }).toArray()).toBe(true);
    expect(np.allclose(np.add(0.1, 0.2), 0.3)).toBe(true);
    expect(np.allclose(f64([1, 2]), f64([1, 2.1]))).toBe(false);
    expect(() => np.isclose(1, 1, { rtol: -1 })).toThrow('isclose: rtol and atol must be >= 0');
  });
  it('nanToNum replaces NaN and infinities (the dtype limits by default)', () => {
    expectClose(np.nanToNum(f64([NaN, Infinity, -Infinity, 1.5])), ref.nan2num, 0, 0);
    expect(Array.from(np.nanToNum(np.array([Infinity]), { posinf: 7 }).dataSync())).toEqual([7]);
    expect(np.nanToNum(np.array([Infinity])).item()).toBe(3.4028234663852886e38);
  });
});

describe('special', () => {
  it('erf, erfc, gammaln, digamma, polygamma match scipy', () => {
    expectClose(special.erf(f64([-3, -0.5, 0, 0.5, 3])), ref.erf, 2e-15);
    expectClose(special.erfc(f64([-1, 0, 1, 5, 10, 26])), ref.erfc, 2e-15);
    expectClose(
      special.gammaln(f64([0.5, 1, 2.5, 10, 100, -0.5, -2.5])),
      ref.gammaln,
      1e-13,
      1e-15,
    );
    expectClose(special.digamma(f64([0.5, 1, 2.5, 10, -0.5])), ref.digamma, 1e-14);
    expectClose(special.polygamma(1, f64([0.5, 1, 2.5, 10])), ref.trigamma, 1e-14);
    expect(special.gammaln(f64([0, -2])).toArray()).toEqual([Infinity, Infinity]);
    // Near its zeros (1 and 2) ln Γ keeps its relative accuracy: 40-digit values (a ζ series in
    // Python's decimal; scipy itself is off by about 1e-12 there).
    expect(special.gammaln(f64([1, 2])).toArray()).toEqual([0, 0]);
    expectClose(
      special.gammaln(f64([1.0001, 1.9999])),
      [-5.771334222047127e-5, -4.227520877215346e-5],
      2e-15,
    );
  });
  it('gammaln differentiates to digamma, trigamma and beyond', () => {
    const g = (x: Tensor) => special.gammaln(x).sum();
    expectClose(grad(g)(f64([2.5])), ref.digamma[2], 1e-14);
    expectClose(grad((x: Tensor) => grad(g)(x).sum())(f64([2.5])), ref.trigamma[2], 1e-14);
    checkGrads((x: Tensor) => special.gammaln(x), [f64([0.7, 3.2])], { order: 3 });
  });
  it('xlogy and xlog1py are 0 where x = 0, with finite gradients there', () => {
    expectClose(special.xlogy(f64([0, 0, 2, 3]), f64([0, 2, 3, 0.5])), ref.xlogy, 1e-15);
    expectClose(special.xlog1py(f64([0, 2]), f64([-1, 3])), ref.xlog1py, 1e-15);
    expectClose(special.logit(f64([0.1, 0.5, 0.9])), ref.logit, 1e-15);
    const [gx, gy] = grad((x: Tensor, y: Tensor) => special.xlogy(x, y).sum(), { argnums: [0, 1] })(
      f64([0]),
      f64([0]),
    ) as Tensor[];
    expect([gx.item(), gy.item()].every(Number.isFinite)).toBe(true);
    expectClose(special.expit(f64([0])), 0.5);
  });
  it('polygamma rejects a bad order', () => {
    expect(() => special.polygamma(-1, 1)).toThrow(
      'polygamma: order n must be a non-negative integer, got -1',
    );
  });
});
