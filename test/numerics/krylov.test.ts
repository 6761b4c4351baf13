/** Matrix-free operators, CG, Lanczos and power iteration. */
import { describe, expect, it } from 'vitest';
import {
  cg,
  hessian,
  hessianOperator,
  jacfwd,
  jacobianOperator,
  lanczos,
  np,
  numerics,
  powerIteration,
  random,
  ravelTree,
  Tensor,
} from '../../kernel-lib/src';
import { expectClose, randn, spd } from '../helpers/tensors';

const eigenvalues = (a: Tensor) => Array.from(np.linalg.eigh(a)[0].dataSync());

describe('linear operators', () => {
  it('ravelTree round-trips a pytree with mixed shapes', () => {
    const tree = { W: randn(0, [2, 3]), b: [randn(1, [3]), randn(2, [])] };
    const [v, unravel] = ravelTree(tree);
    expect(v.shape).toEqual([10]);
    const back = unravel(v) as typeof tree;
    expectClose(back.W, tree.W, 0);
    expectClose(back.b[1], tree.b[1], 0);
  });

  it('J, Jᵀ, H and JᵀJ of functions of pytrees match the dense matrices', () => {
    const X = randn(3, [5, 3]);
    const f = (p: { W: Tensor; b: Tensor }) => np.tanh(np.add(np.matmul(X, p.W), p.b));
    const p = { W: randn(4, [3, 2]), b: randn(5, [2]) };
    const J = jacobianOperator(f as never, [p]);
    expect(J.shape).toEqual([10, 8]);
    const dense = numerics.toDense(J);
    const fFlat = (v: Tensor) => {
      const [, unravel] = ravelTree([p]);
      return np.reshape(f((unravel(v) as [typeof p])[0]), [-1]);
    };
    const want = jacfwd(fFlat)(ravelTree([p])[0]) as Tensor;
    expectClose(dense, want, 1e-10, 1e-12);
    const w = randn(6, [10]);
    expectClose(J.rmatvec!(w), np.matmul(want.T, w), 1e-10, 1e-12);
    const JT = numerics.jacobianTransposeOperator(f as never, [p]);
    expectClose(JT.matvec(w), np.matmul(want.T, w), 1e-10, 1e-12);
    const G = numerics.gaussNewtonOperator(f as never, [p]);
    expectClose(numerics.toDense(G), np.matmul(want.T, want), 1e-10, 1e-12);
    const loss = (q: { W: Tensor; b: Tensor }) => np.sum(np.square(f(q)));
    const H = numerics.toDense(hessianOperator(loss as never, [p]));
    const lossFlat = (v: Tensor) => np.sum(np.square(fFlat(v)));
    expectClose(H, hessian(lossFlat)(ravelTree([p])[0]) as Tensor, 1e-9, 1e-10);
  });
});

describe('cg', () => {
  const n = 20;
  const A = spd(7, n);
  const b = randn(8, [n]);
  const xStar = np.linalg.solve(A, b);

  it('solves an SPD system in at most n iterations, with a decreasing A-norm error', () => {
    const errors: number[] = [];
    for (let k = 0; k <= n; k++) {
      const { x } = cg((v) => np.matmul(A, v), b, { maxIter: k, tol: 1e-12 });
      const e = np.sub(x, xStar);
      errors.push(Math.sqrt(np.vdot(e, np.matmul(A, e)).item()));
    }
    for (let k = 1; k < errors.length; k++)
      expect(errors[k]).toBeLessThanOrEqual(errors[k - 1] * (1 + 1e-12));
    const r = cg(numerics.denseOperator(A), b, { tol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(n);
    expect(r.residualNorms[r.residualNorms.length - 1]).toBeLessThanOrEqual(
      1e-10 * r.residualNorms[0],
    );
    expectClose(r.x, xStar, 1e-8, 1e-10);
    // The residual norm is not monotone in CG, but its trend is down: every 5 steps it falls.
    const h = r.residualNorms;
    for (let k = 5; k < h.length; k += 5) expect(h[k]).toBeLessThan(h[k - 5]);
  });

  it('a Jacobi preconditioner helps on a badly scaled system; negative curvature is detected', () => {
    const d = np.array(
      Array.from({ length: n }, (_, i) => 10 ** ((4 * i) / (n - 1))),
      'float64',
    );
    const S = np.mul(
      np.mul(np.sqrt(d).expandDims(1), np.add(np.eye(n, 'float64'), np.mul(0.01, A))),
      np.sqrt(d),
    );
    const plain = cg((v) => np.matmul(S, v), b, { tol: 1e-8, maxIter: 500 });
    const diag = np.diagonal(S);
    const pre = cg((v) => np.matmul(S, v), b, {
      tol: 1e-8,
      preconditioner: (r) => np.div(r, diag),
    });
    expect(pre.converged).toBe(true);
    expect(pre.iterations).toBeLessThan(plain.iterations);
    const indefinite = cg(
      (v) => np.mul(v, np.array([1, -1, 2], 'float64')),
      np.array([1, 1, 1], 'float64'),
    );
    expect(indefinite.negativeCurvature).toBe(true);
  });
});

describe('lanczos and power iteration', () => {
  it('extreme eigenvalues agree with dense eigh on a 20 x 20 Hessian', () => {
    const M = spd(11, 20);
    const f = (x: Tensor) => np.add(np.mul(0.5, np.vdot(x, np.matmul(M, x))), np.sum(np.pow(x, 4)));
    const x0 = randn(12, [20]);
    const H = hessian(f)(x0) as Tensor;
    const w = eigenvalues(H);
    const op = hessianOperator(f as never, [x0]);
    const r = lanczos(op, { steps: 20, reorthogonalize: true });
    expect(r.max).toBeCloseTo(w[19], 6);
    expect(r.min).toBeCloseTo(w[0], 6);
    expect(r.conditionNumber).toBeCloseTo(w[19] / w[0], 4);
    const few = lanczos(op, { steps: 12, reorthogonalize: true });
    expect(Math.abs(few.max - w[19]) / w[19]).toBeLessThan(1e-3);
    expect(few.ritzResiduals[few.ritzResiduals.length - 1]).toBeLessThan(1e-2 * w[19]);
    const p = powerIteration(op, { maxIter: 500, tol: 1e-12 });
    expect(p.eigenvalue).toBeCloseTo(w[19], 4);
  });

  it('converges on the Hessian of a 2-layer MLP with ~10⁴ parameters (no dense H)', () => {
    const [k1, k2, k3, k4, k5] = random.split(random.key(0), 5);
    const X = random.normal(k1, [64, 100]);
    const Y = random.normal(k2, [64, 10]);
    const params = {
      W1: np.mul(random.normal(k3, [100, 90]), 0.1),
      b1: np.zeros([90]),
      W2: np.mul(random.normal(k4, [90, 10]), 0.1),
      b2: np.mul(random.normal(k5, [10]), 0.1),
    };
    const loss = (p: typeof params) => {
      const h = np.tanh(np.add(np.matmul(X, p.W1), p.b1));
      return np.mean(np.square(np.sub(np.add(np.matmul(h, p.W2), p.b2), Y)));
    };
    const H = hessianOperator(loss as never, [params]);
    expect(H.shape[0]).toBe(100 * 90 + 90 + 90 * 10 + 10); // 10000
    const lz = lanczos(H, { steps: 30 });
    const pw = powerIteration(H, { maxIter: 100, tol: 1e-5 });
    expect(Math.abs(lz.max - pw.eigenvalue) / Math.abs(pw.eigenvalue)).toBeLessThan(1e-2);
    expect(lz.min).toBeLessThan(lz.max);
  });
});
