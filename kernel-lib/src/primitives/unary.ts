/**
 * Elementwise unary primitives. Each is a scalar formula plus its derivative `f'(x)` written with
 * primitives; `elementwiseUnary` turns that into both rules: dy = f'(x) dx and ct_x = ct f'(x).
 */
import type { Primitive } from '../core/primitive';
import { sizeOf } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { scalarOp, type ScalarFn, type ScalarOp } from '../backends/backend';
import * as ops from '../numpy/ops';
import { batchBroadcasting } from './batching';
import { linear, requireFloat, wrap, zeroDerivative } from './helpers';

type Unary = Primitive<Record<string, never>>;

/** Formulas backends run with their own loops (the name is the tag; the formula stays the definition). */
const tagged = new Set<string>(['exp', 'log', 'tanh', 'sin', 'cos', 'sqrt', 'abs']);
const tag = (name: string, scalar: ScalarFn): ScalarFn =>
  tagged.has(name) ? scalarOp(name as ScalarOp, (a) => scalar(a)) : scalar;

/** A differentiable float unary primitive from its scalar formula and derivative. */
export function elementwiseUnary(
  name: string,
  scalar: ScalarFn,
  derivative: (x: Tensor, y: Tensor) => Tensor,
): Unary {
  const fn = tag(name, scalar);
  return {
    name,
    abstractEval: ([x]) => {
      requireFloat(name, x);
      return [x];
    },
    impl: ([x], _p, [out]) => [wrap(x.backend.elementwise(fn, [x], x.shape, x.dtype), out)],
    jvp: ([dx], [x], [y]) => [linear(dx, (t) => ops.mul(t, derivative(x, y)))],
    vjp: ([ct], [x], [y]) => [ops.mul(ct, derivative(x, y))],
    batch: batchBroadcasting,
    scalar: fn,
    flops: (_i, [out]) => sizeOf(out.shape),
  };
}

/** A unary primitive with a bool or otherwise non-differentiable result. */
export function predicate(name: string, scalar: ScalarFn, outDType: 'bool' | 'same'): Unary {
  return {
    name,
    abstractEval: ([x]) => [{ shape: x.shape, dtype: outDType === 'bool' ? 'bool' : x.dtype }],
    impl: ([x], _p, [out]) => [wrap(x.backend.elementwise(scalar, [x], x.shape, out.dtype), out)],
    batch: batchBroadcasting,
    scalar,
    ...zeroDerivative,
  };
}

const negate = scalarOp('neg', (a) => -a);

/** Negation is linear: d(-x) = -dx. Works on every dtype. */
export const neg: Unary = {
  name: 'neg',
  abstractEval: ([x]) => [x],
  impl: ([x], _p, [out]) => [wrap(x.backend.elementwise(negate, [x], x.shape, x.dtype), out)],
  jvp: ([dx]) => [linear(dx, ops.neg)],
  vjp: ([ct]) => [ops.neg(ct)],
  batch: batchBroadcasting,
  scalar: negate,
  flops: (_i, [out]) => sizeOf(out.shape),
};

// d(exp x) = exp(x) dx
export const exp = elementwiseUnary('exp', Math.exp, (_x, y) => y);
// d(log x) = dx / x
export const log = elementwiseUnary('log', Math.log, (x) => ops.reciprocal(x));
// d(log1p x) = dx / (1 + x)
export const log1p = elementwiseUnary('log1p', Math.log1p, (x) => ops.reciprocal(ops.add(x, 1)));
// d(expm1 x) = exp(x) dx = (y + 1) dx
export const expm1 = elementwiseUnary('expm1', Math.expm1, (_x, y) => ops.add(y, 1));
// d(sin x) = cos(x) dx
export const sin = elementwiseUnary('sin', Math.sin, (x) => ops.cos(x));
// d(cos x) = -sin(x) dx
export const cos = elementwiseUnary('cos', Math.cos, (x) => ops.neg(ops.sin(x)));
// d(tan x) = (1 + tan²x) dx
export const tan = elementwiseUnary('tan', Math.tan, (_x, y) => ops.add(ops.mul(y, y), 1));
// d(tanh x) = (1 - tanh²x) dx
export const tanh = elementwiseUnary('tanh', Math.tanh, (_x, y) => ops.sub(1, ops.mul(y, y)));
// d(σ(x)) = σ(x)(1 - σ(x)) dx; the formula branches so neither exp can overflow.
export const logistic = elementwiseUnary(
  'logistic',
  (a) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))),
  (_x, y) => ops.mul(y, ops.sub(1, y)),
);
// d(√x) = dx / (2√x); at x = 0 the derivative is +inf (convention, as JAX and PyTorch).
export const sqrt = elementwiseUnary('sqrt', Math.sqrt, (_x, y) => ops.div(0.5, y));
// d|x| = sign(x) dx; at x = 0 the derivative is 0 (convention, as PyTorch).
export const abs: Unary = {
  ...elementwiseUnary('abs', Math.abs, (x) => ops.sign(x)),
  abstractEval: ([x]) => [x],
};

/** sign(x) in {-1, 0, 1} (NaN stays NaN); piecewise constant, so its derivative is zero. */
export const sign = predicate('sign', (a) => (a > 0 ? 1 : a < 0 ? -1 : a), 'same');
/** Elementwise `isfinite`, a bool result. */
export const isFinite = predicate('is_finite', (a) => (Number.isFinite(a) ? 1 : 0), 'bool');
/** Elementwise `isnan`, a bool result. */
export const isNaN = predicate('is_nan', (a) => (Number.isNaN(a) ? 1 : 0), 'bool');
/** Logical not of a bool tensor. */
export const logicalNot = predicate('logical_not', (a) => (a ? 0 : 1), 'bool');
/** Rounding toward -inf; piecewise constant. */
export const floor = predicate('floor', Math.floor, 'same');

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
