/**
 * The jax.nn additions (activations, standardize, glu, attention), the new random samplers and
 * the exported tree utilities: values against NumPy, derivatives, distributions, errors.
 */
import { describe, expect, it } from 'vitest';
import {
  checkGrads,
  grad,
  nn,
  np,
  random,
  Tensor,
  treeFlatten,
  treeLeaves,
  treeMap,
  treeUnflatten,
} from '../../kernel-lib/src';
import { expectClose, randn } from '../helpers/tensors';
import { ref } from './breadth-reference';

const z = np.array([-3, -0.5, 0, 0.5, 3], 'float64');

describe('activations', () => {
  it('match NumPy formulas', () => {
    expectClose(nn.silu(z), ref.silu, 1e-15);
    expectClose(nn.elu(z), ref.elu, 1e-15);
    expectClose(nn.selu(z), ref.selu, 1e-15);
    expectClose(nn.logSigmoid(z), ref.logsig, 1e-15);
    expectClose(nn.mish(z), ref.mish, 1e-15);
    expectClose(nn.leakyRelu(z), ref.leaky, 1e-15);
  });
  it('stay finite at extreme inputs', () => {
    const big = np.array([-1000, 1000], 'float64');
    expectClose(nn.logSigmoid(big), [-1000, 0]);
    expectClose(nn.elu(big), [-1, 1000]);
    expectClose(grad((x: Tensor) => nn.elu(x).sum())(big), [0, 1]);
  });
  it('are differentiable', () => {
    expectClose(nn.celu(z, 2), ref.celu2, 1e-15);
    for (const fn of [nn.silu, nn.elu, nn.celu, nn.selu, nn.logSigmoid, nn.mish, nn.leakyRelu])
      checkGrads((x: Tensor) => fn(x), [np.array([-2.1, -0.4, 0.3, 1.7], 'float64')]);
  });
  it('glu halves the axis; standardize centres and scales', () => {
    const x = np.array([[1, 2, 0, 100]], 'float64');
    expectClose(nn.glu(x), [[1 / (1 + Math.exp(0)), 2 / (1 + Math.exp(-100))]], 1e-15);
    expect(() => nn.glu(np.ones([2, 3]))).toThrow(
      'glu: axis 1 of shape [2,3] has odd size 3; it must split in two halves',
    );
    const s = nn.standardize(np.array([[1, 2, 3]], 'float64'), -1, { epsilon: 0 });
    expectClose(s, [[-Math.sqrt(1.5), 0, Math.sqrt(1.5)]], 1e-15);
    checkGrads((v: Tensor) => nn.standardize(v), [randn(3, [2, 4])]);
  });
});

describe('dotProductAttention', () => {
  const [q, k, v] = [ref.Q, ref.K, ref.V].map((a) => np.array(a as never, 'float64'));
  it('matches a NumPy reference, with and without the causal mask', () => {
    expectClose(nn.dotProductAttention(q, k, v), ref.attn as never, 1e-14);
    expectClose(nn.dotProductAttention(q, k, v, { isCausal: true }), ref.attnc as never, 1e-14);
    // Without the batch axis: the same numbers.
    const unbatched = nn.dotProductAttention(q.get(0), k.get(0), v.get(0));
    expectClose(unbatched, nn.dotProductAttention(q, k, v).get(0), 1e-15);
  });
  it('a mask removes keys exactly; bias shifts logits', () => {
    const keepFirst = np.equal(np.arange(5), 0).reshape([1, 1, 1, 5]);
    const out = nn.dotProductAttention(q, k, v, { mask: keepFirst });
    expectClose(out, np.broadcastTo(v.get(':', '0:1'), [1, 3, 2, 3]), 1e-15);
    const zero = nn.dotProductAttention(q, k, v, { bias: np.zeros([1, 1, 1, 5], 'float64') });
    expectClose(zero, ref.attn as never, 1e-14);
  });
  it('is differentiable in query, key and value', () => {
    checkGrads(
      (a: Tensor, b: Tensor, c: Tensor) => nn.dotProductAttention(a, b, c, { isCausal: true }),
      [randn(1, [1, 2, 1, 3]), randn(2, [1, 4, 1, 3]), randn(3, [1, 4, 1, 2])],
    );
  });
  it('names the shapes it rejects', () => {
    expect(() =>
      nn.dotProductAttention(np.ones([1, 2, 1, 3]), np.ones([1, 4, 1, 2]), np.ones([1, 4, 1, 2])),
    ).toThrow(
      "dotProductAttention: expected query [B,T,N,H], key [B,S,N,H], value [B,S,N,H'], got [1,2,1,3], [1,4,1,2], [1,4,1,2]",
    );
  });
});

describe('random samplers', () => {
  const key = random.key(42);
  const mean = (t: Tensor) => np.mean(np.astype(t, 'float64')).item();
  it('are deterministic per key', () => {
    expect(random.randint(key, [5], 0, 10).toArray()).toEqual(
      random.randint(key, [5], 0, 10).toArray(),
    );
    expect(random.foldIn(key, 1).toArray()).not.toEqual(random.foldIn(key, 2).toArray());
    expect(random.foldIn(key, 1).toArray()).toEqual(random.foldIn(key, 1).toArray());
  });
  it('bernoulli, randint, categorical have the right frequencies', () => {
    expect(mean(random.bernoulli(key, 0.3, [20000]))).toBeCloseTo(0.3, 1);
    const r = random.randint(key, [20000], -2, 3);
    expect(np.min(r).item()).toBe(-2);
    expect(np.max(r).item()).toBe(2);
    expect(mean(r)).toBeCloseTo(0, 1);
    const logits = np.log(np.broadcastTo(np.array([0.2, 0.5, 0.3], 'float64'), [20000, 3]));
    const draws = random.categorical(key, logits);
    expect(mean(np.equal(draws, 1))).toBeCloseTo(0.5, 1);
    expect(draws.dtype).toBe('int32');
  });
  it('name what they reject', () => {
    expect(() => random.randint(key, [2], 3, 3)).toThrow(
      'random.randint: need integers minval < maxval, got [3, 3)',
    );
    expect(() => random.bernoulli(key, np.ones([3]), [2])).toThrow(
      'random.bernoulli: parameter of shape [3] does not match shape [2]',
    );
    expect(() => random.foldIn(key, 1.5)).toThrow(
      'random.foldIn: data must be an integer, got 1.5',
    );
    expect(() => random.categorical(key, np.array(1))).toThrow(
      'random.categorical: logits must have at least one axis, got shape []',
    );
  });
  it('permutation and choice', () => {
    const p = random.permutation(key, 10);
    expect(np.sort(p).toArray()).toEqual(np.arange(10).toArray());
    expect(random.permutation(key, np.arange(4)).shape).toEqual([4]);
    const c = random.choice(key, 5, [4], { replace: false });
    expect(new Set(c.dataSync()).size).toBe(4);
    const weighted = random.choice(key, 3, [20000], { p: [0, 0.75, 0.25] });
    expect(mean(np.equal(weighted, 0))).toBe(0);
    expect(mean(np.equal(weighted, 1))).toBeCloseTo(0.75, 1);
    expect(() => random.choice(key, 3, [4], { replace: false })).toThrow(
      'random.choice: cannot take 4 samples from 3 without replacement',
    );
  });
  it('truncatedNormal stays in its bounds with the truncated mean', () => {
    const t = random.truncatedNormal(key, 0, 2, [20000], 'float64');
    expect(np.min(t).item()).toBeGreaterThanOrEqual(0);
    expect(np.max(t).item()).toBeLessThanOrEqual(2);
    // E[X | 0 <= X <= 2] for a standard normal: (φ(0) - φ(2)) / (Φ(2) - Φ(0)) = 0.7228...
    expect(mean(t)).toBeCloseTo(0.7228, 2);
    expect(() => random.truncatedNormal(key, 1, 1)).toThrow(
      'random.truncatedNormal: need lower < upper, got [1, 1]',
    );
  });
});

describe('tree utilities', () => {
  it('flatten, unflatten and leaves round-trip a pytree', () => {
    const tree = { w: np.ones([2]), layers: [np.zeros([1]), 3], name: 'mlp' };
    const [leaves, def] = treeFlatten(tree);
    expect(leaves.length).toBe(3);
    expect(treeLeaves(tree)).toEqual(leaves);
    const back = treeUnflatten<typeof tree>(def, leaves);
    expect(back.name).toBe('mlp');
    expect(back.layers[1]).toBe(3);
    expect(treeMap(tree, (l) => l.add(1)).w.toArray()).toEqual([2, 2]);
    expect(() => treeUnflatten(def, [1])).toThrow('pytree: expected 3 leaves, got 1');
  });
});
