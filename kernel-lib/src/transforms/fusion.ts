/**
 * Elementwise fusion for jitted programs. A chain of elementwise equations (primitives with a
 * scalar `expression`) of float or bool dtypes and one output shape, whose intermediates nothing
 * else reads, becomes one composed expression run by the backend in a single pass: no intermediate
 * buffers, one loop (the CPU backend compiles it once, see backends/cpu/compile.ts). A comparison
 * read by several fused consumers is recomputed in each (relu's mask).
 *
 * Float32 policy: each node of the composed expression is rounded to its dtype exactly where the
 * unfused program would have stored it (the expression semantics), so fused results are
 * bit-identical to eager ones, except for the transcendentals of `policy` `'polynomial'` (jit's
 * default): there a backend's `polynomialOps` are fused and may run as float32 polynomials within
 * their stated ulp bounds. With `'exact'` they run in float64 rounded once, as eagerly.
 */
import type { Aval } from '../core/primitive';
import { shapesEqual } from '../core/shape';
import { ConcreteTensor } from '../core/tensor';
import { getBackend } from '../backends';
import type { Backend, TranscendentalPolicy } from '../backends/backend';
import { directOp, input, substitute, type Expr } from '../backends/expression';
import type { Atom, Equation } from './program';

/** A fused chain: `output = expr(...inputs)` elementwise, with broadcasting of the inputs. */
export interface FusedStep {
  readonly fused: true;
  readonly inputs: readonly Atom[];
  /** The composed expression (`input(k)` reads `inputs[k]`). */
  readonly expr: Expr;
  readonly output: number;
  readonly aval: Aval;
  /** How many primitives the step replaces. */
  readonly size: number;
  /** How the backend may compute the transcendentals in `expr`. */
  readonly policy: TranscendentalPolicy;
}

/** What running a program does, in order: original equations and fused chains. */
export type Step = Equation | FusedStep;

const FUSED_DTYPES = new Set(['float32', 'float64', 'bool']);

const isFusible = (eq: Equation, avals: readonly Aval[], native: ReadonlySet<string>) =>
  eq.prim.expression !== undefined &&
  !native.has(directOp(eq.prim.expression(eq.params)) ?? '') &&
  eq.outputs.length === 1 &&
  FUSED_DTYPES.has(avals[eq.outputs[0]].dtype);

/**
 * The steps of a program with elementwise chains fused. `outputs` are the program's output atoms
 * (they must be materialized).
 */
export function fuse(
  equations: readonly Equation[],
  outputs: readonly Atom[],
  avals: readonly Aval[],
  backend: Backend = getBackend(),
  policy: TranscendentalPolicy = 'exact',
): Step[] {
  const uses = new Array<number>(avals.length).fill(0);
  const count = (a: Atom) => {
    if ('variable' in a) uses[a.variable] += 1;
  };
  equations.forEach((eq) => eq.inputs.forEach(count));
  outputs.forEach((a) => {
    if ('variable' in a) uses[a.variable] += 2; // never folded into a consumer
  });
  const producer = new Map<number, Equation>();
  const polynomial = policy === 'polynomial' ? backend.polynomialOps : undefined;
  const native = new Set([...(backend.nativeOps ?? [])].filter((op) => !polynomial?.has(op)));
  equations.forEach((eq) => {
    if (isFusible(eq, avals, native)) producer.set(eq.outputs[0], eq);
  });

  // A fusible value is folded into its consumer when that consumer is its only reader and is
  // itself fusible with the same shape (each value is rounded to its own dtype inside the fused
  // step); otherwise it is materialized. A bool read only by fusible consumers of its
  // shape (relu's mask, read forward and backward) is folded into each when it is one formula of
  // materialized values: recomputing a comparison costs less than storing it and reading it back.
  const readers = new Array<number>(avals.length).fill(0);
  for (const eq of equations) {
    if (!producer.has(eq.outputs[0])) continue;
    const { shape } = avals[eq.outputs[0]];
    for (const a of eq.inputs)
      if ('variable' in a && shapesEqual(avals[a.variable].shape, shape)) readers[a.variable] += 1;
  }
  const folded = new Set<number>();
  for (const v of producer.keys()) if (uses[v] === 1 && readers[v] === 1) folded.add(v);
  for (const [v, eq] of producer) {
    const single = eq.inputs.every((a) => !('variable' in a) || !folded.has(a.variable));
    if (avals[v].dtype === 'bool' && uses[v] > 1 && readers[v] === uses[v] && single) folded.add(v);
  }

  const steps: Step[] = [];
  for (const eq of equations) {
    const v = eq.outputs[0];
    if (folded.has(v)) continue; // computed inside its consumer's fused step
    if (!producer.has(v) || !eq.inputs.some((a) => 'variable' in a && folded.has(a.variable))) {
      steps.push(eq);
      continue;
    }
    steps.push({ ...generate(eq, producer, folded, avals), policy });
  }
  return steps;
}

/** Composes the expression of the chain ending at `root`. */
function generate(
  root: Equation,
  producer: ReadonlyMap<number, Equation>,
  folded: ReadonlySet<number>,
  avals: readonly Aval[],
): Omit<FusedStep, 'policy'> {
  const aval = avals[root.outputs[0]];
  const inputs: Atom[] = [];
  let size = 0;
  const argOf = (a: Atom): Expr => {
    if ('variable' in a && folded.has(a.variable)) return compose(producer.get(a.variable)!);
    let k = inputs.findIndex((b) => sameAtom(a, b));
    if (k < 0) k = inputs.push(a) - 1;
    return input(k);
  };
  const compose = (eq: Equation): Expr => {
    size += 1;
    return substitute(eq.prim.expression!(eq.params), eq.inputs.map(argOf));
  };
  const expr = compose(root);
  return { fused: true, inputs, expr, output: root.outputs[0], aval, size };
}

const sameAtom = (a: Atom, b: Atom) =>
  'variable' in a
    ? 'variable' in b && a.variable === b.variable
    : 'constant' in b && a.constant === b.constant;

/** Runs a fused step: the backend's elementwise kernel on the composed expression. */
export function runFused(step: FusedStep, xs: readonly ConcreteTensor[]): ConcreteTensor {
  const { shape, dtype } = step.aval;
  const storage = xs[0].backend.elementwise(step.expr, xs, shape, dtype, step.policy);
  return new ConcreteTensor(storage, shape, dtype);
}
