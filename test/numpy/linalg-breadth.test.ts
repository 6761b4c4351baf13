/**
 * np.linalg additions (svd, eigvalsh, pinv, lstsq, cond, matrixPower, vectorNorm, matrixNorm)
 * against NumPy, their derivatives, and their errors; checkpoint lives in test/transforms.
 */
import { describe, expect, it } from 'vitest';
import { checkGrads, grad, np, Tensor, vmap } from '../../kernel-lib/src';
import { expectClose, randn } from '../helpers/tensors';
import { ref } from './breadth-reference';

const M = np.array(
  [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 10],
    [1, 0, 1],
  ],
  'float64',
);
const S = np.array(
  [
    [1, 2],
    [3, 4],
  ],
  'float64',
);

describe('svd', () => {
  it('singular values match NumPy; U and V are orthonormal, also for wide and rank-deficient A', () => {
    const [u, s, vt] = np.linalg.svd(M);
    expectClose(s, ref.svd_s, 1e-14);
    expect([u.shape, s.shape, vt.shape]).toEqual([[4, 3], [3], [3, 3]]);
    expectClose(np.linalg.svd(M.T, { computeUv: false }), ref.svd_s, 1e-14);
    const [u2, s2] = np.linalg.svd(
      np.array(
        [
          [1, 2],
          [2, 4],
        ],
        'float64',
      ),
    );
    expectClose(s2, [5, 0], 1e-15, 1e-15);
    expectClose(np.matmul(u2.T, u2), np.eye(2, 'float64'), 1e-15, 1e-15);
    expect(() => np.linalg.svd(M, { fullMatrices: true } as never)).toThrow(
      'svd: only the thin decomposition is available (fullMatrices: false), for [4,3]',
    );
    expect(() => np.linalg.svd(np.ones([3]))).toThrow(
      'svd: expected matrices in the last two axes, got [3]',
    );
  });
  it('the gradient of the nuclear norm is U Vᵀ', () => {
    const [u, , vt] = np.linalg.svd(M);
    const g = grad((a: Tensor) => np.linalg.matrixNorm(a, 'nuc'))(M);
    expectClose(g, np.matmul(u, vt), 1e-12);
  });
  it('runs under vmap like a loop', () => {
    const xs = randn(1, [3, 3, 2]);
    const batched = vmap((a: Tensor) => np.linalg.svd(a, { computeUv: false }))(xs) as Tensor;
    expectClose(batched.get(1), np.linalg.svd(xs.get(1), { computeUv: false }), 1e-14);
  });
});

describe('qr', () => {
  it('matches NumPy up to the sign convention (R with a non-negative diagonal)', () => {
    const [q, r] = np.linalg.qr(M);
    expectClose(q, ref.qr_q, 1e-14);
    expectClose(r, ref.qr_r, 1e-14);
    expect(np.linalg.qr(M.T)[1].shape).toEqual([3, 4]);
  });
  it('is differentiable for tall matrices and says why not for wide ones', () => {
    checkGrads((a: Tensor) => np.linalg.qr(a)[0], [randn(9, [4, 3])]);
    expect(() => grad((a: Tensor) => np.sum(np.linalg.qr(a)[1]))(M.T)).toThrow(
      'qr: the derivative needs rows >= columns (as in JAX), got [3,4]',
    );
  });
});

describe('pinv, lstsq, cond, matrixPower, eigvalsh', () => {
  it('match NumPy', () => {
    expectClose(np.linalg.pinv(M), ref.pinv, 1e-13);
    expectClose(
      np.linalg.pinv(
        np.array(
          [
            [1, 2],
            [2, 4],
          ],
          'float64',
        ),
      ),
      ref.pinv_sing,
      1e-14,
    );
    const [x, res, rank, s] = np.linalg.lstsq(M, np.array([1, 2, 3, 4], 'float64'));
    expectClose(x, ref.lstsq_x, 1e-12);
    expectClose(res, ref.lstsq_res[0], 1e-12);
    expect(rank).toBe(ref.lstsq_rank);
    expectClose(s, ref.svd_s, 1e-14);
    expectClose(np.linalg.cond(S), ref.cond, 1e-14);
    expectClose(np.linalg.matrixPower(S, 3), ref.mpow3, 1e-15);
    expectClose(np.linalg.matrixPower(S, -2), ref.mpowm2, 1e-13);
    expectClose(np.linalg.matrixPower(S, 0), np.eye(2, 'float64'), 0, 0);
    expectClose(
      np.linalg.eigvalsh(
        np.array(
          [
            [2, 1],
            [1, 3],
          ],
          'float64',
        ),
      ),
      ref.eigvalsh,
      1e-15,
    );
  });
  it('are differentiable', () => {
    checkGrads((a: Tensor) => np.linalg.pinv(a), [randn(4, [3, 2])]);
    checkGrads((a: Tensor) => np.linalg.matrixPower(a, 3), [randn(5, [2, 2])]);
    checkGrads(
      (a: Tensor, b: Tensor) => np.linalg.lstsq(a, b)[0],
      [randn(6, [4, 2]), randn(7, [4])],
    );
    checkGrads((a: Tensor) => np.linalg.cond(a), [randn(8, [3, 3])]);
  });
  it('name what they reject', () => {
    expect(() => np.linalg.matrixPower(M, 2)).toThrow(
      'matrixPower: expected square matrices in the last two axes, got [4,3]',
    );
    expect(() => np.linalg.matrixPower(S, 1.5)).toThrow(
      'matrixPower: the exponent must be an integer, got 1.5',
    );
    expect(() => np.linalg.lstsq(M, np.ones([3]))).toThrow(
      'lstsq: b [3] does not match A [4,3] (needs 4 rows)',
    );
  });
});

describe('vectorNorm and matrixNorm', () => {
  it('every ord matches NumPy', () => {
    const v = np.array([3, 0, -4, 1], 'float64');
    const ords = [2, 1, Infinity, -Infinity, 0, 3, 0.5];
    expectClose(np.stack(ords.map((o) => np.linalg.vectorNorm(v, o))), ref.vnorms, 1e-14);
    const mords = ['fro', 'nuc', 2, -2, 1, -1, Infinity, -Infinity] as const;
    expectClose(np.stack(mords.map((o) => np.linalg.matrixNorm(S, o))), ref.mnorms, 1e-14);
    expect(np.linalg.matrixNorm(np.ones([2, 3, 3]), 2, { keepdims: true }).shape).toEqual([
      2, 1, 1,
    ]);
    expect(np.linalg.vectorNorm(np.ones([2, 3]), 2, 1).shape).toEqual([2]);
  });
  it('the spectral norm is differentiable (u₁ v₁ᵀ)', () => {
    const [u, , vt] = np.linalg.svd(S);
    const want = np.outer(u.get(':', 0), vt.get(0));
    expectClose(grad((a: Tensor) => np.linalg.matrixNorm(a, 2))(S), want, 1e-12);
  });
  it('name a bad ord', () => {
    expect(() => np.linalg.matrixNorm(S, 3)).toThrow(
      "matrixNorm: unsupported ord 3 for [2,2]; use 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity",
    );
    expect(() => np.linalg.matrixNorm(np.ones([3]))).toThrow(
      'matrixNorm: expected matrices in the last two axes, got [3]',
    );
  });
});
