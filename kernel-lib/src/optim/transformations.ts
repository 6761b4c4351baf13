/**
 * First-order methods as pure gradient transformations over pytrees, in the manner of optax:
 * `init(params)` returns a state (a plain tree you can inspect), `update(grads, state, params)`
 * returns `[updates, newState]`, and `applyUpdates(params, updates)` adds them. Updates already
 * carry the minus sign and the step: updates = -a_k P_k g_k.
 */
import type { Tensor } from '../core/tensor';
import * as np from '../numpy/ops';
import { checkLr, lrAt, type LearningRate } from './schedules';
import { inRange, knownKeys, positive } from './options';
import type { OpaqueKind, StateFor, StateKind, StateOf, TensorsOf } from './state-kind';
import type { Preconditioner } from './template';
import { treeNorm, treeZerosLike, treeZip } from './tree-math';

/**
 * A pure optimizer: `{ init, update }` over pytrees, optionally describing its P_k and a_k. The
 * kind K gives the state's type for each parameter type (see state-kind.ts): `adam(lr).init(x)`
 * is an `AdamState<Tensor>` for a Tensor x, and `update` returns updates shaped like the grads.
 * @example const opt = optim.adam(1e-3); let s = opt.init(params); const [u, s2] = opt.update(g, s, params)
 */
export interface GradientTransformation<K extends StateKind = OpaqueKind> {
  /** A short name ('adam', 'chain(clipByGlobalNorm, sgd)'). */
  name: string;
  /** The hyperparameters, for legends and tables. */
  hyperparameters: Record<string, number | string | boolean>;
  /** The state before the first update, for parameters like `params`. */
  init<P>(params: P): StateOf<K, TensorsOf<P>>;
  /** Turns gradients into updates of the same structure; `params` is needed by weight decay only. */
  update<G>(grads: G, state: StateOf<K, G>, params?: unknown): [updates: G, state: StateOf<K, G>];
  /** P_k of the latest update (`state` is the state that update returned). */
  preconditioner?<G>(state: StateOf<K, G>): Preconditioner<G>;
  /** a_k of the latest update. */
  stepSize?<G>(state: StateOf<K, G>): number;
}

/** params + updates, leaf by leaf. @example params = optim.applyUpdates(params, updates) */
export function applyUpdates<T>(params: T, updates: TensorsOf<T>): TensorsOf<T> {
  return treeZip([params, updates], (p, u) => np.add(p, np.astype(u, p.dtype)));
}

/** The state of SGD (and of every transformation): the number of updates so far. */
export interface CountState<G> extends StateFor<G> {
  count: number;
}
/** The state of momentum and nesterov: the count and the velocity m, shaped like the params. */
export interface MomentumState<G> extends CountState<G> {
  trace: G;
}
/** The state of Adam and AdamW: step count, first moment mu, second moment nu. */
export interface AdamState<G> extends CountState<G> {
  mu: G;
  nu: G;
}
/** The state of RMSProp: the count and the moving average nu of g². */
export interface RmspropState<G> extends CountState<G> {
  nu: G;
}
/** The state of Adagrad: the count and the running sum of g². */
export interface AdagradState<G> extends CountState<G> {
  sumSq: G;
}

/** The kinds (state families) of the transformations here. */
export interface SgdKind extends StateKind {
  readonly state: CountState<this['grads']>;
}
export interface MomentumKind extends StateKind {
  readonly state: MomentumState<this['grads']>;
}
export interface AdamKind extends StateKind {
  readonly state: AdamState<this['grads']>;
}
export interface RmspropKind extends StateKind {
  readonly state: RmspropState<this['grads']>;
}
export interface AdagradKind extends StateKind {
  readonly state: AdagradState<this['grads']>;
}
/** Stateless transformations (clipping, scaling, weight decay). */
export interface EmptyKind extends StateKind {
  readonly state: StateFor<this['grads']>;
}
/** A chain's state: the list of its transformations' states. */
export interface ChainKind<
  Ts extends readonly GradientTransformation<StateKind>[],
> extends StateKind {
  readonly state: { -readonly [I in keyof Ts]: StateOf<KindOf<Ts[I]>, this['grads']> } & StateFor<
    this['grads']
  >;
}
/** The kind of a transformation type. */
export type KindOf<T> = T extends GradientTransformation<infer K> ? K : never;

function lrName(lr: LearningRate): number | string {
  return typeof lr === 'function' ? 'schedule' : lr;
}

/** a_k of the update that brought the state's count to where it is. */
const latestStepSize =
  (rate: LearningRate) =>
  (state: { count: number }): number =>
    lrAt(rate, Math.max(state.count - 1, 0));

const identity = <G>(): Preconditioner<G> => ({
  kind: 'identity',
  description: 'P_k = I: the step is along -g_k',
  apply: (v) => v,
});

/**
 * Stochastic gradient descent: x <- x - lr g (P_k = I, a_k = lr).
 * @example const opt = optim.sgd(0.1)
 */
export function sgd(lr: LearningRate): GradientTransformation<SgdKind> {
  const rate = checkLr('sgd', lr);
  return {
    name: 'sgd',
    hyperparameters: { lr: lrName(rate) },
    init: () => ({ count: 0 }),
    update(grads, state) {
      const a = lrAt(rate, state.count);
      return [treeZip([grads], (g) => np.mul(g, -a)), { count: state.count + 1 }];
    },
    preconditioner: identity,
    stepSize: latestStepSize(rate),
  };
}

/** Options of momentum and nesterov. */
export interface MomentumOptions {
  /** Decay of the velocity (default 0.9). */
  beta?: number;
}

function heavyBall(
  op: 'momentum' | 'nesterov',
  lr: LearningRate,
  options: MomentumOptions,
): GradientTransformation<MomentumKind> {
  knownKeys(op, options, ['beta']);
  const rate = checkLr(op, lr);
  const beta = inRange(op, 'beta', options.beta ?? 0.9, 0, 1);
  return {
    name: op,
    hyperparameters: { lr: lrName(rate), beta },
    init: (params) => ({ count: 0, trace: treeZerosLike(params) }),
    update(grads, state) {
      const a = lrAt(rate, state.count);
      // m_k = beta m_{k-1} + g_k; heavy ball steps along m_k, Nesterov along beta m_k + g_k.
      const trace = treeZip([state.trace, grads], (m, g) => np.add(np.mul(m, beta), g));
      const dir =
        op === 'nesterov' ? treeZip([trace, grads], (m, g) => np.add(np.mul(m, beta), g)) : trace;
      return [treeZip([dir], (d) => np.mul(d, -a)), { count: state.count + 1, trace }];
    },
    preconditioner: (state) => ({
      kind: 'momentum',
      description:
        op === 'nesterov'
          ? 'P_k g = beta (beta m + g) + g with m the velocity: a look-ahead sum of past gradients (affine in g)'
          : 'P_k g = beta m + g with m the velocity: an exponential sum of past gradients (affine in g)',
      // Applied to a new gradient v, as the next update would: the velocity m is state.trace.
      apply: (v) =>
        treeZip([state.trace, v], (m, g) => {
          const next = np.add(np.mul(m, beta), g);
          return op === 'nesterov' ? np.add(np.mul(next, beta), g) : next;
        }),
    }),
    stepSize: latestStepSize(rate),
  };
}

/**
 * Heavy-ball momentum: m <- beta m + g, x <- x - lr m.
 * @example const opt = optim.momentum(0.01, { beta: 0.9 })
 */
export function momentum(lr: LearningRate, options: MomentumOptions = {}) {
  return heavyBall('momentum', lr, options);
}

/**
 * Nesterov momentum (the optax form): m <- beta m + g, x <- x - lr (beta m + g).
 * @example const opt = optim.nesterov(0.01, { beta: 0.9 })
 */
export function nesterov(lr: LearningRate, options: MomentumOptions = {}) {
  return heavyBall('nesterov', lr, options);
}

/** Options of adam and adamw. */
export interface AdamOptions {
  b1?: number;
  b2?: number;
  /** Added to sqrt(v̂) in the denominator (default 1e-8). */
  eps?: number;
  /** Added to v̂ inside the square root (default 0). */
  epsRoot?: number;
}

function adamCore(
  op: string,
  lr: LearningRate,
  options: AdamOptions & { weightDecay?: number },
  keys: string[],
): GradientTransformation<AdamKind> {
  knownKeys(op, options, keys);
  const rate = checkLr(op, lr);
  const b1 = inRange(op, 'b1', options.b1 ?? 0.9, 0, 1);
  const b2 = inRange(op, 'b2', options.b2 ?? 0.999, 0, 1);
  const eps = positive(op, 'eps', options.eps ?? 1e-8, true);
  const epsRoot = positive(op, 'epsRoot', options.epsRoot ?? 0, true);
  const wd = positive(op, 'weightDecay', options.weightDecay ?? 0, true);
  // The diagonal of P_k: 1 / (sqrt(v̂ + epsRoot) + eps), with v̂ = nu / (1 - b2^t).
  const diag = (nu: Tensor, t: number) =>
    np.div(1, np.add(np.sqrt(np.add(np.div(nu, 1 - b2 ** t), epsRoot)), eps));
  const hyper: Record<string, number | string> = { lr: lrName(rate), b1, b2, eps, epsRoot };
  if (op === 'adamw') hyper.weightDecay = wd;
  return {
    name: op,
    hyperparameters: hyper,
    init: (params) => ({ count: 0, mu: treeZerosLike(params), nu: treeZerosLike(params) }),
    update(grads, state, params) {
      const t = state.count + 1;
      const a = lrAt(rate, state.count);
      const mu = treeZip([state.mu, grads], (m, g) => np.add(np.mul(m, b1), np.mul(g, 1 - b1)));
      const nu = treeZip([state.nu, grads], (v, g) =>
        np.add(np.mul(v, b2), np.mul(np.square(g), 1 - b2)),
      );
      let dir = treeZip([mu, nu], (m, v) => np.mul(np.div(m, 1 - b1 ** t), diag(v, t)));
      if (op === 'adamw' && wd > 0) {
        if (params === undefined) throw new Error(`${op}: update needs params for weight decay`);
        dir = treeZip([dir, params], (d, p) => np.add(d, np.mul(np.astype(p, d.dtype), wd)));
      }
      return [treeZip([dir], (d) => np.mul(d, -a)), { count: t, mu, nu }];
    },
    preconditioner: (state) => {
      const t = Math.max(state.count, 1);
      return diagonalOf(
        treeZip([state.nu], (v) => diag(v, t)),
        'P_k = diag(1 / (sqrt(v̂_k + epsRoot) + eps)), applied to the bias-corrected mean m̂_k rather than g_k',
      );
    },
    stepSize: latestStepSize(rate),
  };
}

/**
 * Adam: m̂ / (sqrt(v̂ + epsRoot) + eps) with bias-corrected moments; eps bounds the step when v̂ is tiny.
 * @example const opt = optim.adam(1e-3, { b1: 0.9, b2: 0.999, eps: 1e-8 })
 */
export function adam(lr: LearningRate, options: AdamOptions = {}) {
  return adamCore('adam', lr, options, ['b1', 'b2', 'eps', 'epsRoot']);
}

/**
 * AdamW: Adam with decoupled weight decay, x <- x - lr (adam direction + weightDecay x).
 * @example const opt = optim.adamw(1e-3, { weightDecay: 1e-4 })
 */
export function adamw(lr: LearningRate, options: AdamOptions & { weightDecay?: number } = {}) {
  return adamCore('adamw', lr, { weightDecay: 1e-4, ...options }, [
    'b1',
    'b2',
    'eps',
    'epsRoot',
    'weightDecay',
  ]);
}

/**
 * RMSProp: v <- decay v + (1 - decay) g², x <- x - lr g / (sqrt(v) + eps).
 * @example const opt = optim.rmsprop(1e-3, { decay: 0.9 })
 */
export function rmsprop(
  lr: LearningRate,
  options: { decay?: number; eps?: number } = {},
): GradientTransformation<RmspropKind> {
  knownKeys('rmsprop', options, ['decay', 'eps']);
  const rate = checkLr('rmsprop', lr);
  const decay = inRange('rmsprop', 'decay', options.decay ?? 0.9, 0, 1);
  const eps = positive('rmsprop', 'eps', options.eps ?? 1e-8, true);
  const diag = (nu: Tensor) => np.div(1, np.add(np.sqrt(nu), eps));
  return {
    name: 'rmsprop',
    hyperparameters: { lr: lrName(rate), decay, eps },
    init: (params) => ({ count: 0, nu: treeZerosLike(params) }),
    update(grads, state) {
      const a = lrAt(rate, state.count);
      const nu = treeZip([state.nu, grads], (v, g) =>
        np.add(np.mul(v, decay), np.mul(np.square(g), 1 - decay)),
      );
      const upd = treeZip([nu, grads], (v, g) => np.mul(np.mul(g, diag(v)), -a));
      return [upd, { count: state.count + 1, nu }];
    },
    preconditioner: (state) =>
      diagonalOf(treeZip([state.nu], diag), 'P_k = diag(1 / (sqrt(v_k) + eps))'),
    stepSize: latestStepSize(rate),
  };
}

/**
 * Adagrad: s <- s + g², x <- x - lr g / (sqrt(s) + eps).
 * @example const opt = optim.adagrad(0.1)
 */
export function adagrad(
  lr: LearningRate,
  options: { initialAccumulator?: number; eps?: number } = {},
): GradientTransformation<AdagradKind> {
  knownKeys('adagrad', options, ['initialAccumulator', 'eps']);
  const rate = checkLr('adagrad', lr);
  const init0 = positive('adagrad', 'initialAccumulator', options.initialAccumulator ?? 0.1, true);
  const eps = positive('adagrad', 'eps', options.eps ?? 1e-7, true);
  const diag = (s: Tensor) => np.div(1, np.add(np.sqrt(s), eps));
  return {
    name: 'adagrad',
    hyperparameters: { lr: lrName(rate), initialAccumulator: init0, eps },
    init: (params) => ({
      count: 0,
      sumSq: treeZip([params], (p) => np.add(np.zerosLike(p), init0)),
    }),
    update(grads, state) {
      const a = lrAt(rate, state.count);
      const sumSq = treeZip([state.sumSq, grads], (s, g) => np.add(s, np.square(g)));
      const upd = treeZip([sumSq, grads], (s, g) => np.mul(np.mul(g, diag(s)), -a));
      return [upd, { count: state.count + 1, sumSq }];
    },
    preconditioner: (state) =>
      diagonalOf(treeZip([state.sumSq], diag), 'P_k = diag(1 / (sqrt(sum of g_i²) + eps))'),
    stepSize: latestStepSize(rate),
  };
}

function diagonalOf<G>(d: G, description: string): Preconditioner<G> {
  return {
    kind: 'diagonal',
    description,
    apply: (v) => treeZip([d, v], (p, x) => np.mul(p, x)),
    diagonal: d,
  };
}

/**
 * Rescales all updates together so their global norm is at most maxNorm.
 * @example optim.chain(optim.clipByGlobalNorm(1), optim.adam(1e-3))
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<EmptyKind> {
  positive('clipByGlobalNorm', 'maxNorm', maxNorm);
  return {
    name: 'clipByGlobalNorm',
    hyperparameters: { maxNorm },
    init: () => ({}),
    update(grads, state) {
      const n = treeNorm(grads);
      const s = n > maxNorm ? maxNorm / n : 1;
      return [s === 1 ? grads : treeZip([grads], (g) => np.mul(g, s)), state];
    },
  };
}

/**
 * Adds weightDecay · params to the updates (put it before the scaling step in a chain).
 * @example optim.chain(optim.addDecayedWeights(1e-4), optim.sgd(0.1))
 */
export function addDecayedWeights(weightDecay: number): GradientTransformation<EmptyKind> {
  positive('addDecayedWeights', 'weightDecay', weightDecay, true);
  return {
    name: 'addDecayedWeights',
    hyperparameters: { weightDecay },
    init: () => ({}),
    update(grads, state, params) {
      if (params === undefined) throw new Error('addDecayedWeights: update needs params');
      return [
        treeZip([grads, params], (g, p) => np.add(g, np.mul(np.astype(p, g.dtype), weightDecay))),
        state,
      ];
    },
  };
}

/**
 * Multiplies updates by a constant (use a negative factor to descend).
 * @example optim.chain(optim.clipByGlobalNorm(1), optim.scale(-0.1))
 */
export function scale(factor: number): GradientTransformation<EmptyKind> {
  if (typeof factor !== 'number' || !Number.isFinite(factor))
    throw new RangeError(`scale: option 'factor' must be a finite number, got ${String(factor)}`);
  return {
    name: 'scale',
    hyperparameters: { factor },
    init: () => ({}),
    update: (grads, state) => [treeZip([grads], (g) => np.mul(g, factor)), state],
  };
}

/**
 * Applies transformations in sequence; the state is the list of their states.
 * @example const opt = optim.chain(optim.clipByGlobalNorm(1), optim.adamw(1e-3))
 */
export function chain<Ts extends readonly GradientTransformation<StateKind>[]>(
  ...transforms: Ts
): GradientTransformation<ChainKind<Ts>> {
  if (transforms.length === 0) throw new RangeError('chain: needs at least one transformation');
  // The parts' states are typed by the chain's kind; inside, each part sees its own state as any.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const parts: readonly GradientTransformation<any>[] = transforms;
  const last = parts[parts.length - 1];
  const hyper: Record<string, number | string | boolean> = {};
  for (const t of parts) {
    for (const [k, v] of Object.entries(t.hyperparameters)) hyper[`${t.name}.${k}`] = v;
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const chained: GradientTransformation<any> = {
    name: `chain(${parts.map((t) => t.name).join(', ')})`,
    hyperparameters: hyper,
    init: (params) => parts.map((t) => t.init(params)),
    update(grads, state, params) {
      let u = grads;
      const next = parts.map((t, i) => {
        const [u2, s2] = t.update(u, state[i], params);
        u = u2;
        return s2;
      });
      return [u, next];
    },
    preconditioner: last.preconditioner
      ? (state) => last.preconditioner!(state[state.length - 1])
      : undefined,
    stepSize: last.stepSize ? (state) => last.stepSize!(state[state.length - 1]) : undefined,
  };
  return chained;
}
