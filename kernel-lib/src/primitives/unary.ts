/**
 * Elementwise unary primitives. Each is a scalar op (its formula: backends/expression/ops.ts) plus its derivative `f'(x)` written with
 * primitives; `elementwiseUnary` turns that into both rules: dy = f'(x) dx and ct_x = ct f'(x).
 */
import type { Primitive } from '../core/primitive';
import { sizeOf } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { opExprOnce, type ScalarOpName } from '../backends/expression';
import * as ops from '../numpy/ops';
import { batchBroadcasting } from './batching';
import { elementwiseImpl, linear, requireFloat, zeroDerivative } from './helpers';

type Unary = Primitive<Record<string, never>>;

/** A differentiable float unary primitive from its scalar op and derivative. */
export function elementwiseUnary(
  name: string,
  op: ScalarOpName,
  derivative: (x: Tensor, y: Tensor) => Tensor,
): Unary {
  const expression = opExprOnce(op);
  return {
    name,
    abstractEval: ([x]) => {
      requireFloat(name, x);
      return [x];
    },
    impl: elementwiseImpl(expression),
    jvp: ([dx], [x], [y]) => [linear(dx, (t) => ops.mul(t, derivative(x, y)))],
    vjp: ([ct], [x], [y]) => [ops.mul(ct, derivative(x, y))],
    batch: batchBroadcasting,
    expression,
    flops: (_i, [out]) => sizeOf(out.shape),
  };
}

/** A unary primitive with a bool or otherwise non-differentiable result. */
export function predicate(name: string, op: ScalarOpName, outDType: 'bool' | 'same'): Unary {
  const expression = opExprOnce(op);
  return {
    name,
    abstractEval: ([x]) => [{ shape: x.shape, dtype: outDType === 'bool' ? 'bool' : x.dtype }],
    impl: elementwiseImpl(expression),
    batch: batchBroadcasting,
    expression,
    ...zeroDerivative,
  };
}

const negExpr = opExprOnce('neg');

/** Negation is linear: d(-x) = -dx. Works on every dtype. */
export const neg: Unary = {
  name: 'neg',
  abstractEval: ([x]) => [x],
  impl: elementwiseImpl(negExpr),
  jvp: ([dx]) => [linear(dx, ops.neg)],
  vjp: ([ct]) => [ops.neg(ct)],
  batch: batchBroadcasting,
  expression: negExpr,
  flops: (_i, [out]) => sizeOf(out.shape),
};

// d(exp x) = exp(x) dx
export const exp = elementwiseUnary('exp', 'exp', (_x, y) => y);
// d(log x) = dx / x
export const log = elementwiseUnary('log', 'log', (x) => ops.reciprocal(x));
// d(log1p x) = dx / (1 + x)
export const log1p = elementwiseUnary('log1p', 'log1p', (x) => ops.reciprocal(ops.add(x, 1)));
// d(expm1 x) = exp(x) dx = (y + 1) dx
export const expm1 = elementwiseUnary('expm1', 'expm1', (_x, y) => ops.add(y, 1));
// d(sin x) = cos(x) dx
export const sin = elementwiseUnary('sin', 'sin', (x) => ops.cos(x));
// d(cos x) = -sin(x) dx
export const cos = elementwiseUnary('cos', 'cos', (x) => ops.neg(ops.sin(x)));
// d(tan x) = (1 + tan²x) dx
export const tan = elementwiseUnary('tan', 'tan', (_x, y) => ops.add(ops.mul(y, y), 1));
// d(tanh x) = (1 - tanh²x) dx
export const tanh = elementwiseUnary('tanh', 'tanh', (_x, y) => ops.sub(1, ops.mul(y, y)));
// d(σ(x)) = σ(x)(1 - σ(x)) dx
export const logistic = elementwiseUnary('logistic', 'logistic', (_x, y) =>
  ops.mul(y, ops.sub(1, y)),
);
// d(√x) = dx / (2√x); at x = 0 the derivative is +inf (convention, as JAX and PyTorch).
export const sqrt = elementwiseUnary('sqrt', 'sqrt', (_x, y) => ops.div(0.5, y));
// d|x| = sign(x) dx; at x = 0 the derivative is 0 (convention, as PyTorch).
export const abs: Unary = {
  ...elementwiseUnary('abs', 'abs', (x) => ops.sign(x)),
  abstractEval: ([x]) => [x],
};

/** sign(x) in {-1, 0, 1} (NaN stays NaN); piecewise constant, so its derivative is zero. */
export const sign = predicate('sign', 'sign', 'same');
/** Elementwise `isfinite`, a bool result. */
export const isFinite = predicate('is_finite', 'is_finite', 'bool');
/** Elementwise `isnan`, a bool result. */
export const isNaN = predicate('is_nan', 'is_nan', 'bool');
/** Logical not of a bool tensor. */
export const logicalNot = predicate('logical_not', 'logical_not', 'bool');
/** Rounding toward -inf; piecewise constant. */
export const floor = predicate('floor', 'floor', 'same');

/** The unary family, for the registry. */
export const unaryPrimitives = {
  neg,
  exp,
  log,
  log1p,
  expm1,
  sin,
  cos,
  tan,
  tanh,
  logistic,
  sqrt,
  abs,
  sign,
  isFinite,
  isNaN,
  logicalNot,
  floor,
};
