/** batchNorm and layerNorm: values and gradients against direct formulas, state updates. */
import { describe, expect, it } from 'vitest';
import { batchNorm, checkGrads, grad, layerNorm, np, numerics, Tensor } from '../../kernel-lib/src';
import { expectClose, randn } from '../helpers/tensors';

/** Direct per-feature standardization over the batch axis 0 of a [N, C] matrix, in JS. */
function directBatchNorm(x: Tensor, gamma: number[], beta: number[], eps: number): number[][] {
  const rows = x.toArray() as number[][];
  const [n, c] = x.shape;
  const out = rows.map((r) => [...r]);
  for (let j = 0; j < c; j++) {
    const col = rows.map((r) => r[j]);
    const mu = col.reduce((s, v) => s + v, 0) / n;
    const v = col.reduce((s, t) => s + (t - mu) ** 2, 0) / n;
    for (let i = 0; i < n; i++)
      out[i][j] = (gamma[j] * (col[i] - mu)) / Math.sqrt(v + eps) + beta[j];
  }
  return out;
}

describe('batchNorm', () => {
  const x = np.add(np.mul(randn(1, [16, 3]), np.array([1, 10, 0.1], 'float64')), 5);
  const params = {
    scale: np.array([1, 2, 0.5], 'float64'),
    shift: np.array([0, -1, 3], 'float64'),
  };
  const state = { mean: np.zeros([3], 'float64'), var: np.ones([3], 'float64') };

  it('training: batch statistics, matching the direct formula', () => {
    const [y] = batchNorm(x, params, state, { eps: 1e-5 });
    expectClose(y, directBatchNorm(x, [1, 2, 0.5], [0, -1, 3], 1e-5), 1e-10, 1e-10);
  });

  it('running statistics update with momentum; evaluation uses them', () => {
    const [, s1] = batchNorm(x, params, state, { momentum: 0.9 });
    const mu = np.mean(x, 0);
    const v = np.var(x, 0);
    expectClose(s1.mean, np.mul(mu, 0.1), 1e-12);
    expectClose(s1.var, np.add(0.9, np.mul(v, 0.1)), 1e-12);
    const [yEval, s2] = batchNorm(x, params, s1, { training: false, eps: 0 });
    expect(s2).toBe(s1);
    const want = np.add(
      np.mul(np.div(np.sub(x, s1.mean), np.sqrt(s1.var)), params.scale),
      params.shift,
    );
    expectClose(yEval, want, 1e-12);
    // Many steps on the same batch converge to the batch statistics.
    let s = state;
    for (let i = 0; i < 200; i++) s = batchNorm(x, params, s, { momentum: 0.9 })[1];
    expectClose(s.mean, mu, 1e-8);
  });

  it('gradients through the batch statistics: the closed form and checkGrads', () => {
    // For L = Σ w ⊙ y: dL/dx = γ/σ (w - mean(w) - x̂ mean(w x̂)) per feature.
    const w = randn(2, [16, 3]);
    const loss = (t: Tensor, p: { scale: Tensor; shift: Tensor }) =>
      np.sum(np.mul(w, batchNorm(t, p, state, { eps: 0 })[0]));
    const gx = grad(loss)(x, params) as Tensor;
    const mu = np.mean(x, 0, { keepdims: true });
    const sigma = np.sqrt(np.var(x, 0, { keepdims: true }));
    const xhat = np.div(np.sub(x, mu), sigma);
    const wx = np.mean(np.mul(w, xhat), 0, { keepdims: true });
    const want = np.mul(
      np.div(params.scale, sigma),
      np.sub(np.sub(w, np.mean(w, 0, { keepdims: true })), np.mul(xhat, wx)),
    );
    expectClose(gx, want, 1e-9, 1e-10);
    // The gradient is orthogonal to shifting a feature (the mean is subtracted).
    expectClose(np.sum(gx, 0), [0, 0, 0], 0, 1e-9);
    checkGrads(
      (t: Tensor, g: Tensor, b: Tensor) =>
        batchNorm(t, { scale: g, shift: b }, state, { axis: 1 })[0],
      [x.get('0:6'), params.scale, params.shift],
      { order: 1 },
    );
  });

  it('any feature axis, float32', () => {
    const x4 = randn(4, [4, 3, 2], 'float32');
    const { params: p, state: s } = numerics.batchNormInit(3, 'float32');
    const [y, s1] = batchNorm(x4, p, s, { axis: 1 });
    expect(y.dtype).toBe('float32');
    expect(s1.mean.shape).toEqual([3]);
    expectClose(np.mean(y, [0, 2]), [0, 0, 0], 0, 1e-6);
    expectClose(np.var(y, [0, 2]), [1, 1, 1], 1e-3);
  });
});

describe('layerNorm', () => {
  const x = np.add(np.mul(randn(5, [4, 6]), 3), 2);
  const p = { scale: randn(6, [6]), shift: randn(7, [6]) };

  it('standardizes each example over the features', () => {
    const y = layerNorm(x, p, { eps: 1e-5 });
    const want = directBatchNorm(x.T, new Array(4).fill(1), new Array(4).fill(0), 1e-5);
    const xhat = np.array(want, 'float64').T;
    expectClose(y, np.add(np.mul(xhat, p.scale), p.shift), 1e-10, 1e-10);
  });

  it('gradients: checkGrads to second order, and invariance to shifting and scaling an example', () => {
    checkGrads(
      (t: Tensor, g: Tensor, b: Tensor) => layerNorm(t, { scale: g, shift: b }),
      [x, p.scale, p.shift],
    );
    const w = randn(8, [4, 6]);
    const gx = grad((t: Tensor) => np.sum(np.mul(w, layerNorm(t, p, { eps: 0 }))))(x) as Tensor;
    expectClose(np.sum(gx, -1), [0, 0, 0, 0], 0, 1e-9); // shift invariance
    expectClose(np.sum(np.mul(gx, x), -1), [0, 0, 0, 0], 0, 1e-8); // scale invariance (x·∇ = 0)
  });

  it('several normalized axes', () => {
    const x3 = randn(9, [2, 3, 4]);
    const y = layerNorm(
      x3,
      { scale: np.ones([3, 4], 'float64'), shift: np.zeros([3, 4], 'float64') },
      {
        axis: [1, 2],
        eps: 0,
      },
    );
    expectClose(np.mean(y, [1, 2]), [0, 0], 0, 1e-12);
    expectClose(np.var(y, [1, 2]), [1, 1], 1e-10);
  });
});
