/**
 * Newton-CG (truncated Newton): P_k g_k is an approximate solution of H_k p = g_k by conjugate
 * gradients on Hessian-vector products (`hvp`), never forming H. CG stops at |r| <= η_k |g_k|
 * (the forcing term: by default η_k = min(0.5, sqrt(|g_k|)), superlinear convergence as in
 * Nocedal & Wright, Algorithm 7.1; option `forcing`), after `cgMaxIter` steps, or when it meets a
 * direction of non-positive curvature.
 */
import type { Tensor } from '../core/tensor';
import * as np from '../numpy/ops';
import { searchAlong } from './line-search';
import type { Method, SearchSettings } from './method';
import type { Preconditioner } from './template';

/** The outcome of truncated CG. */
export interface TruncatedCgResult {
  /** The approximate solution of H p = b. */
  p: Tensor;
  iterations: number;
  /** True if CG stopped on a direction d with dᵀ H d <= 0. */
  negativeCurvature: boolean;
  /** Final residual norm |H p - b|. */
  residual: number;
}

/**
 * Conjugate gradients for H p = b with H given as an action, stopped at |r| <= tol, after
 * maxIter steps, or at non-positive curvature (then the iterate so far, or b itself at step 0).
 * @example truncatedCg((v) => hvp(f, [x], [v]), g, 1e-3, 50)
 */
export function truncatedCg(
  hv: (v: Tensor) => Tensor,
  b: Tensor,
  tol: number,
  maxIter: number,
): TruncatedCgResult {
  let p = np.zerosLike(b);
  let r = b; // r = b - H p
  let d = r;
  let rr = np.vdot(r, r).item();
  for (let j = 0; j < maxIter; j++) {
    if (Math.sqrt(rr) <= tol)
      return { p, iterations: j, negativeCurvature: false, residual: Math.sqrt(rr) };
    const hd = hv(d);
    const curvature = np.vdot(d, hd).item();
    if (!(curvature > 1e-14 * np.vdot(d, d).item())) {
      // Negative (or zero) curvature: H is not positive definite along d. Stop with what we have;
      // at the first step fall back to b, which gives steepest descent.
      return {
        p: j === 0 ? b : p,
        iterations: j + 1,
        negativeCurvature: true,
        residual: Math.sqrt(rr),
      };
    }
    const alpha = rr / curvature;
    p = np.add(p, np.mul(d, alpha));
    r = np.sub(r, np.mul(hd, alpha));
    const rrNew = np.vdot(r, r).item();
    d = np.add(r, np.mul(d, rrNew / rr));
    rr = rrNew;
  }
  return { p, iterations: maxIter, negativeCurvature: false, residual: Math.sqrt(rr) };
}

/** The forcing term η_k as a function of |g_k|: a constant or a function (see `forcing`). */
export type Forcing = number | ((gradNorm: number) => number);

/** The default forcing sequence, min(0.5, sqrt(|g|)). */
const superlinear = (gn: number) => Math.min(0.5, Math.sqrt(gn));

/** Newton-CG for the driver. */
export function newtonCgMethod(
  cgMaxIter: number | undefined,
  search: SearchSettings,
  forcing?: Forcing,
): Method {
  const eta = typeof forcing === 'number' ? () => forcing : (forcing ?? superlinear);
  let latest: Preconditioner<Tensor> | undefined;
  let cgTotal = 0;
  let negativeCurvatureSteps = 0;
  return {
    name: 'newtonCg',
    hyperparameters: {
      lineSearch: search.kind,
      forcing:
        typeof forcing === 'number'
          ? forcing
          : forcing === undefined
            ? 'min(0.5, sqrt(|g|))'
            : 'a function of |g|',
    },
    preconditioner: () => latest,
    step({ obj, x, f, g }) {
      const gn = np.norm(g).item();
      const maxIter = cgMaxIter ?? Math.max(20, 2 * g.size);
      const hv = (v: Tensor) => obj.hvp(x, v);
      const cg = truncatedCg(hv, g, eta(gn) * gn, maxIter);
      cgTotal += cg.iterations;
      if (cg.negativeCurvature) negativeCurvatureSteps++;
      this.hyperparameters.cgIterations = cgTotal;
      this.hyperparameters.negativeCurvatureSteps = negativeCurvatureSteps;
      latest = {
        kind: 'newton-cg',
        description: `P_k v = truncated CG on H_k p = v by HVPs (matrix-free; ${cg.iterations} CG step(s) here${cg.negativeCurvature ? ', stopped at negative curvature' : ''})`,
        apply: (v) => {
          const vn = np.norm(v).item();
          return truncatedCg(hv, v, eta(vn) * vn, maxIter).p;
        },
        hvp: hv,
        cgIterations: cg.iterations,
      };
      const d = np.neg(cg.p);
      if (search.kind === 'none') {
        const xn = np.add(x, d);
        const [fn, gn2] = obj.valueAndGrad(xn);
        return { x: xn, f: fn, g: gn2, stepSize: 1 };
      }
      const res = searchAlong(obj, x, f, g, d, search.kind, { ...search, a0: 1 });
      if ('failure' in res) return res;
      return { x: res.x, f: res.f, g: res.g, stepSize: res.step, lineSearch: res.record };
    },
  };
}
