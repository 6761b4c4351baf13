/** The transpose of a matmul operand, materialized, for kernels that read plain layouts only. */
import { stridesOf } from '../core/shape';
import type { Operand } from './backend';

/** `x` with its last two axes swapped, copied by its backend's `readStrided`. */
export function swapLastAxes(x: Operand): Operand {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => (i < r - 2 ? i : 2 * r - 3 - i));
  const strides = stridesOf(x.shape);
  const shape = perm.map((i) => x.shape[i]);
  const view = { offset: 0, strides: perm.map((i) => strides[i]) };
  return { storage: x.storage.backend.readStrided(x, view, shape), shape, dtype: x.dtype };
}
