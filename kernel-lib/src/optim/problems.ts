/**
 * Test problems for optimizers: each has a loss, a suggested start, and the minimizer and minimum
 * where they are known. 2-D problems carry plotting bounds for contour displays.
 */
import type { Tensor } from '../core/tensor';
import * as np from '../numpy/ops';
import * as random from '../numpy/random';
import { integer, positive } from './options';

/** A test problem: loss, start, and (when known) the minimizer and the minimum. */
export interface Problem<P = Tensor> {
  name: string;
  f: (x: P) => Tensor;
  x0: P;
  /** A minimizer (for Himmelblau, the one nearest the start; see `minimizers`). */
  xStar?: Tensor;
  /** All known minimizers, when there are several. */
  minimizers?: Tensor[];
  fStar?: number;
  /** For 2-D problems: [xmin, xmax, ymin, ymax] for contour plots. */
  bounds?: [number, number, number, number];
}

type FloatDType = 'float32' | 'float64';

const slice1 = (x: Tensor, start: number, stop: number) =>
  np.sliceStatic(x, { starts: [start], limits: [stop], steps: [1] });

/**
 * The n-D Rosenbrock function sum 100 (x_{i+1} - x_i²)² + (1 - x_i)², minimum 0 at (1, ..., 1),
 * started from (-1.2, 1, -1.2, 1, ...).
 * @example const p = optim.problems.rosenbrock(2); minimize(p.f, p.x0, { method: 'lbfgs' })
 */
export function rosenbrock(n = 2, dtype: FloatDType = 'float64'): Problem {
  integer('rosenbrock', 'n', n, 2);
  return {
    name: `Rosenbrock ${n}-D`,
    f: (x) => {
      const a = slice1(x, 0, n - 1);
      const b = slice1(x, 1, n);
      return np.sum(
        np.add(np.mul(np.square(np.sub(b, np.square(a))), 100), np.square(np.sub(1, a))),
      );
    },
    x0: np.array(
      Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1.2 : 1)),
      dtype,
    ),
    xStar: np.ones([n], dtype),
    fStar: 0,
    bounds: [-2, 2, -1, 3],
  };
}

/**
 * f(x) = ½ (x - x*)ᵀ A (x - x*) with A = Q diag(λ) Qᵀ, eigenvalues spaced geometrically from 1 to
 * `condition`, Q a rotation by `angle` (2-D) or a seeded random orthogonal matrix; x* = 0, start 1.
 * @example const p = optim.problems.illConditionedQuadratic({ condition: 1000, angle: Math.PI / 6 })
 */
export function illConditionedQuadratic(
  options: {
    n?: number;
    condition?: number;
    angle?: number;
    seed?: number;
    dtype?: FloatDType;
  } = {},
): Problem & { A: Tensor; condition: number } {
  const { n = 2, condition = 100, angle = Math.PI / 6, seed = 0, dtype = 'float64' } = options;
  integer('illConditionedQuadratic', 'n', n, 1);
  positive('illConditionedQuadratic', 'condition', condition);
  if (condition < 1)
    throw new RangeError(
      `illConditionedQuadratic: option 'condition' must be >= 1, got ${condition}`,
    );
  const lambdas = Array.from({ length: n }, (_, i) => (n === 1 ? 1 : condition ** (i / (n - 1))));
  let q: Tensor;
  if (n === 2) {
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    q = np.array(
      [
        [c, -s],
        [s, c],
      ],
      'float64',
    );
  } else {
    const m = random.normal(random.key(seed), [n, n], 'float64');
    q = np.eigh(np.add(m, np.transpose(m)))[1];
  }
  const a = np.astype(np.matmul(np.mul(q, np.array(lambdas, 'float64')), np.transpose(q)), dtype);
  return {
    name: `quadratic κ=${condition} (${n}-D)`,
    f: (x) => np.mul(np.vdot(x, np.matmul(a, x)), 0.5),
    x0: np.ones([n], dtype),
    xStar: np.zeros([n], dtype),
    fStar: 0,
    bounds: [-1.5, 1.5, -1.5, 1.5],
    A: a,
    condition,
  };
}

/**
 * Beale's function, minimum 0 at (3, 0.5), started from (1, 1).
 * @example minimize(optim.problems.beale().f, optim.problems.beale().x0)
 */
export function beale(dtype: FloatDType = 'float64'): Problem {
  return {
    name: 'Beale',
    f: (v) => {
      const x = slice1(v, 0, 1);
      const y = slice1(v, 1, 2);
      const t = (c: number, k: number) => np.square(np.add(np.sub(c, x), np.mul(x, np.pow(y, k))));
      return np.sum(np.add(np.add(t(1.5, 1), t(2.25, 2)), t(2.625, 3)));
    },
    x0: np.array([1, 1], dtype),
    xStar: np.array([3, 0.5], dtype),
    fStar: 0,
    bounds: [-1, 4.5, -1.5, 2],
  };
}

/**
 * Himmelblau's function (x² + y - 11)² + (x + y² - 7)², four minima with value 0; from (0, 0)
 * descent methods usually reach (3, 2).
 * @example const p = optim.problems.himmelblau(); p.minimizers
 */
export function himmelblau(dtype: FloatDType = 'float64'): Problem {
  const minimizers = [
    [3, 2],
    [-2.805118086952745, 3.131312518250573],
    [-3.779310253377747, -3.28318599128617],
    [3.584428340330492, -1.848126526964404],
  ].map((p) => np.array(p, dtype));
  return {
    name: 'Himmelblau',
    f: (v) => {
      const x = slice1(v, 0, 1);
      const y = slice1(v, 1, 2);
      return np.sum(
        np.add(
          np.square(np.sub(np.add(np.square(x), y), 11)),
          np.square(np.sub(np.add(x, np.square(y)), 7)),
        ),
      );
    },
    x0: np.array([0, 0], dtype),
    xStar: minimizers[0],
    minimizers,
    fStar: 0,
    bounds: [-5, 5, -5, 5],
  };
}

/**
 * L2-regularized logistic regression on a seeded synthetic dataset: mean(softplus(Xw) - y·Xw) +
 * ½ l2 |w|², strictly convex; start w = 0. The minimizer has no closed form.
 * @example const p = optim.problems.logisticRegression({ samples: 200, features: 5 })
 */
export function logisticRegression(
  options: {
    samples?: number;
    features?: number;
    l2?: number;
    seed?: number;
    dtype?: FloatDType;
  } = {},
): Problem & { X: Tensor; y: Tensor; wTrue: Tensor; l2: number } {
  const { samples = 200, features = 5, l2 = 1e-3, seed = 0, dtype = 'float64' } = options;
  integer('logisticRegression', 'samples', samples);
  integer('logisticRegression', 'features', features);
  positive('logisticRegression', 'l2', l2, true);
  const [k1, k2, k3] = random.split(random.key(seed), 3);
  const X = random.normal(k1, [samples, features], dtype);
  const wTrue = random.normal(k2, [features], dtype);
  const p = np.sigmoid(np.matmul(X, wTrue));
  const y = np.astype(np.less(random.uniform(k3, [samples], { dtype }), p), dtype);
  return {
    name: `logistic regression (${samples}×${features})`,
    f: (w) => {
      const z = np.matmul(X, w);
      return np.add(np.mean(np.sub(np.softplus(z), np.mul(y, z))), np.mul(np.vdot(w, w), 0.5 * l2));
    },
    x0: np.zeros([features], dtype),
    X,
    y,
    wTrue,
    l2,
  };
}

/** The parameters of the MLP classifier. */
export type MlpParams = {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
};

function twoMoons(key: Tensor, n: number, dtype: FloatDType): [Tensor, Tensor] {
  const [kt, kn] = random.split(key, 2);
  const t = Array.from(
    random.uniform(kt, [n], { dtype: 'float64' }).dataSync(),
    (u) => u * Math.PI,
  );
  const noise = random.normal(kn, [n, 2], 'float64').dataSync();
  const pts: number[][] = [];
  const labels: number[] = [];
  t.forEach((a, i) => {
    const upper = i % 2 === 0;
    const x = upper ? Math.cos(a) : 1 - Math.cos(a);
    const y = upper ? Math.sin(a) : 0.5 - Math.sin(a);
    pts.push([x + 0.1 * noise[2 * i], y + 0.1 * noise[2 * i + 1]]);
    labels.push(upper ? 0 : 1);
  });
  return [np.array(pts, dtype), np.array(labels, dtype)];
}

function spirals(key: Tensor, n: number, dtype: FloatDType): [Tensor, Tensor] {
  const [kt, kn] = random.split(key, 2);
  const u = random.uniform(kt, [n], { dtype: 'float64' }).dataSync();
  const noise = random.normal(kn, [n, 2], 'float64').dataSync();
  const pts: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const r = 0.2 + 0.8 * u[i];
    const a = 3 * Math.PI * u[i] + cls * Math.PI;
    pts.push([r * Math.cos(a) + 0.03 * noise[2 * i], r * Math.sin(a) + 0.03 * noise[2 * i + 1]]);
    labels.push(cls);
  }
  return [np.array(pts, dtype), np.array(labels, dtype)];
}

/**
 * A one-hidden-layer tanh MLP classifier (binary cross-entropy) on two moons or two spirals,
 * seeded; parameters are a pytree { w1, b1, w2, b2 }.
 * @example const p = optim.problems.mlpClassifier({ dataset: 'moons', hidden: 16 })
 */
export function mlpClassifier(
  options: {
    dataset?: 'moons' | 'spirals';
    samples?: number;
    hidden?: number;
    seed?: number;
    dtype?: FloatDType;
  } = {},
): Problem<MlpParams> & { X: Tensor; y: Tensor; accuracy: (params: MlpParams) => number } {
  const { dataset = 'moons', samples = 100, hidden = 16, seed = 0, dtype = 'float64' } = options;
  integer('mlpClassifier', 'samples', samples, 2);
  integer('mlpClassifier', 'hidden', hidden);
  if (dataset !== 'moons' && dataset !== 'spirals')
    throw new RangeError(
      `mlpClassifier: option 'dataset' must be 'moons' or 'spirals', got ${String(dataset)}`,
    );
  const [kd, k1, k2] = random.split(random.key(seed), 3);
  const [X, y] = dataset === 'moons' ? twoMoons(kd, samples, dtype) : spirals(kd, samples, dtype);
  const logits = (p: MlpParams) =>
    np.reshape(np.add(np.matmul(np.tanh(np.add(np.matmul(X, p.w1), p.b1)), p.w2), p.b2), [-1]);
  return {
    name: `MLP on ${dataset} (${samples} points, ${hidden} hidden)`,
    f: (p) => {
      const z = logits(p);
      return np.mean(np.sub(np.softplus(z), np.mul(y, z)));
    },
    x0: {
      w1: np.mul(random.normal(k1, [2, hidden], dtype), 1),
      b1: np.zeros([hidden], dtype),
      w2: np.mul(random.normal(k2, [hidden, 1], dtype), 1 / Math.sqrt(hidden)),
      b2: np.zeros([1], dtype),
    },
    X,
    y,
    accuracy: (p) => {
      const pred = np.astype(np.greater(logits(p), 0), dtype);
      return np.mean(np.astype(np.equal(pred, y), 'float64')).item();
    },
  };
}
