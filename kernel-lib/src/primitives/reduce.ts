/** Reductions over sorted axes (the output drops them; `keepdims` is a reshape in the numpy layer). */
import type { Aval, Primitive } from '../core/primitive';
import { sizeOf } from '../core/shape';
import type { Tensor } from '../core/tensor';
import type { ReduceKind } from '../backends/backend';
import * as ops from '../numpy/ops';
import { batchShiftingAxes, shiftAxes } from './batching';
import { linear, wrap, zeroDerivative } from './helpers';

type AxesParams = { axes: readonly number[] };

const reducedAval = (x: Aval, axes: readonly number[], dtype = x.dtype): Aval => ({
  shape: x.shape.filter((_, i) => !axes.includes(i)),
  dtype,
});

/** Puts the reduced axes back as size 1, so `y` broadcasts against `x`. */
function keepDims(y: Tensor, x: Tensor, axes: readonly number[]): Tensor {
  return ops.reshape(
    y,
    x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
  );
}

function reduction(
  kind: ReduceKind,
  name: string,
  rules: Pick<Primitive<AxesParams>, 'jvp' | 'vjp'>,
): Primitive<AxesParams> {
  return {
    name,
    abstractEval: ([x], { axes }) => [reducedAval(x, axes)],
    impl: ([x], { axes }, [out]) => [wrap(x.backend.reduce(kind, x, axes, out.dtype), out)],
    flops: ([x]) => sizeOf(x.shape),
    batch: batchShiftingAxes(({ axes }) => ({ axes: shiftAxes(axes) })),
    ...rules,
  };
}

// d sum(x) = sum(dx); the cotangent is broadcast back over the reduced axes.
export const reduceSum = reduction('sum', 'reduce_sum', {
  jvp: ([dx], _x, _y, { axes }) => [linear(dx, (t) => ops.sum(t, axes))],
  vjp: ([ct], [x], _y, { axes }) => [ops.broadcastTo(keepDims(ct, x, axes), x.shape)],
});

/** Rules for max and min: the derivative flows to the extreme entries, split evenly among ties. */
function extremeRules(): Pick<Primitive<AxesParams>, 'jvp' | 'vjp'> {
  const share = (x: Tensor, y: Tensor, axes: readonly number[]) => {
    const mask = ops.astype(ops.equal(x, keepDims(y, x, axes)), x.dtype);
    return ops.div(mask, keepDims(ops.sum(mask, axes), x, axes));
  };
  return {
    // d max(x) = sum(dx * w) with w = 1/k on the k entries equal to the max (convention, as JAX).
    jvp: ([dx], [x], [y], { axes }) => [
      linear(dx, (t) => ops.sum(ops.mul(t, share(x, y, axes)), axes)),
    ],
    vjp: ([ct], [x], [y], { axes }) => [ops.mul(keepDims(ct, x, axes), share(x, y, axes))],
  };
}

// max and min share one rule (the extreme entries, ties split evenly).
export const reduceMax = reduction('max', 'reduce_max', extremeRules());
export const reduceMin = reduction('min', 'reduce_min', extremeRules());

type ArgParams = { axis: number };

function argReduction(kind: 'argmax' | 'argmin'): Primitive<ArgParams> {
  return {
    name: kind,
    abstractEval: ([x], { axis }) => [reducedAval(x, [axis], 'int32')],
    impl: ([x], { axis }, [out]) => [wrap(x.backend.reduce(kind, x, [axis], 'int32'), out)],
    batch: batchShiftingAxes(({ axis }) => ({ axis: axis + 1 })),
    ...zeroDerivative,
  };
}

/** Index of the extreme along one axis (int32): piecewise constant, zero derivative. */
export const argmax = argReduction('argmax');
export const argmin = argReduction('argmin');

/** The reduction family, for the registry. */
export const reducePrimitives = { reduceSum, reduceMax, reduceMin, argmax, argmin };
