import { describe, expect, it } from 'vitest';
import { np, optim, Tensor } from '../../kernel-lib/src';
import { expectClose } from '../helpers/tensors';

// The tiny quadratic f(x) = ½ (x₁² + 4 x₂²), gradient g = (x₁, 4 x₂), from x0 = (1, 1).
const c = [1, 4];
const gradOf = (x: Tensor) => np.mul(x, np.array(c, 'float64'));
const x0 = () => np.array([1, 1], 'float64');

function run(opt: optim.GradientTransformation, steps: number): number[][] {
  let x = x0();
  let state = opt.init(x);
  const xs: number[][] = [];
  for (let k = 0; k < steps; k++) {
    const [updates, s2] = opt.update(gradOf(x), state, x);
    state = s2;
    x = optim.applyUpdates(x, updates);
    xs.push(Array.from(x.dataSync()));
  }
  return xs;
}

describe('first-order transformations: exact trajectories', () => {
  it('sgd: x <- x - lr g', () => {
    // g0 = (1, 4): x1 = (1 - 0.1, 1 - 0.4) = (0.9, 0.6); g1 = (0.9, 2.4): x2 = (0.81, 0.36)
    const [x1, x2] = run(optim.sgd(0.1), 2);
    expectClose(np.array(x1, 'float64'), [0.9, 0.6], 1e-14);
    expectClose(np.array(x2, 'float64'), [0.81, 0.36], 1e-14);
  });

  it('momentum: m <- beta m + g, x <- x - lr m', () => {
    // m1 = (1, 4), x1 = (0.9, 0.6); g1 = (0.9, 2.4), m2 = 0.9 (1, 4) + g1 = (1.8, 6.0),
    // x2 = (0.9 - 0.18, 0.6 - 0.6) = (0.72, 0)
    const [x1, x2] = run(optim.momentum(0.1, { beta: 0.9 }), 2);
    expectClose(np.array(x1, 'float64'), [0.9, 0.6], 1e-14);
    expectClose(np.array(x2, 'float64'), [0.72, 0], 1e-14, 1e-14);
  });

  it('nesterov: x <- x - lr (beta m + g)', () => {
    // m1 = (1, 4), d1 = 0.9 m1 + g0 = (1.9, 7.6), x1 = (0.81, 0.24);
    // g1 = (0.81, 0.96), m2 = 0.9 m1 + g1 = (1.71, 4.56), d2 = 0.9 m2 + g1 = (2.349, 5.064),
    // x2 = (0.81 - 0.2349, 0.24 - 0.5064) = (0.5751, -0.2664)
    const [x1, x2] = run(optim.nesterov(0.1, { beta: 0.9 }), 2);
    expectClose(np.array(x1, 'float64'), [0.81, 0.24], 1e-14);
    expectClose(np.array(x2, 'float64'), [0.5751, -0.2664], 1e-13);
  });

  it('adam: bias-corrected moments, eps outside the square root', () => {
    const lr = 0.1;
    const eps = 1e-8;
    // step 1: m = 0.1 g0 = (0.1, 0.4), v = 0.001 g0² = (0.001, 0.016), m̂ = g0, v̂ = g0²,
    // x1 = 1 - lr g0 / (|g0| + eps)
    const x1 = [1 - (lr * 1) / (1 + eps), 1 - (lr * 4) / (4 + eps)];
    // step 2: g1 = (x1₁, 4 x1₂); m = 0.9 m + 0.1 g1; v = 0.999 v + 0.001 g1²;
    // m̂ = m / (1 - 0.9²), v̂ = v / (1 - 0.999²), x2 = x1 - lr m̂ / (sqrt(v̂) + eps)
    const g1 = [x1[0], 4 * x1[1]];
    const m = [0.9 * 0.1 + 0.1 * g1[0], 0.9 * 0.4 + 0.1 * g1[1]];
    const v = [0.999 * 0.001 + 0.001 * g1[0] ** 2, 0.999 * 0.016 + 0.001 * g1[1] ** 2];
    const x2 = [0, 1].map(
      (i) => x1[i] - (lr * (m[i] / (1 - 0.81))) / (Math.sqrt(v[i] / (1 - 0.998001)) + eps),
    );
    const got = run(optim.adam(lr, { b1: 0.9, b2: 0.999, eps }), 2);
    expectClose(np.array(got[0], 'float64'), x1, 1e-13);
    expectClose(np.array(got[1], 'float64'), x2, 1e-12);
  });

  it('adamw adds decoupled weight decay; rmsprop and adagrad follow their formulas', () => {
    // adamw step 1: x1 = 1 - lr (g0 / (|g0| + eps) + wd · 1)
    const [w1] = run(optim.adamw(0.1, { weightDecay: 0.5, eps: 0 }), 1);
    expectClose(np.array(w1, 'float64'), [1 - 0.1 * 1.5, 1 - 0.1 * 1.5], 1e-14);
    // rmsprop: v = 0.1 g0², x1 = 1 - lr g0 / sqrt(v) = 1 - lr / sqrt(0.1)
    const [r1] = run(optim.rmsprop(0.1, { decay: 0.9, eps: 0 }), 1);
    expectClose(
      np.array(r1, 'float64'),
      [1 - 0.1 / Math.sqrt(0.1), 1 - 0.1 / Math.sqrt(0.1)],
      1e-14,
    );
    // adagrad: s = 0.1 + g0², x1 = 1 - lr g0 / sqrt(s)
    const [a1] = run(optim.adagrad(0.1, { eps: 0 }), 1);
    expectClose(
      np.array(a1, 'float64'),
      [1 - 0.1 / Math.sqrt(1.1), 1 - 0.4 / Math.sqrt(16.1)],
      1e-14,
    );
  });
});

describe("Adam's epsilon bounds the per-coordinate step", () => {
  // A linear loss with constant gradient g: m̂ = g and v̂ = g² exactly (bias correction), so the
  // step is lr |g| / (|g| + eps): at most lr |m̂| / eps, and close to lr when |g| >> eps.
  const lr = 0.01;
  const eps = 1e-8;
  const stepFor = (g: number) => {
    const opt = optim.adam(lr, { eps });
    const x = np.zeros([3], 'float64');
    let state = opt.init(x);
    let step = 0;
    for (let k = 0; k < 3; k++) {
      const [u, s2] = opt.update(np.full([3], g, 'float64'), state, x);
      state = s2;
      step = Math.abs(u.dataSync()[0]);
    }
    return { step, state, opt };
  };

  it('tiny gradients: the step is bounded by lr·|m̂|/eps (and nearly equals it)', () => {
    const g = 1e-12;
    const { step, state, opt } = stepFor(g);
    const bound = (lr * g) / eps; // 1e-6
    expect(step).toBeLessThanOrEqual(bound);
    expect(step).toBeGreaterThan(0.99 * bound);
    expect(step).toBeLessThan(1e-3 * lr);
    // The inspected preconditioner shows the same: diag(P) = 1 / (sqrt(v̂) + eps) <= 1 / eps.
    const d = (opt.preconditioner!(state).diagonal as Tensor).dataSync()[0];
    expect(d).toBeLessThanOrEqual(1 / eps);
    expect(d).toBeGreaterThan(0.99 / eps);
  });

  it('large gradients: the step is ≈ lr whatever the scale of g', () => {
    for (const g of [1e-3, 1, 1e6]) {
      const { step } = stepFor(g);
      expect(Math.abs(step - lr) / lr).toBeLessThan(1e-4);
    }
  });
});

describe('pytrees, chains, schedules', () => {
  it('updates pytrees; the state is a plain tree', () => {
    const params = { w: np.array([[1, 2]], 'float64'), b: [np.array(3, 'float64')] };
    const opt = optim.adam(0.1);
    const state = opt.init(params);
    expect(state.count).toBe(0);
    expect(Object.keys(state)).toEqual(['count', 'mu', 'nu']);
    const grads = { w: np.array([[1, 1]], 'float64'), b: [np.array(1, 'float64')] };
    const [u, s2] = opt.update(grads, state, params);
    const p2 = optim.applyUpdates(params, u);
    expect(s2.count).toBe(1);
    expectClose(p2.w, [[0.9, 1.9]], 1e-7);
    expectClose(p2.b[0], 2.9, 1e-7);
  });

  it('chain(clipByGlobalNorm, sgd) clips the global norm; addDecayedWeights adds wd·params', () => {
    const opt = optim.chain(optim.clipByGlobalNorm(1), optim.sgd(1));
    const x = np.array([0, 0], 'float64');
    const [u] = opt.update(np.array([3, 4], 'float64'), opt.init(x), x);
    expectClose(u, [-0.6, -0.8], 1e-14);
    const wd = optim.chain(optim.addDecayedWeights(0.1), optim.sgd(1));
    const p = np.array([10, 20], 'float64');
    const [u2] = wd.update(np.array([1, 1], 'float64'), wd.init(p), p);
    expectClose(u2, [-2, -3], 1e-14);
  });

  it('schedules give the documented values and drive the step size', () => {
    const e = optim.exponentialDecay({ init: 0.1, decayRate: 0.5, transitionSteps: 100 });
    expect(e(0)).toBeCloseTo(0.1, 15);
    expect(e(100)).toBeCloseTo(0.05, 15);
    const cd = optim.cosineDecay({ init: 0.1, decaySteps: 1000 });
    expect(cd(500)).toBeCloseTo(0.05, 15);
    expect(cd(2000)).toBe(0);
    const w = optim.warmupCosineDecay({ peak: 1, warmupSteps: 10, decaySteps: 10 });
    expect(w(5)).toBeCloseTo(0.5, 15);
    expect(w(10)).toBeCloseTo(1, 15);
    const opt = optim.sgd(e);
    const x = np.array([0], 'float64');
    let s = opt.init(x);
    for (let k = 0; k <= 100; k++) s = opt.update(np.array([1], 'float64'), s, x)[1];
    expect(opt.stepSize!(s)).toBeCloseTo(0.05, 15);
  });

  it('bad hyperparameters name the option', () => {
    expect(() => optim.adam(0.1, { b1: 1.5 })).toThrow(
      "adam: option 'b1' must be in [0, 1), got 1.5",
    );
    expect(() => optim.sgd(-1)).toThrow("sgd: option 'lr' must be a positive number, got -1");
    expect(() => optim.momentum(0.1, { betta: 0.9 } as never)).toThrow(
      "momentum: unknown option 'betta'",
    );
  });
});
