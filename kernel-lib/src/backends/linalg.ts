/**
 * Dense linear algebra behind the backend interface. A primitive calls `linalgRoutine`: the
 * inputs' backend runs its own routine (`Backend.linalg`) when it has one; otherwise the
 * documented fallback runs on the host: download the inputs (`readSync`), the CPU routine in
 * float64, upload the outputs (`fromHost`) to the same backend. Inputs a device cannot read
 * synchronously (its own results on a GPU) raise `DeviceReadError`, which `bind` reports with
 * the primitive's name: such a backend provides the routines it supports, or the user moves the
 * data to the CPU first.
 */
import type { Aval } from '../core/primitive';
import { ConcreteTensor } from '../core/tensor';
import type { Backend, LinalgRoutine, Storage } from './backend';
import { hostLinalg } from './cpu/linalg-routines';

/** The outputs (`outs`) of the routine `name` on `xs`, on the backend of `xs[0]`. */
export function linalgRoutine(
  name: LinalgRoutine,
  xs: readonly ConcreteTensor[],
  outs: readonly Aval[],
): ConcreteTensor[] {
  const backend = xs[0].backend;
  const own = backend.linalg?.[name];
  const storages = own ? own(xs, outs) : hostFallback(name, backend, xs, outs);
  return storages.map((s, k) => new ConcreteTensor(s, outs[k].shape, outs[k].dtype));
}

/** Download, CPU routine, upload. */
export function hostFallback(
  name: LinalgRoutine,
  backend: Backend,
  xs: readonly ConcreteTensor[],
  outs: readonly Aval[],
): Storage[] {
  const host = xs.map((x) => ({ data: x.readSync(), shape: x.shape }));
  return hostLinalg[name](host, outs).map((r) => backend.fromHost(r));
}
