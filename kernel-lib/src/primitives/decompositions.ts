/**
 * The singular value and QR decompositions as primitives (thin: k = min(m, n)), on the last two
 * axes. Their forward rules are the ones JAX uses (svd after Townsend 2016, qr after Walter and
 * Lehmann / Townsend's note); each reverse rule is that linear map's transpose, so both nest to
 * any order. Derivatives of U and V are infinite where two singular values coincide; those of s
 * alone stay finite. The QR derivative needs m >= n, as in JAX.
 */
import type { Aval, Primitive } from '../core/primitive';
import { fmt, sizeOf } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { linalgRoutine } from '../backends/linalg';
import * as ops from '../numpy/ops';
import { batchLeading } from './batching';
import { requireFloat } from './helpers';
import { transposeLinear } from './special';

type NoParams = Record<string, never>;
const mT = (x: Tensor) => ops.matrixTranspose(x);

/** Checks for (a batch of) float matrices; returns batch, m, n, k = min(m, n). */
function matrixDims(op: string, a: Aval): [number[], number, number, number] {
  requireFloat(op, a);
  if (a.shape.length < 2)
    throw new Error(`${op}: expected matrices in the last two axes, got ${fmt(a.shape)}`);
  const [m, n] = a.shape.slice(-2);
  return [a.shape.slice(0, -2), m, n, Math.min(m, n)];
}

function svdAvals(a: Aval): Aval[] {
  const [batch, m, n, k] = matrixDims('svd', a);
  const dtype = a.dtype;
  return [
    { shape: [...batch, m, k], dtype },
    { shape: [...batch, k], dtype },
    { shape: [...batch, k, n], dtype },
  ];
}

/** The tangents (dU, ds, dVᵀ) of the thin SVD A = U diag(s) Vᵀ for a tangent dA. */
function svdTangents(da: Tensor, u: Tensor, s: Tensor, vt: Tensor): Tensor[] {
  const [m, n] = da.shape.slice(-2);
  const k = s.shape[s.shape.length - 1];
  const v = mT(vt);
  const dS = ops.matmul(mT(u), ops.matmul(da, v));
  const sRow = ops.expandDims(s, -2); // s_j at (i, j)
  const sCol = ops.expandDims(s, -1); // s_i at (i, j)
  const eye = ops.eye(k, s.dtype);
  // F_ij = 1 / (s_j² - s_i²) off the diagonal, 0 on it.
  const f = ops.div(
    ops.sub(1, eye),
    ops.add(ops.mul(ops.add(sRow, sCol), ops.sub(sRow, sCol)), eye),
  );
  const dSS = ops.mul(dS, sRow);
  const SdS = ops.mul(sCol, dS);
  let dU = ops.matmul(u, ops.mul(f, ops.add(dSS, mT(dSS))));
  let dV = ops.matmul(v, ops.mul(f, ops.add(SdS, mT(SdS))));
  // The part of dA outside the column spaces of U (tall A) or V (wide A).
  if (m > n) {
    const dAV = ops.matmul(da, v);
    dU = ops.add(dU, ops.div(ops.sub(dAV, ops.matmul(u, ops.matmul(mT(u), dAV))), sRow));
  }
  if (n > m) {
    const dAU = ops.matmul(mT(da), u);
    dV = ops.add(dV, ops.div(ops.sub(dAU, ops.matmul(v, ops.matmul(vt, dAU))), sRow));
  }
  return [dU, ops.diagonal(dS), mT(dV)];
}

// A = U diag(s) Vᵀ: ds = diag(Uᵀ dA V), dU = U (F ∘ (dS S + S dSᵀ)) + (I - UUᵀ) dA V S⁻¹,
// dV = V (F ∘ (S dS + dSᵀ S)) + (I - VVᵀ) dAᵀ U S⁻¹ with dS = Uᵀ dA V, F_ij = 1/(s_j² - s_i²).
// Reverse: the transpose of that linear map.
export const svd: Primitive<NoParams> = {
  name: 'svd',
  abstractEval: ([a]) => svdAvals(a),
  impl: (xs, _p, outs) => linalgRoutine('svd', xs, outs),
  jvp: ([da], _x, [u, s, vt]) => (da === null ? [null, null, null] : svdTangents(da, u, s, vt)),
  vjp: (cts, [a], [u, s, vt]) =>
    transposeLinear((da) => svdTangents(da, u, s, vt), [ops.zerosLike(a)], cts),
  batch: batchLeading,
  flops: ([a]) => {
    const [m, n] = a.shape.slice(-2);
    return sizeOf(a.shape.slice(0, -2)) * 12 * Math.max(m, n) * Math.min(m, n) ** 2;
  },
};

/** The tangents (dQ, dR) of the thin QR A = Q R (m >= n) for a tangent dA. */
function qrTangents(da: Tensor, q: Tensor, r: Tensor): Tensor[] {
  const [m, n] = da.shape.slice(-2);
  if (m < n) {
    throw new Error(`qr: the derivative needs rows >= columns (as in JAX), got ${fmt(da.shape)}`);
  }
  const daRinv = mT(ops.solve(mT(r), mT(da))); // dA R⁻¹
  const c = ops.matmul(mT(q), daRinv);
  const lower = ops.tril(c, -1);
  const omega = ops.sub(lower, mT(lower)); // skew-symmetric
  return [ops.add(ops.matmul(q, ops.sub(omega, c)), daRinv), ops.matmul(ops.sub(c, omega), r)];
}

// A = Q R: with C = Qᵀ dA R⁻¹ and Ω = tril(C, -1) - tril(C, -1)ᵀ, dQ = Q (Ω - C) + dA R⁻¹ and
// dR = (C - Ω) R. Reverse: the transpose of that linear map.
export const qr: Primitive<NoParams> = {
  name: 'qr',
  abstractEval: ([a]) => {
    const [batch, m, n, k] = matrixDims('qr', a);
    return [
      { shape: [...batch, m, k], dtype: a.dtype },
      { shape: [...batch, k, n], dtype: a.dtype },
    ];
  },
  impl: (xs, _p, outs) => linalgRoutine('qr', xs, outs),
  jvp: ([da], _x, [q, r]) => (da === null ? [null, null] : qrTangents(da, q, r)),
  vjp: (cts, [a], [q, r]) => transposeLinear((da) => qrTangents(da, q, r), [ops.zerosLike(a)], cts),
  batch: batchLeading,
  flops: ([a]) => {
    const [m, n] = a.shape.slice(-2);
    return sizeOf(a.shape.slice(0, -2)) * 4 * m * n * Math.min(m, n);
  },
};

/** The decomposition family, for the registry. */
export const decompositionPrimitives = { svd, qr };
