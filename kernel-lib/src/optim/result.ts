/** The result of `minimize`: the solution, the per-iteration history and why the run stopped. */
import type { TreeResult } from '../core/pytree';
import type { Tensor } from '../core/tensor';
import type { MimeBundle } from '../jupyter/protocol';
import { compareRuns } from '../jupyter/optimizer-display';
import type { EvalCounts, IterationRecord, Preconditioner } from './template';

/** Why a run stopped ('stopped': by Stop; 'running': the result of a run still in progress). */
export type TerminationStatus =
  | 'converged'
  | 'maxIter'
  | 'nonFinite'
  | 'lineSearchFailed'
  | 'noProgress'
  | 'callback'
  | 'stopped'
  | 'running';

/**
 * One optimizer run: the final iterate, its loss, the history and the termination reason.
 * Displays in the kernel as an optimizer-run chart with a summary table. `X` is the type of the
 * iterate (x0's structure with tensors at the leaves); `preconditioner` acts on the flat vector.
 * @example const r = minimize(f, x0, { method: 'lbfgs' }); r.termination; r.history.length
 */
export class OptimizeResult<X = TreeResult> {
  constructor(
    /** The final iterate, with the structure of x0 (tensors at the leaves). */
    readonly x: X,
    /** The final iterate flattened to one vector. */
    readonly xFlat: Tensor,
    /** f at the final iterate. */
    readonly fun: number,
    /** One record per iteration; iteration 0 is the start. */
    readonly history: IterationRecord[],
    readonly status: TerminationStatus,
    /** A sentence saying why the run stopped. */
    readonly termination: string,
    readonly method: string,
    readonly hyperparameters: Record<string, number | string | boolean>,
    /** P_k of the last step taken (undefined if no step was taken). */
    readonly preconditioner: Preconditioner<Tensor> | undefined,
    /** A label for displays (the method name unless `name` was given). */
    readonly name: string,
    /** The objective of the flat vector (used for contour plots of 2-D problems). */
    readonly objective: (z: Tensor) => Tensor,
    /** Every evaluation of the run, those of a final failed line search included. */
    private readonly totalEvals?: EvalCounts,
  ) {}

  /** True when the run converged (gradient norm below tol). */
  get success(): boolean {
    return this.status === 'converged';
  }

  /** Number of iterations (steps) taken. */
  get iterations(): number {
    return this.history.length - 1;
  }

  /** Total evaluation counts: every call, including those after the last recorded iteration. */
  get evals(): EvalCounts {
    return this.totalEvals ?? this.history[this.history.length - 1].evals;
  }

  /** A one-line summary. */
  toString(): string {
    const last = this.history[this.history.length - 1];
    return `${this.name}: ${this.iterations} iterations, loss ${last.loss.toPrecision(6)}, |g| ${last.gradNorm.toExponential(2)}, evals f=${this.evals.f} grad=${this.evals.grad} hvp=${this.evals.hvp}; ${this.termination}`;
  }

  /** The optimizer-run bundle (custom JSON, Vega-Lite, HTML table, text). */
  toMimeBundle(): MimeBundle {
    return compareRuns([this]).toMimeBundle();
  }
}
