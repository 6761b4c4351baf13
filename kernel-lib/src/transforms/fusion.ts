/**
 * Elementwise fusion for jitted programs. A chain of elementwise equations (primitives with a
 * `scalar` formula) of float or bool dtypes and one output shape, whose intermediates nothing else
 * reads, becomes one generated function run in a single pass: no intermediate buffers, one loop.
 * A comparison read by several fused consumers is recomputed in each (relu's mask).
 *
 * Float32 policy: each intermediate is rounded to float32 (Math.fround) exactly where the unfused
 * program would have stored it, so fused results are bit-identical to eager ones; transcendental
 * functions keep running in float64 lanes and are rounded once, as the eager kernels do.
 */
import { allocate, type TypedArray } from '../core/dtype';
import type { Aval } from '../core/primitive';
import { shapesEqual, sizeOf } from '../core/shape';
import { ConcreteTensor } from '../core/tensor';
import { getBackend, tensorFromHost } from '../backends';
import type { ScalarFn } from '../backends/backend';
import type { Atom, Equation } from './program';

/** A fused chain: `output = fn(...inputs)` elementwise, with broadcasting of the inputs. */
export interface FusedStep {
  readonly fused: true;
  readonly inputs: readonly Atom[];
  readonly fn: ScalarFn;
  /** The chain as a loop over typed arrays, for a pattern of one-element inputs. */
  readonly loop: (scalars: readonly boolean[]) => FusedLoop;
  readonly output: number;
  readonly aval: Aval;
  /** How many primitives the step replaces. */
  readonly size: number;
}

/** What running a program does, in order: original equations and fused chains. */
export type Step = Equation | FusedStep;

const FUSED_DTYPES = new Set(['float32', 'float64', 'bool']);

const isFusible = (eq: Equation, avals: readonly Aval[], native: ReadonlySet<string>) =>
  eq.prim.scalar !== undefined &&
  !native.has(eq.prim.scalar.op ?? '') &&
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
    steps.push(generate(eq, producer, folded, avals));
  }
  return steps;
}

/** Generates the fused function of the chain ending at `root`. */
function generate(
  root: Equation,
  producer: ReadonlyMap<number, Equation>,
  folded: ReadonlySet<number>,
  avals: readonly Aval[],
): FusedStep {
  const aval = avals[root.outputs[0]];
  const inputs: Atom[] = [];
  const fns: ScalarFn[] = [];
  const lines: string[] = [];
  let size = 0;
  const argOf = (a: Atom): string => {
    if ('variable' in a && folded.has(a.variable)) return emit(producer.get(a.variable)!);
    let k = inputs.findIndex((b) => sameAtom(a, b));
    if (k < 0) k = inputs.push(a) - 1;
    return `x${k}`;
  };
  const emit = (eq: Equation): string => {
    const args = eq.inputs.map(argOf);
    fns.push(eq.prim.scalar!);
    size += 1;
    const t = `t${lines.length}`;
    const call = `f${fns.length - 1}(${args.join(', ')})`;
    // each value rounded to its own dtype, where the unfused program would have stored it
    const round = avals[eq.outputs[0]].dtype === 'float32';
    lines.push(`const ${t} = ${round ? `fround(${call})` : call};`);
    return t;
  };
  const result = emit(root);
  // The formulas are passed in, not inlined as text: they stay the primitives' own definitions.
  const names = ['fround', ...fns.map((_, i) => `f${i}`)];
  const compile = (body: string) =>
    (new Function(...names, body) as (...fs: unknown[]) => never)(Math.fround, ...fns);
  const params = inputs.map((_, i) => `x${i}`).join(', ');
  const fn: ScalarFn = compile(
    `return function fused(${params}) {\n${lines.join('\n')}\nreturn ${result};\n};`,
  );
  const loops = new Map<string, FusedLoop>();
  // One loop per pattern of scalar inputs: x[i] for full-size inputs, x[0] for one-element ones.
  const loop = (scalars: readonly boolean[]): FusedLoop => {
    const key = scalars.map(Number).join('');
    let l = loops.get(key);
    if (l === undefined) {
      const reads = inputs.map((_, k) => `const x${k} = d${k}[${scalars[k] ? 0 : 'i'}];`);
      const ds = inputs.map((_, k) => `d${k}`).join(', ');
      l = compile(
        `return function fusedLoop(out, n, ${ds}) {\nfor (let i = 0; i < n; i++) {\n` +
          `${[...reads, ...lines].join('\n')}\nout[i] = ${result};\n}\n};`,
      );
      loops.set(key, l);
    }
    return l;
  };
  return { fused: true, inputs, fn, loop, output: root.outputs[0], aval, size };
}

const sameAtom = (a: Atom, b: Atom) =>
  'variable' in a
    ? 'variable' in b && a.variable === b.variable
    : 'constant' in b && a.constant === b.constant;

/** A fused chain as one loop over typed arrays: `out[i] = chain(d0[i or 0], d1[i or 0], ...)`. */
export type FusedLoop = (out: TypedArray, n: number, ...data: TypedArray[]) => void;

/**
 * Runs a fused step: one generated loop when every input has the output's shape or one element
 * (the common case), else the backend's broadcasting elementwise kernel with the fused formula.
 */
export function runFused(step: FusedStep, xs: readonly ConcreteTensor[]): ConcreteTensor {
  const { shape, dtype } = step.aval;
  const simple = xs.every((x) => x.size === 1 || shapesEqual(x.shape, shape));
  if (!simple)
    return new ConcreteTensor(xs[0].backend.elementwise(step.fn, xs, shape, dtype), shape, dtype);
  const n = sizeOf(shape);
  const out = allocate(dtype, n);
  step.loop(xs.map((x) => x.size === 1 && n !== 1))(out, n, ...xs.map((x) => x.readSync()));
  return tensorFromHost(out, shape, dtype);
}
