/** checkpoint: the same values and derivatives, with f run again in the backward pass. */
import { describe, expect, it } from 'vitest';
import { checkGrads, checkpoint, grad, jvp, np, Tensor, valueAndGrad } from '../../kernel-lib/src';
import { expectClose, randn } from '../helpers/tensors';

describe('checkpoint', () => {
  const W = randn(1, [3, 3]);
  const calls = { n: 0 };
  const block = (x: Tensor) => {
    calls.n++;
    return np.tanh(np.matmul(x, W));
  };
  const loss = (x: Tensor) => np.sum(np.sin(block(block(x))));
  const remat = checkpoint(block);
  const lossRemat = (x: Tensor) => np.sum(np.sin(remat(remat(x))));
  const x = randn(2, [2, 3]);

  it('gives the same value and gradient', () => {
    const [v1, g1] = valueAndGrad(loss)(x);
    const [v2, g2] = valueAndGrad(lossRemat)(x);
    expectClose(v2, v1, 1e-15);
    expectClose(g2, g1, 1e-14);
  });
  it('runs the function again in the backward pass (only the inputs were kept)', () => {
    calls.n = 0;
    grad(loss)(x);
    expect(calls.n).toBe(2);
    calls.n = 0;
    grad(lossRemat)(x);
    expect(calls.n).toBe(4); // two forward, two recomputed in the backward pass
  });
  it('composes with forward mode and second order', () => {
    const [, t1] = jvp(loss, [x], [np.onesLike(x)]);
    const [, t2] = jvp(lossRemat, [x], [np.onesLike(x)]);
    expectClose(t2 as Tensor, t1 as Tensor, 1e-14);
    checkGrads(lossRemat, [x], { order: 2 });
  });
  it('keeps pytree arguments and results', () => {
    const f = checkpoint((p: { w: Tensor; b: Tensor }) => ({ y: np.add(np.mul(p.w, 2), p.b) }));
    const g = grad((p: { w: Tensor; b: Tensor }) => np.sum(f(p).y))({
      w: np.ones([2]),
      b: np.ones([2]),
    });
    expect([g.w.toArray(), g.b.toArray()]).toEqual([
      [2, 2],
      [1, 1],
    ]);
  });
});
