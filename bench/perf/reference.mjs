// Independent float64 references for the benchmark's checks: plain JavaScript loops written out
// here (no library, not adlab's own float64), one function per workload.
import { ADAM, adamScalars } from './data.mjs';

/** C = op(A) op(B) in float64 for row-major A (m x k, or k x m when `ta`) and B (k x n, or n x k when `tb`). */
function mm(a, b, m, k, n, ta = false, tb = false) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const aip = ta ? a[p * m + i] : a[i * k + p];
      if (aip === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j] += aip * (tb ? b[j * k + p] : b[p * n + j]);
    }
  return c;
}

const addRows = (z, bias, n) => z.forEach((_, i) => (z[i] += bias[i % n]));
const relu = (z) => z.map((v) => (v > 0 ? v : 0));
const mask = (d, z) => d.map((v, i) => (z[i] > 0 ? v : 0));

/** Entries (i, j) of a @ b, for a sample of positions (a full reference is O(n³)). */
export function matmulSample({ n, a, b }, positions) {
  return positions.map(([i, j]) => {
    let acc = 0;
    for (let p = 0; p < n; p++) acc += a[i * n + p] * b[p * n + j];
    return acc;
  });
}

/**
 * The MLP's loss, gradients and the Hessian-vector product w.r.t. W1 along `v`, by hand: the
 * backward pass written out, and its tangent (forward over reverse) for the HVP.
 */
export function mlpReference(d) {
  const [w1, b1, w2, b2, w3, b3] = d.params.map((p) => Float64Array.from(p.data));
  const [, h, , o] = d.sizes;
  const B = d.batch;
  const I = d.sizes[0];
  const x = Float64Array.from(d.x);
  // forward: z1 = x W1 + b1, h1 = relu(z1), z2 = h1 W2 + b2, h2 = relu(z2), z3 = h2 W3 + b3
  const z1 = mm(x, w1, B, I, h);
  addRows(z1, b1, h);
  const h1 = relu(z1);
  const z2 = mm(h1, w2, B, h, h);
  addRows(z2, b2, h);
  const h2 = relu(z2);
  const z3 = mm(h2, w3, B, h, o);
  addRows(z3, b3, o);
  // loss = mean_b (logsumexp(z3_b) - y_b . z3_b); dz3 = (softmax(z3) - y) / B
  const s = new Float64Array(B * o);
  let loss = 0;
  for (let r = 0; r < B; r++) {
    let mx = -Infinity;
    for (let j = 0; j < o; j++) mx = Math.max(mx, z3[r * o + j]);
    let sum = 0;
    for (let j = 0; j < o; j++) sum += Math.exp(z3[r * o + j] - mx);
    loss += mx + Math.log(sum);
    for (let j = 0; j < o; j++) {
      s[r * o + j] = Math.exp(z3[r * o + j] - mx) / sum;
      loss -= d.y[r * o + j] * z3[r * o + j];
    }
  }
  loss /= B;
  const dz3 = s.map((v, i) => (v - d.y[i]) / B);
  const grads = {};
  grads.w3 = mm(h2, dz3, h, B, o, true);
  grads.b3 = colSums(dz3, B, o);
  const dz2 = mask(mm(dz3, w3, B, o, h, false, true), z2);
  grads.w2 = mm(h1, dz2, h, B, h, true);
  grads.b2 = colSums(dz2, B, h);
  const dz1 = mask(mm(dz2, w2, B, h, h, false, true), z1);
  grads.w1 = mm(x, dz1, I, B, h, true);
  grads.b1 = colSums(dz1, B, h);
  // tangent along W1 -> W1 + eps v: the relu masks do not move
  const tz1 = mm(x, d.v, B, I, h);
  const tz2 = mm(mask(tz1, z1), w2, B, h, h);
  const tz3 = mm(mask(tz2, z2), w3, B, h, o);
  const tdz3 = new Float64Array(B * o);
  for (let r = 0; r < B; r++) {
    let st = 0;
    for (let j = 0; j < o; j++) st += s[r * o + j] * tz3[r * o + j];
    for (let j = 0; j < o; j++) tdz3[r * o + j] = (s[r * o + j] * (tz3[r * o + j] - st)) / B;
  }
  const tdz2 = mask(mm(tdz3, w3, B, o, h, false, true), z2);
  const tdz1 = mask(mm(tdz2, w2, B, h, h, false, true), z1);
  const hv = mm(x, tdz1, I, B, h, true);
  return { loss, grads, hv };
}

function colSums(z, rows, n) {
  const out = new Float64Array(n);
  for (let i = 0; i < rows * n; i++) out[i % n] += z[i];
  return out;
}

/** What one SGD step checks: the loss before it and the change of W3. */
export function sgdReference(d, mlp) {
  return { loss: mlp.loss, dW3: mlp.grads.w3.map((g) => -d.lr * g) };
}

/** What one Adam step from zero moments checks: the loss before it and the change of W3. */
export function adamReference(d, mlp) {
  const { c1, c2 } = adamScalars(1);
  const dW3 = mlp.grads.w3.map((g) => {
    const m = (1 - ADAM.b1) * g;
    const v = (1 - ADAM.b2) * g * g;
    return (-c1 * m) / (Math.sqrt(c2 * v) + ADAM.eps);
  });
  return { loss: mlp.loss, dW3 };
}

/** The Hessian of sum(tanh(A x)): A^T diag(-2 t (1 - t^2)) A with t = tanh(A x). */
export function hessianReference({ n, a, x }) {
  const t = tanhAx(n, a, x);
  const h = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const w = -2 * t[r] * (1 - t[r] * t[r]);
    for (let i = 0; i < n; i++) {
      const wa = w * a[r * n + i];
      for (let j = 0; j < n; j++) h[i * n + j] += wa * a[r * n + j];
    }
  }
  return h;
}

/** The Jacobian of tanh(A x): diag(1 - t^2) A. */
export function jacobianReference({ n, a, x }) {
  const t = tanhAx(n, a, x);
  const j = new Float64Array(n * n);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) j[r * n + c] = (1 - t[r] ** 2) * a[r * n + c];
  return j;
}

function tanhAx(n, a, x) {
  const t = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let acc = 0;
    for (let c = 0; c < n; c++) acc += a[r * n + c] * x[c];
    t[r] = Math.tanh(acc);
  }
  return t;
}

/** tanh(x)*x + exp(-x). */
export function elementwiseReference(x) {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]) * x[i] + Math.exp(-x[i]);
  return out;
}

/** The chained ops' value and gradient: even steps multiply by 1.0001, odd steps take sin. */
export function chainReference({ x, steps }) {
  const v = Float64Array.from(x);
  const d = new Float64Array(x.length).fill(1);
  for (let k = 0; k < steps; k++) {
    for (let i = 0; i < v.length; i++) {
      if (k % 2 === 0) {
        v[i] *= 1.0001;
        d[i] *= 1.0001;
      } else {
        d[i] *= Math.cos(v[i]);
        v[i] = Math.sin(v[i]);
      }
    }
  }
  return { value: v, grad: d };
}
