/**
 * Pytrees: nested arrays and plain objects whose leaves are tensors (or JS numbers). Transforms
 * flatten their arguments to a list of leaves, work on the list, and rebuild the structure.
 * Other values (strings, null, functions) are kept as static parts of the structure.
 */
import { Tensor } from './tensor';

/** A nested structure of tensors. */
export type PyTree = Tensor | number | readonly PyTree[] | { readonly [key: string]: PyTree };

/** The structure of a pytree with its leaves taken out. */
export type TreeDef =
  | { kind: 'leaf' }
  | { kind: 'array'; children: TreeDef[] }
  | { kind: 'object'; keys: string[]; children: TreeDef[] }
  | { kind: 'static'; value: unknown };

/** An object literal (or `Object.create(null)`): the objects a pytree walks into. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Splits a tree into its leaves (depth first, object keys in insertion order) and its structure. */
export function flatten(tree: unknown): [leaves: (Tensor | number)[], def: TreeDef] {
  const leaves: (Tensor | number)[] = [];
  const walk = (x: unknown): TreeDef => {
    if (x instanceof Tensor || typeof x === 'number') {
      leaves.push(x);
      return { kind: 'leaf' };
    }
    if (Array.isArray(x)) return { kind: 'array', children: x.map(walk) };
    if (isPlainObject(x)) {
      const keys = Object.keys(x);
      return { kind: 'object', keys, children: keys.map((k) => walk(x[k])) };
    }
    return { kind: 'static', value: x };
  };
  const def = walk(tree);
  return [leaves, def];
}

/** Rebuilds a tree of `def`'s structure from `leaves`. */
export function unflatten<T = unknown>(def: TreeDef, leaves: readonly unknown[]): T {
  let i = 0;
  const build = (d: TreeDef): unknown => {
    switch (d.kind) {
      case 'leaf':
        return leaves[i++];
      case 'array':
        return d.children.map(build);
      case 'object':
        return Object.fromEntries(d.keys.map((k, j) => [k, build(d.children[j])]));
      case 'static':
        return d.value;
    }
  };
  const out = build(def) as T;
  if (i !== leaves.length) throw new Error(`pytree: expected ${i} leaves, got ${leaves.length}`);
  return out;
}

/** Applies `f` to every leaf. @example treeMap(params, (p) => p.mul(0.5)) */
export function treeMap<T>(tree: T, f: (leaf: Tensor) => Tensor): T {
  const [leaves, def] = flatten(tree);
  return unflatten<T>(
    def,
    leaves.map((l) => f(l instanceof Tensor ? l : tensorOf(l))),
  );
}

let tensorOf: (x: number) => Tensor = () => {
  throw new Error('pytree: numbers as leaves need the numpy layer loaded');
};

/** Installs the number-to-tensor conversion (called once by numpy/index.ts). */
export function installNumberToTensor(f: (x: number) => Tensor): void {
  tensorOf = f;
}

/** The leaves as tensors (numbers become float32 scalars, like JAX's weak floats). */
export function tensorLeaves(tree: unknown): [Tensor[], TreeDef] {
  const [leaves, def] = flatten(tree);
  return [leaves.map((l) => (l instanceof Tensor ? l : tensorOf(l))), def];
}

/**
 * What transforms return: a pytree shaped by the function and its arguments, which TypeScript
 * cannot follow through `grad`/`jacrev`; typed loosely so notebook code can index it directly.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TreeResult = any;

/**
 * The leaves of a pytree (depth first, object keys in insertion order) and its structure, as
 * jax.tree_util.tree_flatten. @example const [leaves, def] = treeFlatten({ w, b })
 */
export function treeFlatten(tree: unknown): [leaves: (Tensor | number)[], def: TreeDef] {
  return flatten(tree);
}

/** Rebuilds a pytree from its structure and leaves (the inverse of treeFlatten). @example treeUnflatten(def, leaves.map(f)) */
export function treeUnflatten<T = unknown>(def: TreeDef, leaves: readonly unknown[]): T {
  return unflatten<T>(def, leaves);
}

/** The leaves of a pytree, in treeFlatten's order. @example treeLeaves(params).length */
export function treeLeaves(tree: unknown): (Tensor | number)[] {
  return flatten(tree)[0];
}
