/**
 * `jit`, after jax.jit: the function is traced once per input signature (shapes, dtypes, pytree
 * structure, static arguments) with abstract values, which only know their shape and dtype, into
 * a `Program`; later calls with the same signature replay the program. Replaying binds each
 * primitive again, so a jitted function composes with every transform, both ways round:
 * `grad(jit(f))` differentiates the replay, `jit(grad(f))` records the backward pass too.
 */
import type { AnyPrimitive, Aval } from '../core/primitive';
import {
  isPlainObject,
  tensorLeaves,
  unflatten,
  type TreeDef,
  type TreeResult,
} from '../core/pytree';
import { fmt } from '../core/shape';
import { ConcretizationError, isTracerOf, Trace, Tracer, withTrace } from '../core/trace';
import type { Tensor } from '../core/tensor';
import type { TranscendentalPolicy } from '../backends/backend';
import { installEvalShape } from '../primitives/special';
import { Program, type Atom, type Equation } from './program';

/** A value while tracing: a variable of the program (only its aval is known), or a constant. */
class AbstractTracer extends Tracer {
  constructor(
    readonly trace: JitTrace,
    readonly atom: Atom,
    readonly aval: Aval,
  ) {
    super();
  }

  get primal(): Tensor {
    if ('constant' in this.atom) return this.atom.constant;
    throw new ConcretizationError(
      `jit: the value of a traced tensor (${this.aval.dtype}${fmt(this.aval.shape)}) is not known ` +
        'while tracing. Branch on data with np.where or cond, loop with fori or scan, or pass the ' +
        'value as a static argument: jit(f, { staticArgnums: [i] })',
    );
  }

  override get shape(): readonly number[] {
    return this.aval.shape;
  }

  override get dtype() {
    return this.aval.dtype;
  }

  override toString(): string {
    return `Traced<${this.aval.dtype}${fmt(this.aval.shape)}>`;
  }
}

/** Records every primitive applied to abstract values as an equation. */
class JitTrace extends Trace {
  readonly equations: Equation[] = [];
  readonly avals: Aval[] = [];
  /** A constant that is itself a tracer of an outer transform: the program is only valid now. */
  capturedTracer = false;
  private readonly lifted = new Map<Tensor, AbstractTracer>();

  variable(aval: Aval): AbstractTracer {
    this.avals.push({ shape: [...aval.shape], dtype: aval.dtype });
    return new AbstractTracer(this, { variable: this.avals.length - 1 }, aval);
  }

  lift(x: Tensor): AbstractTracer {
    let t = this.lifted.get(x);
    if (t === undefined) {
      if (x instanceof Tracer) this.capturedTracer = true;
      t = new AbstractTracer(this, { constant: x }, { shape: x.shape, dtype: x.dtype });
      this.lifted.set(x, t);
    }
    return t;
  }

  process(prim: AnyPrimitive, tracers: AbstractTracer[], params: unknown): AbstractTracer[] {
    const outs = prim.abstractEval(
      tracers.map((t) => t.aval),
      params,
    );
    const ys = outs.map((a) => this.variable(a));
    this.equations.push({
      prim,
      inputs: tracers.map((t) => t.atom),
      params,
      outputs: ys.map((y) => (y.atom as { variable: number }).variable),
    });
    return ys;
  }
}

/** What tracing gives: the program and how to rebuild the output pytree. */
interface Compiled {
  program: Program;
  outDef: TreeDef;
  compileMs: number;
}

/** Traces `f` on abstract leaves of the given avals (also the sub-programs of control flow). */
export function trace(
  f: (leaves: Tensor[]) => unknown,
  avals: readonly Aval[],
): Compiled & { reusable: boolean } {
  const started = performance.now();
  return withTrace(
    (level) => new JitTrace(level),
    (jt) => {
      const inputs = avals.map((a) => jt.variable(a));
      const [outs, outDef] = tensorLeaves(f(inputs));
      const atoms = outs.map((y) =>
        isTracerOf(y, jt) ? (y as AbstractTracer).atom : jt.lift(y).atom,
      );
      const program = new Program(
        inputs.map((t) => (t.atom as { variable: number }).variable),
        jt.equations,
        atoms,
        jt.avals,
      );
      return {
        program,
        outDef,
        compileMs: performance.now() - started,
        reusable: !jt.capturedTracer,
      };
    },
  );
}

/**
 * The output avals of `fn` applied to inputs of `avals`, found by tracing without computing
 * anything (jax.eval_shape).
 * @example evalShape((x) => np.matmul(x, x), [{ shape: [3, 3], dtype: 'float32' }])
 */
export function evalShape(fn: (...xs: Tensor[]) => unknown, avals: readonly Aval[]): Aval[] {
  const { program } = trace((xs) => fn(...xs), avals);
  return program.outputs.map((a) =>
    'constant' in a
      ? { shape: a.constant.shape, dtype: a.constant.dtype }
      : program.avals[a.variable],
  );
}

installEvalShape(evalShape);

/** Options of {@link jit}. */
export interface JitOptions {
  /** Positional arguments that are part of the signature by value (numbers, strings, objects). */
  staticArgnums?: number | readonly number[];
  /**
   * float32 exp, tanh, logistic and log inside fused chains: `'polynomial'` (default, as XLA and
   * jax-js do) runs the backend's float32 polynomials (wasm: exp, log 1, tanh 2, logistic 3 ulp);
   * `'exact'` keeps them bit-identical with the eager results (float64 formulas rounded once).
   */
  transcendentals?: TranscendentalPolicy;
}

/** A jitted function: call it as `f`; it also tells what tracing cost and shows its program. */
export interface Jitted<F extends (...args: never[]) => unknown> {
  (...args: Parameters<F>): TreeResult;
  /** The program traced for these arguments (traced now if new), as text with `String(p)`. */
  trace(...args: Parameters<F>): Program;
  /** Signatures traced so far. */
  readonly cacheSize: number;
  /** Milliseconds the last trace took (0 before the first call). */
  readonly lastCompileMs: number;
}

/**
 * Compiles `f` by tracing: the first call with a new signature (shapes, dtypes and structure of
 * the arguments, values of static ones) records the primitives `f` applies; later calls replay
 * them. Values are unknown while tracing, so branch on data with `np.where` or `cond`.
 * @example const step = jit((w: Tensor, x: Tensor) => np.tanh(np.matmul(x, w))); step(w, x)
 */
export function jit<F extends (...args: never[]) => unknown>(
  f: F,
  options: JitOptions = {},
): Jitted<F> {
  const staticNums = new Set(
    typeof options.staticArgnums === 'number'
      ? [options.staticArgnums]
      : (options.staticArgnums ?? []),
  );
  const cache = new Map<string, Compiled>();
  let lastCompileMs = 0;

  const prepare = (args: unknown[]) => {
    const traced = args.map((a, i) => (staticNums.has(i) ? null : a));
    const [leaves, inDef] = tensorLeaves(traced);
    const statics = args.map((a, i) => (staticNums.has(i) ? staticKey(a) : null));
    const key = JSON.stringify([
      defKey(inDef),
      statics,
      leaves.map((l) => `${l.dtype}${fmt(l.shape)}`),
    ]);
    let compiled = cache.get(key);
    if (compiled === undefined) {
      const call = (inputs: Tensor[]) => {
        const rebuilt = unflatten<unknown[]>(inDef, inputs);
        return f(...(rebuilt.map((a, i) => (staticNums.has(i) ? args[i] : a)) as never[]));
      };
      const { reusable, ...fresh } = trace(call, leaves);
      lastCompileMs = fresh.compileMs;
      compiled = fresh;
      if (reusable) cache.set(key, compiled);
    }
    return { compiled, leaves };
  };

  const jitted = (...args: Parameters<F>): TreeResult => {
    const { compiled, leaves } = prepare(args);
    const policy = options.transcendentals ?? 'polynomial';
    return unflatten(compiled.outDef, compiled.program.run(leaves, policy));
  };
  return Object.defineProperties(jitted, {
    trace: { value: (...args: Parameters<F>) => prepare(args).compiled.program },
    cacheSize: { get: () => cache.size },
    lastCompileMs: { get: () => lastCompileMs },
  }) as Jitted<F>;
}

/** A cache key for a pytree structure; static parts by value where JSON can say it, else identity. */
function defKey(def: TreeDef): unknown {
  switch (def.kind) {
    case 'leaf':
      return 0;
    case 'array':
      return def.children.map(defKey);
    case 'object':
      return [def.keys, def.children.map(defKey)];
    case 'static':
      return { s: staticKey(def.value) };
  }
}

const identities = new WeakMap<object, number>();
const symbolIdentities = new Map<symbol, number>();
let nextIdentity = 0;

/** A number that stands for `value` alone, for values whose contents a key cannot show. */
function identityOf(value: object | symbol): number {
  const known = typeof value === 'symbol' ? symbolIdentities.get(value) : identities.get(value);
  if (known !== undefined) return known;
  const id = nextIdentity++;
  if (typeof value === 'symbol') symbolIdentities.set(value, id);
  else identities.set(value, id);
  return id;
}

/**
 * A JSON-able cache key for a static value. Plain JSON would merge values the cache must tell
 * apart (NaN and ±Infinity become null, functions and undefined fields vanish), so numbers that
 * are not finite, undefined, and user objects are tagged; arrays and plain objects are keyed by
 * content; everything else (functions, class instances, tensors, cycles) by identity.
 */
function staticKey(value: unknown, open = new Set<object>()): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : { n: String(value) };
    case 'string':
    case 'boolean':
      return value;
    case 'undefined':
      return { u: 1 };
    case 'bigint':
      return { b: String(value) };
    case 'symbol':
      return { id: identityOf(value) };
  }
  if (value === null) return null;
  const obj = value as object;
  if (open.has(obj) || !(Array.isArray(obj) || isPlainObject(obj))) return { id: identityOf(obj) };
  open.add(obj);
  const key = Array.isArray(obj)
    ? obj.map((v) => staticKey(v, open))
    : { o: Object.entries(obj).map(([k, v]) => [k, staticKey(v, open)]) };
  open.delete(obj);
  return key;
}
