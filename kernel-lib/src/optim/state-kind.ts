/**
 * Optimizer states typed by the parameters they were made for. Adam's moments have the structure
 * of the parameters G (a Tensor for a Tensor, `{ w, b }` for `{ w, b }`), so a state type is a
 * function of G. TypeScript has no type-level functions; the usual encoding is an interface (a
 * "kind") whose `state` member reads `this['grads']`, and `StateOf<K, G>` substitutes G for it:
 *
 *   interface AdamKind extends StateKind { state: AdamState<this['grads']> }
 *   StateOf<AdamKind, Tensor>  // AdamState<Tensor>
 *
 * One interface, `GradientTransformation<K>`, then covers every transformation, chains included.
 */

declare const paramsType: unique symbol;

/** What every optimizer state extends: it carries G for the type checker only (never at run time). */
export interface StateFor<G> {
  readonly [paramsType]?: G;
}

/** A family of states indexed by the gradient tree type (`this['grads']`). */
export interface StateKind {
  readonly grads: unknown;
  readonly state: unknown;
}

/** The state of kind K for gradients (and updates) of type G. */
export type StateOf<K extends StateKind, G> = (K & { readonly grads: G })['state'];

/**
 * The state every transformation has, seen without its kind: opaque (any object, so a
 * transformation written by hand needs no kind), but still typed by G.
 */
export interface OpaqueKind extends StateKind {
  readonly state: StateFor<this['grads']> & object;
}

/**
 * The tree of gradients, updates and moments for parameters P: P's structure with tensors at the
 * leaves (a number parameter gets a scalar tensor); `any` stays `any`.
 */
export type { TensorsOf } from '../transforms/types';
