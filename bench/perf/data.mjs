// Shared inputs of the benchmark workloads (plain JS, no library): every process builds the same
// deterministic data from these functions.

/** A deterministic stream of floats in [-1, 1) (xorshift32), rounded to float32. */
export function randomF32(n, seed, scale = 1) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/** Largest |got - want| over max |want|: one number for "how close". */
export function relErr(got, want) {
  if (!got || got.length !== want.length) return Infinity;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    err = Number.isNaN(d) ? Infinity : Math.max(err, d);
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return err / Math.max(scale, 1e-30);
}

/** Two n x n matrices. */
export function matmulData(n) {
  return { n, a: randomF32(n * n, 1), b: randomF32(n * n, 2) };
}

/** The MLP 784-256-256-10 with a batch of `batch` (128), plus a direction `v` for the HVP w.r.t. W1. */
export function mlpData(batch = 128) {
  const sizes = [784, 256, 256, 10];
  const params = [];
  for (let l = 0; l < 3; l++) {
    const [i, o] = [sizes[l], sizes[l + 1]];
    params.push({ data: randomF32(i * o, 11 + l, Math.sqrt(6 / i)), shape: [i, o] });
    params.push({ data: randomF32(o, 21 + l, 0.01), shape: [o] });
  }
  const x = randomF32(batch * 784, 5);
  const y = new Float32Array(batch * 10);
  for (let b = 0; b < batch; b++) y[b * 10 + ((b * 7) % 10)] = 1;
  const v = randomF32(784 * 256, 9);
  return { sizes, batch, params, x, xShape: [batch, 784], y, yShape: [batch, 10], v, lr: 0.1 };
}

/** Adam's hyperparameters; the bias corrections of step t are passed in as two scalars. */
export const ADAM = { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8 };

/** Adam's scalars at step t (1-based): p -= c1 * m / (sqrt(c2 * v) + eps). */
export function adamScalars(t) {
  return { c1: ADAM.lr / (1 - ADAM.b1 ** t), c2: 1 / (1 - ADAM.b2 ** t) };
}

/** f(x) = sum(tanh(A x)) for the dense Hessian (n = 100) and tanh(A x) for jacrev (n = 200). */
export function tanhData(n, seed) {
  return { n, a: randomF32(n * n, seed, 1 / Math.sqrt(n)), x: randomF32(n, seed + 1) };
}

/** The elementwise chain's input: 1e6 floats in [-3, 3). */
export const elementwiseData = () => randomF32(1e6, 3, 3);

/** The chained-ops input: 16 floats; `steps` ops alternate x * 1.0001 and sin(x). */
export const chainData = () => ({ x: randomF32(16, 4), steps: 1000 });
