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

/**
 * The two-loop recursion on all n basis vectors at once: the n x n matrix H of `memory` (columns
 * H e_j), by the same 2m rank-one steps as {@link twoLoop} acting on the identity. On the host in
 * float64: for the small n this serves (a summary of P_k), O(m n²) flops beat 4m tiny tensor ops.
 */
export function twoLoopMatrix(memory: LbfgsMemory, n: number, dtype: Tensor['dtype']): Tensor {
  const host = (t: Tensor) => Float64Array.from(t.dataSync() as ArrayLike<number>);
  const s = memory.s.map(host);
  const y = memory.y.map(host);
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  // c_j = w · (column j of q): one entry per column
  const rowTimes = (w: Float64Array, scale: number) => {
    const c = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) c[j] += w[i] * q[i * n + j];
    return c.map((v) => v * scale);
  };
  // q <- q + u cᵀ
  const addOuter = (u: Float64Array, c: Float64Array) => {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) q[i * n + j] += u[i] * c[j];
  };
  const alpha: Float64Array[] = [];
  for (let i = s.length - 1; i >= 0; i--) {
    alpha[i] = rowTimes(s[i], memory.rho[i]); // alpha_i = rho_i s_iᵀ Q
    addOuter(
      y[i],
      alpha[i].map((v) => -v),
    ); // Q <- Q - y_i alpha_iᵀ
  }
  for (let k = 0; k < q.length; k++) q[k] *= memory.gamma;
  for (let i = 0; i < s.length; i++) {
    const beta = rowTimes(y[i], memory.rho[i]); // beta_i = rho_i y_iᵀ R
    addOuter(
      s[i],
      alpha[i].map((v, j) => v - beta[j]),
    ); // R <- R + s_i (alpha_i - beta_i)ᵀ
  }
  return np.reshape(np.array(Array.from(q), dtype), [n, n]);
}

/** The L-BFGS preconditioner of a memory, as an inspectable object (acting on n-vectors of `dtype`). */
export function lbfgsPreconditioner(
  current: LbfgsMemory,
  n?: number,
  dtype: Tensor['dtype'] = 'float32',
): Preconditioner<Tensor> {
  // A snapshot: later steps change the method's memory, not this P_k.
  const memory = { ...current, s: [...current.s], y: [...current.y], rho: [...current.rho] };
  return {
    kind: 'lbfgs',
    description: `P_k = two-loop recursion over ${memory.s.length} curvature pair(s), H_0 = ${memory.gamma.toPrecision(4)} I`,
    apply: (v) => twoLoop(memory, v),
    memory,
    ...(n !== undefined ? { dense: () => twoLoopMatrix(memory, n, dtype) } : {}),
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
      latest = lbfgsPreconditioner(memory, g.size, g.dtype);
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
