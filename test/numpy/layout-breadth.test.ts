/**
 * Rearranging, products, cumulative ops, sorting, order statistics, histograms and indexed
 * updates: values against NumPy, derivatives by checkGrads, and the errors for bad input.
 */
import { describe, expect, it } from 'vitest';
import { checkGrads, grad, np, Tensor } from '../../kernel-lib/src';
import { expectClose, randn } from '../helpers/tensors';
import { ref } from './breadth-reference';

const A = np.reshape(np.arange(12, undefined, 1, 'float64'), [3, 4]);
const B = np.reshape(np.arange(24, undefined, 1, 'float64'), [2, 3, 4]);
const m22 = np.array([
  [1, 2],
  [3, 4],
]);

describe('tile, repeat, meshgrid', () => {
  it('match NumPy', () => {
    expect(np.tile(m22, [2, 3]).toArray()).toEqual(ref.tile);
    expect(np.tile(np.array([1, 2]), [2, 2]).toArray()).toEqual(ref.tile1);
    expect(np.repeat(m22, [1, 2], 0).toArray()).toEqual(ref.repeat);
    expect(np.repeat(m22, 2).toArray()).toEqual(ref.repeat2);
    const [X, Y] = np.meshgrid(np.array([1, 2, 3]), np.array([4, 5]));
    expect([X.toArray(), Y.toArray()]).toEqual([ref.meshX, ref.meshY]);
    expect(
      np.meshgrid(np.array([1, 2, 3]), np.array([4, 5]), { indexing: 'ij' })[0].toArray(),
    ).toEqual(ref.meshXij);
  });
  it('are differentiable (repeated entries add up)', () => {
    expectClose(grad((x: Tensor) => np.tile(x, [3]).sum())(np.array([1, 2], 'float64')), [3, 3]);
    expectClose(
      grad((x: Tensor) => np.repeat(x, [0, 2, 1]).sum())(np.array([1, 2, 3], 'float64')),
      [0, 2, 1],
    );
    checkGrads((x: Tensor) => np.tile(x, [2, 1, 2]), [randn(1, [2, 3])]);
  });
  it('reject bad counts', () => {
    expect(() => np.tile(m22, [-1])).toThrow(
      'tile: repetitions must be non-negative integers, got [-1]',
    );
    expect(() => np.repeat(m22, [1, 2, 3], 0)).toThrow(
      'repeat: 3 counts for axis 0 of size 2 in shape [2,2]',
    );
  });
});

describe('tril, triu, diag', () => {
  it('match NumPy, with offsets', () => {
    expect(np.tril(A).toArray()).toEqual(ref.tril);
    expect(np.triu(A, 1).toArray()).toEqual(ref.triu1);
    expect(np.tril(A, -1).toArray()).toEqual(ref.trilm1);
    expect(np.diag(np.array([1, 2, 3]), 1).toArray()).toEqual(ref.diagv);
    expect(np.diag(np.array([1, 2]), -1).toArray()).toEqual(ref.diagvm);
    expect(np.diag(A).toArray()).toEqual(ref.diagA);
    expect(np.diag(A, 1).toArray()).toEqual(ref.diagA1);
    expect(np.diag(A, -2).toArray()).toEqual(ref.diagAm2);
    expect(np.diag(A, 5).toArray()).toEqual(ref.diagA5);
  });
  it('are differentiable', () => {
    checkGrads((x: Tensor) => np.diag(x, 1), [randn(2, [3])]);
    checkGrads((x: Tensor) => np.diag(x, -1), [randn(3, [3, 4])]);
    checkGrads((x: Tensor) => np.triu(x), [randn(4, [2, 3, 3])]);
  });
  it('name the shapes they reject', () => {
    expect(() => np.tril(np.ones([3]))).toThrow('tril: expected at least 2 axes, got [3]');
    expect(() => np.diag(np.ones([2, 2, 2]))).toThrow(
      'diag: expected a vector or a matrix, got [2,2,2]',
    );
  });
});

describe('axes, rolls and stacking', () => {
  it('moveaxis, swapaxes, ravel, roll, hstack, vstack', () => {
    expect(np.moveaxis(B, 0, -1).shape).toEqual(ref.moveaxis);
    expect(np.moveaxis(B, [0, 1], [-1, -2]).shape).toEqual(ref.moveaxisv);
    expect(np.swapaxes(B, 0, 2).shape).toEqual([4, 3, 2]);
    expect(np.ravel(A).shape).toEqual([12]);
    expect(np.roll(np.arange(5), 2).toArray()).toEqual(ref.roll);
    expect(np.roll(A, -1, 1).toArray()).toEqual(ref.roll2);
    expect(np.roll(A, 5).toArray()).toEqual(ref.rollflat);
    expect(np.hstack([np.array([1]), np.array([2, 3])]).toArray()).toEqual([1, 2, 3]);
    expect(np.hstack([m22, m22]).shape).toEqual([2, 4]);
    expect(np.vstack([np.array([1, 2]), np.array([3, 4])]).toArray()).toEqual(m22.toArray());
    checkGrads((x: Tensor) => np.roll(x, [1, -2], [0, 1]), [randn(5, [3, 4])]);
  });
  it('moveaxis names mismatched axes', () => {
    expect(() => np.moveaxis(B, [0, 1], [0])).toThrow(
      'moveaxis: 2 source axes but 1 destinations for [2,3,4]',
    );
    expect(() => np.swapaxes(B, 0, 3)).toThrow(/swapaxes: axis 3 is out of bounds for rank 3/);
  });
});

describe('tensordot and kron', () => {
  it('match NumPy', () => {
    expectClose(np.tensordot(B, A, 2), ref.tensordot, 0, 0);
    expect(np.tensordot(B, np.ones([3, 2]), [[1], [0]]).shape).toEqual(ref.tensordot2);
    expect(
      np
        .kron(
          m22,
          np.array([
            [0, 1],
            [1, 0],
          ]),
        )
        .toArray(),
    ).toEqual(ref.kron);
    expect(np.kron(np.array([1, 2]), np.array([1, 10, 100])).toArray()).toEqual(ref.kron1);
  });
  it('are differentiable', () => {
    checkGrads(
      (a: Tensor, b: Tensor) =>
        np.tensordot(a, b, [
          [0, 2],
          [1, 0],
        ]),
      [randn(6, [2, 3, 4]), randn(7, [4, 2])],
    );
    checkGrads((a: Tensor, b: Tensor) => np.kron(a, b), [randn(8, [2, 2]), randn(9, [3, 1])]);
  });
  it('tensordot names the contracted axes', () => {
    expect(() => np.tensordot(A, A, [[0], [0]]) && np.tensordot(A, B, [[1], [0]])).toThrow(
      'tensordot: contracted axes [1] of [3,4] and [0] of [2,3,4] differ in size',
    );
  });
});

describe('takeAlongAxis', () => {
  const idx = np.array(
    [
      [2, 0],
      [1, 1],
      [0, 2],
    ],
    'int32',
  );
  it('matches NumPy and scatters its gradient back', () => {
    const sub = A.get(':', ':3');
    expect(np.takeAlongAxis(sub, idx, 1).toArray()).toEqual(ref.tal);
    expectClose(grad((x: Tensor) => np.takeAlongAxis(x, idx, 1).sum())(sub), [
      [1, 0, 1],
      [0, 2, 0],
      [1, 0, 1],
    ]);
  });
  it('names bad indices', () => {
    expect(() => np.takeAlongAxis(A, np.array([[4]], 'int32'), 1)).toThrow(
      'takeAlongAxis: index 4 is out of bounds for axis 1 with size 4',
    );
    expect(() => np.takeAlongAxis(A, np.array([1], 'int32'), 1)).toThrow(
      'takeAlongAxis: indices [1] must have as many axes as the array [3,4]',
    );
  });
});

describe('cumsum and cumprod', () => {
  it('match NumPy; ints accumulate as int32', () => {
    expect(np.cumsum(A, 0).toArray()).toEqual(ref.cumsum);
    expect(np.cumsum(np.array([true, true, false])).toArray()).toEqual([1, 2, 2]);
    expect(np.cumsum(np.array([1, 2, 3]), 0, { reverse: true }).toArray()).toEqual([6, 5, 3]);
    expect(np.cumprod(np.array([1, 2, 0, 3, 4], 'float64')).toArray()).toEqual(ref.cumprod);
  });
  it('cumprod has the right gradient at a zero (no division)', () => {
    // d/dx_j of sum_i prod_{k<=i} x_k at x = [2, 0, 3]: [1, 2 + 6, 0]
    expectClose(
      grad((x: Tensor) => np.cumprod(x).sum())(np.array([2, 0, 3], 'float64')),
      [1, 8, 0],
    );
    checkGrads((x: Tensor) => np.cumprod(x, 1), [randn(10, [2, 5])]);
  });
});

describe('sort, argsort, topK', () => {
  it('sorts stably with NaN last; descending puts NaN first', () => {
    const x = np.array([3, NaN, 1, 2, 1], 'float64');
    expect(np.sort(x).toArray()).toEqual([1, 1, 2, 3, NaN]);
    expect(np.argsort(x).toArray()).toEqual([2, 4, 3, 0, 1]);
    expect(np.sort(x, -1, { descending: true }).toArray()).toEqual([NaN, 3, 2, 1, 1]);
  });
  it('sort is differentiable: each element carries its derivative along', () => {
    const x = np.array([3, 1, 2], 'float64');
    expectClose(
      grad((v: Tensor) => np.mul(np.sort(v), np.array([1, 10, 100], 'float64')).sum())(x),
      [100, 1, 10],
    );
  });
  it('name the axis and dtype they reject', () => {
    expect(() => np.sort(np.array([true, false]))).toThrow('sort: cannot sort a bool tensor [2]');
    expect(() => np.sort(np.ones([2]), 1)).toThrow('sort: axis 1 is out of bounds for rank 1');
    expect(() => np.argsort(np.array(3))).toThrow('argsort: cannot sort a scalar (shape [])');
    expect(() => np.cumsum(np.ones([2, 2]), 2)).toThrow(
      'cumsum: axis 2 is out of bounds for rank 2',
    );
  });
  it('topK: values and indices, ties to the lower index', () => {
    const [v, i] = np.topK(np.array([[1, 5, 3, 5]], 'float64'), 3);
    expect(v.toArray()).toEqual([[5, 5, 3]]);
    expect(i.toArray()).toEqual([[1, 3, 2]]);
    checkGrads((x: Tensor) => np.topK(x, 2)[0], [randn(11, [3, 4])]);
    expect(() => np.topK(np.ones([3]), 4)).toThrow(
      'topK: k = 4 must be an integer in [0, 3] for shape [3]',
    );
  });
});

describe('quantile, median, histogram', () => {
  const q = np.array([3, 1, 4, 1, 5, 9, 2, 6], 'float64');
  it('quantile and median interpolate linearly (NumPy default)', () => {
    expect(np.median(q).item()).toBe(ref.median);
    expectClose(np.quantile(q, [0, 0.1, 0.25, 0.5, 0.9, 1]), ref.quantile, 1e-15);
    expectClose(np.median(A, 1), ref.median_axis, 0, 0);
    expect(np.median(A, 1, { keepdims: true }).shape).toEqual([3, 1]);
    expect(Number.isNaN(np.median(np.array([1, NaN, 2])).item())).toBe(true);
    expect(() => np.quantile(q, 1.5)).toThrow('quantile: q must lie in [0, 1], got 1.5');
  });
  it('median is differentiable (the middle pair shares the gradient)', () => {
    expectClose(
      grad((x: Tensor) => np.median(x))(np.array([4, 1, 3, 2], 'float64')),
      [0, 0, 0.5, 0.5],
    );
  });
  it('histogram: counts, edges, density, explicit edges', () => {
    const data = np.array([1, 2, 2, 3, 3, 3, 4, 10]);
    const [c, e] = np.histogram(data, 4);
    expect(c.toArray()).toEqual(ref.histc);
    expect(c.dtype).toBe('int32');
    expect(e.toArray()).toEqual(ref.histe);
    expectClose(np.histogram(data, [0, 2, 3, 11], { density: true })[0], ref.histd, 1e-7);
    expect(() => np.histogram(data, [3, 1])).toThrow(
      'histogram: bin edges must be increasing, got [3,1]',
    );
    expect(() => np.histogram(np.array([NaN]), 2)).toThrow(
      /histogram: range \[NaN, NaN\] of float32\[1\] is not finite/,
    );
  });
});

describe('indexed updates: np.at and x.at', () => {
  const x = np.array([1, 2, 3, 4], 'float64');
  it('set, add, mul, min, max, get; negative indices; repeats', () => {
    expect(x.at([0, -1]).set(0).toArray()).toEqual([0, 2, 3, 0]);
    expect(np.at(x, [1, 1]).add(10).toArray()).toEqual([1, 22, 3, 4]);
    expect(x.at([1, 1]).mul(3).toArray()).toEqual([1, 18, 3, 4]);
    expect(
      x
        .at([2, 2])
        .set(np.array([7, 8], 'float64'))
        .toArray(),
    ).toEqual([1, 2, 8, 4]);
    expect(x.at(2).min(0).toArray()).toEqual([1, 2, 0, 4]);
    expect(
      x
        .at([0, 3])
        .max(np.array([5, 1], 'float64'))
        .toArray(),
    ).toEqual([5, 2, 3, 4]);
    expect(x.at([3, 0]).get().toArray()).toEqual([4, 1]);
    expect(x.toArray()).toEqual([1, 2, 3, 4]); // x itself is unchanged
  });
  it('updates rows along an axis', () => {
    const m = np.zeros([2, 3]);
    expect(
      m
        .at(1, 1)
        .set(np.array([5, 6]))
        .toArray(),
    ).toEqual([
      [0, 5, 0],
      [0, 6, 0],
    ]);
  });
  it('are differentiable in x and in the update', () => {
    const [gx, gv] = grad(
      (a: Tensor, v: Tensor) =>
        np.mul(a.at([1, 3]).set(v), np.array([1, 2, 3, 4], 'float64')).sum(),
      { argnums: [0, 1] },
    )(x, np.array([9, 9], 'float64')) as Tensor[];
    expect(gx.toArray()).toEqual([1, 0, 3, 0]);
    expect(gv.toArray()).toEqual([2, 4]);
    checkGrads(
      (a: Tensor, v: Tensor) => a.at([0, 2, 0]).mul(v),
      [randn(12, [3, 2]), randn(13, [3, 2])],
    );
    checkGrads((a: Tensor, v: Tensor) => a.at([1]).add(v), [randn(14, [3, 2]), randn(15, [1, 2])]);
  });
  it('errors name the index, axis and shapes', () => {
    expect(() => x.at(4)).toThrow(
      'at: index 4 is out of bounds for axis 0 with size 4 of shape [4]',
    );
    expect(() => x.at([0, 1]).set(np.ones([3]))).toThrow(
      'at: update of shape [3] does not broadcast to the indexed slices [2] of [4]',
    );
  });
});
