/** The symbolic differentiator: values against AD, and expression swell against AD's linear cost. */
import { describe, expect, it } from 'vitest';
import { grad, jvp, makeGraph, np, sym, Tensor } from '../../kernel-lib/src';
import type { Expr } from '../../kernel-lib/src';

const x = sym.variable('x');
const at = (v: number) => np.array(v, 'float64');

/** sin(x + 1) sin(x + 2) ... sin(x + n), a product of n factors. */
const product = (n: number): Expr =>
  Array.from({ length: n }, (_, i) => sym.sin(sym.add(x, i + 1))).reduce((a, b) => sym.mul(a, b));
/** sin(sin(...sin(x))), n deep. */
const nested = (n: number): Expr => {
  let e: Expr = x;
  for (let i = 0; i < n; i++) e = sym.sin(e);
  return e;
};
/** AD's primitive count for the gradient of a scalar function of x. */
const adCost = (e: Expr) => {
  const f = sym.toFunction(e, ['x']);
  return makeGraph(grad((t: Tensor) => f(t)))(at(0.3)).nodes.filter(
    (n) => n.primitive !== 'input' && n.primitive !== 'constant',
  ).length;
};

describe('symbolic differentiation', () => {
  it('builds, prints, parses and simplifies', () => {
    const e = sym.parse('x * sin(x)^2 + exp(-x / 2)');
    expect(String(e)).toBe('x * sin(x) ^ 2 + exp(-x / 2)');
    expect(String(sym.diff(sym.mul(x, sym.sin(x)), 'x'))).toBe('sin(x) + x * cos(x)');
    expect(sym.add(sym.mul(0, x), sym.mul(1, x))).toBe(x);
    expect(sym.parse('sin(x)')).toBe(sym.sin(x)); // hash-consing: one object per structure
    expect(String(sym.simplify(sym.substitute(sym.parse('y * x'), { y: 1 })))).toBe('x');
    expect(() => sym.parse('sin(x')).toThrow(/expected '\)'/);
  });

  it('derivatives equal AD to rounding, for every supported operation', () => {
    const e = sym.parse('tanh(x) * log(x + 3) / (1 + x^2) - cos(x)^x + exp(sin(x)) ^ 1.5');
    const f = sym.toFunction(e, ['x']);
    for (const v of [0.2, 0.9, 1.4]) {
      const ad = (grad((t: Tensor) => f(t))(at(v)) as Tensor).item();
      expect(sym.evaluate(sym.diff(e, 'x'), { x: v })).toBeCloseTo(ad, 12);
      expect(sym.evaluate(e, { x: v })).toBeCloseTo(f(at(v)).item(), 12);
    }
    // Third derivative against nested forward mode.
    const d3 = sym.nthDiff(e, 'x', 3);
    const g = (t: Tensor) => jvp((s: Tensor) => f(s), [t], [at(1)])[1] as Tensor;
    const g2 = (t: Tensor) => jvp(g, [t], [at(1)])[1] as Tensor;
    const g3 = jvp(g2, [at(0.4)], [at(1)])[1] as Tensor;
    expect(sym.evaluate(d3, { x: 0.4 })).toBeCloseTo(g3.item(), 9);
  });

  it('d/dx of a product of n factors: tree O(n²), DAG and AD O(n)', () => {
    const rows = [4, 8, 16, 32].map((n) => {
      const d = sym.diff(product(n), 'x');
      return { n, tree: sym.treeSize(d), dag: sym.dagSize(d), ad: adCost(product(n)) };
    });
    for (let i = 1; i < rows.length; i++) {
      // Doubling n: the written-out tree grows ~4x, the shared DAG and AD's graph ~2x.
      expect(rows[i].tree / rows[i - 1].tree).toBeGreaterThan(3.3);
      expect(rows[i].dag / rows[i - 1].dag).toBeLessThan(2.3);
      expect(rows[i].ad / rows[i - 1].ad).toBeLessThan(2.3);
    }
    // d(P_k) = d(P_{k-1}) s_k + P_{k-1} c_k writes P_{k-1} out again at every k: the tree holds
    // 1 + Σ_{k=2..n} (k + 1) = n(n + 3)/2 - 1 sin/cos factors, the DAG just 2n.
    const d8 = sym.diff(product(8), 'x');
    const trig = (o: Record<string, number | undefined>) => (o.sin ?? 0) + (o.cos ?? 0);
    expect(trig(sym.opCounts(d8, { shared: false }))).toBe((8 * 11) / 2 - 1);
    expect(trig(sym.opCounts(d8, { shared: true }))).toBe(2 * 8);
  });

  it('higher derivatives of a nested composition swell exponentially as trees', () => {
    const e = nested(3);
    const sizes = [1, 2, 3, 4, 5].map((k) => sym.treeSize(sym.nthDiff(e, 'x', k)));
    for (let i = 2; i < sizes.length; i++) expect(sizes[i] / sizes[i - 1]).toBeGreaterThan(1.8);
    expect(sizes[4]).toBeGreaterThan(10 * sizes[0]);
    // The first derivative of a depth-n nesting: tree O(n²), DAG O(n), AD O(n).
    const first = [8, 16, 32].map((n) => sym.diff(nested(n), 'x'));
    expect(sym.treeSize(first[2]) / sym.treeSize(first[1])).toBeGreaterThan(3.3);
    expect(sym.dagSize(first[2]) / sym.dagSize(first[1])).toBeLessThan(2.2);
    expect(adCost(nested(32)) / adCost(nested(16))).toBeLessThan(2.2);
  });

  it('opCount shared is the DAG count of operations', () => {
    const e = sym.mul(sym.sin(x), sym.sin(x));
    expect(sym.treeSize(e)).toBe(5);
    expect(sym.dagSize(e)).toBe(3);
    expect(sym.opCount(e, { shared: true })).toBe(2);
    expect(sym.opCount(e, { shared: false })).toBe(3);
  });
});
