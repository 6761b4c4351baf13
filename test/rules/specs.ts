/**
 * One spec row per primitive: input cases (several shapes, broadcasting, size 1 and zero size
 * where valid) and a float64 reference for the value. The harness in primitives.test.ts runs the
 * same checks on every row; a registry entry without a row fails the suite.
 */
import { np, Tensor } from '../../kernel-lib/src';
import type { DType } from '../../kernel-lib/src';
import type { PrimitiveKey } from '../../kernel-lib/src/primitives';
import { rand, randn, spd, wellConditioned } from '../helpers/tensors';
import * as scalarSpecial from '../../kernel-lib/src/backends/expression/scalar-special';

export interface SpecCase {
  name: string;
  inputs: (dtype: DType) => Tensor[];
  params?: Record<string, unknown>;
  /** Finite-difference step, where the default 1e-6 meets rounding (a cast to float32). */
  eps?: number;
}

export interface Spec {
  cases: SpecCase[];
  /** Elementwise reference: the result equals this formula (float32: rounded once). */
  scalar?: (...xs: number[]) => number;
  /** Other reference: expected float64 values from float64 inputs. */
  reference?: (xs: Tensor[], params: Record<string, unknown>) => number[];
  /** What to compare with the reference (default: the outputs' values), for property checks. */
  actual?: (outs: Tensor[], xs: Tensor[]) => number[];
  /** Check derivatives (float inputs only); false for piecewise-constant primitives. */
  differentiable: boolean;
  /** Which inputs are integer/bool (not differentiated), by index. */
  integerInputs?: number[];
}

const f = (seed: number, shape: number[]) => (dtype: DType) => [randn(seed, shape, dtype)];
const pos = (seed: number, shape: number[]) => (dtype: DType) => [rand(seed, shape, 0.5, 2, dtype)];
const two =
  (s1: number[], s2: number[], positive = false) =>
  (dtype: DType) =>
    positive
      ? [rand(1, s1, 0.5, 2, dtype), rand(2, s2, 0.5, 2, dtype)]
      : [randn(1, s1, dtype), randn(2, s2, dtype)];

const unaryCases = (make: typeof f): SpecCase[] => [
  { name: '[3,4]', inputs: make(1, [3, 4]) },
  { name: 'scalar', inputs: make(2, []) },
  { name: '[1]', inputs: make(3, [1]) },
  { name: 'zero-size [0,2]', inputs: make(4, [0, 2]) },
];

const binaryCases = (positive = false): SpecCase[] => [
  { name: '[3,4] & [3,4]', inputs: two([3, 4], [3, 4], positive) },
  { name: 'broadcast [3,1] & [4]', inputs: two([3, 1], [4], positive) },
  { name: 'scalar & [2,3]', inputs: two([], [2, 3], positive) },
  { name: 'zero-size [0,3] & [3]', inputs: two([0, 3], [3], positive) },
];

const unary = (scalar: (x: number) => number, make = f): Spec => ({
  cases: unaryCases(make),
  scalar,
  differentiable: true,
});
const binary = (scalar: (a: number, b: number) => number, positive = false): Spec => ({
  cases: binaryCases(positive),
  scalar,
  differentiable: true,
});
const predicate = (scalar: (...x: number[]) => number, arity = 1): Spec => ({
  cases: arity === 1 ? unaryCases(f) : binaryCases(),
  scalar,
  differentiable: false,
});
const boolInputs = (arity: number) => (dtype: DType) =>
  Array.from({ length: arity }, (_, i) => np.greater(randn(10 + i, [3, 4], dtype), 0));

const within = (seed: number, shape: number[], lo: number, hi: number) => (dtype: DType) => [
  rand(seed, shape, lo, hi, dtype),
];
/** Magnitudes in [0.5, 2] with random signs: away from 0, where cbrt's derivatives blow up. */
const awayFromZero = (seed: number, shape: number[]) => (dtype: DType) => [
  np.astype(np.mul(rand(seed, shape, 0.5, 2), np.sign(randn(seed + 7, shape))), dtype),
];

/** Values of a float64 function of tensors, for references written with other primitives. */
const vals = (t: Tensor) => Array.from(t.dataSync());

export const specs: Record<PrimitiveKey, Spec> = {
  neg: unary((x) => -x),
  exp: unary(Math.exp),
  log: unary(Math.log, pos),
  log1p: unary(Math.log1p, pos),
  expm1: unary(Math.expm1),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tan: unary(Math.tan),
  tanh: unary(Math.tanh),
  logistic: unary((x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))),
  sqrt: unary(Math.sqrt, pos),
  abs: unary(Math.abs),
  sign: predicate(Math.sign),
  isFinite: predicate((x) => (Number.isFinite(x) ? 1 : 0)),
  isNaN: predicate((x) => (Number.isNaN(x) ? 1 : 0)),
  floor: predicate(Math.floor),
  logicalNot: {
    cases: [{ name: 'bool [3,4]', inputs: boolInputs(1) }],
    scalar: (a) => (a ? 0 : 1),
    differentiable: false,
  },
  add: binary((a, b) => a + b),
  sub: binary((a, b) => a - b),
  mul: binary((a, b) => a * b),
  div: binary((a, b) => a / b, true),
  pow: binary(Math.pow, true),
  maximum: binary(Math.max),
  minimum: binary(Math.min),
  less: predicate((a, b) => +(a < b), 2),
  lessEqual: predicate((a, b) => +(a <= b), 2),
  greater: predicate((a, b) => +(a > b), 2),
  greaterEqual: predicate((a, b) => +(a >= b), 2),
  equal: predicate((a, b) => +(a === b), 2),
  notEqual: predicate((a, b) => +(a !== b), 2),
  logicalAnd: {
    cases: [{ name: 'bool', inputs: boolInputs(2) }],
    scalar: (a, b) => +(a && b),
    differentiable: false,
  },
  logicalOr: {
    cases: [{ name: 'bool', inputs: boolInputs(2) }],
    scalar: (a, b) => +(a || b),
    differentiable: false,
  },
  logicalXor: {
    cases: [{ name: 'bool', inputs: boolInputs(2) }],
    scalar: (a, b) => +(!!a !== !!b),
    differentiable: false,
  },
  where: {
    cases: [
      {
        name: '[3,4]',
        inputs: (dt) => [
          np.greater(randn(5, [3, 4]), 0),
          randn(1, [3, 4], dt),
          randn(2, [3, 4], dt),
        ],
      },
      {
        name: 'broadcast',
        inputs: (dt) => [np.greater(randn(5, [3, 1]), 0), randn(1, [4], dt), randn(2, [], dt)],
      },
    ],
    scalar: (c, a, b) => (c ? a : b),
    differentiable: true,
    integerInputs: [0],
  },
  convert: {
    cases: [
      { name: 'to float64', inputs: f(1, [3]), params: { dtype: 'float64' } },
      { name: 'to float32', inputs: f(2, [2, 2]), params: { dtype: 'float32' }, eps: 0.5 },
    ],
    scalar: (x) => x,
    differentiable: true,
  },
  stopGradient: { cases: unaryCases(f), scalar: (x) => x, differentiable: false },
  customJvpCall: {
    cases: [
      {
        name: 'sin with its rule',
        inputs: f(1, [3]),
        params: {
          name: 'mySin',
          fn: (x: Tensor) => [np.sin(x)],
          rule: ([x]: Tensor[], [dx]: Tensor[]) => [[np.sin(x)], [np.mul(np.cos(x), dx)]],
        },
      },
    ],
    scalar: Math.sin,
    differentiable: true,
  },
  customVjpCall: {
    cases: [
      {
        name: 'sin with fwd/bwd',
        inputs: f(1, [3]),
        params: {
          name: 'mySin',
          fn: (x: Tensor) => [np.sin(x)],
          fwd: ([x]: Tensor[]) => [[np.sin(x)], x],
          bwd: (x: Tensor, [ct]: Tensor[]) => [np.mul(ct, np.cos(x))],
        },
      },
    ],
    scalar: Math.sin,
    differentiable: true,
  },
  reduceSum: {
    cases: [
      { name: 'all axes', inputs: f(1, [3, 4]), params: { axes: [0, 1] } },
      { name: 'axis 1', inputs: f(2, [2, 3, 4]), params: { axes: [1] } },
      { name: 'zero-size', inputs: f(3, [0, 3]), params: { axes: [0] } },
    ],
    reference: ([x], p) => vals(sumRef(x, p.axes as number[])),
    differentiable: true,
  },
  reduceMax: {
    cases: [
      { name: 'all axes', inputs: f(1, [3, 4]), params: { axes: [0, 1] } },
      { name: 'axis 0', inputs: f(2, [3, 2]), params: { axes: [0] } },
    ],
    reference: ([x], p) => extremeRef(x, p.axes as number[], Math.max),
    differentiable: true,
  },
  reduceMin: {
    cases: [{ name: 'axis 1', inputs: f(1, [3, 4]), params: { axes: [1] } }],
    reference: ([x], p) => extremeRef(x, p.axes as number[], Math.min),
    differentiable: true,
  },
  argmax: {
    cases: [{ name: 'axis 1', inputs: f(1, [3, 4]), params: { axis: 1 } }],
    reference: ([x]) => rows(x).map((r) => r.indexOf(Math.max(...r))),
    differentiable: false,
  },
  argmin: {
    cases: [{ name: 'axis 1', inputs: f(1, [3, 4]), params: { axis: 1 } }],
    reference: ([x]) => rows(x).map((r) => r.indexOf(Math.min(...r))),
    differentiable: false,
  },
  reshape: {
    cases: [
      { name: '[2,3]->[3,2]', inputs: f(1, [2, 3]), params: { shape: [3, 2] } },
      { name: 'zero-size', inputs: f(1, [0, 3]), params: { shape: [3, 0] } },
    ],
    reference: ([x]) => vals(x),
    differentiable: true,
  },
  broadcastTo: {
    cases: [
      { name: '[3,1]->[2,3,4]', inputs: f(1, [3, 1]), params: { shape: [2, 3, 4] } },
      { name: 'scalar->[2]', inputs: f(2, []), params: { shape: [2] } },
    ],
    reference: ([x], p) => {
      const [a, b] = [x.shape, p.shape as number[]];
      const xs = vals(x);
      return a.length === 0
        ? Array(b[0]).fill(xs[0])
        : Array.from({ length: 24 }, (_, i) => xs[Math.floor(i / 4) % 3]);
    },
    differentiable: true,
  },
  transpose: {
    cases: [{ name: '[2,3]', inputs: f(1, [2, 3]), params: { perm: [1, 0] } }],
    reference: ([x]) => {
      const r = rows(x);
      return r[0].flatMap((_, j) => r.map((row) => row[j]));
    },
    differentiable: true,
  },
  slice: {
    cases: [
      {
        name: 'strided',
        inputs: f(1, [5, 4]),
        params: { starts: [1, 0], limits: [5, 3], steps: [2, 1] },
      },
      { name: 'empty', inputs: f(1, [3]), params: { starts: [2], limits: [2], steps: [1] } },
    ],
    reference: ([x], p) => {
      const r = rows(x);
      if (x.ndim === 1) return [];
      void p;
      return [r[1][0], r[1][1], r[1][2], r[3][0], r[3][1], r[3][2]];
    },
    differentiable: true,
  },
  pad: {
    cases: [
      { name: 'lo/hi/interior', inputs: f(1, [2]), params: { lo: [1], hi: [2], interior: [1] } },
    ],
    reference: ([x]) => {
      const [a, b] = vals(x);
      return [0, a, 0, b, 0, 0];
    },
    differentiable: true,
  },
  concatenate: {
    cases: [
      {
        name: 'axis 1',
        inputs: (dt) => [randn(1, [2, 1], dt), randn(2, [2, 2], dt)],
        params: { axis: 1 },
      },
    ],
    reference: ([a, b]) => {
      const [ra, rb] = [rows(a), rows(b)];
      return ra.flatMap((r, i) => [...r, ...rb[i]]);
    },
    differentiable: true,
  },
  flip: {
    cases: [{ name: 'axis 0', inputs: f(1, [3, 2]), params: { axes: [0] } }],
    reference: ([x]) => rows(x).reverse().flat(),
    differentiable: true,
  },
  take: {
    cases: [
      {
        name: 'repeated indices',
        inputs: (dt) => [randn(1, [4, 2], dt), np.array([3, 0, 3], 'int32')],
        params: { axis: 0 },
      },
    ],
    reference: ([x]) => {
      const r = rows(x);
      return [...r[3], ...r[0], ...r[3]];
    },
    differentiable: true,
    integerInputs: [1],
  },
  scatterAdd: {
    cases: [
      {
        name: 'repeated indices',
        inputs: (dt) => [randn(1, [3, 2], dt), np.array([1, 0, 1], 'int32')],
        params: { axis: 0, shape: [2, 2] },
      },
    ],
    reference: ([x]) => {
      const r = rows(x);
      return [r[1][0], r[1][1], r[0][0] + r[2][0], r[0][1] + r[2][1]];
    },
    differentiable: true,
    integerInputs: [1],
  },
  matmul: {
    cases: [
      { name: '[2,3]@[3,4]', inputs: two([2, 3], [3, 4]) },
      { name: 'batch broadcast [2,1,2,3]@[3,3,2]', inputs: two([2, 1, 2, 3], [3, 3, 2]) },
      { name: 'zero inner [2,0]@[0,3]', inputs: two([2, 0], [0, 3]) },
      {
        name: 'stored transposed [3,2]ᵀ@[3,4]',
        inputs: two([3, 2], [3, 4]),
        params: { transposeA: true },
      },
      {
        name: 'stored transposed [2,3]@[4,3]ᵀ',
        inputs: two([2, 3], [4, 3]),
        params: { transposeB: true },
      },
      {
        name: 'both stored transposed, batch [2,3,2]ᵀ@[4,3]ᵀ',
        inputs: two([2, 3, 2], [4, 3]),
        params: { transposeA: true, transposeB: true },
      },
    ],
    reference: ([x, y], p) => {
      const [a, b] = [
        p.transposeA ? np.matrixTranspose(x) : x,
        p.transposeB ? np.matrixTranspose(y) : y,
      ];
      if (a.shape[a.ndim - 1] === 0) return [0, 0, 0, 0, 0, 0];
      if (a.ndim === 2) return matmulRef(rows(a), rows(b)).flat();
      return vals(
        a.ndim === 3 ? np.einsum('xij,jk->xik', a, b) : np.einsum('xyij,yjk->xyik', a, b),
      );
    },
    differentiable: true,
  },
  solve: {
    cases: [
      {
        name: '[3,3] x [3,2]',
        inputs: (dt) => [np.astype(wellConditioned(1, 3), dt), randn(2, [3, 2], dt)],
      },
      {
        name: 'batch [2,3,3]',
        inputs: (dt) => [np.astype(wellConditioned(3, 3, [2]), dt), randn(4, [2, 3, 1], dt)],
      },
    ],
    reference: ([, b]) => vals(b),
    actual: ([y], [a]) => vals(np.matmul(a, y)),
    differentiable: true,
  },
  slogdet: {
    cases: [{ name: '[3,3]', inputs: (dt) => [np.astype(wellConditioned(1, 3), dt)] }],
    reference: ([a]) => {
      const d = det3(rows(a));
      return [Math.sign(d), Math.log(Math.abs(d))];
    },
    differentiable: true,
  },
  det: {
    cases: [
      { name: '[3,3]', inputs: (dt) => [np.astype(wellConditioned(1, 3), dt)] },
      { name: 'batch [2,2,2]', inputs: (dt) => [np.astype(wellConditioned(2, 2, [2]), dt)] },
    ],
    reference: ([a]) => {
      if (a.ndim === 2) return [det3(rows(a))];
      const r = rows(a);
      return [0, 2].map((k) => r[k][0] * r[k + 1][1] - r[k][1] * r[k + 1][0]);
    },
    differentiable: true,
  },
  adjugate: {
    cases: [{ name: '[3,3]', inputs: (dt) => [np.astype(wellConditioned(3, 3), dt)] }],
    // A adj(A) = det(A) I.
    reference: ([a]) => vals(np.mul(np.eye(3, 'float64'), det3(rows(a)))),
    actual: ([adj], [a]) => vals(np.matmul(a, adj)),
    differentiable: true,
  },
  cholesky: {
    cases: [{ name: 'SPD [3,3]', inputs: (dt) => [np.astype(spd(1, 3), dt)] }],
    reference: ([a]) => vals(a),
    actual: ([l]) => vals(np.matmul(l, l.T)),
    differentiable: true,
  },
  eigh: {
    cases: [{ name: 'symmetric [3,3]', inputs: (dt) => [np.astype(spd(2, 3), dt)] }],
    reference: ([a]) => vals(a),
    actual: ([w, v]) => vals(np.matmul(np.mul(v, w), v.T)),
    differentiable: true,
  },
  sinh: unary(Math.sinh),
  cosh: unary(Math.cosh),
  arcsinh: unary(Math.asinh),
  arccosh: unary(Math.acosh, (seed, shape) => within(seed, shape, 1.2, 3)),
  arctanh: unary(Math.atanh, (seed, shape) => within(seed, shape, -0.9, 0.9)),
  arcsin: unary(Math.asin, (seed, shape) => within(seed, shape, -0.9, 0.9)),
  arccos: unary(Math.acos, (seed, shape) => within(seed, shape, -0.9, 0.9)),
  arctan: unary(Math.atan),
  log2: unary(Math.log2, pos),
  log10: unary(Math.log10, pos),
  cbrt: unary(Math.cbrt, awayFromZero),
  arctan2: binary(Math.atan2),
  erf: unary(scalarSpecial.erf),
  erfc: unary(scalarSpecial.erfc),
  gammaln: unary(scalarSpecial.gammaln, (seed, shape) => within(seed, shape, 0.3, 4)),
  polygamma: {
    cases: [
      { name: 'digamma [3,4]', inputs: within(1, [3, 4], 0.3, 4), params: { n: 0 } },
      { name: 'trigamma [5]', inputs: within(2, [5], 0.3, 4), params: { n: 1 } },
    ],
    reference: ([x], p) => vals(x).map((v) => scalarSpecial.polygamma(p.n as number, v)),
    differentiable: true,
  },
  ceil: predicate(Math.ceil),
  round: predicate((x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x))),
  trunc: predicate(Math.trunc),
  rem: {
    cases: [
      {
        name: '[3,4] % [3,4]',
        inputs: (dt) => [np.mul(randn(1, [3, 4], dt), 3), rand(2, [3, 4], 0.5, 2, dt)],
      },
      {
        name: 'broadcast [3,1] % [4]',
        inputs: (dt) => [np.mul(randn(3, [3, 1], dt), 3), rand(4, [4], 0.5, 2, dt)],
      },
    ],
    scalar: (a, b) => a % b,
    differentiable: true,
  },
  cumsum: {
    cases: [
      { name: 'axis 1', inputs: f(1, [3, 4]), params: { axis: 1, reverse: false } },
      { name: 'axis 0 reversed', inputs: f(2, [3, 2]), params: { axis: 0, reverse: true } },
      { name: 'zero-size', inputs: f(3, [0, 2]), params: { axis: 0, reverse: false } },
    ],
    reference: ([x], p) => {
      if (x.size === 0) return [];
      const r = rows(x);
      if (p.axis === 1)
        return r.flatMap((row) =>
          row.map((_, j) => row.slice(0, j + 1).reduce((s, v) => s + v, 0)),
        );
      return r.flatMap((_, i) => r[0].map((__, j) => r.slice(i).reduce((s, row) => s + row[j], 0)));
    },
    differentiable: true,
  },
  sort: {
    cases: [
      { name: 'axis 1', inputs: f(1, [3, 4]), params: { axis: 1, descending: false } },
      { name: 'axis 0 descending', inputs: f(2, [3, 2]), params: { axis: 0, descending: true } },
    ],
    reference: ([x], p) => {
      const r = rows(x);
      if (p.axis === 1) return r.flatMap((row) => [...row].sort((a, b) => a - b));
      const cols = r[0].map((_, j) => r.map((row) => row[j]).sort((a, b) => b - a));
      return r.flatMap((_, i) => cols.map((c) => c[i]));
    },
    differentiable: true,
  },
  argsort: {
    cases: [
      { name: 'axis 1', inputs: f(1, [3, 4]), params: { axis: 1, descending: false } },
      {
        name: 'ties stay in order',
        inputs: () => [np.array([[2, 1, 2, 1]], 'float64')],
        params: { axis: 1, descending: true },
      },
    ],
    reference: ([x], p) =>
      rows(x).flatMap((row) =>
        row
          .map((v, i) => [v, i])
          .sort((a, b) => (p.descending ? b[0] - a[0] : a[0] - b[0]) || a[1] - b[1])
          .map(([, i]) => i),
      ),
    differentiable: false,
  },
  svd: {
    cases: [
      { name: 'square [3,3]', inputs: (dt) => [randn(1, [3, 3], dt)] },
      { name: 'tall [4,2]', inputs: (dt) => [randn(2, [4, 2], dt)] },
      { name: 'wide batch [2,2,3]', inputs: (dt) => [randn(3, [2, 2, 3], dt)] },
    ],
    // U diag(s) Vᵀ rebuilds A; UᵀU = I and VᵀV = I; s descending is checked in linalg-breadth.
    reference: ([a]) => {
      const k = Math.min(...a.shape.slice(-2));
      const eye = vals(np.broadcastTo(np.eye(k, 'float64'), [...a.shape.slice(0, -2), k, k]));
      return [...vals(a), ...eye, ...eye];
    },
    actual: ([u, s, vt]) => [
      ...vals(np.matmul(np.mul(u, np.expandDims(s, -2)), vt)),
      ...vals(np.matmul(np.matrixTranspose(u), u)),
      ...vals(np.matmul(vt, np.matrixTranspose(vt))),
    ],
    differentiable: true,
  },
  qr: {
    cases: [
      { name: 'square [3,3]', inputs: (dt) => [randn(4, [3, 3], dt)] },
      { name: 'tall batch [2,4,2]', inputs: (dt) => [randn(5, [2, 4, 2], dt)] },
    ],
    // Q R rebuilds A, QᵀQ = I; R upper triangular with a positive diagonal (linalg-breadth).
    reference: ([a]) => {
      const k = Math.min(...a.shape.slice(-2));
      return [
        ...vals(a),
        ...vals(np.broadcastTo(np.eye(k, 'float64'), [...a.shape.slice(0, -2), k, k])),
      ];
    },
    actual: ([q, r]) => [...vals(np.matmul(q, r)), ...vals(np.matmul(np.matrixTranspose(q), q))],
    differentiable: true,
  },
  conv: {
    cases: [
      {
        name: 'NCHW [2,2,5,4] * [3,2,2,3], stride 2, padding',
        inputs: (dt) => [randn(1, [2, 2, 5, 4], dt), randn(2, [3, 2, 2, 3], dt)],
        params: {
          strides: [2, 1],
          padding: [
            [1, 0],
            [0, 2],
          ],
          lhsDilation: [1, 1],
          rhsDilation: [1, 1],
        },
      },
      {
        name: 'dilations, negative padding',
        inputs: (dt) => [randn(3, [1, 2, 4, 5], dt), randn(4, [2, 2, 2, 2], dt)],
        params: {
          strides: [1, 2],
          padding: [
            [0, -1],
            [1, 1],
          ],
          lhsDilation: [2, 1],
          rhsDilation: [1, 2],
        },
      },
      {
        name: '1-D as height 1',
        inputs: (dt) => [randn(5, [2, 1, 1, 6], dt), randn(6, [2, 1, 1, 3], dt)],
        params: {
          strides: [1, 1],
          padding: [
            [0, 0],
            [1, 1],
          ],
          lhsDilation: [1, 1],
          rhsDilation: [1, 1],
        },
      },
    ],
    reference: ([x, w], p) => convReference(x, w, p as unknown as ConvCase),
    differentiable: true,
  },
};

function rows(x: Tensor): number[][] {
  const d = vals(x);
  const n = x.shape[x.ndim - 1];
  return Array.from({ length: d.length / n }, (_, i) => d.slice(i * n, (i + 1) * n));
}

function sumRef(x: Tensor, axes: number[]): Tensor {
  // Reference via explicit loops over the flat data for the cases above.
  const d = vals(x);
  if (axes.length === x.ndim)
    return np.array(
      d.reduce((a, b) => a + b, 0),
      'float64',
    );
  const [a, b, c] = x.shape.length === 3 ? x.shape : [1, x.shape[0], x.shape[1]];
  if (x.ndim === 2 && axes[0] === 0) {
    return np.array(
      Array.from({ length: x.shape[1] }, (_, j) =>
        d.filter((_, i) => i % x.shape[1] === j).reduce((s, v) => s + v, 0),
      ),
      'float64',
    );
  }
  const out: number[] = [];
  for (let i = 0; i < a; i++)
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let j = 0; j < b; j++) s += d[(i * b + j) * c + k];
      out.push(s);
    }
  return np.array(out, 'float64');
}

function extremeRef(x: Tensor, axes: number[], pick: (...v: number[]) => number): number[] {
  if (axes.length === x.ndim) return [pick(...vals(x))];
  const r = rows(x);
  return axes[0] === 1
    ? r.map((row) => pick(...row))
    : r[0].map((_, j) => pick(...r.map((row) => row[j])));
}

function matmulRef(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]?.map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)) ?? []);
}

function det3(m: number[][]): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

interface ConvCase {
  strides: number[];
  padding: [number, number][];
  lhsDilation: number[];
  rhsDilation: number[];
}

/**
 * Convolution by its definition: materialize the dilated, padded input (negative padding crops),
 * then slide the dilated kernel over it.
 */
function convReference(x: Tensor, w: Tensor, p: ConvCase): number[] {
  const [N, C, H, W] = x.shape;
  const [O, , KH, KW] = w.shape;
  const xs = vals(x);
  const ws = vals(w);
  const size = (d: number, i: number) =>
    (d - 1) * p.lhsDilation[i] + 1 + p.padding[i][0] + p.padding[i][1];
  const [PH, PW] = [size(H, 0), size(W, 1)];
  const padded = (n: number, c: number, a: number, b: number) => {
    const h = a - p.padding[0][0];
    const v = b - p.padding[1][0];
    if (h < 0 || v < 0 || h % p.lhsDilation[0] || v % p.lhsDilation[1]) return 0;
    const [hi, vi] = [h / p.lhsDilation[0], v / p.lhsDilation[1]];
    return hi < H && vi < W ? xs[((n * C + c) * H + hi) * W + vi] : 0;
  };
  const spanH = (KH - 1) * p.rhsDilation[0] + 1;
  const spanW = (KW - 1) * p.rhsDilation[1] + 1;
  const OH = Math.floor((PH - spanH) / p.strides[0]) + 1;
  const OW = Math.floor((PW - spanW) / p.strides[1]) + 1;
  const out: number[] = [];
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          let s = 0;
          for (let c = 0; c < C; c++)
            for (let a = 0; a < KH; a++)
              for (let b = 0; b < KW; b++)
                s +=
                  padded(
                    n,
                    c,
                    i * p.strides[0] + a * p.rhsDilation[0],
                    j * p.strides[1] + b * p.rhsDilation[1],
                  ) * ws[((o * C + c) * KH + a) * KW + b];
          out.push(s);
        }
  return out;
}
