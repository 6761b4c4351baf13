/**
 * L-BFGS: P_k is the two-loop recursion over the last m curvature pairs (s_i, y_i), a low-rank
 * update of gamma I that approximates the inverse Hessian; a_k comes from a strong-Wolfe search.
 */
import type { Tensor } from '../core/tensor';
import * as np from '../numpy/ops';
import { searchAlong } from './line-search';
import type { Method, SearchSettings } from './method';
import type { Preconditioner } from './template';

/** The L-BFGS memory: pairs s = x_{k+1} - x_k, y = g_{k+1} - g_k, rho = 1 / (y·s), oldest first. */
export interface LbfgsMemory {
  s: Tensor[];
  y: Tensor[];
  rho: number[];
  /** Initial inverse-Hessian scale gamma = s·y / y·y of the newest pair (1 when empty). */
  gamma: number;
}

/**
 * The two-loop recursion: H v for the L-BFGS inverse-Hessian approximation H of `memory`.
 * @example twoLoop(memory, g) // the quasi-Newton direction before the minus sign
 */
export function twoLoop(memory: LbfgsMemory, v: Tensor): Tensor {
  const { s, y, rho, gamma } = memory;
  const alpha: number[] = [];
  let q = v;
  for (let i = s.length - 1; i >= 0; i--) {
    alpha[i] = rho[i] * np.vdot(s[i], q).item();
    q = np.sub(q, np.mul(y[i], alpha[i]));
  }
  let r = np.mul(q, gamma);
  for (let i = 0; i < s.length; i++) {
    const beta = rho[i] * np.vdot(y[i], r).item();
    r = np.add(r, np.mul(s[i], alpha[i] - beta));
  }
  return r;
}

/** The L-BFGS preconditioner of a memory, as an inspectable object. */
export function lbfgsPreconditioner(current: LbfgsMemory): Preconditioner<Tensor> {
  // A snapshot: later steps change the method's memory, not this P_k.
  const memory = { ...current, s: [...current.s], y: [...current.y], rho: [...current.rho] };
  return {
    kind: 'lbfgs',
    description: `P_k = two-loop recursion over ${memory.s.length} curvature pair(s), H_0 = ${memory.gamma.toPrecision(4)} I`,
    apply: (v) => twoLoop(memory, v),
    memory,
  };
}

/** The L-BFGS method for the driver (memory m; pairs with too little curvature are skipped). */
export function lbfgsMethod(m: number, search: SearchSettings): Method {
  const memory: LbfgsMemory = { s: [], y: [], rho: [], gamma: 1 };
  let skipped = 0;
  let latest: Preconditioner<Tensor> | undefined;
  return {
    name: 'lbfgs',
    hyperparameters: { memory: m, lineSearch: search.kind },
    preconditioner: () => latest,
    step({ obj, x, f, g, iter }) {
      latest = lbfgsPreconditioner(memory);
      let d = np.neg(twoLoop(memory, g));
      if (!(np.vdot(g, d).item() < 0)) {
        // Not a descent direction (rounding after bad pairs): restart from steepest descent.
        memory.s.length = memory.y.length = memory.rho.length = 0;
        memory.gamma = 1;
        d = np.neg(g);
      }
      // Without curvature information the first step is scaled to length 1.
      const gn = np.norm(g).item();
      const a0 = memory.s.length === 0 && iter === 0 ? Math.min(1, 1 / gn) : 1;
      const kind = search.kind === 'none' ? 'wolfe' : search.kind;
      const res = searchAlong(obj, x, f, g, d, kind, { ...search, a0 });
      if ('failure' in res) return res;
      const s = np.sub(res.x, x);
      const y = np.sub(res.g, g);
      const sy = np.vdot(s, y).item();
      const yy = np.vdot(y, y).item();
      // Keep the pair only with enough positive curvature, so H stays positive definite.
      if (sy > 1e-10 * Math.sqrt(np.vdot(s, s).item() * yy) && yy > 0) {
        memory.s.push(s);
        memory.y.push(y);
        memory.rho.push(1 / sy);
        memory.gamma = sy / yy;
        if (memory.s.length > m) {
          memory.s.shift();
          memory.y.shift();
          memory.rho.shift();
        }
      } else skipped++;
      this.hyperparameters.skippedPairs = skipped;
      return { x: res.x, f: res.f, g: res.g, stepSize: res.step, lineSearch: res.record };
    },
  };
}
