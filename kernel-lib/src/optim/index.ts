/**
 * Optimizers as one template x_{k+1} = x_k - a_k P_k g_k: gradient transformations over pytrees
 * (optax style), the `minimize` driver with line searches, L-BFGS, Newton and Newton-CG, test
 * problems, schedules and run displays.
 * @example const p = optim.problems.rosenbrock(2); optim.minimize(p.f, p.x0, { method: 'lbfgs' })
 */
import * as problemsNs from './problems';

export * from './transformations';
export { applyIfFinite } from './apply-if-finite';
export type {
  ApplyIfFiniteKind,
  ApplyIfFiniteOptions,
  ApplyIfFiniteState,
} from './apply-if-finite';
export type { OpaqueKind, StateFor, StateKind, StateOf, TensorsOf } from './state-kind';
export * from './schedules';
export { minimize, startMinimize, METHODS } from './minimize';
export type { MinimizeOptions, MethodName, RunStepper } from './minimize';
export { OptimizeResult } from './result';
export type { TerminationStatus } from './result';
export type {
  Preconditioner,
  PreconditionerKind,
  IterationRecord,
  LineSearchRecord,
  EvalCounts,
} from './template';
export { backtracking, strongWolfe } from './line-search';
export type { LinePoint, LineSearchOutcome, LineSearchOptions } from './line-search';
export { twoLoop, lbfgsPreconditioner } from './lbfgs';
export type { LbfgsMemory } from './lbfgs';
export { shiftToPositiveDefinite, newtonPreconditioner } from './newton';
export { truncatedCg } from './newton-cg';
export type { TruncatedCgResult } from './newton-cg';
export { treeVdot, treeNorm, ravel } from './tree-math';
export { compareRuns, RunComparison } from '../jupyter/optimizer-display';
export type { CompareRunsOptions } from '../jupyter/optimizer-display';
export type { Problem, MlpParams } from './problems';

/** Test problems: Rosenbrock, an ill-conditioned quadratic, Beale, Himmelblau, logistic regression, an MLP. */
export const problems = {
  rosenbrock: problemsNs.rosenbrock,
  illConditionedQuadratic: problemsNs.illConditionedQuadratic,
  beale: problemsNs.beale,
  himmelblau: problemsNs.himmelblau,
  logisticRegression: problemsNs.logisticRegression,
  mlpClassifier: problemsNs.mlpClassifier,
};
