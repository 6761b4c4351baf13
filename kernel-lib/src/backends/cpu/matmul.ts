/** Batched matrix multiplication with broadcast batch axes. */
import { allocate, type DType, type TypedArray } from '../../core/dtype';
import { sizeOf, stridesOf } from '../../core/shape';

/** `[..., m, k] @ [..., k, n] -> outShape [..., m, n]`, accumulating in float64 (i-k-j loop order). */
export function matmul(
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  outShape: readonly number[],
  dtype: DType,
): TypedArray {
  const rank = outShape.length;
  const m = outShape[rank - 2];
  const n = outShape[rank - 1];
  const k = aShape[aShape.length - 1];
  const batchShape = outShape.slice(0, rank - 2);
  const batch = sizeOf(batchShape);
  const out = allocate(dtype, sizeOf(outShape));
  const aBatch = batchOffsets(aShape.slice(0, -2), batchShape, m * k);
  const bBatch = batchOffsets(bShape.slice(0, -2), batchShape, k * n);
  const row = new Float64Array(n);
  for (let t = 0; t < batch; t++) {
    const ao = aBatch[t];
    const bo = bBatch[t];
    const oo = t * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const aip = a[ao + i * k + p];
        const bRow = bo + p * n;
        for (let j = 0; j < n; j++) row[j] += aip * b[bRow + j];
      }
      for (let j = 0; j < n; j++) out[oo + i * n + j] = row[j];
    }
  }
  return out;
}

/** Offsets of each output batch element into an operand whose batch shape broadcasts. */
export function batchOffsets(
  shape: readonly number[],
  outBatch: readonly number[],
  matSize: number,
): number[] {
  const total = sizeOf(outBatch);
  const own = stridesOf(shape);
  const lead = outBatch.length - shape.length;
  const offsets = new Array<number>(total);
  const outStrides = stridesOf(outBatch);
  for (let t = 0; t < total; t++) {
    let off = 0;
    for (let ax = 0; ax < shape.length; ax++) {
      const idx = Math.floor(t / outStrides[ax + lead]) % outBatch[ax + lead];
      if (shape[ax] !== 1) off += idx * own[ax];
    }
    offsets[t] = off * matSize;
  }
  return offsets;
}
