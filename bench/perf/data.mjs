// Shared inputs and float64 references for the benchmark workloads (plain JS, no library).

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

/** Largest |got - want| over max(1, max |want|): one number for "how close". */
export function relErr(got, want) {
  if (got.length !== want.length) return Infinity;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    err = Number.isNaN(d) ? Infinity : Math.max(err, d);
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return err / Math.max(scale, 1e-30);
}

/** Entries (i, j) of a @ b in float64, for a sample of positions (a full reference is O(n³)). */
export function matmulSample(a, b, n, positions) {
  return positions.map(([i, j]) => {
    let acc = 0;
    for (let p = 0; p < n; p++) acc += a[i * n + p] * b[p * n + j];
    return acc;
  });
}

/** tanh(x)*x + exp(-x) in float64. */
export function elementwiseRef(x) {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]) * x[i] + Math.exp(-x[i]);
  return out;
}

/** The chained-ops workload in float64: even steps multiply by 1.0001, odd steps take sin. */
export function chainRef(x, steps) {
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
