/**
 * The registry of every primitive. Each entry is a `Primitive` record, so one that lacks a rule
 * does not compile; the test harness requires a spec row for every key of `primitives`.
 */
import { binaryPrimitives } from './binary';
import { determinantPrimitives } from './determinant';
import { linalgPrimitives } from './linalg';
import { reducePrimitives } from './reduce';
import { shapePrimitives } from './shape';
import { specialPrimitives } from './special';
import { unaryPrimitives } from './unary';
import { transcendentalPrimitives } from './transcendental';
import { specialFunctionPrimitives } from './special-functions';
import { roundingPrimitives } from './rounding';
import { scanPrimitives } from './scan';
import { sortPrimitives } from './sort';
import { decompositionPrimitives } from './decompositions';
import { convolutionPrimitives } from './convolution';

/** Every primitive by key; `test/rules/specs.ts` must give each key a spec row. */
export const primitives = {
  ...unaryPrimitives,
  ...binaryPrimitives,
  ...reducePrimitives,
  ...shapePrimitives,
  ...linalgPrimitives,
  ...determinantPrimitives,
  ...specialPrimitives,
  ...transcendentalPrimitives,
  ...specialFunctionPrimitives,
  ...roundingPrimitives,
  ...scanPrimitives,
  ...sortPrimitives,
  ...decompositionPrimitives,
  ...convolutionPrimitives,
};

/** The name of a registry entry. */
export type PrimitiveKey = keyof typeof primitives;
