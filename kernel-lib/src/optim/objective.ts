/**
 * The objective as the driver sees it: a scalar function of one flat vector, with counters of
 * function, gradient and Hessian-vector-product evaluations.
 */
import { isFloat } from '../core/dtype';
import { Tensor } from '../core/tensor';
import { valueAndGrad } from '../transforms/grad';
import { hessian, hvp } from '../transforms/jacobian';
import type { EvalCounts } from './template';

/** A scalar objective of a flat vector with evaluation counters. */
export class Objective {
  /** Cumulative evaluation counts (a dense Hessian counts as n HVPs: it is n JVPs of the gradient). */
  readonly counts: EvalCounts = { f: 0, grad: 0, hvp: 0 };
  private readonly vg: (z: Tensor) => [Tensor, Tensor];

  constructor(
    readonly fz: (z: Tensor) => Tensor,
    readonly op = 'minimize',
  ) {
    this.vg = valueAndGrad(fz as never) as never;
  }

  private scalar(out: unknown): number {
    if (!(out instanceof Tensor) || out.size !== 1 || !isFloat(out.dtype)) {
      const what = out instanceof Tensor ? `${out.dtype} of shape [${out.shape}]` : typeof out;
      throw new TypeError(`${this.op}: f must return a float scalar tensor, got ${what}`);
    }
    return out.item();
  }

  /** f(z). */
  value(z: Tensor): number {
    this.counts.f++;
    return this.scalar(this.fz(z));
  }

  /** [f(z), ∇f(z)]. */
  valueAndGrad(z: Tensor): [number, Tensor] {
    this.counts.f++;
    this.counts.grad++;
    let out: [Tensor, Tensor];
    try {
      out = this.vg(z);
    } catch (e) {
      // grad's own message speaks of "the function"; say which one.
      if (e instanceof TypeError && e.message.startsWith('grad: the function must return'))
        throw new TypeError(`${this.op}: f must return a float scalar tensor; ${e.message}`, {
          cause: e,
        });
      throw e;
    }
    return [this.scalar(out[0]), out[1]];
  }

  /** H(z) v without forming H. */
  hvp(z: Tensor, v: Tensor): Tensor {
    this.counts.hvp++;
    return hvp(this.fz as never, [z], [v]);
  }

  /** The dense Hessian at z (n x n). */
  hessian(z: Tensor): Tensor {
    this.counts.hvp += z.size;
    return hessian(this.fz as never)(z);
  }
}
