/**
 * The thin singular value decomposition of one row-major m x n matrix on the host (float64), by
 * one-sided Jacobi rotations (Hestenes): rotating column pairs until all columns are orthogonal
 * keeps small singular values accurate (forming AᵀA would square the condition number).
 */

/** A = U diag(s) Vᵀ with k = min(m, n): U is m x k, s descending, Vt is k x n (row-major). */
export interface Svd {
  u: Float64Array;
  s: Float64Array;
  vt: Float64Array;
}

/** Thin SVD of a row-major m x n matrix. */
export function svdHost(a: Float64Array, m: number, n: number): Svd {
  if (m < n) {
    // A = (Aᵀ)ᵀ = (U' S V'ᵀ)ᵀ = V' S U'ᵀ
    const t = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
    const r = svdTall(t, n, m);
    return { u: transposeOf(r.vt, m, m), s: r.s, vt: transposeOf(r.u, n, m) };
  }
  return svdTall(a, m, n);
}

/** The cols x rows transpose of a row-major rows x cols matrix. */
function transposeOf(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return out;
}

/** SVD of a tall (m >= n) matrix. */
function svdTall(a: Float64Array, m: number, n: number): Svd {
  const g = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          const [x, y] = [g[i * n + p], g[i * n + q]];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const [x, y] = [g[i * n + p], g[i * n + q]];
          g[i * n + p] = c * x - s * y;
          g[i * n + q] = s * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const [x, y] = [v[i * n + p], v[i * n + q]];
          v[i * n + p] = c * x - s * y;
          v[i * n + q] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += g[i * n + j] ** 2;
    return Math.sqrt(s);
  });
  const order = norms.map((_, j) => j).sort((i, j) => norms[j] - norms[i]);
  const u = new Float64Array(m * n);
  const s = Float64Array.from(order, (j) => norms[j]);
  const vt = new Float64Array(n * n);
  order.forEach((src, dst) => {
    // Sign convention: the largest entry of each column of U is positive (V follows).
    let big = 0;
    for (let i = 0; i < m; i++) if (Math.abs(g[i * n + src]) > Math.abs(big)) big = g[i * n + src];
    const flip = big < 0 ? -1 : 1;
    const scale = norms[src] > 0 ? flip / norms[src] : 0;
    for (let i = 0; i < m; i++) u[i * n + dst] = g[i * n + src] * scale;
    for (let i = 0; i < n; i++) vt[dst * n + i] = flip * v[i * n + src];
  });
  completeColumns(u, m, n, s);
  return { u, s, vt };
}

/** Columns of U for zero singular values: unit vectors orthogonal to the others (Gram-Schmidt). */
function completeColumns(u: Float64Array, m: number, n: number, s: Float64Array): void {
  for (let j = 0; j < n; j++) {
    if (s[j] > 0) continue;
    for (let e = 0; e < m; e++) {
      const col = new Float64Array(m);
      col[e] = 1;
      for (let k = 0; k < n; k++) {
        if (k === j || (s[k] === 0 && k > j)) continue;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i * n + k] * col[i];
        for (let i = 0; i < m; i++) col[i] -= dot * u[i * n + k];
      }
      const norm = Math.hypot(...col);
      if (norm > 1e-8) {
        for (let i = 0; i < m; i++) u[i * n + j] = col[i] / norm;
        break;
      }
    }
  }
}
