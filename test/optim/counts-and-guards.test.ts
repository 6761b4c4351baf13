/** Evaluation counts that include every call, Newton-CG's forcing term, and non-finite guards. */
import { describe, expect, it } from 'vitest';
import { grad, minimize, np, optim, Tensor } from '../../kernel-lib/src';

const f64 = (v: number[]) => np.array(v, 'float64');

describe('OptimizeResult.evals counts every call of f', () => {
  it('L-BFGS on a nonsmooth Σ|x - c| ending in a failed line search', () => {
    const c = f64([0.5, -0.25]);
    let calls = 0;
    const f = (x: Tensor) => {
      calls++;
      return np.sum(np.abs(np.sub(x, c)));
    };
    const r = minimize(f, f64([2, 1]), { method: 'lbfgs' });
    expect(r.status).not.toBe('converged');
    expect(r.evals.f).toBe(calls);
    expect(r.evals.grad).toBeLessThanOrEqual(calls);
    expect(r.toString()).toContain(`evals f=${calls} `);
  });
  it('every method: the counts equal the calls of f, HVPs included', () => {
    for (const method of ['gd', 'lbfgs', 'newton', 'newtonCg', 'adam'] as const) {
      let calls = 0;
      const f = (x: Tensor) => {
        calls++;
        return np.sum(np.mul(np.square(np.sub(x, 1)), f64([1, 10])));
      };
      const r = minimize(f, f64([0, 0]), { method, maxIter: 20 });
      // An HVP or a Hessian re-runs f under the transforms (one call per HVP or per column).
      expect(r.evals.f + r.evals.hvp).toBe(calls);
    }
  });
});

describe('Newton-CG forcing term', () => {
  const p = optim.problems.rosenbrock(4);
  it('a constant forcing term η makes CG stop at |r| <= η|g|: smaller η, more CG steps', () => {
    const loose = minimize(p.f, p.x0, { method: 'newtonCg', forcing: 0.5, maxIter: 500 });
    const tight = minimize(p.f, p.x0, { method: 'newtonCg', forcing: 1e-8, maxIter: 500 });
    expect(tight.status).toBe('converged');
    expect(loose.status).toBe('converged');
    const perIter = (r: typeof tight) => (r.hyperparameters.cgIterations as number) / r.iterations;
    expect(perIter(tight)).toBeGreaterThan(perIter(loose));
    expect(tight.hyperparameters.forcing).toBe(1e-8);
    expect(minimize(p.f, p.x0, { method: 'newtonCg' }).hyperparameters.forcing).toBe(
      'min(0.5, sqrt(|g|))',
    );
  });
  it('a forcing function of |g| is used as given', () => {
    const seen: number[] = [];
    const r = minimize(p.f, p.x0, {
      method: 'newtonCg',
      forcing: (gn: number) => {
        seen.push(gn);
        return Math.min(0.1, gn);
      },
      maxIter: 500,
    });
    expect(r.status).toBe('converged');
    expect(seen.length).toBeGreaterThanOrEqual(r.iterations);
  });
  it('bad values and unknown options are rejected, naming the option', () => {
    expect(() => minimize(p.f, p.x0, { method: 'newtonCg', forcing: 1.5 })).toThrow(
      /minimize: option 'forcing' must be in \(0, 1\)/,
    );
    expect(() => minimize(p.f, p.x0, { method: 'newtonCg', cgTol: 1e-3 } as never)).toThrow(
      /minimize: unknown option 'cgTol'/,
    );
    expect(() => minimize(p.f, p.x0, { method: 'newtonCg', cgMaxIter: 0 })).toThrow(/cgMaxIter/);
  });
});

describe('applyIfFinite', () => {
  const loss = (x: Tensor) => np.sum(np.square(x));
  it('skips a non-finite update (zero update, inner state untouched) and counts it', () => {
    const opt = optim.applyIfFinite(optim.adam(0.1));
    let params = f64([1, 2]);
    let state = opt.init(params);
    const [u1, s1] = opt.update(grad(loss)(params), state, params);
    params = optim.applyUpdates(params, u1);
    state = s1;
    const before = params.toArray();
    const [u2, s2] = opt.update(f64([NaN, 1]), state, params);
    expect(u2.toArray()).toEqual([0, 0]);
    expect(s2.notFiniteCount).toBe(1);
    expect(s2.totalNotFinite).toBe(1);
    expect(s2.lastFinite).toBe(false);
    expect(s2.inner).toBe(state.inner); // the inner state is not advanced by the bad step
    expect(optim.applyUpdates(params, u2).toArray()).toEqual(before);
    const [, s3] = opt.update(grad(loss)(params), s2, params);
    expect(s3.notFiniteCount).toBe(0);
    expect(s3.totalNotFinite).toBe(1);
  });
  it('after maxConsecutiveErrors non-finite updates in a row they are applied (as optax)', () => {
    const opt = optim.applyIfFinite(optim.sgd(0.1), { maxConsecutiveErrors: 2 });
    let state = opt.init(f64([0]));
    const bad = f64([Infinity]);
    let u: Tensor;
    [u, state] = opt.update(bad, state);
    expect(u.toArray()).toEqual([0]);
    [u, state] = opt.update(bad, state);
    expect(u.toArray()).toEqual([0]);
    [u] = opt.update(bad, state);
    expect(u.toArray()).toEqual([-Infinity]);
    expect(() => optim.applyIfFinite(optim.sgd(0.1), { maxConsecutive: 2 } as never)).toThrow(
      /applyIfFinite: unknown option 'maxConsecutive'/,
    );
  });
  it('in a training loop, one poisoned batch leaves the guarded parameters finite', () => {
    const run = (opt: optim.GradientTransformation) => {
      let params = f64([1, -1]);
      let state = opt.init(params);
      for (let k = 0; k < 30; k++) {
        const g = k === 3 ? f64([NaN, 0]) : grad(loss)(params);
        const [u, s] = opt.update(g, state, params);
        params = optim.applyUpdates(params, u);
        state = s;
      }
      return params;
    };
    const guarded = run(optim.applyIfFinite(optim.adam(0.1)));
    expect(Array.from(guarded.dataSync()).every(Number.isFinite)).toBe(true);
    expect(np.max(np.abs(guarded)).item()).toBeLessThan(0.5);
    expect(Array.from(run(optim.adam(0.1)).dataSync()).some(Number.isNaN)).toBe(true);
    expect(optim.applyIfFinite(optim.sgd(0.1)).name).toBe('applyIfFinite(sgd)');
  });
});
