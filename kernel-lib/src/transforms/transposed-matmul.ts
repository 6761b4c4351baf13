/**
 * Transposes folded into matmuls, for jitted programs: `t = transpose(x)` (last two axes swapped)
 * read by a matmul becomes a matmul that reads `x` as transposed (the backend's `transpose`
 * flags), and the transpose is dropped when nothing else reads it. The matmul gradient's
 * `ct @ Bᵀ` and `Aᵀ @ ct` then copy nothing. Results are those of the materialized transpose.
 */
import type { Aval } from '../core/primitive';
import { ConcreteTensor } from '../core/tensor';
import type { MatmulTranspose } from '../backends/backend';
import type { MatmulParams } from '../primitives/linalg';
import { matmulStored } from '../backends/swap-last';
import type { Step } from './fusion';
import type { Atom } from './program';

/** `output = op(inputs[0]) @ op(inputs[1])`, op transposing the operands flagged in `transpose`. */
export interface TransposedMatmulStep {
  readonly transposedMatmul: true;
  readonly inputs: readonly [Atom, Atom];
  readonly transpose: MatmulTranspose;
  readonly output: number;
  readonly aval: Aval;
}

/** True for a permutation that swaps the last two axes and keeps the others. */
function swapsLastTwo(perm: readonly number[]): boolean {
  const r = perm.length;
  return r >= 2 && perm.every((p, i) => (i < r - 2 ? p === i : p === 2 * r - 3 - i));
}

/** The steps with transposes folded into the matmuls that read them. */
export function foldTransposes(
  steps: readonly Step[],
  outputs: readonly Atom[],
  avals: readonly Aval[],
): (Step | TransposedMatmulStep)[] {
  const source = new Map<number, Atom>(); // transpose output -> what it transposes
  const uses = new Array<number>(avals.length).fill(0);
  for (const step of steps) {
    for (const a of step.inputs) if ('variable' in a) uses[a.variable] += 1;
    if ('prim' in step && step.prim.name === 'transpose') {
      const { perm } = step.params as { perm: readonly number[] };
      if (swapsLastTwo(perm)) source.set(step.outputs[0], step.inputs[0]);
    }
  }
  for (const a of outputs) if ('variable' in a) uses[a.variable] += 1;

  const absorbed = new Array<number>(avals.length).fill(0);
  const folded = steps.map((step): Step | TransposedMatmulStep => {
    if (!('prim' in step) || step.prim.name !== 'matmul') return step;
    const [a, b] = step.inputs;
    const from = (x: Atom) => ('variable' in x ? source.get(x.variable) : undefined);
    const [sa, sb] = [from(a), from(b)];
    if (sa === undefined && sb === undefined) return step;
    for (const x of [a, b])
      if (from(x) !== undefined) absorbed[(x as { variable: number }).variable] += 1;
    // the matmul's own flags compose with the folded transposes: transposing twice reads as stored
    const own = step.params as MatmulParams;
    return {
      transposedMatmul: true,
      inputs: [sa ?? a, sb ?? b],
      transpose: {
        a: (sa !== undefined) !== (own.transposeA ?? false),
        b: (sb !== undefined) !== (own.transposeB ?? false),
      },
      output: step.outputs[0],
      aval: avals[step.outputs[0]],
    };
  });
  // A transpose every reader of which now reads its source is not computed at all.
  return folded.filter(
    (s) =>
      !('prim' in s && source.has(s.outputs[0]) && absorbed[s.outputs[0]] === uses[s.outputs[0]]),
  );
}

/**
 * Runs a folded matmul on its operands' backend; one that reads no transposed operands (tensors
 * placed on another device than the plan's backend) gets the transposes materialized.
 */
export function runTransposedMatmul(
  step: TransposedMatmulStep,
  [a, b]: readonly ConcreteTensor[],
): ConcreteTensor {
  const { shape, dtype } = step.aval;
  return new ConcreteTensor(matmulStored(a, b, shape, step.transpose), shape, dtype);
}
