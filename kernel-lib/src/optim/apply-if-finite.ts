/**
 * A guard against non-finite updates, after optax's `apply_if_finite`: the optimizer
 * transformations themselves step on with whatever they are given (a NaN gradient makes NaN
 * parameters), so wrap them where a bad batch must not poison a run.
 */
import type { TreeResult } from '../core/pytree';
import { tensorLeaves } from '../core/pytree';
import { integer, knownKeys } from './options';
import type { StateFor, StateKind, StateOf } from './state-kind';
import type { GradientTransformation } from './transformations';
import { treeZerosLike } from './tree-math';

/** The state of {@link applyIfFinite}: the inner state and counts of skipped updates. */
export interface ApplyIfFiniteState<S = TreeResult, G = TreeResult> extends StateFor<G> {
  /** The wrapped transformation's state (not advanced by a skipped update). */
  inner: S;
  /** Non-finite updates in a row up to now. */
  notFiniteCount: number;
  /** Whether the latest update was finite. */
  lastFinite: boolean;
  /** Non-finite updates over the whole run. */
  totalNotFinite: number;
}

/** The kind of applyIfFinite(inner): the inner kind's state, wrapped. */
export interface ApplyIfFiniteKind<K extends StateKind> extends StateKind {
  readonly state: ApplyIfFiniteState<StateOf<K, this['grads']>, this['grads']>;
}

/** Options of {@link applyIfFinite}. */
export interface ApplyIfFiniteOptions {
  /** After this many non-finite updates in a row they are applied anyway (default Infinity: never). */
  maxConsecutiveErrors?: number;
}

/** True when every entry of every leaf is finite. */
function allFinite(tree: unknown): boolean {
  for (const leaf of tensorLeaves(tree)[0]) {
    const data = leaf.dataSync();
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return false;
  }
  return true;
}

/**
 * Wraps a transformation so an update containing NaN or ±inf is replaced by zeros and the inner
 * state is kept as it was (the step is skipped); the state counts the skips. After
 * `maxConsecutiveErrors` skips in a row the non-finite update goes through, as in optax.
 * @example const opt = optim.applyIfFinite(optim.adam(1e-3), { maxConsecutiveErrors: 5 })
 */
export function applyIfFinite<K extends StateKind>(
  inner: GradientTransformation<K>,
  options: ApplyIfFiniteOptions = {},
): GradientTransformation<ApplyIfFiniteKind<K>> {
  knownKeys('applyIfFinite', options, ['maxConsecutiveErrors']);
  const { maxConsecutiveErrors = Infinity } = options;
  if (maxConsecutiveErrors !== Infinity)
    integer('applyIfFinite', 'maxConsecutiveErrors', maxConsecutiveErrors, 0);
  return {
    name: `applyIfFinite(${inner.name})`,
    hyperparameters: { ...inner.hyperparameters, maxConsecutiveErrors },
    init: (params) => ({
      inner: inner.init(params),
      notFiniteCount: 0,
      lastFinite: true,
      totalNotFinite: 0,
    }),
    update(grads, state, params) {
      const [updates, next] = inner.update(grads, state.inner, params);
      if (allFinite(updates))
        return [updates, { ...state, inner: next, notFiniteCount: 0, lastFinite: true }];
      const count = state.notFiniteCount + 1;
      const total = state.totalNotFinite + 1;
      if (count > maxConsecutiveErrors)
        return [
          updates,
          { inner: next, notFiniteCount: count, lastFinite: false, totalNotFinite: total },
        ];
      return [
        treeZerosLike(updates),
        { inner: state.inner, notFiniteCount: count, lastFinite: false, totalNotFinite: total },
      ];
    },
    preconditioner: inner.preconditioner
      ? (state) => inner.preconditioner!(state.inner)
      : undefined,
    stepSize: inner.stepSize ? (state) => inner.stepSize!(state.inner) : undefined,
  };
}
