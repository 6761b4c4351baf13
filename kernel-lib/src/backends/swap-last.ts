/** The transpose of a matmul operand, materialized, for kernels that read plain layouts only. */
import { stridesOf } from '../core/shape';
import type { MatmulTranspose, Operand, Storage } from './backend';

/** `x` with its last two axes swapped, copied by its backend's `readStrided`. */
export function swapLastAxes(x: Operand): Operand {
  const r = x.shape.length;
  const perm = x.shape.map((_, i) => (i < r - 2 ? i : 2 * r - 3 - i));
  const strides = stridesOf(x.shape);
  const shape = perm.map((i) => x.shape[i]);
  const view = { offset: 0, strides: perm.map((i) => strides[i]) };
  return { storage: x.storage.backend.readStrided(x, view, shape), shape, dtype: x.dtype };
}

/**
 * `op(a) @ op(b)`, `op` reading the operands flagged in `transpose` as stored transposed: a
 * backend that declares `matmulTransposes` reads them in place, another gets them materialized.
 */
export function matmulStored(
  a: Operand,
  b: Operand,
  outShape: readonly number[],
  transpose: MatmulTranspose = {},
): Storage {
  const backend = a.storage.backend;
  if (!transpose.a && !transpose.b) return backend.matmul(a, b, outShape);
  if (backend.matmulTransposes) return backend.matmul(a, b, outShape, transpose);
  const [pa, pb] = [transpose.a ? swapLastAxes(a) : a, transpose.b ? swapLastAxes(b) : b];
  return backend.matmul(pa, pb, outShape);
}
