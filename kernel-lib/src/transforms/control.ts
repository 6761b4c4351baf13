/**
 * Structured control flow, after jax.lax: `cond`, `whileLoop`, `fori`, `scan`. Eagerly (and under
 * grad or jvp, whose values are known) they run as plain JavaScript control flow. Where a value is
 * not known, under jit or for a batched value under vmap, `cond` computes both branches and
 * selects (as JAX does under vmap), `whileLoop` is staged as a `while` primitive (while-loop.ts),
 * and `fori`/`scan`, whose trip counts are static, unroll.
 */
import type { Aval } from '../core/primitive';
import { flatten, tensorLeaves, unflatten, type TreeDef, type TreeResult } from '../core/pytree';
import { fmt, shapesEqual } from '../core/shape';
import { ConcretizationError } from '../core/trace';
import { Tensor, type TensorLike } from '../core/tensor';
import { asTensor } from '../numpy/convert';
import { zeros } from '../numpy/creation';
import { notEqual, where } from '../numpy/math';
import { broadcastTo, reshape, stack, take } from '../numpy/shape';
import { trace } from './jit';
import type { Atom } from './program';
import type { TensorsOf } from './types';
import { stagedWhileLoop } from './while-loop';

/** The truth of a one-element predicate, or undefined where its value is not known here. */
function knownTruth(op: string, pred: TensorLike): boolean | undefined {
  const p = asTensor(pred);
  if (p.size !== 1)
    throw new Error(`${op}: the predicate must have one element, got ${fmt(p.shape)}`);
  try {
    return p.item() !== 0;
  } catch (err) {
    if (err instanceof ConcretizationError) return undefined;
    throw err;
  }
}

/** True when every tensor of `tree` has values known here (not abstract, not batched). */
function valuesKnown(tree: unknown): boolean {
  try {
    for (const leaf of flatten(tree)[0]) if (leaf instanceof Tensor) leaf.concrete();
    return true;
  } catch (err) {
    if (err instanceof ConcretizationError) return false;
    throw err;
  }
}

/**
 * `trueFn(...operands)` if `pred` holds, else `falseFn(...operands)`; both must return the same
 * structure of shapes and dtypes (checked when both run).
 * @example cond(np.greater(x, 0), (x) => np.log(x), (x) => np.zerosLike(x), x)
 */
export function cond<Args extends unknown[], Out>(
  pred: TensorLike,
  trueFn: (...operands: Args) => Out,
  falseFn: (...operands: Args) => Out,
  ...operands: Args
): Out {
  const known = knownTruth('cond', pred);
  if (known !== undefined) return known ? trueFn(...operands) : falseFn(...operands);
  const [as, def] = tensorLeaves(trueFn(...operands));
  const [bs] = tensorLeaves(falseFn(...operands));
  const mismatch =
    as.length !== bs.length ||
    as.some((a, i) => !shapesEqual(a.shape, bs[i].shape) || a.dtype !== bs[i].dtype);
  if (mismatch) {
    const types = (ts: Tensor[]) => ts.map((t) => `${t.dtype}${fmt(t.shape)}`).join(', ');
    throw new Error(`cond: the branches return different types: (${types(as)}) and (${types(bs)})`);
  }
  // Eagerly any nonzero predicate holds; traced, the same test is `pred != 0` (where wants bool).
  const given = reshape(asTensor(pred), []);
  const p = given.dtype === 'bool' ? given : notEqual(given, 0);
  return unflatten<Out>(
    def,
    as.map((a, i) => where(broadcastTo(p, a.shape), a, bs[i])),
  );
}

/**
 * Repeats `body` while `condFn` holds: `while (condFn(v)) v = body(v)`, like jax.lax.while_loop.
 * Where the condition is known (eagerly, under grad or jvp) it is a JavaScript loop; where it is
 * not (under jit, or batched under vmap) the loop is staged as one `while` primitive
 * (while-loop.ts): then the body must keep the carry's structure, shapes and dtypes, JS numbers in
 * the carry stay fixed, a batched loop runs until every example is done, jvp works and reverse
 * mode (grad) is an error, as in JAX (use fori or scan).
 * @example whileLoop((s) => s.i < 10, (s) => ({ i: s.i + 1, x: np.mul(s.x, 2) }), { i: 0, x })
 */
export function whileLoop<T>(
  condFn: (value: T) => TensorLike | boolean,
  body: (value: T) => T,
  init: T,
): T {
  let value = init;
  for (;;) {
    // A carry whose values are not known stages the loop without a probe of the condition (which
    // jit would record as a dead equation).
    if (!valuesKnown(value)) return stagedWhileLoop(condFn, body, value);
    const c = condFn(value);
    const holds = typeof c === 'boolean' ? c : knownTruth('whileLoop', c);
    if (holds === undefined) return stagedWhileLoop(condFn, body, value);
    if (!holds) return value;
    value = body(value);
  }
}

/**
 * `for (let i = lower; i < upper; i++) value = body(i, value)`, with static bounds (so it runs,
 * unrolled, under jit too).
 * @example fori(0, 5, (i, x) => np.add(x, i), np.zeros([3]))
 */
export function fori<T>(
  lower: number,
  upper: number,
  body: (i: number, value: T) => T,
  init: T,
): T {
  if (!Number.isInteger(lower) || !Number.isInteger(upper)) {
    throw new TypeError(`fori: bounds must be integers, got ${lower} and ${upper}`);
  }
  let value = init;
  for (let i = lower; i < upper; i++) value = body(i, value);
  return value;
}

/**
 * Scans `f` over the leading axis of `xs` (a tensor or pytree of tensors) carrying state:
 * `[carry, y_i] = f(carry, x_i)`; returns the final carry and the stacked `y`s, like jax.lax.scan.
 * With `xs` null, `length` steps run with `x_i` undefined. With no steps the `y`s have a leading
 * axis of length 0, their shapes found by tracing `f` abstractly (as JAX does).
 * @example scan((c, x) => [np.add(c, x), c], np.array(0), np.array([1, 2, 3])) // [6, [0, 1, 3]]
 */
export function scan<C, X, Y>(
  f: (carry: C, x: X) => [C, Y],
  init: C,
  xs: X | null,
  options: { length?: number } = {},
): [C, TensorsOf<Y>] {
  if (xs === null && options.length === undefined) {
    throw new Error('scan: xs is null, so pass the number of steps as { length }');
  }
  const [leaves, def] = xs === null ? [[], undefined] : tensorLeaves(xs);
  const lengths = leaves.map((l) => l.shape[0]);
  const length = options.length ?? lengths[0];
  if (length === undefined || lengths.some((n) => n !== length)) {
    throw new Error(
      `scan: the leading axes of xs must agree (and with length): ${leaves.map((l) => fmt(l.shape)).join(', ')}` +
        (options.length !== undefined ? ` vs length ${options.length}` : ''),
    );
  }
  let carry = init;
  const ys: Y[] = [];
  for (let i = 0; i < length; i++) {
    const x =
      def === undefined
        ? (undefined as X)
        : unflatten<X>(
            def,
            leaves.map((l) => take(l, i, 0)),
          );
    const [next, y] = f(carry, x);
    carry = next;
    ys.push(y);
  }
  if (ys.length === 0) return [carry, emptyOutputs(f, init, leaves, def)];
  const [first, yDef] = tensorLeaves(ys[0]);
  const columns = first.map((_, k) =>
    stack(
      ys.map((y) => tensorLeaves(y)[0][k]),
      0,
    ),
  );
  return [carry, unflatten(yDef, columns)];
}

/**
 * The stacked outputs of a scan with no steps: `f`'s `y` for one step, found by tracing `f` on
 * abstract values, as zeros with a leading axis of 0.
 */
function emptyOutputs<C, X, Y>(
  f: (carry: C, x: X) => [C, Y],
  init: C,
  xLeaves: readonly Tensor[],
  xDef: TreeDef | undefined,
): TreeResult {
  const [cLeaves, cDef] = flatten(init);
  const isTensor = cLeaves.map((l) => l instanceof Tensor);
  const carry = cLeaves.filter((l): l is Tensor => l instanceof Tensor);
  const avals: Aval[] = [
    ...carry,
    ...xLeaves.map((l) => ({ shape: l.shape.slice(1), dtype: l.dtype })),
  ];
  let traced;
  try {
    traced = trace((ts) => {
      let k = 0;
      const c = unflatten<C>(
        cDef,
        cLeaves.map((l, i) => (isTensor[i] ? ts[k++] : l)),
      );
      const x = xDef === undefined ? (undefined as X) : unflatten<X>(xDef, ts.slice(k));
      return f(c, x)[1];
    }, avals);
  } catch (err) {
    if (!(err instanceof ConcretizationError)) throw err;
    throw new ConcretizationError(
      `scan: with no steps, f is traced on abstract values to find the shapes of its outputs, ` +
        `and it read a value: ${err.message}`,
    );
  }
  const { program, outDef } = traced;
  const zerosOf = (a: Atom) => {
    const { shape, dtype } = 'constant' in a ? a.constant : program.avals[a.variable];
    return zeros([0, ...shape], dtype);
  };
  return unflatten(outDef, program.outputs.map(zerosOf));
}
