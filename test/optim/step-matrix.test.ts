import { describe, expect, it } from 'vitest';
import { minimize, np, optim, Tensor } from '../../kernel-lib/src';
import { stepMatrixIterations } from '../../kernel-lib/src/optim/step-matrix';
import { spd } from '../helpers/tensors';

/** Eigenvalues of a symmetric matrix, ascending. */
const eig = (a: Tensor) => Array.from(np.eigh(a)[0].dataSync());

describe('the effective step matrix a_k P_k recorded by minimize', () => {
  it('SGD: a P = lr I, so the range is [lr, lr] and the 2-D matrix is lr I', () => {
    const p = optim.problems.illConditionedQuadratic({ condition: 10 });
    const r = minimize(p.f, p.x0, { method: 'sgd', lr: 0.05, maxIter: 20 });
    const s = r.history[5].stepMatrix!;
    expect(s.min).toBeCloseTo(0.05, 12);
    expect(s.max).toBeCloseTo(0.05, 12);
    expect(s.estimate).toBe('exact');
    expect(s.matrix).toEqual([0.05, 0, 0, 0.05]);
  });

  it('Newton on a quadratic: a P = H⁻¹, eigenvalues 1 / eig(H) (n = 5, exact)', () => {
    const A = spd(3, 5);
    const f = (x: Tensor) => np.mul(np.vdot(x, np.matmul(A, x)), 0.5);
    const r = minimize(f, np.ones([5], 'float64'), { method: 'newton', tol: 1e-30, maxIter: 1 });
    const s = r.history[1].stepMatrix!;
    const lam = eig(A);
    expect(r.history[1].stepSize).toBe(1);
    expect(s.min).toBeCloseTo(1 / lam[lam.length - 1], 12);
    expect(s.max).toBeCloseTo(1 / lam[0], 12);
    expect(s.matrix).toBeUndefined();
  });

  it('Newton in 2-D records H⁻¹ itself', () => {
    const p = optim.problems.illConditionedQuadratic({ condition: 100, angle: 0.4 });
    const r = minimize(p.f, p.x0, { method: 'newton', maxIter: 1, tol: 1e-30 });
    const inv = Array.from(np.linalg.inv(p.A).dataSync());
    r.history[1].stepMatrix!.matrix!.forEach((v, i) => expect(v).toBeCloseTo(inv[i], 10));
    expect(r.history[1].stepMatrix!.max / r.history[1].stepMatrix!.min).toBeCloseTo(100, 8);
  });

  it('Adam at step 1: a P = lr diag(1 / (|g| + eps)) (v̂₁ = g², bias-corrected)', () => {
    const f = (x: Tensor) => np.sum(np.mul(np.square(x), np.array([0.5, 2, 8], 'float64')));
    const x0 = np.array([1, -1, 0.5], 'float64');
    const g = [1, -4, 8]; // ∇f = (x₀, 4 x₁, 16 x₂)
    const r = minimize(f, x0, { method: 'adam', lr: 0.1, eps: 1e-3, maxIter: 3 });
    const d = g.map((gi) => 0.1 / (Math.abs(gi) + 1e-3));
    const s = r.history[1].stepMatrix!;
    expect(s.min).toBeCloseTo(Math.min(...d), 12);
    expect(s.max).toBeCloseTo(Math.max(...d), 12);
    expect(s.estimate).toBe('exact');
  });

  it('L-BFGS: the batched two-loop matrix equals P applied to each basis vector', () => {
    const A = spd(5, 6);
    const f = (x: Tensor) => np.mul(np.vdot(x, np.matmul(A, x)), 0.5);
    const r = minimize(f, np.ones([6], 'float64'), { method: 'lbfgs', maxIter: 4, tol: 1e-30 });
    const P = r.preconditioner!;
    const dense = P.dense!();
    for (let j = 0; j < 6; j++) {
      const e = np.array(
        Array.from({ length: 6 }, (_, i) => (i === j ? 1 : 0)),
        'float64',
      );
      const col = Array.from(P.apply(e).dataSync());
      const got = Array.from(dense.dataSync()).filter((_, k) => k % 6 === j);
      got.forEach((v, i) => expect(v).toBeCloseTo(col[i], 12));
    }
    // On a quadratic the L-BFGS matrix has its range inside [1/λmax, 1/λmin] of A (times a_k ≈ 1).
    const last = r.history[r.history.length - 1].stepMatrix!;
    const lam = eig(A);
    expect(last.min).toBeGreaterThan(0.5 / lam[lam.length - 1]);
    expect(last.max).toBeLessThan(2 / lam[0]);
  });

  it('large n: diagonal methods stay exact, L-BFGS gets a Lanczos estimate inside the true range', () => {
    const p = optim.problems.illConditionedQuadratic({ n: 100, condition: 1000 });
    const adam = minimize(p.f, p.x0, { method: 'adam', lr: 0.01, maxIter: 5 });
    expect(adam.history[5].stepMatrix!.estimate).toBe('exact');
    const r = minimize(p.f, p.x0, { method: 'lbfgs', maxIter: 6, tol: 1e-30 });
    const s = r.history[r.history.length - 1].stepMatrix!;
    expect(s.estimate).toBe('lanczos');
    const exact = eig(np.mul(r.preconditioner!.dense!(), r.history[r.history.length - 1].stepSize));
    expect(s.min).toBeGreaterThanOrEqual(exact[0] * (1 - 1e-9));
    expect(s.max).toBeLessThanOrEqual(exact[exact.length - 1] * (1 + 1e-9));
    expect(s.max).toBeGreaterThan(s.min);
  });

  it('momentum records the linear part in the new gradient: lr I (heavy ball), lr (1 + β) I (Nesterov)', () => {
    const p = optim.problems.illConditionedQuadratic({ condition: 10 });
    const hb = minimize(p.f, p.x0, { method: 'momentum', lr: 0.01, beta: 0.5, maxIter: 3 });
    expect(hb.history[3].stepMatrix!.min).toBeCloseTo(0.01, 12);
    expect(hb.history[3].stepMatrix!.max).toBeCloseTo(0.01, 12);
    const nv = minimize(p.f, p.x0, { method: 'nesterov', lr: 0.01, beta: 0.5, maxIter: 3 });
    expect(nv.history[3].stepMatrix!.max).toBeCloseTo(0.015, 12);
  });

  it('is thinned (log-spaced, last iteration included) and can be turned off', () => {
    const it = stepMatrixIterations(1000, 100);
    expect(it.size).toBeLessThanOrEqual(100);
    for (const k of [1, 2, 3, 10, 1000]) expect(it.has(k)).toBe(true);
    expect([...stepMatrixIterations(5, 100)]).toEqual([1, 2, 3, 4, 5]);
    expect(stepMatrixIterations(1000, 0).size).toBe(0);
    const p = optim.problems.rosenbrock();
    const r = minimize(p.f, p.x0, { method: 'gd', maxIter: 400, stepMatrixSamples: 20 });
    const recorded = r.history.filter((h) => h.stepMatrix).length;
    expect(recorded).toBeLessThanOrEqual(21);
    expect(recorded).toBeGreaterThan(5);
    expect(r.history[r.history.length - 1].stepMatrix).toBeDefined();
    // Costly summaries (L-BFGS in 2-D: one batched two-loop each) average <= 0.5 P_k per
    // iteration beyond the first 10.
    const lb = minimize(p.f, p.x0, { method: 'lbfgs' });
    const lbSamples = lb.history.filter((h) => h.stepMatrix).length;
    expect(lb.history.slice(1, 11).every((h) => h.stepMatrix)).toBe(true);
    expect(lbSamples).toBeLessThanOrEqual(Math.max(10, Math.ceil(0.5 * lb.iterations)) + 1);
    expect(lbSamples).toBeLessThan(lb.iterations);
    const off = minimize(p.f, p.x0, { method: 'gd', maxIter: 50, stepMatrixSamples: 0 });
    expect(off.history.some((h) => h.stepMatrix)).toBe(false);
    expect(() => minimize(p.f, p.x0, { stepMatrixSamples: -1 })).toThrow(
      /minimize: option 'stepMatrixSamples' must be an integer >= 0, got -1/,
    );
  });
});

describe('Newton-CG', () => {
  it('2-D diagonal quadratic: CG on each basis vector is exact, so a P = H⁻¹', () => {
    const f = (x: Tensor) => np.sum(np.mul(np.square(x), np.array([0.5, 50], 'float64')));
    const r = minimize(f, np.array([1, 1], 'float64'), {
      method: 'newtonCg',
      maxIter: 1,
      tol: 1e-30,
    });
    const s = r.history[1].stepMatrix!;
    expect(s.min).toBeCloseTo(1 / 100, 10);
    expect(s.max).toBeCloseTo(1, 10);
  });

  it('n = 100: Lanczos on the Hessian gives an inner estimate of H⁻¹', () => {
    const p = optim.problems.illConditionedQuadratic({ n: 100, condition: 1000 });
    const r = minimize(p.f, p.x0, { method: 'newtonCg', maxIter: 2, lineSearch: 'none' });
    const s = r.history[r.history.length - 1].stepMatrix!;
    expect(s.estimate).toBe('lanczos');
    expect(s.min).toBeGreaterThanOrEqual(1e-3 * (1 - 1e-9));
    expect(s.max).toBeLessThanOrEqual(1 + 1e-9);
    expect(s.max / s.min).toBeGreaterThan(10);
  });
});

describe('a_k P_k in the optimizer-run payload', () => {
  it('carries aligned columns, thinned to 90 over all runs, a constant stretch kept by its ends', () => {
    const p = optim.problems.illConditionedQuadratic({ condition: 100 });
    const runs = [
      minimize(p.f, p.x0, { method: 'sgd', lr: 0.015, maxIter: 500 }),
      minimize(p.f, p.x0, { method: 'adam', lr: 0.05, maxIter: 500 }),
      minimize(p.f, p.x0, { method: 'lbfgs' }),
    ];
    const payload = optim.compareRuns(runs, { grid: 0 }).payload();
    const [sgd, adam, lbfgs] = payload.runs.map((r) => r.stepMatrix!);
    expect(sgd.iter).toEqual([1, 500]);
    expect(sgd.min).toEqual([0.015, 0.015]);
    expect(sgd.matrix).toEqual([
      [0.015, 0, 0, 0.015],
      [0.015, 0, 0, 0.015],
    ]);
    expect(adam.iter.length).toBe(30);
    expect(adam.iter[adam.iter.length - 1]).toBe(runs[1].iterations);
    expect(adam.max.length).toBe(30);
    expect(lbfgs.estimate).toBe('exact');
    expect(lbfgs.max[lbfgs.max.length - 1]).toBeCloseTo(1, 3);
    expect(lbfgs.min[lbfgs.min.length - 1]).toBeCloseTo(0.01, 5);
    const off = minimize(p.f, p.x0, {
      method: 'sgd',
      lr: 0.015,
      maxIter: 50,
      stepMatrixSamples: 0,
    });
    expect(optim.compareRuns([off], { grid: 0 }).payload().runs[0].stepMatrix).toBeUndefined();
  });
});
