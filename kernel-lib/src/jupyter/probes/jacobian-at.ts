/**
 * A function f: Rⁿ → Rᵐ (inputs and outputs flattened) at a point x, as a probe uses it: J v by one
 * JVP, Jᵀ w by one VJP (the pullback is recorded once, by the first VJP), each timed.
 */
import type { Tensor } from '../../core/tensor';
import { reshape } from '../../numpy/shape';
import { jvp } from '../../transforms/jvp';
import { vjp } from '../../transforms/vjp';
import { basis, flatten, values, type TensorFn } from './shared';

/** A vector with the milliseconds its JVP or VJP took. */
export interface TimedVector {
  values: number[];
  ms: number;
}

/** f flattened at x: the products a Jacobian probe computes. */
export class JacobianAt {
  /** The flattened point. */
  readonly x0: Tensor;
  readonly n: number;
  readonly m: number;
  /** The output's dtype (the cotangent w is cast to it). */
  readonly outDtype: Tensor['dtype'];
  /** Milliseconds of the forward pass that recorded the pullback (0 until the first VJP). */
  recordMs = 0;

  constructor(
    f: TensorFn,
    readonly x: Tensor,
    readonly dtype: 'float32' | 'float64',
  ) {
    this._ff = flatten(f, x.shape);
    this.x0 = reshape(x, [-1]);
    this.n = this.x0.size;
    const out = f(x);
    this.m = out.size;
    this.outDtype = out.dtype;
    this._outShape = [...out.shape];
  }

  /** The output's shape (before flattening). */
  get outShape(): number[] {
    return this._outShape;
  }

  /** J v by one JVP. */
  jvp(v: Tensor): TimedVector {
    const t0 = performance.now();
    const [, jv] = jvp(this._ff, [this.x0], [v]);
    const out = values(jv);
    return { values: out, ms: performance.now() - t0 };
  }

  /** Jᵀ w by one pullback (the first call also records it, timed as {@link recordMs}). */
  vjp(w: Tensor): TimedVector {
    if (!this._pull) {
      const t0 = performance.now();
      const [, pullback] = vjp<Tensor>(this._ff, [this.x0]);
      this.recordMs = performance.now() - t0;
      this._pull = (ct) => (pullback(ct) as Tensor[])[0];
    }
    const t0 = performance.now();
    const out = values(this._pull(w));
    return { values: out, ms: performance.now() - t0 };
  }

  /** Column j = J e_j. */
  column(j: number): TimedVector {
    return this.jvp(basis(j, this.n, this.dtype));
  }

  /** Row i = e_iᵀ J. */
  row(i: number): TimedVector {
    return this.vjp(basis(i, this.m, this.outDtype));
  }

  private readonly _ff: TensorFn;
  private readonly _outShape: number[];
  private _pull: ((w: Tensor) => Tensor) | undefined;
}
