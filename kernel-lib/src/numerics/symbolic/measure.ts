/**
 * Expression size: as a tree (every subexpression counted each time it is written, what a printed
 * formula shows) or as a DAG (each distinct subexpression once, what hash-consing stores).
 */
import type { Expr, Op } from './expr';

/**
 * Nodes of `e` written out as a tree (repeated subexpressions counted every time).
 * @example sym.treeSize(sym.mul(sym.sin(x), sym.sin(x))) // 5
 */
export function treeSize(e: Expr): number {
  const memo = new Map<number, number>();
  const go = (n: Expr): number => {
    if (memo.has(n.id)) return memo.get(n.id)!;
    const r = 1 + n.args.reduce((s, a) => s + go(a), 0);
    memo.set(n.id, r);
    return r;
  };
  return go(e);
}

/** The distinct nodes of `e`, children before parents. */
function distinctNodes(e: Expr): Expr[] {
  const seen = new Set<number>();
  const out: Expr[] = [];
  const stack: [Expr, boolean][] = [[e, false]];
  while (stack.length) {
    const [n, done] = stack.pop()!;
    if (done) {
      out.push(n);
      continue;
    }
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    stack.push([n, true]);
    for (const a of n.args) if (!seen.has(a.id)) stack.push([a, false]);
  }
  return out;
}

/**
 * Distinct nodes of `e` (common subexpressions shared, as hash-consing stores them).
 * @example sym.dagSize(sym.mul(sym.sin(x), sym.sin(x))) // 3
 */
export function dagSize(e: Expr): number {
  return distinctNodes(e).length;
}

/**
 * Operation counts (variables and constants left out), shared (DAG) or written out (tree).
 * @example sym.opCounts(sym.diff(f, 'x'), { shared: true }) // { mul: 4, cos: 2, ... }
 */
export function opCounts(e: Expr, options: { shared?: boolean } = {}): Partial<Record<Op, number>> {
  const counts: Partial<Record<Op, number>> = {};
  const bump = (op: Op, k: number) => {
    if (op !== 'var' && op !== 'const') counts[op] = (counts[op] ?? 0) + k;
  };
  if (options.shared ?? true) {
    for (const n of distinctNodes(e)) bump(n.op, 1);
    return counts;
  }
  // Tree counts: how many times each node is written = number of root-to-node paths.
  const nodes = distinctNodes(e);
  const paths = new Map<number, number>([[e.id, 1]]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    const k = paths.get(n.id) ?? 0;
    bump(n.op, k);
    for (const a of n.args) paths.set(a.id, (paths.get(a.id) ?? 0) + k);
  }
  return counts;
}

/**
 * Total operations (variables and constants left out), shared or written out.
 * @example sym.opCount(f, { shared: false })
 */
export function opCount(e: Expr, options: { shared?: boolean } = {}): number {
  return Object.values(opCounts(e, options)).reduce((s, k) => s + (k ?? 0), 0);
}
