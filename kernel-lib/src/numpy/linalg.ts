/** Linear algebra after jax.numpy and jax.numpy.linalg. */
import { fmt } from '../core/shape';
import { bind, bind1 } from '../core/trace';
import type { Tensor, TensorLike } from '../core/tensor';
import * as L from '../primitives/linalg';
import { asTensor, astype, promote } from './convert';
import { eye } from './creation';
import { exp, mul } from './math';
import { sum } from './reductions';
import { broadcastTo, expandDims, reshape, squeeze, transpose } from './shape';
import { isFloat } from '../core/dtype';

function floats(...xs: TensorLike[]): Tensor[] {
  const ts = promote(...xs);
  return isFloat(ts[0].dtype) ? ts : ts.map((t) => astype(t, 'float32'));
}

/**
 * Matrix product with NumPy's rules: 1-D operands are promoted to matrices and the added axis is
 * removed; leading axes broadcast. @example np.matmul(X, W)
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  let [x, y] = floats(a, b);
  if (x.ndim === 0 || y.ndim === 0)
    throw new Error(
      `matmul: operands must have at least 1 axis, got ${fmt(x.shape)} @ ${fmt(y.shape)}`,
    );
  const vecA = x.ndim === 1;
  const vecB = y.ndim === 1;
  if (vecA) x = expandDims(x, 0);
  if (vecB) y = expandDims(y, 1);
  let out = bind1(L.matmul, [x, y]);
  if (vecA) out = squeeze(out, -2);
  if (vecB) out = squeeze(out, -1);
  return out;
}

/** Dot product of vectors, matrix-vector or matrix-matrix product (like NumPy for rank <= 2). */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = floats(a, b);
  if (x.ndim === 0 || y.ndim === 0) return mul(x, y);
  return matmul(x, y);
}

/** Sum of elementwise products of two tensors of the same size, flattened. */
export function vdot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = floats(a, b);
  if (x.size !== y.size) throw new Error(`vdot: sizes differ: ${fmt(x.shape)} and ${fmt(y.shape)}`);
  return sum(mul(reshape(x, [-1]), reshape(y, [-1])));
}

/** Outer product of two vectors (flattened). @example np.outer(u, v) */
export function outer(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = floats(a, b);
  return mul(reshape(x, [-1, 1]), reshape(y, [1, -1]));
}

/** The diagonal of the last two axes. */
export function diagonal(x: TensorLike): Tensor {
  const t = asTensor(x);
  if (t.ndim < 2) throw new Error(`diagonal: expected at least 2 axes, got ${fmt(t.shape)}`);
  const [n, m] = t.shape.slice(-2);
  const k = Math.min(n, m);
  const picked = mul(t, eye(n, m, t.dtype));
  return n <= m ? sum(picked, -2).get('...', `:${k}`) : sum(picked, -1).get('...', `:${k}`);
}

/** Sum of the diagonal of the last two axes. */
export function trace(x: TensorLike): Tensor {
  return sum(diagonal(x), -1);
}

/**
 * Solves A x = b for x (b a vector or a matrix of right-hand sides), by LU with partial pivoting.
 * @example np.linalg.solve(A, b)
 */
export function solve(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = floats(a, b);
  const vector = y.ndim === x.ndim - 1;
  const rhs = vector ? expandDims(y, -1) : y;
  const out = bind1(L.solve, [x, rhs]);
  return vector ? squeeze(out, -1) : out;
}

/** The inverse of a (batch of) square matrices. Prefer `solve` for A⁻¹b. */
export function inv(a: TensorLike): Tensor {
  const [x] = floats(a);
  const n = x.shape[x.ndim - 1];
  if (x.ndim < 2 || x.shape[x.ndim - 2] !== n)
    throw new Error(`inv: expected square matrices in the last two axes, got ${fmt(x.shape)}`);
  return bind1(L.solve, [x, broadcastTo(eye(n, x.dtype), x.shape)]);
}

/** [sign, log|det A|], stable where det itself would overflow. @example const [s, ld] = np.linalg.slogdet(A) */
export function slogdet(a: TensorLike): [Tensor, Tensor] {
  const [x] = floats(a);
  const [sign, logAbsDet] = bind(L.slogdet, [x]);
  return [sign, logAbsDet];
}

/** The determinant, as sign * exp(log|det|). Its gradient at a singular matrix is not finite. */
export function det(a: TensorLike): Tensor {
  const [sign, logAbsDet] = slogdet(a);
  return mul(sign, exp(logAbsDet));
}

/** The lower Cholesky factor L with A = L Lᵀ (of the symmetric part of A); NaN if not positive definite. */
export function cholesky(a: TensorLike): Tensor {
  const [x] = floats(a);
  return bind1(L.cholesky, [x]);
}

/**
 * Eigenvalues (ascending) and eigenvectors (columns) of the symmetric part of A.
 * @example const [w, V] = np.linalg.eigh(A)
 */
export function eigh(a: TensorLike): [Tensor, Tensor] {
  const [x] = floats(a);
  const [w, v] = bind(L.eigh, [x]);
  return [w, v];
}

/**
 * Einstein summation over explicit subscripts, e.g. 'ij,jk->ik' (the '->' part may be omitted:
 * then the output has the indices that occur once, sorted). Each operand is aligned to a shared
 * index order by transposes and size-1 axes, multiplied with broadcasting, and summed.
 * @example np.einsum('bij,bjk->bik', A, B)
 */
export function einsum(subscripts: string, ...operands: TensorLike[]): Tensor {
  const ts = floats(...operands);
  const spec = subscripts.replace(/\s+/g, '');
  const [lhs, rhsGiven] = spec.split('->');
  const inputs = lhs.split(',');
  if (inputs.length !== ts.length) {
    throw new Error(
      `einsum: ${inputs.length} input subscripts for ${ts.length} operands in '${subscripts}'`,
    );
  }
  const counts = new Map<string, number>();
  for (const s of inputs) for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  const output =
    rhsGiven ??
    [...counts.keys()]
      .filter((c) => counts.get(c) === 1)
      .sort()
      .join('');
  const letters = [...output, ...[...counts.keys()].filter((c) => !output.includes(c))];
  const sizes = new Map<string, number>();
  const aligned = ts.map((t, k) => {
    const sub = inputs[k];
    if (sub.length !== t.ndim || new Set(sub).size !== sub.length || !/^[a-zA-Z]*$/.test(sub)) {
      throw new Error(
        `einsum: subscripts '${sub}' do not match operand ${k} of shape ${fmt(t.shape)} (repeated or invalid letters are not supported)`,
      );
    }
    [...sub].forEach((c, i) => {
      const d = t.shape[i];
      const seen = sizes.get(c);
      if (seen !== undefined && seen !== d && seen !== 1 && d !== 1) {
        throw new Error(`einsum: index '${c}' has sizes ${seen} and ${d}`);
      }
      if (seen === undefined || seen === 1) sizes.set(c, d);
    });
    const present = letters.filter((c) => sub.includes(c));
    const moved = transpose(
      t,
      present.map((c) => sub.indexOf(c)),
    );
    return reshape(
      moved,
      letters.map((c) => (sub.includes(c) ? t.shape[sub.indexOf(c)] : 1)),
    );
  });
  for (const c of output)
    if (!counts.has(c)) throw new Error(`einsum: output index '${c}' is not in any input`);
  const product = aligned.reduce((acc, t) => mul(acc, t));
  const summed =
    letters.length > output.length
      ? sum(product, letters.map((_, i) => i).slice(output.length))
      : product;
  return broadcastTo(
    summed,
    [...output].map((c) => sizes.get(c)!),
  );
}
