/**
 * Special functions as primitives (after jax.scipy.special): erf, erfc, gammaln and the polygamma
 * family that differentiates gammaln to any order. Scalar formulas: `backends/expression/scalar-special.ts`.
 */
import type { Primitive } from '../core/primitive';
import { sizeOf } from '../core/shape';
import * as ops from '../numpy/ops';
import { batchBroadcasting } from './batching';
import { apply, constant, input, type Expr } from '../backends/expression';
import { elementwiseImpl, linear, requireFloat } from './helpers';
import { elementwiseUnary } from './unary';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const gaussian = (x: ReturnType<typeof ops.neg>) =>
  ops.mul(ops.exp(ops.neg(ops.mul(x, x))), TWO_OVER_SQRT_PI);

// d(erf x) = (2/√π) e^{-x²} dx
export const erf = elementwiseUnary('erf', 'erf', gaussian);
// d(erfc x) = -(2/√π) e^{-x²} dx
export const erfc = elementwiseUnary('erfc', 'erfc', (x) => ops.neg(gaussian(x)));
// d(ln|Γ(x)|) = ψ(x) dx (the digamma function)
export const gammaln = elementwiseUnary('lgamma', 'lgamma', (x) => ops.polygamma(0, x));

/** polygamma(n, x0) with the order as an int32 constant (one expression object per order). */
const byOrder = new Map<number, Expr>();
function polygammaExpr({ n }: { n: number }): Expr {
  let e = byOrder.get(n);
  if (e === undefined) byOrder.set(n, (e = apply('polygamma', constant(n, 'int32'), input(0))));
  return e;
}

// d ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁺¹⁾(x) dx: each order's rule is the next order, so derivatives nest without end.
export const polygamma: Primitive<{ n: number }> = {
  name: 'polygamma',
  abstractEval: ([x]) => {
    requireFloat('polygamma', x);
    return [x];
  },
  impl: elementwiseImpl(polygammaExpr),
  jvp: ([dx], [x], _y, { n }) => [linear(dx, (t) => ops.mul(t, ops.polygamma(n + 1, x)))],
  vjp: ([ct], [x], _y, { n }) => [ops.mul(ct, ops.polygamma(n + 1, x))],
  batch: batchBroadcasting,
  expression: polygammaExpr,
  flops: (_i, [out]) => sizeOf(out.shape),
};

/** The special-function family, for the registry. */
export const specialFunctionPrimitives = { erf, erfc, gammaln, polygamma };
