/**
 * One device per operation, after JAX: a tensor placed explicitly (`x.to(d)`, `devicePut`) is
 * committed to its device, and so is everything computed from it; an operation moves its
 * uncommitted operands that live on the CPU (constants, JS numbers, `np.array(...)`) to the
 * committed operands' device. Two committed operands on different devices are an error, as is an
 * uncommitted operand that cannot be moved synchronously (a GPU result needed on the CPU).
 */
import type { Backend } from '../backends/backend';
import type { DType } from './dtype';
import { ConcreteTensor } from './tensor';

const describe = (x: ConcreteTensor, i: number) =>
  `operand ${i} (${x.dtype}[${x.shape}]) on ${x.device}${x.committed ? ' (placed there)' : ''}`;

/** The operands, all on one device (uncommitted CPU ones uploaded), or an error naming `op`. */
export function placeOperands(
  op: string,
  xs: readonly ConcreteTensor[],
): readonly ConcreteTensor[] {
  if (xs.length < 2) return xs;
  const device = xs[0].device;
  let same = true; // a plain loop: this runs for every eager operation
  for (let i = 1; i < xs.length && same; i++) same = xs[i].device === device;
  if (same) return xs;
  const committed = xs.filter((x) => x.committed);
  const targets = new Set(committed.map((x) => x.device));
  const mismatch = () => {
    const list = xs.map(describe).join(', ');
    return new Error(
      `${op}: operands live on different devices: ${list}; move them to one device first, ` +
        "e.g. `await x.to('webgpu')` (or `await x.to('cpu')`)",
    );
  };
  if (targets.size !== 1) throw mismatch();
  const target = committed[0].backend;
  return xs.map((x) => {
    if (x.device === target.device || x.backend === target) return x;
    if (x.committed || x.device !== 'cpu') throw mismatch();
    const moved = new ConcreteTensor(target.fromHost(x.readSync(op)), x.shape, x.dtype);
    return moved;
  });
}

/** The error for a dtype the backend cannot hold (float64 on WebGPU), naming the operation. */
export function unsupportedDType(op: string, dtype: DType, backend: Backend): Error {
  return new TypeError(
    `${op}: ${dtype} is not supported on ${backend.device ?? backend.name} (it holds ` +
      `${backend.dtypes?.join(', ')}; adlab never downcasts silently): use float32 ` +
      "(x.astype('float32'), or dtype 'float32' when creating), or keep " +
      `${dtype} work on the CPU (await x.to('cpu'))`,
  );
}
