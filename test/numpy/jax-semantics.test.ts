/**
 * Cases where adlab once answered differently from jax.numpy (found by a differential comparison
 * with JAX on CPU in float64): each expected value here is JAX's answer.
 */
import { describe, expect, it } from 'vitest';
import { grad, nn, np, Tensor } from '../../kernel-lib/src';
import { expectClose, randn, spd } from '../helpers/tensors';

const f64 = (v: number | number[] | number[][] | number[][][]) => np.array(v, 'float64');

describe('NaN propagation and bounds', () => {
  it('relu propagates NaN (value and gradient) and keeps derivative 0 at 0', () => {
    expect(nn.relu(f64([NaN, -1, 0, 2])).toArray()).toEqual([NaN, 0, 0, 2]);
    expect(nn.relu(np.array([NaN], 'float32')).toArray()).toEqual([NaN]);
    // At NaN the cotangent passes through (local derivative 1), so NaNs downstream reach x too.
    const g = grad((x: Tensor) => np.sum(nn.relu(x)))(f64([NaN, -1, 0, 2]));
    expect(g.toArray()).toEqual([1, 0, 0, 1]);
  });
  it('clip is min(max(x, lo), hi): with lo > hi every entry is hi; NaN stays NaN', () => {
    expect(np.clip(f64([0, 2, 4]), 3, 1).toArray()).toEqual([1, 1, 1]);
    expect(np.clip(f64([NaN, -5, 0.5, 5]), 0, 1).toArray()).toEqual([NaN, 0, 0.5, 1]);
    // Inside the closed interval the derivative with respect to x is 1, outside 0.
    const g = grad((x: Tensor) => np.sum(np.clip(x, 0, 1)))(f64([-1, 0, 0.5, 1, 2]));
    expect(g.toArray()).toEqual([0, 1, 1, 1, 0]);
  });
  it('var with ddof >= n is NaN, as JAX', () => {
    const x = f64([1, 2, 3]);
    expect(np.var(x, undefined, { ddof: 3 }).item()).toBeNaN();
    expect(np.var(x, undefined, { ddof: 4 }).item()).toBeNaN();
    expect(np.std(x, 0, { ddof: 5 }).item()).toBeNaN();
    expect(np.var(x, undefined, { ddof: 2 }).item()).toBe(2);
    expect(np.var(np.ones([2, 1], 'float64'), 1, { ddof: 1 }).toArray()).toEqual([NaN, NaN]);
  });
});

describe('dtypes of results', () => {
  it('bool add and mul are logical or/and (never a stored 2), sub and neg are rejected, square promotes', () => {
    const t = np.array([true, false]);
    const s = np.add(t, np.array([true, true]));
    expect(s.dtype).toBe('bool');
    expect(s.toArray()).toEqual([true, true]);
    expect(np.sum(np.add(np.array([true, true]), np.array([true, true]))).item()).toBe(2);
    expect(np.equal(np.add(np.array([true]), np.array([true])), true).toArray()).toEqual([true]);
    expect(np.mul(t, np.array([true, true])).toArray()).toEqual([true, false]);
    expect(() => np.sub(t, t)).toThrow(/sub: .*bool/);
    expect(() => np.neg(t)).toThrow(/neg: .*bool/);
    expect(np.square(t).dtype).toBe('int32');
    expect(np.square(t).toArray()).toEqual([1, 0]);
    // With a JS integer the bool is promoted to int32, as JAX's weak ints.
    expect(np.add(t, 1).dtype).toBe('int32');
    expect(np.add(t, 1).toArray()).toEqual([2, 1]);
  });
  it('integer matmul, pow with an integer exponent and floor keep int32', () => {
    const a = np.array(
      [
        [1, 2],
        [3, 4],
      ],
      'int32',
    );
    const p = np.matmul(a, a);
    expect(p.dtype).toBe('int32');
    expect(p.toArray()).toEqual([
      [7, 10],
      [15, 22],
    ]);
    expect(np.dot(np.array([1, 2], 'int32'), np.array([3, 4], 'int32')).dtype).toBe('int32');
    const sq = np.pow(np.array([3, -2], 'int32'), 2);
    expect(sq.dtype).toBe('int32');
    expect(sq.toArray()).toEqual([9, 4]);
    expect(np.pow(np.array([3], 'int32'), np.array([3], 'int32')).toArray()).toEqual([27]);
    expect(np.pow(np.array([4], 'int32'), 0.5).dtype).toBe('float32');
    expect(np.floor(np.array([3, -2], 'int32')).dtype).toBe('int32');
  });
  it('float to int32 astype truncates and saturates (NaN becomes 0), as JAX on CPU', () => {
    const x = f64([3e9, -3e9, 2.7, -2.7, Infinity, -Infinity, NaN, 2147483647.5]);
    expect(x.astype('int32').toArray()).toEqual([
      2147483647, -2147483648, 2, -2, 2147483647, -2147483648, 0, 2147483647,
    ]);
  });
});

describe('linear algebra', () => {
  it('dot of N-D arrays sums the last axis of a with the second-to-last of b, as NumPy', () => {
    const a = randn(1, [2, 3, 4]);
    const b = randn(2, [2, 4, 5]);
    const d = np.dot(a, b);
    expect(d.shape).toEqual([2, 3, 2, 5]);
    expectClose(d, np.einsum('ijk,lkm->ijlm', a, b), 1e-12, 1e-12);
    expect(np.dot(a, randn(3, [4])).shape).toEqual([2, 3]);
    expect(np.dot(randn(4, [4]), b).shape).toEqual([2, 5]);
    expect(np.dot(randn(5, [3, 4]), randn(6, [4, 2])).shape).toEqual([3, 2]);
    expect(() => np.dot(a, randn(7, [3, 5]))).toThrow(
      'dot: the last axis of [2,3,4] (size 4) does not match the second-to-last of [3,5] (size 3)',
    );
  });
  it('solve treats b as a vector only when it is 1-D; batch axes broadcast (JAX rule)', () => {
    const a = np.stack([spd(1, 2), spd(2, 2)]);
    const b = randn(3, [2, 2]);
    const x = np.linalg.solve(a, b);
    expect(x.shape).toEqual([2, 2, 2]);
    expectClose(np.matmul(a, x), np.broadcastTo(b, [2, 2, 2]), 1e-12, 1e-12);
    const v = randn(4, [2]);
    const xv = np.linalg.solve(a, v);
    expect(xv.shape).toEqual([2, 2]);
    expectClose(
      np.matmul(a, np.expandDims(xv, -1)).reshape([2, 2]),
      np.stack([v, v]),
      1e-12,
      1e-12,
    );
    // A single matrix with batched right-hand sides broadcasts too.
    expect(np.linalg.solve(spd(5, 3), randn(6, [4, 3, 2])).shape).toEqual([4, 3, 2]);
  });
  it('einsum takes repeated indices (trace, diagonal) and ellipsis', () => {
    const m = f64([
      [1, 2],
      [3, 4],
    ]);
    expect(np.einsum('ii', m).item()).toBe(5);
    expect(np.einsum('ii->i', m).toArray()).toEqual([1, 4]);
    const a = randn(7, [2, 3, 4]);
    const b = randn(8, [2, 4, 5]);
    expectClose(np.einsum('...ij,...jk->...ik', a, b), np.matmul(a, b), 1e-12, 1e-12);
    expectClose(
      np.einsum('...ij,jk', a, randn(9, [4, 5])),
      np.matmul(a, randn(9, [4, 5])),
      1e-12,
      1e-12,
    );
    expectClose(np.einsum('b...i->b...', a), np.sum(a, -1), 1e-12, 1e-12);
    // A trace over a batch, and its gradient (the identity per batch element).
    const batch = randn(10, [3, 2, 2]);
    expectClose(np.einsum('bii->b', batch), np.trace(batch), 1e-12, 1e-12);
    const g = grad((t: Tensor) => np.einsum('ii', t))(m);
    expect(g.toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(() => np.einsum('ij', randn(11, [2, 2, 2]))).toThrow(/einsum: subscripts 'ij'/);
    expect(() => np.einsum('ii', randn(12, [2, 3]))).toThrow("einsum: index 'i' has sizes 2 and 3");
  });
  it('cholesky of a matrix that is not positive definite is NaN throughout', () => {
    const bad = f64([
      [4, 2, 0],
      [2, 1, 0],
      [0, 0, 5],
    ]);
    const l = np.linalg.cholesky(bad);
    expect(Array.from(l.dataSync()).every(Number.isNaN)).toBe(true);
    // In a batch only the failed matrix is NaN.
    const batch = np.linalg.cholesky(np.stack([bad, spd(1, 3)]));
    expect(Array.from(batch.get(0).dataSync()).every(Number.isNaN)).toBe(true);
    expect(Array.from(batch.get(1).dataSync()).every(Number.isFinite)).toBe(true);
  });
  it('matrix norms honour ord (2: spectral, 1: max column sum, Infinity: max row sum, nuc, -2)', () => {
    const m = f64([
      [1, 2],
      [3, 4],
    ]);
    const sv = [5.464985704219043, 0.365966190626258];
    expect(np.linalg.norm(m, 2).item()).toBeCloseTo(sv[0], 12);
    expect(np.linalg.norm(m, -2).item()).toBeCloseTo(sv[1], 12);
    expect(np.linalg.norm(m, 'nuc').item()).toBeCloseTo(sv[0] + sv[1], 12);
    expect(np.linalg.norm(m, 'fro').item()).toBeCloseTo(Math.sqrt(30), 12);
    expect(np.linalg.norm(m).item()).toBeCloseTo(Math.sqrt(30), 12); // no ord: Frobenius
    expect(np.linalg.norm(m, 1).item()).toBe(6);
    expect(np.linalg.norm(m, -1).item()).toBe(4);
    expect(np.linalg.norm(m, Infinity).item()).toBe(7);
    expect(np.linalg.norm(m, -Infinity).item()).toBe(3);
    // Over an explicit pair of axes of a batch.
    expectClose(np.linalg.norm(np.stack([m, np.mul(m, 2)]), 1, [1, 2]), [6, 12]);
    // The spectral norm's gradient is u vᵀ (top singular vectors), here checked against its definition.
    const g = grad((t: Tensor) => np.linalg.norm(t, 2))(m);
    const [w, v] = np.linalg.eigh(np.matmul(m.T, m));
    const top = v.get(':', 1);
    const u = np.div(np.matmul(m, top), Math.sqrt(w.dataSync()[1]));
    expectClose(g, np.outer(u, top), 1e-10, 1e-12);
    expect(() => np.linalg.norm(m, 3)).toThrow(/matrixNorm: unsupported ord 3/);
  });
  it('vector norms with ord 0 (count of non-zeros) and -Infinity (min |x|)', () => {
    const x = f64([3, 0, -4, 0.5]);
    expect(np.linalg.norm(x, 0).item()).toBe(3);
    expect(np.linalg.norm(x, -Infinity).item()).toBe(0);
    expect(np.linalg.norm(f64([3, -4]), -Infinity).item()).toBe(3);
    expect(np.linalg.norm(x, Infinity).item()).toBe(4);
    expect(np.linalg.norm(f64([3, -4]), -1).item()).toBeCloseTo(1 / (1 / 3 + 1 / 4), 14);
    expect(np.linalg.norm(np.ones([2, 2], 'float64'), 0, 1).toArray()).toEqual([2, 2]);
  });
  it('the gradient of det at a singular matrix is the adjugate (transposed), finite', () => {
    const s = f64([
      [1, 2],
      [2, 4],
    ]);
    expect(np.linalg.det(s).item()).toBeCloseTo(0, 15);
    // d det / dA = adj(A)ᵀ = [[d, -c], [-b, a]] for A = [[a, b], [c, d]].
    expectClose(
      grad((t: Tensor) => np.linalg.det(t))(s),
      [
        [4, -2],
        [-2, 1],
      ],
      1e-12,
      1e-12,
    );
    // Rank n - 2: the adjugate is 0.
    const z = np.zeros([3, 3], 'float64');
    expectClose(grad((t: Tensor) => np.linalg.det(t))(z), np.zeros([3, 3]), 0, 0);
    // A rank-deficient 3 x 3: adj(A) = cofactors.
    const r = f64([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    const cof = [
      [-3, 6, -3],
      [6, -12, 6],
      [-3, 6, -3],
    ];
    expectClose(grad((t: Tensor) => np.linalg.det(t))(r), cof, 1e-9, 1e-9);
  });
});

describe('shapes', () => {
  it('split raises on negative, past-the-end or decreasing cut points, as JAX', () => {
    const x = np.arange(6);
    expect(np.split(x, [2, 4]).map((t) => t.toArray())).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(np.split(x, [0, 6]).map((t) => t.shape)).toEqual([[0], [6], [0]]);
    expect(() => np.split(x, [-1])).toThrow(
      'split: cut points must be increasing within [0, 6] (the size of axis 0), got [-1]',
    );
    expect(() => np.split(x, [7])).toThrow(/split: cut points .* got \[7\]/);
    expect(() => np.split(x, [4, 2])).toThrow(/split: cut points .* got \[4,2\]/);
  });
});
