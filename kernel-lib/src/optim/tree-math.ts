/**
 * Arithmetic on pytrees of tensors, leaf by leaf, and `ravel`, which turns a pytree into one flat
 * vector (the driver's second-order methods work on that vector).
 */
import { flatten, tensorLeaves, unflatten, type PyTree, type TreeResult } from '../core/pytree';
import { Tensor } from '../core/tensor';
import { isFloat } from '../core/dtype';
import * as np from '../numpy/ops';
import { ravelLeaves } from '../numerics/linear-operator';

/** Leaf-by-leaf map over several trees of the same structure. */
export function treeZip(trees: readonly unknown[], f: (...leaves: Tensor[]) => Tensor): TreeResult {
  const [first, def] = tensorLeaves(trees[0]);
  const rest = trees.slice(1).map((t) => tensorLeaves(t)[0]);
  for (const r of rest) {
    if (r.length !== first.length)
      throw new Error(`optim: pytrees differ in structure (${first.length} vs ${r.length} leaves)`);
  }
  return unflatten(
    def,
    first.map((x, i) => f(x, ...rest.map((r) => r[i]))),
  );
}

/** A tree of zeros shaped like `tree`. */
export const treeZerosLike = (tree: unknown): TreeResult => treeZip([tree], (x) => np.zerosLike(x));

/** Sum over leaves of <a, b> as a JS number. */
export function treeVdot(a: unknown, b: unknown): number {
  const [xs] = tensorLeaves(a);
  const [ys] = tensorLeaves(b);
  let s = 0;
  xs.forEach((x, i) => (s += np.vdot(x, ys[i]).item()));
  return s;
}

/** The Euclidean norm of all leaves together. */
export const treeNorm = (a: unknown): number => Math.sqrt(treeVdot(a, a));

/**
 * Flattens a pytree of float tensors (numbers become float64 scalars) into one 1-D tensor of the
 * widest dtype and returns the inverse, whose leaves keep that dtype ({@link ravelLeaves}).
 * @example const { flat, unravel } = optim.ravel({ W, b }); unravel(flat) // { W, b }
 */
export function ravel(
  tree: unknown,
  op = 'optim',
): { flat: Tensor; unravel: (z: Tensor) => TreeResult } {
  const [leaves, def] = flatten(tree);
  if (leaves.length === 0) throw new TypeError(`${op}: the parameters contain no tensors`);
  const ts = leaves.map((l) => (l instanceof Tensor ? l : np.array(l, 'float64')));
  for (const t of ts) {
    if (!isFloat(t.dtype))
      throw new TypeError(`${op}: parameters must be float32 or float64 tensors, got ${t.dtype}`);
  }
  const [flat, unravel] = ravelLeaves(op, ts, def, false);
  return { flat, unravel };
}

export type { PyTree };
