/**
 * Matrix-free linear operators: a matrix known only by its action v -> A v (and Aᵀ w where
 * defined). The Jacobian, its transpose, the Hessian and the Gauss-Newton matrix JᵀJ of any
 * function of pytrees are built from jvp, vjp and hvp; pytrees are flattened to one vector.
 */
import { allocate, type DType } from '../core/dtype';
import { tensorLeaves, unflatten, type TreeDef, type TreeResult } from '../core/pytree';
import type { Tensor } from '../core/tensor';
import { tensorFromHost } from '../backends';
import { astype } from '../numpy/convert';
import { concatenate, reshape, split, stack } from '../numpy/shape';
import { hvp } from '../transforms/jacobian';
import { jvp } from '../transforms/jvp';
import type { AnyFunction, ArgsOf } from '../transforms/types';
import { vjp } from '../transforms/vjp';

/** A linear map of R^n to R^m known by its action. */
export interface LinearOperator {
  /** [m, n]: output and input lengths. */
  readonly shape: readonly [number, number];
  /** The dtype of the vectors it takes and returns. */
  readonly dtype: 'float32' | 'float64';
  /** A v, for v of length n. */
  matvec(v: Tensor): Tensor;
  /** Aᵀ w, for w of length m (absent when the transpose is not available). */
  rmatvec?(w: Tensor): Tensor;
}

type FloatDType = 'float32' | 'float64';

/**
 * Flattens the tensors of a pytree into one vector (the widest float dtype) and returns the
 * inverse map, which restores each leaf's shape and dtype.
 * @example const [v, unravel] = ravelTree({ W, b }); unravel(v) // { W, b }
 */
export function ravelTree(tree: unknown): [Tensor, (v: Tensor) => unknown] {
  const [leaves, def] = tensorLeaves(tree);
  if (leaves.length === 0) throw new Error('ravelTree: the tree has no tensor leaves');
  return ravelLeaves('ravelTree', leaves, def, true);
}

/**
 * {@link ravelTree} on leaves already taken out of their structure `def`. With `restoreDTypes`
 * false the unraveled leaves keep the vector's dtype (what an optimizer iterating in it wants).
 */
export function ravelLeaves(
  op: string,
  leaves: readonly Tensor[],
  def: TreeDef,
  restoreDTypes: boolean,
): [Tensor, (v: Tensor) => TreeResult] {
  const dtype: FloatDType = leaves.some((l) => l.dtype === 'float64') ? 'float64' : 'float32';
  const flat = leaves.map((l) => reshape(astype(l, dtype), [-1]));
  const vec = flat.length === 1 ? flat[0] : concatenate(flat);
  const cuts: number[] = [];
  leaves.slice(0, -1).reduce((s, l) => (cuts.push(s + l.size), s + l.size), 0);
  const unravel = (v: Tensor): TreeResult => {
    if (v.size !== vec.size) throw new Error(`${op}: expected ${vec.size} values, got ${v.size}`);
    const parts = leaves.length === 1 ? [v] : split(reshape(v, [-1]), cuts);
    return unflatten(
      def,
      parts.map((p, i) => {
        const part = reshape(p, leaves[i].shape);
        return restoreDTypes ? astype(part, leaves[i].dtype) : part;
      }),
    );
  };
  return [vec, unravel];
}

/**
 * A linear operator from its action (and optionally its transpose's).
 * @example linearOperator([3, 3], (v) => np.mul(v, 2)) // 2 I
 */
export function linearOperator(
  shape: readonly [number, number],
  matvec: (v: Tensor) => Tensor,
  rmatvec?: (w: Tensor) => Tensor,
  dtype: FloatDType = 'float64',
): LinearOperator {
  return rmatvec ? { shape, dtype, matvec, rmatvec } : { shape, dtype, matvec };
}

/**
 * The operator of an explicit matrix (for checks on small cases).
 * @example denseOperator(np.array([[2, 1], [1, 3]], 'float64')).matvec(np.array([1, 0], 'float64'))
 */
export function denseOperator(a: Tensor): LinearOperator {
  if (a.ndim !== 2) throw new Error(`denseOperator: expected a matrix, got shape [${a.shape}]`);
  const dtype: FloatDType = a.dtype === 'float64' ? 'float64' : 'float32';
  const m = astype(a, dtype);
  return {
    shape: [a.shape[0], a.shape[1]],
    dtype,
    matvec: (v) => m.matmul(reshape(v, [-1])),
    rmatvec: (w) => m.T.matmul(reshape(w, [-1])),
  };
}

/** An operator, or a symmetric action v -> A v whose size is that of the vectors it gets. */
export type OperatorLike = LinearOperator | ((v: Tensor) => Tensor);

/**
 * Wraps an action `v -> A v` of an n x n operator (square, dtype of the vectors) as a LinearOperator.
 * @example asOperator((v) => np.mul(v, 2), 10)
 */
export function asOperator(
  op: OperatorLike,
  n: number,
  dtype: FloatDType = 'float64',
): LinearOperator {
  return typeof op === 'function' ? { shape: [n, n], dtype, matvec: op } : op;
}

/**
 * The n x m dense matrix of an operator, one matvec per column (small operators only).
 * @example toDense(hessianOperator(f, [x]))
 */
export function toDense(op: LinearOperator): Tensor {
  const [, n] = op.shape;
  const cols = Array.from({ length: n }, (_, j) => {
    const e = allocate(op.dtype as DType, n);
    e[j] = 1;
    return reshape(op.matvec(tensorFromHost(e, [n], op.dtype)), [-1]);
  });
  return stack(cols, 1);
}

const ravel = (tree: unknown, dtype: FloatDType) => astype(ravelTree(tree)[0], dtype);

/**
 * The Jacobian J of `f` at `primals` (an argument list of pytrees) as an operator: matvec by
 * forward mode (jvp), rmatvec by reverse mode (one recorded forward pass, one pullback per call).
 * @example const J = jacobianOperator((W: Tensor) => np.tanh(np.matmul(X, W)), [W]); J.matvec(v)
 */
export function jacobianOperator<F extends AnyFunction>(f: F, primals: ArgsOf<F>): LinearOperator {
  const [x, unravelIn] = ravelTree(primals);
  const [y, pullback] = vjp(f, primals);
  const [out, unravelOut] = ravelTree(y);
  const dtype: FloatDType =
    x.dtype === 'float64' || out.dtype === 'float64' ? 'float64' : 'float32';
  return {
    shape: [out.size, x.size],
    dtype,
    matvec: (v) => ravel(jvp(f, primals, unravelIn(v) as unknown[])[1], dtype),
    rmatvec: (w) => ravel(pullback(unravelOut(w) as never), dtype),
  };
}

/**
 * The transpose Jᵀ of {@link jacobianOperator} (matvec is the VJP).
 * @example jacobianTransposeOperator(f, [x]).matvec(w) // Jᵀ w
 */
export function jacobianTransposeOperator<F extends AnyFunction>(
  f: F,
  primals: ArgsOf<F>,
): LinearOperator {
  const j = jacobianOperator(f, primals);
  return { shape: [j.shape[1], j.shape[0]], dtype: j.dtype, matvec: j.rmatvec!, rmatvec: j.matvec };
}

/**
 * The Hessian of a scalar `f` at `primals` as a symmetric operator: each matvec is one
 * Hessian-vector product (forward-over-reverse by default), H is never formed.
 * @example const H = hessianOperator(loss, [params]); lanczos(H, { steps: 30 })
 */
export function hessianOperator<F extends AnyFunction>(
  f: F,
  primals: ArgsOf<F>,
  options: { mode?: 'fwd-rev' | 'rev-rev' } = {},
): LinearOperator {
  const [x, unravel] = ravelTree(primals);
  const dtype = x.dtype as FloatDType;
  const loose: (...args: never[]) => unknown = f; // the tangents are built at run time
  const matvec = (v: Tensor) => {
    const tangents = unravel(v) as unknown[];
    const out = hvp(loose, primals, tangents, options);
    return ravel(primals.length === 1 ? [out] : out, dtype);
  };
  return { shape: [x.size, x.size], dtype, matvec, rmatvec: matvec };
}

/**
 * The Gauss-Newton matrix JᵀJ of a residual function `f` at `primals` (symmetric, positive
 * semidefinite): a jvp followed by a vjp per matvec.
 * @example const G = gaussNewtonOperator((p: Tensor) => np.sub(model(p), y), [p]); cg(G, g)
 */
export function gaussNewtonOperator<F extends AnyFunction>(
  f: F,
  primals: ArgsOf<F>,
): LinearOperator {
  const j = jacobianOperator(f, primals);
  const matvec = (v: Tensor) => j.rmatvec!(j.matvec(v));
  return { shape: [j.shape[1], j.shape[1]], dtype: j.dtype, matvec, rmatvec: matvec };
}
