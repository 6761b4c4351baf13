/**
 * The trace stack and `bind`, the one entry point of every primitive.
 *
 * Plan: each transform (jvp, vjp, graph capture) pushes a Trace with the next level and wraps its
 * inputs in Tracers of that trace. `bind(prim, xs)` finds the highest-level trace among its inputs,
 * lifts the other inputs into it, and lets that trace interpret the primitive. A trace computes its
 * primal outputs by binding again with the unwrapped values, which lands one level lower; at the
 * bottom, concrete tensors run the backend kernel. Nesting levels is what makes `jvp(grad(f))`
 * (an HVP) and `grad(grad(f))` work without special cases. All traces are eager: tracers always
 * carry a concrete value underneath, so data-dependent control flow works as in PyTorch.
 */
import type { Backend } from '../backends/backend';
import type { AnyPrimitive, Aval } from './primitive';
import { ConcreteTensor, DeviceReadError, Tensor } from './tensor';
import { placeOperands, unsupportedDType } from './placement';

/** An interpreter on the stack. */
export abstract class Trace {
  constructor(readonly level: number) {}

  /**
   * A dynamic trace also interprets operations on constants alone (graph capture, so a captured
   * graph shows every operation run inside the function, as JAX's make_jaxpr does).
   */
  readonly dynamic: boolean = false;

  /** Wraps a value from a lower level (a constant for this trace). */
  abstract lift(x: Tensor): Tracer;

  /** Interprets one primitive applied to tracers of this trace. */
  abstract process(prim: AnyPrimitive, xs: Tracer[], params: unknown): Tracer[];

  /** What the transform is applied to, e.g. `jvp(f)` (graph capture titles a graph with it). */
  label?: string;

  /** Called when a trace is pushed above this one (graph capture notes the first transform). */
  innerTraceStarted?(inner: Trace): void;

  /**
   * Called by forward mode with the tangent, and by reverse mode with the final cotangent, of a
   * value of this trace (graph capture summarizes them per node).
   */
  noteDerivative?(kind: 'tangent' | 'cotangent', value: Tracer, derivative: Tensor): void;
}

/**
 * Hands `derivative` (the tangent or cotangent of `value`) to the first trace below that notes
 * derivatives, walking down the primal chain.
 */
export function reportDerivative(
  kind: 'tangent' | 'cotangent',
  value: Tensor,
  derivative: Tensor,
): void {
  if (!stack.some((t) => t.noteDerivative)) return;
  try {
    for (let x: Tensor = value; x instanceof Tracer; x = x.primal) {
      if (x.trace.noteDerivative) {
        x.trace.noteDerivative(kind, x, derivative);
        return;
      }
    }
  } catch {
    // An abstract tracer (jit) has no value underneath: there is nothing to summarize.
  }
}

/** A value flowing through a trace. */
export abstract class Tracer extends Tensor {
  abstract readonly trace: Trace;
  /** The value one level down. */
  abstract readonly primal: Tensor;

  get shape(): readonly number[] {
    return this.primal.shape;
  }

  get dtype() {
    return this.primal.dtype;
  }

  concrete(): ConcreteTensor {
    // Iterative, so that deeply nested transforms cannot overflow the stack.
    let x: Tensor = this;
    while (x instanceof Tracer) x = x.readable();
    return x as ConcreteTensor;
  }

  /**
   * The value one level down that holds this tracer's data: the primal, except under vmap, where a
   * batched value holds every example at once and refuses (see `BatchTracer`).
   */
  protected readable(): Tensor {
    return this.primal;
  }
}

/**
 * Reading the values of a tensor whose values are not known here: an abstract value under `jit`,
 * or a batch of values under `vmap` (JAX's ConcretizationTypeError).
 */
export class ConcretizationError extends Error {
  override name = 'ConcretizationError';
}

const stack: Trace[] = [];

/** True while any transform is running (some trace is on the stack). */
export function isTracing(): boolean {
  return stack.length > 0;
}

/** Runs `fn` with a new trace of the next level on the stack. */
export function withTrace<T extends Trace, R>(make: (level: number) => T, fn: (trace: T) => R): R {
  const trace = make(stack.length + 1);
  for (const below of stack) below.innerTraceStarted?.(trace);
  stack.push(trace);
  try {
    return fn(trace);
  } finally {
    stack.pop();
  }
}

/** True if `x` is a tracer belonging to exactly `trace`. */
export function isTracerOf(x: unknown, trace: Trace): x is Tracer {
  return x instanceof Tracer && x.trace === trace;
}

/** Applies a primitive: the single entry point every operation goes through. */
export function bind(prim: AnyPrimitive, xs: readonly Tensor[], params: unknown = {}): Tensor[] {
  let top: Trace | undefined;
  for (const x of xs) {
    if (x instanceof Tracer && (top === undefined || x.trace.level > top.level)) top = x.trace;
  }
  if (top === undefined) top = innermostDynamicTrace(ceiling);
  if (top === undefined) return evaluate(prim, xs as ConcreteTensor[], params);
  if (stack[top.level - 1] !== top) {
    throw new Error(
      `${prim.name}: a tracer escaped its transform (it was saved outside the function being ` +
        'transformed, e.g. in a global); pass it as an argument or return it instead',
    );
  }
  const trace = top;
  const tracers = xs.map((x) => (x instanceof Tracer && x.trace === trace ? x : trace.lift(x)));
  // While a trace interprets a primitive, everything it binds belongs to lower levels.
  const saved = ceiling;
  ceiling = trace.level - 1;
  try {
    return trace.process(prim, tracers, params);
  } finally {
    ceiling = saved;
  }
}

/** The highest level a constant-only operation may be recorded at (lowered inside `process`). */
let ceiling = Infinity;

/** The highest dynamic trace at or below `maxLevel`, if any. */
function innermostDynamicTrace(maxLevel: number): Trace | undefined {
  for (let i = Math.min(stack.length, maxLevel) - 1; i >= 0; i--)
    if (stack[i].dynamic) return stack[i];
  return undefined;
}

/** Binds a single-output primitive. */
export function bind1(prim: AnyPrimitive, xs: readonly Tensor[], params: unknown = {}): Tensor {
  return bind(prim, xs, params)[0];
}

/** Sees every kernel run (debug tools such as NaN provenance); `undefined` when none is set. */
export type EvalObserver = (
  prim: AnyPrimitive,
  xs: readonly ConcreteTensor[],
  ys: readonly ConcreteTensor[],
  params: unknown,
) => void;

let observer: EvalObserver | undefined;

/** True when an observer of kernel runs is installed (such tools want every primitive run). */
export function hasEvalObserver(): boolean {
  return observer !== undefined;
}

/** Installs (or with `undefined` removes) the observer of kernel runs; returns the previous one. */
export function setEvalObserver(next: EvalObserver | undefined): EvalObserver | undefined {
  const previous = observer;
  observer = next;
  return previous;
}

/**
 * A host kernel's result (computed on the CPU from the operands' host data) uploaded to the
 * operands' device: the fallback for operations without a device kernel.
 */
function onDevice(y: ConcreteTensor, backend: Backend): ConcreteTensor {
  if (y.backend === backend || y.device === backend.device) return y;
  return new ConcreteTensor(backend.fromHost(y.readSync()), y.shape, y.dtype);
}

/** Checks shapes and dtypes, puts the operands on one device, then runs the kernel. */
function evaluate(prim: AnyPrimitive, given: readonly ConcreteTensor[], params: unknown): Tensor[] {
  const outs: Aval[] = prim.abstractEval(given, params);
  const xs = placeOperands(prim.name, given);
  const backend = xs[0]?.backend;
  if (backend?.dtypes) {
    for (const a of [...xs, ...outs]) {
      if (!backend.dtypes.includes(a.dtype)) throw unsupportedDType(prim.name, a.dtype, backend);
    }
  }
  let ys: Tensor[];
  try {
    ys = prim.impl(xs, params, outs);
  } catch (e) {
    if (e instanceof DeviceReadError && e.op === 'reading data') {
      throw new DeviceReadError(prim.name, xs[0], ' (this operation runs on the host)');
    }
    throw e;
  }
  if (backend?.device !== undefined) ys = ys.map((y) => onDevice(y as ConcreteTensor, backend));
  for (const x of xs) {
    if (!x.committed) continue;
    for (const y of ys) (y as ConcreteTensor).committed = true;
    break;
  }
  if (observer) observer(prim, xs, ys as ConcreteTensor[], params);
  return ys;
}
