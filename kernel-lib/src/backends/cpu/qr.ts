/**
 * The thin QR decomposition of one row-major m x n matrix on the host (float64), by Householder
 * reflections, normalized so R has a non-negative diagonal (the unique, smooth choice for a
 * full-rank A, which the derivative rule relies on).
 */

/** A = Q R with k = min(m, n): Q is m x k with orthonormal columns, R is k x n upper triangular. */
export function qrHost(
  a: Float64Array,
  m: number,
  n: number,
): { q: Float64Array; r: Float64Array } {
  const r = Float64Array.from(a);
  const full = new Float64Array(m * m);
  for (let i = 0; i < m; i++) full[i * m + i] = 1;
  const k = Math.min(m, n);
  const v = new Float64Array(m);
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let i = j; i < m; i++) norm += r[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = r[j * n + j] > 0 ? -norm : norm;
    let vNorm = 0;
    for (let i = j; i < m; i++) {
      v[i] = r[i * n + j] - (i === j ? alpha : 0);
      vNorm += v[i] * v[i];
    }
    if (vNorm === 0) continue;
    // R ← (I - 2vvᵀ/vᵀv) R on rows j.., and Q ← Q (I - 2vvᵀ/vᵀv) on columns j..
    for (let c = 0; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i] * r[i * n + c];
      const f = (2 * dot) / vNorm;
      for (let i = j; i < m; i++) r[i * n + c] -= f * v[i];
    }
    for (let row = 0; row < m; row++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += full[row * m + i] * v[i];
      const f = (2 * dot) / vNorm;
      for (let i = j; i < m; i++) full[row * m + i] -= f * v[i];
    }
  }
  const q = new Float64Array(m * k);
  const rOut = new Float64Array(k * n);
  for (let j = 0; j < k; j++) {
    const flip = r[j * n + j] < 0 ? -1 : 1;
    for (let i = 0; i < m; i++) q[i * k + j] = flip * full[i * m + j];
    for (let c = 0; c < n; c++) rOut[j * n + c] = c < j ? 0 : flip * r[j * n + c];
  }
  return { q, r: rOut };
}
