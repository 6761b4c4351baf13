/**
 * Dense linear algebra behind the backend interface. A primitive calls `linalgRoutine`: the
 * inputs' backend runs its own routine (`Backend.linalg`) when it has one; otherwise the
 * documented fallback runs on the host (`host-kernel.ts`): download the inputs, the CPU routine
 * in float64, upload the outputs to the same backend; on a GPU in program order with its other
 * work (its own results are downloaded asynchronously, never read synchronously).
 */
import type { Aval } from '../core/primitive';
import { ConcreteTensor } from '../core/tensor';
import type { LinalgRoutine } from './backend';
import { hostLinalg } from './cpu/linalg-routines';
import { hostKernel } from './host-kernel';

/** The outputs (`outs`) of the routine `name` on `xs`, on the backend of `xs[0]`. */
export function linalgRoutine(
  name: LinalgRoutine,
  xs: readonly ConcreteTensor[],
  outs: readonly Aval[],
): ConcreteTensor[] {
  const own = xs[0].backend.linalg?.[name];
  if (!own) return hostFallback(name, xs, outs);
  return own(xs, outs).map((s, k) => new ConcreteTensor(s, outs[k].shape, outs[k].dtype));
}

/** Download, CPU routine, upload. */
export function hostFallback(
  name: LinalgRoutine,
  xs: readonly ConcreteTensor[],
  outs: readonly Aval[],
): ConcreteTensor[] {
  return hostKernel(name, xs, outs, (data) =>
    hostLinalg[name](
      data.map((d, k) => ({ data: d, shape: xs[k].shape })),
      outs,
    ),
  );
}
