/**
 * The host fallback: a routine a device has no kernel for (sort, cumsum, conv, the dense
 * factorizations) runs on the CPU. Operands the host can read (CPU data, or data uploaded to a
 * device, which keeps its host copy) are computed at once and the results put on the operands'
 * backend. Operands only a device holds go through the device's `runOnHost`: download, CPU,
 * upload, in program order with the device's other work (a GPU cannot be read synchronously, so
 * the outputs are handed out at once and filled in when the inputs have arrived).
 */
import type { Aval } from '../core/primitive';
import { ConcreteTensor } from '../core/tensor';
import type { HostKernel } from './backend';

/**
 * The outputs `outs` of routine `name`'s `kernel` on `xs`, on the backend of `xs[0]`. A kernel
 * whose results do not match `outs` is a bug named here (on a device it would surface later, at
 * the next read, far from its cause).
 */
export function hostKernel(
  name: string,
  xs: readonly ConcreteTensor[],
  outs: readonly Aval[],
  kernel: HostKernel,
): ConcreteTensor[] {
  const backend = xs[0].backend;
  const checked: HostKernel = (data) => {
    const results = kernel(data);
    const sizes = outs.map((o) => o.shape.reduce((a, b) => a * b, 1));
    if (results.length !== outs.length || results.some((r, k) => r.length !== sizes[k]))
      throw new Error(
        `${name} (host routine): returned ${results.length} arrays of lengths ` +
          `[${results.map((r) => r.length).join(', ')}] for outputs of shapes ` +
          `${outs.map((o) => `[${o.shape.join(', ')}]`).join(', ')}`,
      );
    return results;
  };
  const storages =
    backend.runOnHost && !xs.every((x) => x.readableSync)
      ? backend.runOnHost(xs, outs, checked)
      : checked(xs.map((x) => x.readSync())).map((data) => backend.fromHost(data));
  return storages.map((s, k) => new ConcreteTensor(s, outs[k].shape, outs[k].dtype));
}
