/**
 * The determinant and the adjugate, the true derivative of det: d det(A) = tr(adj(A) dA), finite
 * and exact at singular matrices, where det(A) A⁻¹ (the slogdet route) would be 0 · inf = NaN.
 */
import type { Primitive } from '../core/primitive';
import { sizeOf } from '../core/shape';
import type { Tensor } from '../core/tensor';
import * as ops from '../numpy/ops';
import { linalgRoutine } from '../backends/linalg';
import { batchLeading } from './batching';
import { linear } from './helpers';
import { squareSize } from './linalg';

type NoParams = Record<string, never>;

const mT = (x: Tensor) => ops.matrixTranspose(x);
/** A batch of scalars as [..., 1, 1], to scale a batch of matrices. */
const asMatrices = (s: Tensor) => ops.expandDims(ops.expandDims(s, -1), -1);
const luFlops = (a: readonly number[]) => sizeOf(a.slice(0, -2)) * (2 / 3) * a[a.length - 1] ** 3;

// d det(A) = tr(adj(A) dA); ct_A = ct · adj(A)ᵀ.
export const det: Primitive<NoParams> = {
  name: 'det',
  abstractEval: ([a]) => {
    squareSize('det', a);
    return [{ shape: a.shape.slice(0, -2), dtype: a.dtype }];
  },
  impl: (xs, _p, outs) => linalgRoutine('det', xs, outs),
  jvp: ([da], [a]) => [linear(da, (t) => ops.sum(ops.mul(mT(ops.adjugate(a)), t), [-2, -1]))],
  vjp: ([ct], [a]) => [ops.mul(asMatrices(ct), mT(ops.adjugate(a)))],
  flops: ([a]) => luFlops(a.shape),
  batch: batchLeading,
};

// adj(A) = det(A) A⁻¹ where A is invertible: d adj = tr(X) adj - X adj with X = A⁻¹ dA;
// ct_A = A⁻ᵀ (<ct, adj> I - ct adjᵀ). (Second derivatives at a singular A are not finite.)
export const adjugate: Primitive<NoParams> = {
  name: 'adjugate',
  abstractEval: ([a]) => {
    squareSize('adjugate', a);
    return [a];
  },
  impl: (xs, _p, outs) => linalgRoutine('adjugate', xs, outs),
  jvp: ([da], [a], [adj]) => [
    linear(da, (t) => {
      const x = ops.solve(a, t);
      return ops.sub(ops.mul(asMatrices(ops.trace(x)), adj), ops.matmul(x, adj));
    }),
  ],
  vjp: ([ct], [a], [adj]) => {
    const n = a.shape[a.shape.length - 1];
    const s = asMatrices(ops.sum(ops.mul(ct, adj), [-2, -1]));
    return [ops.solve(mT(a), ops.sub(ops.mul(s, ops.eye(n, a.dtype)), ops.matmul(ct, mT(adj))))];
  },
  flops: ([a]) => 2 * luFlops(a.shape),
  batch: batchLeading,
};

/** The determinant family, for the registry. */
export const determinantPrimitives = { det, adjugate };
