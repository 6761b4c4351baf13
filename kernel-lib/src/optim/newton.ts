/**
 * Newton's method: P_k = (H_k + tau_k I)^{-1} with the exact Hessian (from `hessian`), where tau_k
 * is the smallest shift (from a doubling sequence) that makes the Cholesky factorization succeed,
 * so indefinite Hessians still give a descent direction; a_k from a line search starting at 1.
 */
import type { Tensor } from '../core/tensor';
import * as np from '../numpy/ops';
import { searchAlong } from './line-search';
import type { Method, SearchSettings } from './method';
import type { Preconditioner } from './template';

/**
 * Finds tau >= damping with H + tau I positive definite (Cholesky with added multiple of the
 * identity, Nocedal and Wright Algorithm 3.3). Returns the shift and the shifted matrix.
 */
export function shiftToPositiveDefinite(h: Tensor, damping = 0): { shift: number; matrix: Tensor } {
  const n = h.shape[0];
  const eye = np.eye(n, h.dtype);
  const diag = Array.from(np.diagonal(h).dataSync());
  const minDiag = Math.min(...diag);
  const scale = Math.max(1e-3, ...diag.map(Math.abs)) * 1e-3;
  let tau = minDiag > 0 ? damping : Math.max(damping, -minDiag + scale);
  for (let i = 0; i < 60; i++) {
    const m = tau > 0 ? np.add(h, np.mul(eye, tau)) : h;
    const l = np.cholesky(m).dataSync();
    if (l.every(Number.isFinite) && l.length > 0) return { shift: tau, matrix: m };
    tau = Math.max(2 * tau, scale);
  }
  throw new Error('newton: could not make the Hessian positive definite (is it finite?)');
}

/** The Newton preconditioner: a solve with H + tau I. */
export function newtonPreconditioner(
  h: Tensor,
  shift: number,
  matrix: Tensor,
): Preconditioner<Tensor> {
  return {
    kind: 'newton',
    description:
      shift > 0
        ? `P_k = (H_k + ${shift.toPrecision(3)} I)^-1 (H_k shifted to be positive definite)`
        : 'P_k = H_k^-1 (exact Hessian, positive definite here)',
    apply: (v) => np.solve(matrix, v),
    dense: () => np.solve(matrix, np.eye(matrix.shape[0], matrix.dtype)),
    hessian: h,
    shift,
  };
}

/** Newton's method for the driver. */
export function newtonMethod(damping: number, search: SearchSettings): Method {
  let latest: Preconditioner<Tensor> | undefined;
  return {
    name: 'newton',
    hyperparameters: { damping, lineSearch: search.kind },
    preconditioner: () => latest,
    step({ obj, x, f, g }) {
      const h = obj.hessian(x);
      if (!h.dataSync().every(Number.isFinite)) return { failure: 'non-finite Hessian' };
      const { shift, matrix } = shiftToPositiveDefinite(h, damping);
      latest = newtonPreconditioner(h, shift, matrix);
      const d = np.neg(np.solve(matrix, g));
      if (search.kind === 'none') {
        const xn = np.add(x, d);
        const [fn, gn] = obj.valueAndGrad(xn);
        return { x: xn, f: fn, g: gn, stepSize: 1 };
      }
      const res = searchAlong(obj, x, f, g, d, search.kind, { ...search, a0: 1 });
      if ('failure' in res) return res;
      return { x: res.x, f: res.f, g: res.g, stepSize: res.step, lineSearch: res.record };
    },
  };
}
