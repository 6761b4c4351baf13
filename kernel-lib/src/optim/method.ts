/**
 * The contract between the `minimize` driver and a method: given the iterate, its loss and its
 * gradient, take one step x_{k+1} = x_k - a_k P_k g_k and say what P_k and a_k were.
 */
import type { Tensor } from '../core/tensor';
import type { Objective } from './objective';
import type { LineSearchRecord, Preconditioner } from './template';
import type { LineSearchOptions } from './line-search';

/** What a method sees at iteration k. */
export interface StepContext {
  obj: Objective;
  x: Tensor;
  f: number;
  g: Tensor;
  /** k, counting from 0. */
  iter: number;
}

/** One accepted step, or the reason no step could be taken. */
export type StepOutcome =
  | { x: Tensor; f: number; g: Tensor; stepSize: number; lineSearch?: LineSearchRecord }
  | { failure: string };

/** A method the driver can run. */
export interface Method {
  name: string;
  hyperparameters: Record<string, number | string | boolean>;
  step(ctx: StepContext): StepOutcome;
  /** P_k of the latest step (undefined before the first). */
  preconditioner(): Preconditioner<Tensor> | undefined;
}

/** Line-search settings a second-order method receives from the driver. */
export interface SearchSettings extends LineSearchOptions {
  kind: 'armijo' | 'wolfe' | 'none';
}
