/**
 * Dense factorizations on the host, one matrix at a time (float64 arithmetic). Used by the linalg
 * primitives on every backend: they are O(n³) with little parallelism at the sizes notebooks use.
 */

/** LU with partial pivoting of an n x n row-major matrix, in place. Returns the permutation sign. */
export function luFactor(a: Float64Array, n: number, perm: Int32Array): number {
  let sign = 1;
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
      const t = perm[k];
      perm[k] = perm[p];
      perm[p] = t;
      sign = -sign;
    }
    const pivot = a[k * n + k];
    if (pivot === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const f = (a[i * n + k] /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
  return sign;
}

/**
 * The adjugate adj(A) (A adj(A) = det(A) I) of an n x n row-major matrix, from P A = L U:
 * adj(A) = det(P) adj(U) L⁻¹ P. adj(U) is built by bordering, adj([[U₁, u], [0, d]]) =
 * [[d adj(U₁), -adj(U₁) u], [0, det U₁]], and L is unit triangular, so nothing is divided by a
 * pivot: the result stays finite and exact at singular matrices (where det(A) A⁻¹ is 0 · inf).
 */
export function adjugate(a: Float64Array, n: number): Float64Array {
  const lu = Float64Array.from(a);
  const perm = new Int32Array(n);
  const sign = luFactor(lu, n, perm);
  const adjU = new Float64Array(n * n);
  let detU = 1;
  for (let k = 0; k < n; k++) {
    const d = lu[k * n + k];
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = i; j < k; j++) s += adjU[i * n + j] * lu[j * n + k];
      adjU[i * n + k] = -s;
    }
    for (let i = 0; i < k; i++) for (let j = i; j < k; j++) adjU[i * n + j] *= d;
    adjU[k * n + k] = detU;
    detU *= d;
  }
  // L⁻¹ by forward substitution (unit diagonal), column by column.
  const lInv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    lInv[j * n + j] = 1;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s += lu[i * n + k] * lInv[k * n + j];
      lInv[i * n + j] = -s;
    }
  }
  // out = sign · adj(U) L⁻¹ P: column k of adj(U) L⁻¹ becomes column perm[k].
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let j = Math.max(i, k); j < n; j++) s += adjU[i * n + j] * lInv[j * n + k];
      out[i * n + perm[k]] = sign * s;
    }
  return out;
}

/** Solves A X = B given A's LU factors; B is n x m row-major; returns X. */
export function luSolve(
  lu: Float64Array,
  perm: Int32Array,
  n: number,
  b: Float64Array,
  m: number,
): Float64Array {
  const x = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) x[i * m + j] = b[perm[i] * m + j];
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const f = lu[i * n + k];
      if (f !== 0) for (let j = 0; j < m; j++) x[i * m + j] -= f * x[k * m + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = lu[i * n + k];
      if (f !== 0) for (let j = 0; j < m; j++) x[i * m + j] -= f * x[k * m + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < m; j++) x[i * m + j] /= d;
  }
  return x;
}

/** Cholesky factor L (lower) of a symmetric positive definite matrix; all NaN when it is not. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    // Not positive definite: NaN throughout (as JAX), never a partial factor with finite garbage.
    if (!(d > 0)) return l.fill(NaN);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: eigenvalues ascending,
 * eigenvectors as columns of V (row-major), each normalized with its largest entry positive.
 */
export function symmetricEigen(a: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += m[i * n + j] ** 2;
    if (off < 1e-300) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i] - m[j * n + j]);
  const w = Float64Array.from(order, (i) => m[i * n + i]);
  const sorted = new Float64Array(n * n);
  order.forEach((src, dst) => {
    let big = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v[k * n + src]) > Math.abs(big)) big = v[k * n + src];
    const flip = big < 0 ? -1 : 1;
    for (let k = 0; k < n; k++) sorted[k * n + dst] = flip * v[k * n + src];
  });
  return { w, v: sorted };
}
