/** Linear algebra after jax.numpy and jax.numpy.linalg. */
import { fmt, tryBroadcast } from '../core/shape';
import { bind, bind1 } from '../core/trace';
import type { Tensor, TensorLike } from '../core/tensor';
import * as D from '../primitives/determinant';
import * as L from '../primitives/linalg';
import { asTensor, astype, promote } from './convert';
import { eye } from './creation';
import { mul } from './math';
import { sum } from './reductions';
import { broadcastTo, expandDims, reshape, squeeze, transpose } from './shape';
import { isFloat } from '../core/dtype';

function floats(...xs: TensorLike[]): Tensor[] {
  const ts = promote(...xs);
  return isFloat(ts[0].dtype) ? ts : ts.map((t) => astype(t, 'float32'));
}

/**
 * Matrix product with NumPy's rules: 1-D operands are promoted to matrices and the added axis is
 * removed; leading axes broadcast. int32 operands give int32 (bools give bool), as JAX.
 * @example np.matmul(X, W)
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promote(a, b);
  // A bool product is "any pair of trues", as JAX: count in int32, then compare with 0.
  if (x.dtype === 'bool') return astype(matmulOf(astype(x, 'int32'), astype(y, 'int32')), 'bool');
  return matmulOf(x, y);
}

function matmulOf(a: Tensor, b: Tensor): Tensor {
  let [x, y] = [a, b];
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

/**
 * NumPy's dot: a product with a scalar, the inner product of vectors, and otherwise a sum over the
 * last axis of a and the second-to-last of b (the last when b is 1-D), so [2,3,4]·[2,4,5] has
 * shape [2,3,2,5] (matmul would broadcast the batch instead). @example np.dot(A, x)
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promote(a, b);
  if (x.ndim === 0 || y.ndim === 0) return mul(x, y);
  const k = x.shape[x.ndim - 1];
  const kb = y.shape[Math.max(0, y.ndim - 2)];
  if (kb !== k)
    throw new Error(
      `dot: the last axis of ${fmt(x.shape)} (size ${k}) does not match the ${y.ndim === 1 ? 'only axis' : 'second-to-last'} of ${fmt(y.shape)} (size ${kb})`,
    );
  if (y.ndim <= 2) return matmul(x, y);
  // Bring b's contracted axis to the front, flatten the rest: one matrix product, then reshape.
  const yAxes = y.shape.map((_, i) => i);
  const front = [y.ndim - 2, ...yAxes.filter((i) => i !== y.ndim - 2)];
  const yMat = reshape(transpose(y, front), [k, -1]);
  const out = matmul(reshape(x, [-1, k]), yMat);
  return reshape(out, [...x.shape.slice(0, -1), ...y.shape.slice(0, -2), y.shape[y.ndim - 1]]);
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
 * Solves A x = b for x by LU with partial pivoting. As JAX: b is a vector only when it is 1-D,
 * otherwise its last two axes are a matrix of right-hand sides; batch axes of A and b broadcast.
 * @example np.linalg.solve(A, b)
 */
export function solve(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = floats(a, b);
  const vector = y.ndim === 1;
  const rhs = vector ? expandDims(y, -1) : y;
  if (x.ndim >= 2 && rhs.ndim >= 2) {
    const batch = tryBroadcast([x.shape.slice(0, -2), rhs.shape.slice(0, -2)]);
    if (typeof batch === 'string')
      throw new Error(
        `solve: batch axes of ${fmt(x.shape)} and ${fmt(y.shape)} cannot be broadcast (${batch})`,
      );
    const out = bind1(L.solve, [
      broadcastTo(x, [...batch, ...x.shape.slice(-2)]),
      broadcastTo(rhs, [...batch, ...rhs.shape.slice(-2)]),
    ]);
    return vector ? squeeze(out, -1) : out;
  }
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

/**
 * The determinant (LU with partial pivoting). Its gradient is the adjugate adj(A)ᵀ, finite and
 * exact at singular matrices too. @example np.linalg.det(A)
 */
export function det(a: TensorLike): Tensor {
  const [x] = floats(a);
  return bind1(D.det, [x]);
}

/** The adjugate adj(A), with A adj(A) = det(A) I (det(A) A⁻¹ where A is invertible). */
export function adjugate(a: TensorLike): Tensor {
  const [x] = floats(a);
  return bind1(D.adjugate, [x]);
}

/** The lower Cholesky factor L with A = L Lᵀ (of the symmetric part of A); all NaN (per matrix) if not positive definite, as JAX. */
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
 * then the output has the ellipsis axes and the indices that occur once, sorted). A letter repeated
 * within one operand takes its diagonal ('ii' is the trace, 'ii->i' the diagonal); '...' stands for
 * broadcast leading axes. Each operand is aligned to a shared index order by transposes and size-1
 * axes, multiplied with broadcasting, and summed.
 * @example np.einsum('bij,bjk->bik', A, B); np.einsum('...ij,...jk->...ik', A, B)
 */
export function einsum(subscripts: string, ...operands: TensorLike[]): Tensor {
  const ts = floats(...operands);
  const spec = subscripts.replace(/\s+/g, '');
  const [lhs, rhsGiven] = spec.split('->');
  const given = lhs.split(',');
  if (given.length !== ts.length) {
    throw new Error(
      `einsum: ${given.length} input subscripts for ${ts.length} operands in '${subscripts}'`,
    );
  }
  const { inputs, output: ellipsisOut } = expandEllipsis(spec, given, rhsGiven, ts);
  const counts = new Map<string, number>();
  for (const sub of inputs) for (const c of sub) counts.set(c, (counts.get(c) ?? 0) + 1);
  const output =
    ellipsisOut ??
    [...counts.keys()]
      .filter((c) => counts.get(c) === 1)
      .sort()
      .join('');
  const letters = [...output, ...[...counts.keys()].filter((c) => !output.includes(c))];
  const sizes = new Map<string, number>();
  const aligned = ts.map((operand, k) => {
    if (inputs[k].length !== operand.ndim || !/^[a-zA-Z]*$/.test(inputs[k])) {
      throw new Error(
        `einsum: subscripts '${given[k]}' do not match operand ${k} of shape ${fmt(operand.shape)}`,
      );
    }
    const [t, sub] = takeDiagonals(operand, inputs[k]);
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

/**
 * Replaces each '...' by letters unused in `spec`, one per broadcast axis, right-aligned across
 * operands (as NumPy). Returns the output subscripts when '->' was given or ellipsis was used.
 */
function expandEllipsis(
  spec: string,
  given: readonly string[],
  rhs: string | undefined,
  ts: readonly Tensor[],
): { inputs: string[]; output: string | undefined } {
  if (!spec.includes('...')) return { inputs: [...given], output: rhs };
  const ranks = given.map((sub, k) => (sub.includes('...') ? ts[k].ndim - (sub.length - 3) : 0));
  if (ranks.some((r) => r < 0))
    throw new Error(`einsum: subscripts '${spec}' have more indices than an operand has axes`);
  const free = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter(
    (c) => !spec.includes(c),
  );
  const rank = Math.max(...ranks);
  const broadcast = free.slice(0, rank).join('');
  const inputs = given.map((sub, k) => sub.replace('...', broadcast.slice(rank - ranks[k])));
  if (rhs !== undefined) return { inputs, output: rhs.replace('...', broadcast) };
  const counts = new Map<string, number>();
  for (const sub of inputs) for (const c of sub) counts.set(c, (counts.get(c) ?? 0) + 1);
  const singles = [...counts.keys()].filter((c) => counts.get(c) === 1 && !broadcast.includes(c));
  return { inputs, output: broadcast + singles.sort().join('') };
}

/** For each letter repeated in `sub`, keeps the diagonal of those axes (one axis per letter). */
function takeDiagonals(t: Tensor, sub: string): [Tensor, string] {
  for (let q = 0; q < sub.length; q++) {
    const p = sub.indexOf(sub[q]);
    if (p === q) continue;
    const [n, m] = [t.shape[p], t.shape[q]];
    if (n !== m) throw new Error(`einsum: index '${sub[q]}' has sizes ${n} and ${m}`);
    // Multiply by the identity placed on axes p and q, then sum axis q away.
    const mask = reshape(
      eye(n, t.dtype),
      t.shape.map((d, i) => (i === p || i === q ? d : 1)),
    );
    return takeDiagonals(sum(mul(t, mask), q), sub.slice(0, q) + sub.slice(q + 1));
  }
  return [t, sub];
}
