/** The np namespace: creation, promotion, strict float32, shapes, indexing, linalg, nn. */
import { describe, expect, it } from 'vitest';
import { checkGrads, grad, nn, np, random, Tensor } from '../../kernel-lib/src';
import { expectClose, randn, spd, wellConditioned } from '../helpers/tensors';

describe('creation and dtypes', () => {
  it('creates tensors with documented default dtypes', () => {
    expect(np.array([1, 2]).dtype).toBe('float32');
    expect(np.array([true, false]).dtype).toBe('bool');
    expect(np.arange(3).dtype).toBe('int32');
    expect(np.arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(np.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(np.eye(2).toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(np.full([2], 7, 'int32').toArray()).toEqual([7, 7]);
    expect(np.eye(2, 3).shape).toEqual([2, 3]);
    expect(np.eye(2, 3, 'float64').dtype).toBe('float64');
    expect(np.eye(2, 'int32').toArray()).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });
  it('promotes float32 with float64 to float64, and JS numbers are weak', () => {
    const a = np.ones([2], 'float32');
    expect(np.add(a, np.ones([2], 'float64')).dtype).toBe('float64');
    expect(np.add(a, 0.1).dtype).toBe('float32');
    expect(np.add(np.arange(3), 1).dtype).toBe('int32');
    expect(np.add(np.arange(3), 0.5).dtype).toBe('float32');
    expect(np.div(np.arange(3), 2).toArray()).toEqual([0, 0.5, 1]);
  });
  it('numbers become bool as NumPy does: any nonzero (or NaN) is true, stored as 1', () => {
    const values = [2, 0, 0.5, 256, -1, NaN];
    const want = [true, false, true, true, true, true];
    expect(np.array(values, 'bool').toArray()).toEqual(want);
    expect(np.array(Float64Array.from(values), 'bool').toArray()).toEqual(want);
    expect(np.array(0.5, 'bool').toArray()).toBe(true);
    expect(np.full([2], 256, 'bool').toArray()).toEqual([true, true]);
    // Stored as 0/1, so arithmetic and comparisons on the bools see 1.
    expect(np.sum(np.array(values, 'bool')).item()).toBe(5);
    expect(np.equal(np.array([2], 'bool'), true).toArray()).toEqual([true]);
    expect(np.astype(np.full([1], 3, 'bool'), 'float32').toArray()).toEqual([1]);
  });
  it('float32 arithmetic rounds once per operation (no fused or reassociated math)', () => {
    const a = np.array([0.1], 'float32');
    const b = np.array([0.2], 'float32');
    const want = Math.fround(Math.fround(0.1) + Math.fround(0.2));
    expect(np.add(a, b).item()).toBe(want);
    expect(np.exp(a).item()).toBe(Math.fround(Math.exp(Math.fround(0.1))));
  });
  it('random numbers are reproducible from keys and split into independent streams', () => {
    const k = random.key(42);
    expect(random.normal(k, [4]).toArray()).toEqual(random.normal(k, [4]).toArray());
    const [k1, k2] = random.split(k);
    expect(random.uniform(k1, [4]).toArray()).not.toEqual(random.uniform(k2, [4]).toArray());
    const big = random.normal(random.key(1), [20000], 'float64');
    expect(Math.abs(np.mean(big).item())).toBeLessThan(0.03);
    expect(Math.abs(np.std(big).item() - 1)).toBeLessThan(0.03);
    const u = random.uniform(random.key(2), [1000], { minval: -1, maxval: 1 });
    expect(np.min(u).item()).toBeGreaterThanOrEqual(-1);
    expect(np.max(u).item()).toBeLessThan(1);
  });
  it('uniform stays below maxval after rounding to the dtype; negative seeds are keys of their own', () => {
    // The spacing at 2^23 (float32) and 2^52 (float64) is 1, so minval + u rounds up to maxval for u near 1.
    for (const dtype of ['float32', 'float64'] as const) {
      const maxval = dtype === 'float32' ? 2 ** 23 + 1 : 2 ** 52 + 1;
      const u = random.uniform(random.key(0), [4000], { minval: maxval - 1, maxval, dtype });
      expect(np.max(u).item()).toBeLessThan(maxval);
      expect(np.min(u).item()).toBeGreaterThanOrEqual(maxval - 1);
    }
    expect(random.key(-1).toArray()).not.toEqual(random.key(2 ** 32 - 1).toArray());
    expect(random.key(-5).toArray()).not.toEqual(random.key(2 ** 32 - 5).toArray());
  });
});

describe('shapes and indexing', () => {
  const x = np.reshape(np.arange(12), [3, 4]);
  it('indexes with numbers, slices, negative steps and new axes', () => {
    expect(x.get(1).toArray()).toEqual([4, 5, 6, 7]);
    expect(x.get(':', -1).toArray()).toEqual([3, 7, 11]);
    expect(x.get('::2', '1:3').toArray()).toEqual([
      [1, 2],
      [9, 10],
    ]);
    expect(x.get(0, '::-1').toArray()).toEqual([3, 2, 1, 0]);
    expect(x.get(null, 0).shape).toEqual([1, 4]);
    expect(x.get('...', 0).toArray()).toEqual([0, 4, 8]);
  });
  it('splits, stacks, concatenates, pads and flips', () => {
    // Negative cut points raise, as in JAX (NumPy would wrap them): see jax-semantics.test.ts.
    expect(np.split(x, [2], 0).map((t) => t.shape)).toEqual([
      [2, 4],
      [1, 4],
    ]);
    const [a, b] = np.split(x, [1], 0);
    expect(a.shape).toEqual([1, 4]);
    expect(b.shape).toEqual([2, 4]);
    expect(np.concatenate([a, b]).toArray()).toEqual(x.toArray());
    expect(np.stack([np.arange(2), np.arange(2)], 1).toArray()).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(np.pad(np.array([1, 2]), [[1, 2]], 9).toArray()).toEqual([9, 1, 2, 9, 9]);
    expect(np.flip(np.arange(3)).toArray()).toEqual([2, 1, 0]);
    expect(np.squeeze(np.ones([1, 3, 1])).shape).toEqual([3]);
    expect(np.take(np.arange(5), [-1, 0]).toArray()).toEqual([4, 0]);
  });
  it('gradients flow through indexing, take (accumulating repeats) and concatenation', () => {
    const v = np.array([1, 2, 3], 'float64');
    expectClose(grad((y: Tensor) => np.sum(np.take(y, [0, 0, 2])))(v), [2, 0, 1]);
    expectClose(grad((y: Tensor) => np.sum(y.get('::-2')))(v), [1, 0, 1]);
    checkGrads((y: Tensor) => np.concatenate([y, np.pad(y, [[1, 0]])]), [v]);
  });
});

describe('reductions and composites', () => {
  it('computes reductions with axis and keepdims', () => {
    const x = np.array(
      [
        [1, 2],
        [3, 4],
      ],
      'float64',
    );
    expect(np.sum(x, 0).toArray()).toEqual([4, 6]);
    expect(np.mean(x, 1, { keepdims: true }).shape).toEqual([2, 1]);
    expect(np.prod(x).item()).toBe(24);
    expect(np.argmax(x, 1).toArray()).toEqual([1, 1]);
    expect(np.argmin(x).item()).toBe(0);
    expect(np.var(x).item()).toBe(1.25);
    expect(np.norm(np.array([3, 4])).item()).toBe(5);
    expect(np.logsumexp(np.zeros([0])).item()).toBe(-Infinity);
    expect(np.logsumexp(np.zeros([2, 0]), 1).toArray()).toEqual([-Infinity, -Infinity]);
  });
  it('composites have correct derivatives (checked like primitives)', () => {
    const x = randn(3, [2, 3]);
    for (const f of [
      (y: Tensor) => np.prod(y, 1),
      (y: Tensor) => np.std(y, 0),
      (y: Tensor) => np.logsumexp(y, 1),
      (y: Tensor) => nn.softmax(y),
      (y: Tensor) => nn.logSoftmax(y, 0),
      (y: Tensor) => nn.gelu(y),
      (y: Tensor) => nn.softplus(y),
      (y: Tensor) => np.norm(y),
      (y: Tensor) => np.einsum('ij,kj->ik', y, y),
      (y: Tensor) => np.outer(y.get(0), y.get(1)),
    ]) {
      checkGrads(f, [x]);
    }
  });
});

describe('linear algebra', () => {
  it('solves, inverts and takes determinants', () => {
    const a = wellConditioned(1, 4);
    const b = randn(2, [4]);
    expectClose(np.matmul(a, np.linalg.solve(a, b)), b, 1e-10);
    expectClose(np.matmul(a, np.linalg.inv(a)), np.eye(4, 'float64'), 1e-10, 1e-12);
    const m = np.array(
      [
        [2, 1],
        [1, 3],
      ],
      'float64',
    );
    expectClose(np.linalg.det(m), 5, 1e-14);
    const [sign, logdet] = np.linalg.slogdet(
      np.array(
        [
          [0, 1],
          [1, 0],
        ],
        'float64',
      ),
    );
    expect([sign.item(), logdet.item()]).toEqual([-1, 0]);
  });
  it('cholesky and eigh reconstruct their input', () => {
    const a = spd(3, 4);
    const l = np.linalg.cholesky(a);
    expectClose(np.matmul(l, l.T), a, 1e-12);
    const [w, v] = np.linalg.eigh(a);
    expectClose(np.matmul(np.mul(v, w), v.T), a, 1e-10);
    expect(w.toArray()).toEqual([...(w.toArray() as number[])].sort((p, q) => p - q));
  });
  it('linalg derivatives match finite differences (composites too)', () => {
    const a = wellConditioned(5, 3);
    checkGrads((m: Tensor) => np.linalg.det(m), [a]);
    checkGrads((m: Tensor) => np.linalg.inv(m), [a]);
    checkGrads((m: Tensor) => np.linalg.eigh(m)[0], [spd(6, 3)]);
    checkGrads((m: Tensor) => np.linalg.cholesky(m), [spd(7, 3)]);
    // d log det A / dA = A⁻ᵀ
    expectClose(grad((m: Tensor) => np.linalg.slogdet(m)[1])(a), np.linalg.inv(a).T, 1e-10);
  });
  it('batched matmul broadcasts leading axes; 1-D operands act as vectors', () => {
    expect(np.matmul(np.ones([5, 1, 2, 3]), np.ones([4, 3, 2])).shape).toEqual([5, 4, 2, 2]);
    expect(np.matmul(np.ones([3]), np.ones([3, 2])).shape).toEqual([2]);
    expect(np.dot(np.array([1, 2]), np.array([3, 4])).item()).toBe(11);
  });
  it('einsum keeps zero-size axes (a size-0 index is not a broadcast size-1 one)', () => {
    expect(np.einsum('i->i', np.zeros([0])).shape).toEqual([0]);
    expect(np.einsum('ij,jk->ik', np.ones([0, 2]), np.ones([2, 3])).shape).toEqual([0, 3]);
    expect(np.einsum('ij,jk->ik', np.ones([2, 0]), np.ones([0, 3])).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(() => np.einsum('i,i->i', np.ones([0]), np.ones([2]))).toThrow(
      "einsum: index 'i' has sizes 0 and 2",
    );
  });
});

describe('display', () => {
  it('gives a tensor MIME bundle with escaped HTML and a truncated view of large tensors', () => {
    const bundle = np
      .reshape(np.arange(2000, undefined, 1, 'float32'), [40, 50])
      .toMimeBundle() as Record<string, unknown>;
    const payload = bundle['application/vnd.adlab.tensor.v1+json'] as {
      shape: number[];
      truncated: boolean;
      view: { indices: number[][] };
      heatmap: { rows: number };
    };
    expect(payload.shape).toEqual([40, 50]);
    expect(payload.truncated).toBe(true);
    expect(payload.view.indices[1]).toEqual([0, 1, 2, 47, 48, 49]);
    expect(payload.heatmap.rows).toBe(40);
    expect(bundle['text/html']).toContain('shape [40, 50]');
    expect(String(bundle['text/plain'])).toContain('...');
  });
  it('encodes non-finite numbers for JSON', () => {
    const p = np.array([NaN, Infinity, -Infinity, 1]).toMimeBundle()[
      'application/vnd.adlab.tensor.v1+json'
    ] as { view: { values: unknown[] }; stats: { nonFinite: number } };
    expect(p.view.values).toEqual(['NaN', 'Infinity', '-Infinity', 1]);
    expect(p.stats.nonFinite).toBe(3);
    expect(JSON.parse(JSON.stringify(p)).view.values).toEqual(p.view.values);
  });
  it('prints like NumPy', () => {
    expect(
      String(
        np.array([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe('array([[1., 2.],\n       [3., 4.]], dtype=float32)');
    expect(String(np.array(true))).toBe('array(true, dtype=bool)');
  });
});
