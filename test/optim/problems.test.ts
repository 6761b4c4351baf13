import { describe, expect, it } from 'vitest';
import { grad, linalg, np, optim, Tensor } from '../../kernel-lib/src';
import { expectClose } from '../helpers/tensors';

describe('test problems', () => {
  it('known minimizers have the stated minimum and a zero gradient', () => {
    const ps = [
      optim.problems.rosenbrock(2),
      optim.problems.rosenbrock(7),
      optim.problems.illConditionedQuadratic({ condition: 1e3 }),
      optim.problems.illConditionedQuadratic({ n: 5, condition: 50 }),
      optim.problems.beale(),
      optim.problems.himmelblau(),
    ];
    for (const p of ps) {
      expect(p.f(p.xStar!).item()).toBeCloseTo(p.fStar!, 12);
      expect(np.max(np.abs(grad(p.f)(p.xStar!))).item()).toBeLessThan(1e-9);
      expect(p.f(p.x0).item()).toBeGreaterThan(p.fStar!);
    }
    const h = optim.problems.himmelblau();
    for (const m of h.minimizers!) expect(h.f(m).item()).toBeLessThan(1e-20);
  });

  it('the quadratic has the chosen condition number', () => {
    const q = optim.problems.illConditionedQuadratic({ n: 4, condition: 1e4, seed: 3 });
    const [w] = linalg.eigh(q.A);
    const ev = Array.from((w as Tensor).dataSync());
    expect(ev[3] / ev[0]).toBeCloseTo(1e4, 6);
  });

  it('logistic regression and the MLP are seeded and differentiable', () => {
    const a = optim.problems.logisticRegression({ seed: 1 });
    const b = optim.problems.logisticRegression({ seed: 1 });
    expectClose(a.X, b.X, 0, 0);
    expect(a.f(a.x0).item()).toBeCloseTo(Math.log(2), 12);
    const m = optim.problems.mlpClassifier({ dataset: 'spirals', samples: 40, hidden: 8 });
    expect(m.X.shape).toEqual([40, 2]);
    const g = grad(m.f)(m.x0);
    expect(g.w1.shape).toEqual([2, 8]);
    expect(m.accuracy(m.x0)).toBeGreaterThanOrEqual(0);
    const r = optim.minimize(m.f, m.x0, { method: 'lbfgs', maxIter: 30 });
    expect(r.fun).toBeLessThan(m.f(m.x0).item());
  });
});
