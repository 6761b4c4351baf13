/**
 * Linear algebra primitives on the last two axes (leading axes are batch axes). Rules follow
 * Giles, "Collected matrix derivative results for forward and reverse mode AD" (2008).
 * cholesky and eigh read the symmetric part sym(A) = (A + Aᵀ)/2 of their input, as JAX does, so
 * their derivatives are taken with respect to sym(A).
 */
import type { Aval, Primitive } from '../core/primitive';
import { fmt, sizeOf, tryBroadcast } from '../core/shape';
import type { Tensor } from '../core/tensor';
import * as ops from '../numpy/ops';
import { batchBroadcasting, batchLeading } from './batching';
import { addTangents, isSymbolicZero, linear, requireFloat, unbroadcast, wrap } from './helpers';
import { linalgRoutine } from '../backends/linalg';
import { matmulStored } from '../backends/swap-last';
import { bind1 } from '../core/trace';

type NoParams = Record<string, never>;

const mT = (x: Tensor) => ops.matrixTranspose(x);
const sym = (x: Tensor) => ops.mul(ops.add(x, mT(x)), 0.5);

/** Checks that `a` is a (batch of) square matrices and returns n. */
export function squareSize(op: string, a: Aval): number {
  requireFloat(op, a);
  const r = a.shape.length;
  if (r < 2 || a.shape[r - 1] !== a.shape[r - 2]) {
    throw new Error(`${op}: expected square matrices in the last two axes, got ${fmt(a.shape)}`);
  }
  return a.shape[r - 1];
}

/** A hint for the common slip of a missing transpose, when one would make the inner sizes agree. */
function transposeHint(a: readonly number[], b: readonly number[]): string {
  const [am, ak] = a.slice(-2);
  const [bk, bn] = b.slice(-2);
  if (ak === bn) return '; did you mean a @ bᵀ (np.matrixTranspose(b))?';
  if (am === bk) return '; did you mean aᵀ @ b (np.matrixTranspose(a))?';
  return '';
}

/**
 * matmul's params: an operand flagged is stored transposed (its last two axes swapped) and read
 * as its transpose, op(X) = Xᵀ, without a copy on backends that declare `matmulTransposes`.
 */
export interface MatmulParams {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/** The params of op(x) @ op(y) with these flags (only the set ones, so programs print cleanly). */
const flags = (transposeA: boolean, transposeB: boolean): MatmulParams => ({
  ...(transposeA ? { transposeA } : {}),
  ...(transposeB ? { transposeB } : {}),
});

/** A matmul operand's shape as read: its last two axes swapped when `transposed`. */
const asRead = (shape: readonly number[], transposed = false): readonly number[] =>
  transposed ? [...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]] : shape;

/** op(x) @ op(y), bound (so rules stay differentiable). */
const mm = (x: Tensor, y: Tensor, p: MatmulParams): Tensor => bind1(matmul, [x, y], p);

// C = op(A) op(B): dC = op(dA) op(B) + op(A) op(dB); with op the identity, ct_A = ct Bᵀ and
// ct_B = Aᵀ ct; a stored-transposed operand gets the transpose: ct_A = op(B) ctᵀ, ct_B = ctᵀ op(A)
// (summed over broadcast batch axes). Every product reads transposes in place, never copies them.
export const matmul: Primitive<MatmulParams> = {
  name: 'matmul',
  abstractEval: ([x, y], { transposeA, transposeB }) => {
    const ra = x.shape.length;
    const rb = y.shape.length;
    if (ra < 2 || rb < 2)
      throw new Error(`matmul: operands need 2 axes here, got ${fmt(x.shape)} @ ${fmt(y.shape)}`);
    const [a, b] = [
      { shape: asRead(x.shape, transposeA), dtype: x.dtype },
      { shape: asRead(y.shape, transposeB), dtype: y.dtype },
    ];
    const [k, kb] = [a.shape[ra - 1], b.shape[rb - 2]];
    if (k !== kb) {
      throw new Error(
        `matmul: inner dimensions differ: ${fmt(a.shape)} @ ${fmt(b.shape)} (${k} vs ${kb}: the last axis of a, the second-to-last of b)${transposeHint(a.shape, b.shape)}`,
      );
    }
    if (a.dtype !== b.dtype) throw new TypeError(`matmul: dtypes differ: ${a.dtype} @ ${b.dtype}`);
    const batch = tryBroadcast([a.shape.slice(0, -2), b.shape.slice(0, -2)]);
    if (typeof batch === 'string')
      throw new Error(
        `matmul: batch axes of ${fmt(a.shape)} @ ${fmt(b.shape)} cannot be broadcast: ${fmt(a.shape.slice(0, -2))} vs ${fmt(b.shape.slice(0, -2))} (batch ${batch})`,
      );
    return [{ shape: [...batch, a.shape[ra - 2], b.shape[rb - 1]], dtype: a.dtype }];
  },
  impl: ([a, b], p, [out]) => [
    wrap(matmulStored(a, b, out.shape, { a: p.transposeA, b: p.transposeB }), out),
  ],
  jvp: ([da, db], [a, b], _ys, p) => [
    addTangents(
      linear(da, (t) => mm(t, b, p)),
      linear(db, (t) => mm(a, t, p)),
    ),
  ],
  vjp: ([ct], [a, b], _ys, { transposeA = false, transposeB = false }) => [
    () =>
      unbroadcast(
        transposeA ? mm(b, ct, flags(transposeB, true)) : mm(ct, b, flags(false, !transposeB)),
        a.shape,
      ),
    () =>
      unbroadcast(
        transposeB ? mm(ct, a, flags(true, transposeA)) : mm(a, ct, flags(!transposeA, false)),
        b.shape,
      ),
  ],
  flops: ([a], [out], p) =>
    2 * sizeOf(out.shape) * asRead(a.shape, p.transposeA)[a.shape.length - 1],
  batch: batchBroadcasting,
};

// Y = A⁻¹B: dY = A⁻¹(dB - dA Y); ct_B = A⁻ᵀ ct, ct_A = -ct_B Yᵀ.
export const solve: Primitive<NoParams> = {
  name: 'solve',
  batch: batchLeading,
  abstractEval: ([a, b]) => {
    const n = squareSize('solve', a);
    if (b.shape.length < 2 || b.shape[b.shape.length - 2] !== n || b.dtype !== a.dtype) {
      throw new Error(
        `solve: right-hand side ${b.dtype}${fmt(b.shape)} does not match matrix ${a.dtype}${fmt(a.shape)}`,
      );
    }
    if (!ops.shapesEqual(a.shape.slice(0, -2), b.shape.slice(0, -2))) {
      throw new Error(`solve: batch shapes differ: ${fmt(a.shape)} and ${fmt(b.shape)}`);
    }
    return [b];
  },
  impl: (xs, _p, outs) => linalgRoutine('solve', xs, outs),
  jvp: ([da, db], [a], [y]) => [
    linear(
      addTangents(
        db,
        linear(da, (t) => ops.neg(ops.matmul(t, y))),
      ),
      (t) => ops.solve(a, t),
    ),
  ],
  vjp: ([ct], [a], [y]) => {
    const ctB = ops.solve(mT(a), ct);
    return [() => ops.neg(ops.matmul(ctB, mT(y))), ctB];
  },
  flops: ([a, b]) => {
    const n = a.shape[a.shape.length - 1];
    return (
      sizeOf(a.shape.slice(0, -2)) * ((2 / 3) * n ** 3 + 2 * n * n * b.shape[b.shape.length - 1])
    );
  },
};

// [sign, log|det A|]: d log|det A| = tr(A⁻¹ dA); ct_A = ct A⁻ᵀ. The sign is piecewise constant.
export const slogdet: Primitive<NoParams> = {
  name: 'slogdet',
  batch: batchLeading,
  abstractEval: ([a]) => {
    squareSize('slogdet', a);
    const batch = { shape: a.shape.slice(0, -2), dtype: a.dtype };
    return [batch, batch];
  },
  impl: (xs, _p, outs) => linalgRoutine('slogdet', xs, outs),
  jvp: ([da], [a]) => [null, linear(da, (t) => ops.trace(ops.solve(a, t)))],
  vjp: ([, ct], [a]) => [ops.mul(ops.expandDims(ops.expandDims(ct, -1), -1), mT(ops.inv(a)))],
  flops: ([a]) => sizeOf(a.shape.slice(0, -2)) * (2 / 3) * a.shape[a.shape.length - 1] ** 3,
};

/** Lower-triangle mask with 1/2 on the diagonal: Φ in the Cholesky rules. */
function phiMask(n: number, like: Tensor): Tensor {
  const i = ops.arange(n);
  const below = ops.astype(ops.greater(ops.expandDims(i, 1), ops.expandDims(i, 0)), like.dtype);
  return ops.add(below, ops.mul(ops.eye(n, like.dtype), 0.5));
}

// A = L Lᵀ: dL = L Φ(L⁻¹ dA L⁻ᵀ); ct_A = sym(L⁻ᵀ Φ(Lᵀ ct) L⁻¹), Φ = lower triangle, half diagonal.
export const cholesky: Primitive<NoParams> = {
  name: 'cholesky',
  batch: batchLeading,
  abstractEval: ([a]) => {
    squareSize('cholesky', a);
    return [a];
  },
  impl: (xs, _p, outs) => linalgRoutine('cholesky', xs, outs),
  jvp: ([da], _x, [l]) => {
    const n = l.shape[l.shape.length - 1];
    return [
      linear(da, (t) =>
        ops.matmul(l, ops.mul(phiMask(n, l), ops.solve(l, mT(ops.solve(l, sym(t)))))),
      ),
    ];
  },
  vjp: ([ct], _x, [l]) => {
    const n = l.shape[l.shape.length - 1];
    const p = ops.mul(phiMask(n, l), ops.matmul(mT(l), ct));
    const z = ops.solve(mT(l), p);
    return [sym(mT(ops.solve(mT(l), mT(z))))];
  },
  flops: ([a]) => (sizeOf(a.shape.slice(0, -2)) * a.shape[a.shape.length - 1] ** 3) / 3,
};

/** F_ij = 1/(w_j - w_i) off the diagonal, 0 on it (infinite for repeated eigenvalues). */
function eigenGapInverse(w: Tensor): Tensor {
  const n = w.shape[w.shape.length - 1];
  const eye = ops.eye(n, w.dtype);
  const gaps = ops.sub(ops.expandDims(w, -2), ops.expandDims(w, -1));
  return ops.div(ops.sub(1, eye), ops.add(gaps, eye));
}

// sym(A) = V diag(w) Vᵀ: dw = diag(Vᵀ dA V), dV = V (F ∘ Vᵀ dA V); ct_A = sym(V (diag(ct_w) + F ∘ Vᵀ ct_V) Vᵀ).
export const eigh: Primitive<NoParams> = {
  name: 'eigh',
  batch: batchLeading,
  abstractEval: ([a]) => {
    squareSize('eigh', a);
    return [{ shape: a.shape.slice(0, -1), dtype: a.dtype }, a];
  },
  impl: (xs, _p, outs) => linalgRoutine('eigh', xs, outs),
  jvp: ([da], _x, [w, v]) => {
    if (da === null) return [null, null];
    const m = ops.matmul(mT(v), ops.matmul(sym(da), v));
    return [ops.diagonal(m), ops.matmul(v, ops.mul(eigenGapInverse(w), m))];
  },
  vjp: ([ctW, ctV], _x, [w, v]) => {
    const n = w.shape[w.shape.length - 1];
    let inner = ops.mul(ops.expandDims(ctW, -1), ops.eye(n, w.dtype));
    // Skipped when V gets no cotangent, so functions of the eigenvalues alone stay finite at ties.
    if (!isSymbolicZero(ctV))
      inner = ops.add(inner, ops.mul(eigenGapInverse(w), ops.matmul(mT(v), ctV)));
    return [sym(ops.matmul(v, ops.matmul(inner, mT(v))))];
  },
  flops: ([a]) => sizeOf(a.shape.slice(0, -2)) * 9 * a.shape[a.shape.length - 1] ** 3,
};

/** The linear-algebra family, for the registry. */
export const linalgPrimitives = { matmul, solve, slogdet, cholesky, eigh };
