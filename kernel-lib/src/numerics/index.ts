/**
 * The numerics toolkit as one namespace: finite differences, symbolic differentiation, naive and
 * stable variants side by side, normalization layers, matrix-free operators with CG, Lanczos and
 * power iteration, NaN/Inf provenance and precision helpers.
 */
import { nn } from '../numpy';
import { log1p, expm1, sigmoid, softplus } from '../numpy/math';
import { logsumexp, variance } from '../numpy/reductions';
import { cg } from './cg';
import { checkGrads } from './check-grads';
import {
  finiteDifferenceGrad,
  finiteDifferenceJvp,
  optimalStep,
  stepSizeSweep,
} from './finite-differences';
import { lanczos, powerIteration } from './lanczos';
import {
  asOperator,
  denseOperator,
  gaussNewtonOperator,
  hessianOperator,
  jacobianOperator,
  jacobianTransposeOperator,
  linearOperator,
  ravelTree,
  toDense,
} from './linear-operator';
import * as naiveFns from './naive';
import { debugNans, NonFiniteError } from './nan-provenance';
import { batchNorm, batchNormInit, layerNorm } from './normalization';
import { compareDTypes, machineEpsilon, nextafter, roundTo, ulp } from './precision';
import { sym } from './symbolic';

/** The textbook formulas that overflow or cancel; compare with `numerics.stable`. @example numerics.naive.logsumexp(np.array([1000, 1000])) // inf */
const naive = { ...naiveFns };

/** The stable versions of `numerics.naive`, under the same names. @example numerics.stable.logsumexp(np.array([1000, 1000])) // 1000.69 */
const stable = {
  logsumexp,
  softmax: nn.softmax,
  logSoftmax: nn.logSoftmax,
  softmaxCrossEntropy: nn.softmaxCrossEntropy,
  sigmoid,
  softplus,
  log1p,
  expm1,
  /** Two-pass: E[(x - E[x])²]. */
  variance: (x: Parameters<typeof variance>[0], axis?: Parameters<typeof variance>[1]) =>
    variance(x, axis),
};

/**
 * Numerical tools for checking, measuring and debugging derivatives.
 * @example numerics.stepSizeSweep((x: Tensor) => np.exp(x), np.array(1, 'float64')).curves
 */
export const numerics = {
  finiteDifferenceJvp,
  finiteDifferenceGrad,
  stepSizeSweep,
  optimalStep,
  sym,
  checkGrads,
  naive,
  stable,
  batchNorm,
  batchNormInit,
  layerNorm,
  linearOperator,
  denseOperator,
  asOperator,
  toDense,
  ravelTree,
  jacobianOperator,
  jacobianTransposeOperator,
  hessianOperator,
  gaussNewtonOperator,
  cg,
  lanczos,
  powerIteration,
  debugNans,
  NonFiniteError,
  machineEpsilon,
  ulp,
  nextafter,
  roundTo,
  compareDTypes,
};

export { sym };
