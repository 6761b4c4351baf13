/**
 * The dense linear-algebra routines on host arrays: each runs its float64 factorization on every
 * matrix of a batch (the last two axes) and stores outputs of the requested dtypes. The CPU
 * backends expose them as `Backend.linalg`; `backends/linalg.ts` also runs them for a device
 * backend without its own (download, these, upload).
 */
import { allocate, type DType, type TypedArray } from '../../core/dtype';
import { sizeOf } from '../../core/shape';
import type { LinalgRoutine } from '../backend';
import { adjugate, cholesky, luFactor, luSolve, symmetricEigen } from './linalg';
import { qrHost } from './qr';
import { svdHost } from './svd';

/** Host data of one operand. */
export interface HostOperand {
  readonly data: TypedArray;
  readonly shape: readonly number[];
}

/** The shape and dtype of one output. */
export interface OutSpec {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

type HostRoutine = (xs: readonly HostOperand[], outs: readonly OutSpec[]) => TypedArray[];

/** Runs `kernel` on each m x n matrix of `a` (a float64 copy) and stores the outputs. */
function perMatrix(
  a: HostOperand,
  outs: readonly OutSpec[],
  kernel: (m: Float64Array, rows: number, cols: number, batchIndex: number) => Float64Array[],
): TypedArray[] {
  const [rows, cols] = a.shape.slice(-2);
  const batch = sizeOf(a.shape.slice(0, -2));
  const results = outs.map((o) => allocate(o.dtype, sizeOf(o.shape)));
  for (let t = 0; t < batch; t++) {
    const m = Float64Array.from(a.data.subarray(t * rows * cols, (t + 1) * rows * cols));
    kernel(m, rows, cols, t).forEach((r, k) => results[k].set(r, t * r.length));
  }
  return results;
}

/** The symmetric part of a row-major n x n matrix (cholesky and eigh read only it, as JAX). */
function symmetrize(m: Float64Array, n: number): Float64Array {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) s[i * n + j] = 0.5 * (m[i * n + j] + m[j * n + i]);
  return s;
}

/** Each routine as its primitive defines it (inputs and outputs in the primitive's order). */
export const hostLinalg: Record<LinalgRoutine, HostRoutine> = {
  // A X = B by LU with partial pivoting.
  solve: ([a, b], outs) => {
    const n = a.shape[a.shape.length - 1];
    const k = b.shape[b.shape.length - 1];
    return perMatrix(a, outs, (m, _r, _c, t) => {
      const perm = new Int32Array(n);
      luFactor(m, n, perm);
      const rhs = Float64Array.from(b.data.subarray(t * n * k, (t + 1) * n * k));
      return [luSolve(m, perm, n, rhs, k)];
    });
  },
  // [sign, log|det|] from the LU diagonal.
  slogdet: ([a], outs) =>
    perMatrix(a, outs, (m, n) => {
      let sign = luFactor(m, n, new Int32Array(n));
      let logAbs = 0;
      for (let i = 0; i < n; i++) {
        const d = m[i * n + i];
        sign *= Math.sign(d);
        logAbs += Math.log(Math.abs(d));
      }
      return [Float64Array.of(sign), Float64Array.of(logAbs)];
    }),
  det: ([a], outs) =>
    perMatrix(a, outs, (m, n) => {
      let d = luFactor(m, n, new Int32Array(n));
      for (let i = 0; i < n; i++) d *= m[i * n + i];
      return [Float64Array.of(d)];
    }),
  adjugate: ([a], outs) => perMatrix(a, outs, (m, n) => [adjugate(m, n)]),
  cholesky: ([a], outs) => perMatrix(a, outs, (m, n) => [cholesky(symmetrize(m, n), n)]),
  eigh: ([a], outs) =>
    perMatrix(a, outs, (m, n) => {
      const { w, v } = symmetricEigen(symmetrize(m, n), n);
      return [w, v];
    }),
  svd: ([a], outs) =>
    perMatrix(a, outs, (x, m, n) => {
      const { u, s, vt } = svdHost(x, m, n);
      return [u, s, vt];
    }),
  qr: ([a], outs) =>
    perMatrix(a, outs, (x, m, n) => {
      const { q, r } = qrHost(x, m, n);
      return [q, r];
    }),
};
