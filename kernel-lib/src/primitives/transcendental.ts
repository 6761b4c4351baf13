/**
 * More elementwise float primitives: hyperbolic and inverse trigonometric functions, base-2 and
 * base-10 logarithms, the cube root and atan2. Each formula is the correctly rounded (or nearly)
 * `Math` function, so these are as accurate as the platform's libm; a composite such as
 * (eˣ - e⁻ˣ)/2 would cancel near 0 and overflow early.
 */
import type { Tensor } from '../core/tensor';
import * as ops from '../numpy/ops';
import { binary, fromPartials } from './binary';
import { elementwiseUnary } from './unary';

/** 1/√((1 - x)(1 + x)), factored so it keeps its digits near ±1. */
const inverseSqrtOneMinusSquare = (x: Tensor) =>
  ops.reciprocal(ops.sqrt(ops.mul(ops.sub(1, x), ops.add(1, x))));

// d(sinh x) = cosh(x) dx
export const sinh = elementwiseUnary('sinh', 'sinh', (x) => ops.cosh(x));
// d(cosh x) = sinh(x) dx
export const cosh = elementwiseUnary('cosh', 'cosh', (x) => ops.sinh(x));
// d(asinh x) = dx / √(x² + 1)
export const arcsinh = elementwiseUnary('asinh', 'asinh', (x) =>
  ops.reciprocal(ops.sqrt(ops.add(ops.mul(x, x), 1))),
);
// d(acosh x) = dx / √((x - 1)(x + 1)); +inf at x = 1.
export const arccosh = elementwiseUnary('acosh', 'acosh', (x) =>
  ops.reciprocal(ops.sqrt(ops.mul(ops.sub(x, 1), ops.add(x, 1)))),
);
// d(atanh x) = dx / ((1 - x)(1 + x))
export const arctanh = elementwiseUnary('atanh', 'atanh', (x) =>
  ops.reciprocal(ops.mul(ops.sub(1, x), ops.add(1, x))),
);
// d(asin x) = dx / √(1 - x²)
export const arcsin = elementwiseUnary('asin', 'asin', inverseSqrtOneMinusSquare);
// d(acos x) = -dx / √(1 - x²)
export const arccos = elementwiseUnary('acos', 'acos', (x) =>
  ops.neg(inverseSqrtOneMinusSquare(x)),
);
// d(atan x) = dx / (1 + x²)
export const arctan = elementwiseUnary('atan', 'atan', (x) =>
  ops.reciprocal(ops.add(ops.mul(x, x), 1)),
);
// d(log₂ x) = dx / (x ln 2)
export const log2 = elementwiseUnary('log2', 'log2', (x) => ops.reciprocal(ops.mul(x, Math.LN2)));
// d(log₁₀ x) = dx / (x ln 10)
export const log10 = elementwiseUnary('log10', 'log10', (x) =>
  ops.reciprocal(ops.mul(x, Math.LN10)),
);
// d(∛x) = dx / (3 ∛x²); +inf at x = 0.
export const cbrt = elementwiseUnary('cbrt', 'cbrt', (_x, y) =>
  ops.reciprocal(ops.mul(ops.mul(y, y), 3)),
);

// atan2(y, x), the angle of (x, y): d = (x dy - y dx) / (x² + y²); NaN at the origin.
export const arctan2 = binary(
  'atan2',
  'atan2',
  fromPartials((y, x) => {
    const r2 = ops.add(ops.mul(x, x), ops.mul(y, y));
    return [ops.div(x, r2), ops.neg(ops.div(y, r2))];
  }),
);

/** The transcendental family, for the registry. */
export const transcendentalPrimitives = {
  sinh,
  cosh,
  arcsinh,
  arccosh,
  arctanh,
  arcsin,
  arccos,
  arctan,
  log2,
  log10,
  cbrt,
  arctan2,
};
