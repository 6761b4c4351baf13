import { describe, expect, it } from 'vitest';
import { linalg, minimize, np, optim, Tensor } from '../../kernel-lib/src';
import type { IterationRecord } from '../../kernel-lib/src/optim';
import { expectClose, spd } from '../helpers/tensors';

const maxAbsErr = (a: Tensor, b: Tensor) => np.max(np.abs(np.sub(a, b))).item();

/** Every accepted step satisfies sufficient decrease (and, for 'wolfe', strong curvature). */
function checkLineSearchConditions(history: IterationRecord[]) {
  expect(history.length).toBeGreaterThan(1);
  for (let k = 1; k < history.length; k++) {
    const ls = history[k].lineSearch!;
    expect(ls).toBeDefined();
    const a = history[k].stepSize;
    expect(a).toBeGreaterThan(0);
    expect(ls.slope0).toBeLessThan(0);
    const f0 = history[k - 1].loss;
    // Armijo: f(x + a d) <= f(x) + c1 a g·d (a few ulps of slack for rounding in f).
    expect(history[k].loss).toBeLessThanOrEqual(f0 + ls.c1 * a * ls.slope0 + 1e-15 * Math.abs(f0));
    if (ls.kind === 'wolfe')
      expect(Math.abs(ls.slopeNew!)).toBeLessThanOrEqual(ls.c2! * Math.abs(ls.slope0));
  }
}

describe('second-order and quasi-Newton methods', () => {
  it('Newton solves a strictly convex quadratic in one step', () => {
    const A = spd(1, 5);
    const b = np.array([1, -2, 3, 0.5, -1], 'float64');
    const f = (x: Tensor) => np.sub(np.mul(np.vdot(x, np.matmul(A, x)), 0.5), np.vdot(b, x));
    const r = minimize(f, np.zeros([5], 'float64'), { method: 'newton' });
    expect(r.iterations).toBe(1);
    expect(r.history[1].stepSize).toBe(1);
    expect(r.status).toBe('converged');
    expect(maxAbsErr(r.xFlat, linalg.solve(A, b))).toBeLessThan(1e-12);
    // P_k is the inverse Hessian: P applied to A v gives v back, and P.hessian is A.
    const P = r.preconditioner!;
    expect(P.kind).toBe('newton');
    expect(P.shift).toBe(0);
    expect(maxAbsErr(P.hessian!, A)).toBeLessThan(1e-12);
    expectClose(P.apply(np.matmul(A, b)) as Tensor, b, 1e-10);
  });

  it('Newton shifts an indefinite Hessian and still descends', () => {
    const { shift } = optim.shiftToPositiveDefinite(
      np.array(
        [
          [1, 0],
          [0, -2],
        ],
        'float64',
      ),
    );
    expect(shift).toBeGreaterThan(2);
    expect(optim.shiftToPositiveDefinite(np.eye(2, 'float64')).shift).toBe(0);
    // f = x² - y² + y⁴: saddle at 0, minima at y = ±1/√2; the start has negative curvature in y.
    const f = (v: Tensor) => {
      const x = np.vdot(v, np.array([1, 0], 'float64'));
      const y = np.vdot(v, np.array([0, 1], 'float64'));
      return np.add(np.sub(np.square(x), np.square(y)), np.pow(y, 4));
    };
    const r = minimize(f, np.array([1, 0.1], 'float64'), { method: 'newton' });
    expect(r.status).toBe('converged');
    expectClose(r.xFlat, [0, Math.SQRT1_2], 1e-8, 1e-8);
  });

  it('L-BFGS reaches the Rosenbrock minimum: 2-D in <= 60 and 10-D in <= 150 iterations', () => {
    for (const [n, budget] of [
      [2, 60],
      [10, 150],
    ]) {
      const p = optim.problems.rosenbrock(n);
      const r = minimize(p.f, p.x0, { method: 'lbfgs', maxIter: budget, tol: 1e-8 });
      expect(r.iterations).toBeLessThanOrEqual(budget);
      expect(maxAbsErr(r.xFlat, p.xStar!)).toBeLessThan(1e-6);
      checkLineSearchConditions(r.history);
      const P = r.preconditioner!;
      expect(P.kind).toBe('lbfgs');
      expect(P.memory!.s.length).toBeLessThanOrEqual(10);
      expect(P.memory!.s.length).toBeGreaterThan(0);
    }
  });

  it('Newton-CG converges on Rosenbrock and on logistic regression, counting HVPs', () => {
    const p = optim.problems.rosenbrock(2);
    const r = minimize(p.f, p.x0, { method: 'newtonCg', maxIter: 200 });
    expect(r.status).toBe('converged');
    expect(maxAbsErr(r.xFlat, p.xStar!)).toBeLessThan(1e-6);
    expect(r.evals.hvp).toBeGreaterThan(0);
    checkLineSearchConditions(r.history);
    expect(r.preconditioner!.kind).toBe('newton-cg');

    const lr = optim.problems.logisticRegression({ samples: 100, features: 4 });
    const rc = minimize(lr.f, lr.x0, { method: 'newtonCg', tol: 1e-9 });
    const rn = minimize(lr.f, lr.x0, { method: 'newton', tol: 1e-9 });
    expect(rc.status).toBe('converged');
    expect(rc.iterations).toBeLessThanOrEqual(15);
    expect(maxAbsErr(rc.xFlat, rn.xFlat)).toBeLessThan(1e-7);
  });

  it('truncated CG detects negative curvature', () => {
    const H = np.array(
      [
        [1, 0],
        [0, -1],
      ],
      'float64',
    );
    const out = optim.truncatedCg((v) => np.matmul(H, v), np.array([1, 1], 'float64'), 1e-10, 10);
    expect(out.negativeCurvature).toBe(true);
    const pos = optim.truncatedCg(
      (v) => np.matmul(spd(2, 3), v),
      np.array([1, 2, 3], 'float64'),
      1e-12,
      10,
    );
    expect(pos.negativeCurvature).toBe(false);
    expectClose(pos.p, linalg.solve(spd(2, 3), np.array([1, 2, 3], 'float64')), 1e-9);
  });

  it('gradient descent with Armijo backtracking satisfies the Armijo condition at every step', () => {
    const p = optim.problems.rosenbrock(2);
    const r = minimize(p.f, p.x0, { method: 'gd', maxIter: 200 });
    expect(r.iterations).toBe(200);
    expect(r.fun).toBeLessThan(p.f(p.x0).item());
    checkLineSearchConditions(r.history);
    expect(r.history.slice(1).every((h) => h.lineSearch!.kind === 'armijo')).toBe(true);
  });

  it('the L-BFGS two-loop operator approximates the inverse Hessian on a quadratic', () => {
    const q = optim.problems.illConditionedQuadratic({ n: 4, condition: 10 });
    const r = minimize(q.f, q.x0, { method: 'lbfgs', tol: 1e-12, maxIter: 3 });
    const v = np.array([1, 0, 0, 0], 'float64');
    const Pv = r.preconditioner!.apply(v) as Tensor;
    expectClose(Pv, optim.twoLoop(r.preconditioner!.memory!, v), 1e-14);
    expect(Pv.shape).toEqual([4]);
  });
});

describe('the driver', () => {
  it('records the history: loss, gradient norm, step, iterate, counts, time', () => {
    const p = optim.problems.himmelblau();
    const r = minimize(p.f, p.x0, { method: 'lbfgs' });
    expect(r.history[0].iter).toBe(0);
    expect(r.history[0].evals).toEqual({ f: 1, grad: 1, hvp: 0 });
    for (const h of r.history) {
      expect(h.x).toHaveLength(2);
      expect(h.timeMs).toBeGreaterThanOrEqual(0);
    }
    const last = r.history[r.history.length - 1];
    expect(last.gradNorm).toBeLessThanOrEqual(1e-6);
    expect(r.fun).toBe(last.loss);
    expect(r.termination).toMatch(/converged/);
    expect(String(r)).toContain('lbfgs');
  });

  it('minimizes over pytrees and in float32', () => {
    const f = (p: { a: Tensor; b: Tensor[] }) =>
      np.add(np.sum(np.square(np.sub(p.a, 1))), np.sum(np.square(np.add(p.b[0], 2))));
    const r = minimize(
      f,
      { a: np.zeros([2, 2], 'float64'), b: [np.zeros([3], 'float64')] },
      { method: 'lbfgs' },
    );
    expectClose(
      r.x.a,
      [
        [1, 1],
        [1, 1],
      ],
      1e-8,
      1e-8,
    );
    expectClose(r.x.b[0], [-2, -2, -2], 1e-8, 1e-8);
    const p32 = optim.problems.rosenbrock(2, 'float32');
    const r32 = minimize(p32.f, p32.x0, { method: 'lbfgs' });
    expect(r32.xFlat.dtype).toBe('float32');
    expect(maxAbsErr(r32.xFlat, p32.xStar!)).toBeLessThan(1e-2);
    const a32 = minimize(p32.f, p32.x0, { method: 'adam', lr: 0.01, maxIter: 20 });
    expect(a32.xFlat.dtype).toBe('float32');
  });

  it('respects maxIter and the callback', () => {
    const p = optim.problems.rosenbrock(2);
    const r = minimize(p.f, p.x0, { method: 'sgd', lr: 1e-4, maxIter: 5 });
    expect(r.iterations).toBe(5);
    expect(r.status).toBe('maxIter');
    expect(r.termination).toBe('reached maxIter = 5 iterations');
    const seen: number[] = [];
    const rc = minimize(p.f, p.x0, {
      method: 'momentum',
      lr: 1e-4,
      callback: (h) => {
        seen.push(h.iter);
        return h.iter === 3;
      },
    });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(rc.status).toBe('callback');
    const r0 = minimize(p.f, p.x0, { maxIter: 0 });
    expect(r0.iterations).toBe(0);
  });

  it('runs any gradient transformation, e.g. a chain', () => {
    const q = optim.problems.illConditionedQuadratic({ condition: 10 });
    const opt = optim.chain(optim.clipByGlobalNorm(1), optim.adam(0.05));
    const r = minimize(q.f, q.x0, { method: opt, maxIter: 400, tol: 1e-4 });
    expect(r.method).toBe('chain(clipByGlobalNorm, adam)');
    expect(r.fun).toBeLessThan(1e-6);
    expect(r.preconditioner!.kind).toBe('diagonal');
  });
});

describe('robustness', () => {
  /** Rosenbrock, whose loss turns NaN after `n` evaluations. */
  const nanAfter = (n: number) => {
    let calls = 0;
    const f = optim.problems.rosenbrock(2).f;
    return (x: Tensor) => (++calls > n ? np.mul(np.sum(x), NaN) : f(x));
  };

  it('a NaN loss stops the run with a reason that names it', () => {
    const r = minimize(nanAfter(3), np.array([1, 2], 'float64'), { method: 'sgd', lr: 0.1 });
    expect(r.status).toBe('nonFinite');
    expect(r.termination).toBe('non-finite loss (NaN) at iteration 3');
    expect(r.iterations).toBe(3);
    for (const method of ['lbfgs', 'gd', 'newtonCg'] as const) {
      const rl = minimize(nanAfter(3), np.array([1, 2], 'float64'), { method });
      expect(rl.status).toBe('nonFinite');
      expect(rl.termination).toMatch(/non-finite loss/);
    }
  });

  it('a non-finite gradient stops the run', () => {
    const r = minimize((x: Tensor) => np.sum(np.sqrt(x)), np.array([0, 1], 'float64'), {
      method: 'adam',
    });
    expect(r.status).toBe('nonFinite');
    expect(r.termination).toBe('non-finite gradient (norm Infinity) at iteration 0');
  });

  it('non-smooth |x| terminates within maxIter with a reason (Armijo GD and L-BFGS)', () => {
    const f = (x: Tensor) => np.sum(np.abs(x));
    for (const method of ['gd', 'lbfgs'] as const) {
      const r = minimize(f, np.array([1.3, -0.7], 'float64'), { method, maxIter: 200 });
      expect(r.iterations).toBeLessThanOrEqual(200);
      expect(r.termination.length).toBeGreaterThan(0);
      // Each iteration's line search is capped at 30 trials.
      expect(r.evals.f).toBeLessThanOrEqual(1 + 30 * 200);
      expect(r.fun).toBeLessThanOrEqual(2);
    }
  });

  it('bad options give errors naming the option', () => {
    const f = (x: Tensor) => np.sum(np.square(x));
    const x0 = np.array([1], 'float64');
    const cases: [object, string][] = [
      [{ method: 'sgd', lr: -1 }, "minimize: option 'lr' must be a positive number, got -1"],
      [{ method: 'bfgs' }, "minimize: option 'method' must be one of"],
      [{ maxIter: 1.5 }, "minimize: option 'maxIter' must be an integer >= 0, got 1.5"],
      [{ tol: -1 }, "minimize: option 'tol' must be a non-negative number, got -1"],
      [{ memory: 0 }, "minimize: option 'memory' must be an integer >= 1, got 0"],
      [{ c1: 0.5, c2: 0.1 }, "minimize: option 'c2' must be in (0.5, 1), got 0.1"],
      [
        { lineSearch: 'exact' },
        "minimize: option 'lineSearch' must be 'armijo', 'wolfe' or 'none'",
      ],
      [
        { method: 'adam', lineSearch: 'wolfe' },
        "minimize: option 'lineSearch' does not apply to method 'adam'",
      ],
      [{ method: 'adam', b1: 2 }, "adam: option 'b1' must be in [0, 1), got 2"],
      [{ learningRate: 0.1 }, "minimize: unknown option 'learningRate'"],
      [{ callback: 3 }, "minimize: option 'callback' must be a function, got 3"],
    ];
    for (const [opts, msg] of cases) expect(() => minimize(f, x0, opts as never)).toThrow(msg);
    expect(() => minimize((x: Tensor) => x, np.array([1, 2], 'float64'))).toThrow(
      'minimize: f must return a float scalar tensor; grad: the function must return a float scalar (shape []), got float64[2]',
    );
  });
});
