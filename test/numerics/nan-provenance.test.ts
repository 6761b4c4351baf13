/** debugNans names the primitive, the pass and the cause of the first non-finite value. */
import { describe, expect, it } from 'vitest';
import { debugNans, grad, np, NonFiniteError, Tensor } from '../../kernel-lib/src';
import { setEvalObserver } from '../../kernel-lib/src/core/trace';

const f64 = (v: number | number[]) => np.array(v, 'float64');
const catchNan = (fn: () => unknown): NonFiniteError => {
  try {
    debugNans(fn);
  } catch (e) {
    if (e instanceof NonFiniteError) return e;
    throw e;
  }
  throw new Error('expected a NonFiniteError');
};

describe('debugNans', () => {
  it('log(0) * 0 in the forward pass names log', () => {
    const e = catchNan(() => np.mul(np.log(f64([1, 0])), 0));
    expect(e.primitive).toBe('log');
    expect(e.phase).toBe('forward');
    expect(e.cause).toBe('log-domain');
    expect(e.message).toMatch(/'log' produced inf in the forward pass from finite inputs/);
    expect(e.message).toMatch(/1 zero/);
  });

  it('exp overflow, and division by zero', () => {
    const e = catchNan(() => np.sum(np.exp(np.array([1, 100], 'float32'))));
    expect([e.primitive, e.cause]).toEqual(['exp', 'exp-overflow']);
    const d = catchNan(() => np.div(f64([1, 2]), f64([1, 0])));
    expect([d.primitive, d.cause]).toEqual(['div', 'division-by-zero']);
    const s = catchNan(() => np.sqrt(f64([-1, 4])));
    expect([s.primitive, s.cause]).toEqual(['sqrt', 'sqrt-negative']);
  });

  it("where(x > 0, sqrt(x), 0) at x < 0: the forward NaN is masked, the backward rule's div is named", () => {
    const f = (x: Tensor) => np.sum(np.where(np.greater(x, 0), np.sqrt(x), 0));
    expect(f(f64([-1, 4])).item()).toBe(2); // the value is fine: no error forward
    expect(debugNans(() => f(f64([-1, 4]))).item()).toBe(2);
    const e = catchNan(() => grad(f)(f64([-1, 4])));
    expect(e.phase).toBe('backward');
    expect(e.primitive).toBe('div'); // sqrt's rule: ct · 0.5 / √x
    expect(e.cause).toBe('unselected-where');
    expect(e.message).toMatch(/double where/);
    const report = debugNans(() => grad(f)(f64([-1, 4])), { throwOnFirst: false });
    expect(report.allEvents[0]).toMatchObject({
      primitive: 'sqrt',
      phase: 'forward',
      masked: true,
      maskedBy: 'where',
    });
    expect(report.first?.parent).toBe(0);
  });

  it('the same trap at x = 0: inf from the derivative, then 0 × inf', () => {
    const f = (x: Tensor) => np.sum(np.where(np.greater(x, 0), np.sqrt(x), 0));
    const report = debugNans(() => grad(f)(f64([0, 4])), { throwOnFirst: false });
    expect(Number.isNaN((report.result as Tensor).dataSync()[0])).toBe(true);
    expect(report.events.map((e) => [e.primitive, e.phase, e.cause])).toEqual([
      ['div', 'backward', 'division-by-zero'],
      ['mul', 'backward', 'unselected-where'],
    ]);
    // The double where keeps everything finite.
    const safe = (x: Tensor) =>
      np.sum(np.where(np.greater(x, 0), np.sqrt(np.where(np.greater(x, 0), x, 1)), 0));
    expect(debugNans(() => grad(safe)(f64([0, -1, 4]))).dataSync()[0]).toBe(0);
  });

  it('a finite computation returns its value; the previous observer is restored', () => {
    const mine = () => undefined;
    setEvalObserver(mine);
    try {
      expect(debugNans(() => np.sum(np.exp(f64([1, 2])))).item()).toBeCloseTo(Math.E + Math.E ** 2);
      expect(() => debugNans(() => np.log(f64(-1)))).toThrow(NonFiniteError);
      expect(setEvalObserver(undefined)).toBe(mine);
    } finally {
      setEvalObserver(undefined);
    }
    const r = debugNans(() => np.log(f64([1, 2])), { throwOnFirst: false });
    expect(r.events).toEqual([]);
  });

  it('logsumexp with -inf entries is not an error (exp(-inf) = 0 masks it)', () => {
    const x = f64([0, -Infinity, 1]);
    expect(debugNans(() => grad((t: Tensor) => np.logsumexp(t))(x)).dataSync()[1]).toBe(0);
  });
});

describe('debugNans on a masked overflow', () => {
  it('naive sigmoid(-1000): the forward exp overflow is masked by div and re-enters backward', () => {
    const naiveSigmoid = (x: Tensor) => np.div(1, np.add(1, np.exp(np.neg(x))));
    expect(debugNans(() => naiveSigmoid(f64(-1000))).item()).toBe(0);
    const e = catchNan(() => grad(naiveSigmoid)(f64(-1000)));
    expect([e.phase, e.cause]).toEqual(['backward', 'exp-overflow']);
    expect(e.message).toMatch(/'exp' in the forward pass, exp-overflow, masked by 'div'/);
  });
});
