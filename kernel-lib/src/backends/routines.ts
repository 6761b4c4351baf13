/**
 * Where a routine without a kernel kind of its own (sort, argsort, cumsum, conv) is routed: the
 * operands' backend runs its native kernel when it has one and covers these operands
 * (`Backend.routines`, e.g. WGSL kernels on WebGPU); otherwise the CPU loop runs as a host
 * kernel (`host-kernel.ts`: at once on host data, or as an ordered host step on a device).
 */
import type { Aval } from '../core/primitive';
import { ConcreteTensor } from '../core/tensor';
import type { HostKernel, RoutineName, RoutineParams } from './backend';
import { hostKernel } from './host-kernel';

/** The outputs `outs` of routine `name` on `xs`: the backend's kernel, else `host` on the host. */
export function runRoutine<R extends RoutineName>(
  name: R,
  xs: readonly ConcreteTensor[],
  outs: readonly Aval[],
  params: RoutineParams[R],
  host: HostKernel,
): ConcreteTensor[] {
  const storages = xs[0].backend.routines?.[name]?.(xs, outs, params);
  if (!storages) return hostKernel(name, xs, outs, host);
  return storages.map((s, k) => new ConcreteTensor(s, outs[k].shape, outs[k].dtype));
}
