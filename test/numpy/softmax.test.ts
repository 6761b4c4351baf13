/** softmax, logSoftmax and the fused cross-entropy: accuracy at any magnitude, soft labels, reductions. */
import { describe, expect, it } from 'vitest';
import { checkGrads, grad, jvp, nn, np, Tensor } from '../../kernel-lib/src';
import { expectClose } from '../helpers/tensors';

const DTYPES = ['float32', 'float64'] as const;
/** softmax of [c + a_i] in float64 host arithmetic, relative to the max (the reference). */
function reference(offsets: number[]): number[] {
  const m = Math.max(...offsets);
  const e = offsets.map((a) => Math.exp(a - m));
  const s = e.reduce((p, q) => p + q);
  return e.map((v) => v / s);
}

describe('softmax and logSoftmax relative to the max', () => {
  it('softmax([5000, 4999]) in float32 is exact to float32 precision and sums to 1', () => {
    const p = nn.softmax(np.array([5000, 4999], 'float32'));
    expectClose(p, [0.7310586, 0.2689414], 2e-7);
    expect(Math.abs(np.sum(p).item() - 1)).toBeLessThan(2e-7);
  });
  it('equal large logits give 1/n in both dtypes (1e7 in float32, 1e30 in float64)', () => {
    expectClose(nn.softmax(np.array([1e7, 1e7], 'float32')), [0.5, 0.5], 0);
    expectClose(nn.softmax(np.array([1e30, 1e30], 'float64')), [0.5, 0.5], 0);
    expectClose(
      nn.logSoftmax(np.array([1e15, 1e15, 1e15 - 1], 'float64')),
      reference([0, 0, -1]).map(Math.log),
      1e-15,
    );
  });
  it('the family: magnitudes 1 to 1e30 (each dtype where its spacing allows), along every axis', () => {
    const offsets = [0, -1, -2.5, 0.5];
    for (const dtype of DTYPES) {
      // float32 can hold c + offsets exactly while ulp(c) <= 0.5, float64 up to 2^51.
      const scales = dtype === 'float32' ? [1, 1e3, 1e5, 4e6] : [1, 1e3, 1e8, 1e14];
      for (const c of scales) {
        const x = np.array(
          offsets.map((a) => c + a),
          dtype,
        );
        const want = reference(offsets);
        const tol = dtype === 'float32' ? 3e-7 : 3e-16;
        expectClose(nn.softmax(x), want, tol, 1e-30);
        expectClose(nn.logSoftmax(x), want.map(Math.log), tol, tol);
      }
      // Along axis 0 and axis 1 of a matrix whose rows/columns sit at very different magnitudes.
      const m = np.array(
        [
          [1e4, 1e4 - 1],
          [-3, -2],
        ],
        dtype,
      );
      expectClose(nn.softmax(m, 1), [reference([0, -1]), reference([-1, 0])], 1e-6);
      const col = reference([1e4 + 3, 0]);
      expectClose(nn.softmax(m, 0), [
        [col[0], col[0]],
        [col[1], col[1]],
      ]);
    }
  });
  it('derivatives at large magnitude: VJP and JVP of softmax and logSoftmax match the small-input ones', () => {
    for (const dtype of DTYPES) {
      const base = np.array([0.5, -0.25, 0.125], dtype); // exact at both magnitudes
      const big = np.add(base, dtype === 'float32' ? 4096 : 1e12);
      const v = np.array([1, -2, 0.5], dtype);
      for (const f of [nn.softmax, nn.logSoftmax]) {
        const loss = (x: Tensor) => np.sum(np.mul(f(x), v));
        const tol = dtype === 'float32' ? 2e-6 : 1e-12;
        expectClose(grad(loss)(big), grad(loss)(base), tol, tol);
        expectClose(jvp(f, [big], [v])[1], jvp(f, [base], [v])[1], tol, tol);
      }
    }
  });
  it('masked -inf logits get probability 0, and a row of all -inf is NaN', () => {
    expectClose(nn.softmax(np.array([-Infinity, 0, 0], 'float64')), [0, 0.5, 0.5]);
    expectClose(nn.logSoftmax(np.array([-Infinity, 0], 'float64')), [-Infinity, 0]);
    expect(nn.softmax(np.array([-Infinity, -Infinity], 'float64')).toArray()).toEqual([NaN, NaN]);
  });
});

describe('softmaxCrossEntropy', () => {
  const z = np.array([[1, 2, 3]], 'float64');
  const y = np.array([[0.2, 0.3, 0.5]], 'float64');
  it('is -sum(y log softmax(z)) even when a row of labels does not sum to 1', () => {
    const ls = nn.logSoftmax(z);
    const want = -np.sum(np.mul(y, ls)).item();
    expect(nn.softmaxCrossEntropy(z, y).item()).toBeCloseTo(want, 14);
    const half = np.mul(y, 0.5);
    expect(nn.softmaxCrossEntropy(z, half).item()).toBeCloseTo(want / 2, 14);
  });
  it('its gradient with respect to the labels is -logSoftmax(z), with respect to z softmax·Σy - y', () => {
    const gy = grad((l: Tensor) => nn.softmaxCrossEntropy(z, l))(y);
    expectClose(gy, np.neg(nn.logSoftmax(z)), 1e-14);
    const half = np.mul(y, 0.5);
    const gz = grad((l: Tensor) => nn.softmaxCrossEntropy(l, half))(z);
    expectClose(gz, np.sub(np.mul(nn.softmax(z), 0.5), half), 1e-14);
    checkGrads((a: Tensor, b: Tensor) => nn.softmaxCrossEntropy(a, b), [z, y], { order: 2 });
  });
  it("reduction 'none' gives per-row losses, 'sum' their sum, 'mean' (the default) their mean", () => {
    const zz = np.array(
      [
        [1, 2, 3],
        [0, 0, 0],
      ],
      'float64',
    );
    const yy = np.array(
      [
        [0, 0, 1],
        [0.5, 0.5, 0],
      ],
      'float64',
    );
    const rows = nn.softmaxCrossEntropy(zz, yy, { reduction: 'none' });
    expect(rows.shape).toEqual([2]);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    expectClose(rows, [lse - 3, Math.log(3)], 1e-14);
    expect(nn.softmaxCrossEntropy(zz, yy, { reduction: 'sum' }).item()).toBeCloseTo(
      lse - 3 + Math.log(3),
      14,
    );
    expect(nn.softmaxCrossEntropy(zz, yy).item()).toBeCloseTo((lse - 3 + Math.log(3)) / 2, 14);
    expect(() => nn.softmaxCrossEntropy(zz, yy, { reduction: 'avg' as never })).toThrow(
      `softmaxCrossEntropy: reduction must be 'none', 'mean' or 'sum', got "avg"`,
    );
  });
  it('is exact for large logits in both dtypes', () => {
    for (const dtype of DTYPES) {
      const big = np.array([[1e4, 1e4 - 2]], dtype);
      const onehot = np.array([[0, 1]], dtype);
      expect(nn.softmaxCrossEntropy(big, onehot).item()).toBeCloseTo(
        2 + Math.log1p(Math.exp(-2)),
        5,
      );
    }
  });
  it('masked -inf logits with zero labels contribute 0 to the loss and to both gradients', () => {
    const zm = np.array([[-Infinity, 1, 2]], 'float64');
    const ym = np.array([[0, 0.25, 0.75]], 'float64');
    const want = -(
      0.25 * (1 - Math.log(Math.E + Math.E ** 2)) +
      0.75 * (2 - Math.log(Math.E + Math.E ** 2))
    );
    expect(nn.softmaxCrossEntropy(zm, ym).item()).toBeCloseTo(want, 14);
    const gz = grad((l: Tensor) => nn.softmaxCrossEntropy(l, ym))(zm);
    expect(Array.from(gz.dataSync()).every(Number.isFinite)).toBe(true);
    expect(gz.dataSync()[0]).toBe(0);
    const gy = grad((l: Tensor) => nn.softmaxCrossEntropy(zm, l))(ym);
    expect(gy.dataSync()[0]).toBe(0);
    // A positive label on a masked class: the loss is +inf (that class is impossible).
    expect(nn.softmaxCrossEntropy(zm, np.array([[1, 0, 0]], 'float64')).item()).toBe(Infinity);
  });
});
