/** Conventions at singular points and numerically hard cases (see kernel-lib/README.md). */
import { describe, expect, it } from 'vitest';
import { grad, jvp, nn, np, Tensor } from '../../kernel-lib/src';
import { expectClose } from '../helpers/tensors';

const at = (v: number) => np.array(v, 'float64');
const d = (f: (x: Tensor) => Tensor, v: number) => (grad(f)(at(v)) as Tensor).item();
const dFwd = (f: (x: Tensor) => Tensor, v: number) =>
  (jvp(f, [at(v)], [at(1)])[1] as Tensor).item();

describe('conventions at singular points', () => {
  it('abs has derivative 0 at 0', () => {
    expect(d(np.abs, 0)).toBe(0);
    expect(dFwd(np.abs, 0)).toBe(0);
  });
  it('sqrt has derivative +inf at 0', () => {
    expect(d(np.sqrt, 0)).toBe(Infinity);
    expect(dFwd(np.sqrt, 0)).toBe(Infinity);
  });
  it('relu has derivative 0 at 0 and 1 above', () => {
    expect(d(nn.relu, 0)).toBe(0);
    expect(dFwd(nn.relu, 0)).toBe(0);
    expect(d(nn.relu, 2)).toBe(1);
  });
  it('softplus is smooth at 0: derivatives 1/2 and 1/4, and stable far out', () => {
    expect(d(nn.softplus, 0)).toBe(0.5);
    expect((grad(grad(nn.softplus))(at(0)) as Tensor).item()).toBe(0.25);
    expect(nn.softplus(np.array([1000, -1000], 'float64')).toArray()).toEqual([1000, 0]);
    expect(d(nn.softplus, 1000)).toBe(1);
    expect(d(nn.softplus, -1000)).toBe(0);
  });
  it('maximum and minimum split ties in half', () => {
    const [ga, gb] = grad((a: Tensor, b: Tensor) => np.maximum(a, b), { argnums: [0, 1] })(
      at(1),
      at(1),
    ) as Tensor[];
    expect([ga.item(), gb.item()]).toEqual([0.5, 0.5]);
    const [ha, hb] = grad((a: Tensor, b: Tensor) => np.minimum(a, b), { argnums: [0, 1] })(
      at(2),
      at(1),
    ) as Tensor[];
    expect([ha.item(), hb.item()]).toEqual([0, 1]);
  });
  it('max and min reductions share the derivative evenly among tied entries', () => {
    expectClose(
      grad((x: Tensor) => np.max(x))(np.array([3, 1, 3, 3], 'float64')),
      [1 / 3, 0, 1 / 3, 1 / 3],
      1e-15,
    );
    expectClose(
      grad((x: Tensor) => np.min(x))(np.array([0, 0, 5], 'float64')),
      [0.5, 0.5, 0],
      1e-15,
    );
  });
  it('clip has derivative 1 at its bounds and 0 outside', () => {
    const g = grad((x: Tensor) => np.sum(np.clip(x, 0, 1)))(
      np.array([-1, 0, 0.5, 1, 2], 'float64'),
    );
    expectClose(g, [0, 1, 1, 1, 0]);
  });
  it('0^0 has derivative 0 with respect to the base; pow at base 0 has 0 w.r.t. the exponent', () => {
    expect(d((x) => np.pow(x, 0), 0)).toBe(0);
    expect(dFwd((x) => np.pow(x, 0), 0)).toBe(0);
    expect((grad((y: Tensor) => np.pow(at(0), y))(at(2)) as Tensor).item()).toBe(0);
    expect(d((x) => np.pow(x, 2), 0)).toBe(0);
  });
  it('where: forward mode ignores the unselected branch, reverse mode gives NaN; double where is safe', () => {
    const naive = (x: Tensor) => np.where(np.greater(x, 0), np.sqrt(x), 0);
    expect(dFwd(naive, -1)).toBe(0);
    expect(d(naive, -1)).toBeNaN();
    const safe = (x: Tensor) => {
      const positive = np.greater(x, 0);
      return np.where(positive, np.sqrt(np.where(positive, x, 1)), 0);
    };
    expect(d(safe, -1)).toBe(0);
    expect(d(safe, 4)).toBe(0.25);
  });
  it('eigh: functions of the eigenvalues alone stay finite at repeated eigenvalues', () => {
    const g = grad((a: Tensor) => np.sum(np.linalg.eigh(a)[0]))(np.eye(3, 'float64'));
    expectClose(g, np.eye(3, 'float64'), 1e-12);
  });
  it('logsumexp: -inf entries are exact with zero gradient; all -inf gives -inf', () => {
    const x = np.array([-Infinity, 0, Math.log(3)], 'float64');
    expectClose(np.logsumexp(x), Math.log(4), 1e-15);
    expectClose(grad((y: Tensor) => np.logsumexp(y))(x), [0, 0.25, 0.75], 1e-15);
    expect(np.logsumexp(np.array([-Infinity, -Infinity], 'float64')).item()).toBe(-Infinity);
  });
});

describe('numerically hard cases', () => {
  it('logsumexp of [1000, 1000] is 1000 + log 2 with gradient [1/2, 1/2]', () => {
    const x = np.array([1000, 1000], 'float64');
    expectClose(np.logsumexp(x), 1000 + Math.LN2, 1e-15);
    expectClose(grad((y: Tensor) => np.logsumexp(y))(x), [0.5, 0.5]);
    expect(np.logsumexp(np.array([1000, 1000])).item()).toBeCloseTo(1000.6931, 3);
  });
  it('float32 softmax cross-entropy with logits 1e4 apart is finite with gradient softmax - onehot', () => {
    const logits = np.array([[0, 1e4, -1e4]], 'float32');
    const labels = nn.oneHot(np.array([0], 'int32'), 3);
    const loss = nn.softmaxCrossEntropy(logits, labels);
    expect(loss.item()).toBe(1e4);
    const g = grad((z: Tensor) => nn.softmaxCrossEntropy(z, labels))(logits) as Tensor;
    expect(g.dtype).toBe('float32');
    expectClose(g, [[-1, 1, 0]]);
  });
  it('a chain of 10,000 operations differentiates forward and backward without overflow', () => {
    const chain = (x: Tensor) => {
      let y = x;
      for (let i = 0; i < 10_000; i++) y = np.mul(np.sin(y), 1.0001);
      return y;
    };
    const x = at(0.5);
    const g = (grad(chain)(x) as Tensor).item();
    const t = (jvp(chain, [x], [at(1)])[1] as Tensor).item();
    expect(Number.isFinite(g)).toBe(true);
    expect(g).toBeCloseTo(t, 12);
  });
  it('an input used many times accumulates its gradient', () => {
    const f = (x: Tensor) => {
      let s = np.mul(x, 0);
      for (let i = 0; i < 100; i++) s = np.add(s, np.mul(x, x));
      return s;
    };
    expect(d(f, 3)).toBe(600);
  });
  it('closures over constants are treated as constants', () => {
    const w = np.array([1, 2, 3], 'float64');
    const f = (x: Tensor) => np.sum(np.mul(w, np.sin(x)));
    const x = np.array([0.1, 0.2, 0.3], 'float64');
    expectClose(grad(f)(x), np.mul(w, np.cos(x)), 1e-15);
  });
  it('data-dependent control flow works inside transforms', () => {
    const f = (x: Tensor) => (x.item() > 0 ? np.mul(x, x) : np.neg(x));
    expect(d(f, 3)).toBe(6);
    expect(d(f, -3)).toBe(-1);
  });
});
