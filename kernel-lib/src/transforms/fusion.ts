/**
 * Elementwise fusion for jitted programs. A chain of elementwise equations (primitives with a
 * scalar `expression`) of one float dtype and one output shape, whose intermediates nothing else
 * reads, becomes one composed expression run by the backend in a single pass: no intermediate
 * buffers, one loop (the CPU backend compiles it once, see backends/cpu/compile.ts).
 *
 * Float32 policy: each node of the composed expression is rounded to its dtype exactly where the
 * unfused program would have stored it (the expression semantics), so fused results are
 * bit-identical to eager ones; transcendental formulas run in float64 and are rounded once, as the
 * eager kernels do.
 */
import type { Aval } from '../core/primitive';
import { shapesEqual } from '../core/shape';
import { ConcreteTensor } from '../core/tensor';
import { getBackend } from '../backends';
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
}

/** What running a program does, in order: original equations and fused chains. */
export type Step = Equation | FusedStep;

const isFusible = (eq: Equation, avals: readonly Aval[], native: ReadonlySet<string>) =>
  eq.prim.expression !== undefined &&
  !native.has(directOp(eq.prim.expression(eq.params)) ?? '') &&
  eq.outputs.length === 1 &&
  (avals[eq.outputs[0]].dtype === 'float32' || avals[eq.outputs[0]].dtype === 'float64');

/**
 * The steps of a program with elementwise chains fused. `outputs` are the program's output atoms
 * (they must be materialized).
 */
export function fuse(
  equations: readonly Equation[],
  outputs: readonly Atom[],
  avals: readonly Aval[],
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
  const native = getBackend().nativeOps ?? new Set();
  equations.forEach((eq) => {
    if (isFusible(eq, avals, native)) producer.set(eq.outputs[0], eq);
  });

  // A fusible value is folded into its consumer when that consumer is its only reader and is
  // itself fusible with the same dtype and shape; otherwise it is materialized.
  const folded = new Set<number>();
  for (const eq of equations) {
    if (!producer.has(eq.outputs[0])) continue;
    const out = avals[eq.outputs[0]];
    for (const a of eq.inputs) {
      if (!('variable' in a) || uses[a.variable] !== 1 || !producer.has(a.variable)) continue;
      const inner = avals[a.variable];
      if (inner.dtype === out.dtype && shapesEqual(inner.shape, out.shape)) folded.add(a.variable);
    }
  }

  const steps: Step[] = [];
  for (const eq of equations) {
    const v = eq.outputs[0];
    if (folded.has(v)) continue; // computed inside its consumer's fused step
    if (!producer.has(v) || !eq.inputs.some((a) => 'variable' in a && folded.has(a.variable))) {
      steps.push(eq);
      continue;
    }
    steps.push(generate(eq, producer, folded, avals[v]));
  }
  return steps;
}

/** Composes the expression of the chain ending at `root`. */
function generate(
  root: Equation,
  producer: ReadonlyMap<number, Equation>,
  folded: ReadonlySet<number>,
  aval: Aval,
): FusedStep {
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
  return new ConcreteTensor(xs[0].backend.elementwise(step.expr, xs, shape, dtype), shape, dtype);
}
