/**
 * Rounding and remainders. ceil, round and trunc are piecewise constant (zero derivative); `rem`
 * is C's fmod (exact in floating point), the building block of NumPy's `mod`.
 */
import * as ops from '../numpy/ops';
import { binary, fromPartials } from './binary';
import { predicate } from './unary';

/** Rounding toward +inf; piecewise constant. */
export const ceil = predicate('ceil', 'ceil', 'same');
/** Rounding to the nearest integer, halves to even (as NumPy); piecewise constant. */
export const round = predicate('round', 'round', 'same');
/** Rounding toward 0; piecewise constant. */
export const trunc = predicate('trunc', 'trunc', 'same');

// rem(a, b) = a - trunc(a/b) b, sign of a: d = da - trunc(a/b) db (away from the jumps).
export const rem = binary(
  'rem',
  'rem',
  fromPartials((a, b) => [ops.onesLike(ops.add(a, b)), ops.neg(ops.trunc(ops.div(a, b)))]),
);

/** The rounding family, for the registry. */
export const roundingPrimitives = { ceil, round, trunc, rem };
