/**
 * Dense derivatives assembled from actions: jacfwd (one JVP per input element), jacrev (one VJP
 * per output element), hessian (jacfwd of jacrev), plus hvp and linearize, which never form a
 * matrix. The Jacobian of an output of shape S with respect to an input of shape T has shape S ++ T.
 */
import { allocate, type DType } from '../core/dtype';
import { tensorLeaves, unflatten, type TreeDef, type TreeResult } from '../core/pytree';
import type { Tensor } from '../core/tensor';
import { tensorFromHost } from '../backends';
import { stack, reshape } from '../numpy/shape';
import { zeros, zerosLike } from '../numpy/creation';
import { vdot } from '../numpy/linalg';
import { add } from '../numpy/math';
import { grad, selectArgs } from './grad';
import { jvp } from './jvp';
import { vjp } from './vjp';
import { nameTransformed } from './naming';

/** Options of jacfwd, jacrev and hessian. */
export interface JacobianOptions {
  argnums?: number | readonly number[];
}

/** A tensor like `x` that is 1 at flat position `i` and 0 elsewhere. */
function basis(x: Tensor, i: number): Tensor {
  const data = allocate(x.dtype, x.size);
  data[i] = 1;
  return tensorFromHost(data, x.shape, x.dtype);
}

/**
 * Stacks per-element results (index k of `rows`) into blocks of shape lead ++ trail; with no rows
 * (a zero-size side) the block is zeros of `dtype`, the dtype the rows would have had.
 */
function assemble(
  rows: Tensor[],
  lead: readonly number[],
  trail: readonly number[],
  leadFirst: boolean,
  dtype: DType,
): Tensor {
  if (rows.length === 0) return zeros([...lead, ...trail], dtype);
  const stacked = stack(rows, 0); // [count, ...other]
  if (leadFirst) return reshape(stacked, [...lead, ...trail]);
  // rows are indexed by the trailing (input) element: move that axis to the end.
  const other = rows[0].shape;
  const moved = stacked.transpose([...other.map((_, i) => i + 1), 0]);
  return reshape(moved, [...lead, ...trail]);
}

/**
 * The chosen arguments of `f` as a flat list of tensor leaves, and `f` as a function of those
 * leaves, so both Jacobian modes work on plain lists whatever the argument pytrees are.
 */
function overLeaves(
  op: string,
  f: (...args: never[]) => unknown,
  args: unknown[],
  argnums: number | readonly number[],
) {
  const { chosen, withChosen } = selectArgs(op, args, argnums);
  const single = typeof argnums === 'number';
  const [xs, inDef] = tensorLeaves(single ? chosen[0] : chosen);
  const fOfLeaves = (...leaves: Tensor[]) => {
    const tree = unflatten<unknown>(inDef, leaves);
    return withChosen(f)(...(single ? [tree] : (tree as unknown[])));
  };
  return { xs, inDef, fOfLeaves };
}

/** Nests blocks as JAX does: the output's structure, each leaf holding the input's structure. */
function blockTree(
  outDef: TreeDef,
  outs: Tensor[],
  inDef: TreeDef,
  xs: Tensor[],
  block: (i: number, j: number) => Tensor,
) {
  return unflatten(
    outDef,
    outs.map((_, i) =>
      unflatten(
        inDef,
        xs.map((_, j) => block(i, j)),
      ),
    ),
  );
}

/** One-hot directions over every element of every leaf, except leaf `j` element `e`: zeros elsewhere. */
const direction = (leaves: Tensor[], j: number, e: number) =>
  leaves.map((y, k) => (k === j ? basis(y, e) : zerosLike(y)));

/**
 * The Jacobian by forward mode: one JVP per input element (cheap when inputs are few).
 * @example jacfwd((x) => np.sin(x))(np.array([1, 2])) // diag(cos x), shape [2, 2]
 */
export function jacfwd(f: (...args: never[]) => unknown, options: JacobianOptions = {}) {
  const { argnums = 0 } = options;
  const jacfwdOfF = (...args: unknown[]): TreeResult => {
    const { xs, inDef, fOfLeaves } = overLeaves('jacfwd', f, args, argnums);
    const [outs, outDef] = tensorLeaves(fOfLeaves(...xs));
    // columns[j][e]: the output leaves of J·(element e of input leaf j)
    const columns = xs.map((x, j) =>
      Array.from(
        { length: x.size },
        (_, e) => tensorLeaves(jvp(fOfLeaves, xs, direction(xs, j, e))[1])[0],
      ),
    );
    return blockTree(outDef, outs, inDef, xs, (i, j) =>
      assemble(
        columns[j].map((c) => c[i]),
        outs[i].shape,
        xs[j].shape,
        false,
        outs[i].dtype,
      ),
    );
  };
  return nameTransformed(jacfwdOfF, 'jacfwd', f);
}

/**
 * The Jacobian by reverse mode: one VJP per output element, sharing one forward pass.
 * @example jacrev((x) => np.sin(x))(np.array([1, 2]))
 */
export function jacrev(f: (...args: never[]) => unknown, options: JacobianOptions = {}) {
  const { argnums = 0 } = options;
  const jacrevOfF = (...args: unknown[]): TreeResult => {
    const { xs, inDef, fOfLeaves } = overLeaves('jacrev', f, args, argnums);
    const [out, pullback] = vjp(fOfLeaves, xs);
    const [outs, outDef] = tensorLeaves(out);
    // rows[i][e]: the input leaves of Jᵀ·(element e of output leaf i)
    const rows = outs.map((y, i) =>
      Array.from(
        { length: y.size },
        (_, e) => pullback(unflatten(outDef, direction(outs, i, e))) as Tensor[],
      ),
    );
    return blockTree(outDef, outs, inDef, xs, (i, j) =>
      assemble(
        rows[i].map((r) => r[j]),
        outs[i].shape,
        xs[j].shape,
        true,
        xs[j].dtype,
      ),
    );
  };
  return nameTransformed(jacrevOfF, 'jacrev', f);
}

/**
 * The Hessian as jacfwd(jacrev(f)): shape in.shape ++ in.shape for a scalar f.
 * @example hessian((x) => np.sum(np.pow(x, 3)))(x) // diag(6x)
 */
export function hessian(f: (...args: never[]) => unknown, options: JacobianOptions = {}) {
  return nameTransformed(jacfwd(jacrev(f, options) as never, options), 'hessian', f);
}

/** Options of hvp. */
export interface HvpOptions {
  /** 'fwd-rev' (default): jvp of grad, one forward and one reverse pass; 'rev-rev': grad of <grad f, v>. */
  mode?: 'fwd-rev' | 'rev-rev';
}

/**
 * The Hessian-vector product H(x) v of a scalar function, without forming H. `primals` and
 * `tangents` are the argument lists (all arguments are differentiated); the result has their
 * structure. @example hvp(f, [x], [v]) // H(x) v
 */
export function hvp(
  f: (...args: never[]) => unknown,
  primals: readonly unknown[],
  tangents: readonly unknown[],
  options: HvpOptions = {},
): TreeResult {
  const { mode = 'fwd-rev' } = options;
  const all = primals.map((_, i) => i);
  const gradAll = grad(f, { argnums: all });
  let out: unknown[];
  if (mode === 'fwd-rev') out = jvp(gradAll as never, primals, tangents)[1] as unknown[];
  else if (mode === 'rev-rev') {
    const inner = (...xs: unknown[]) => {
      const [gs] = tensorLeaves(gradAll(...xs));
      const [vs] = tensorLeaves(tangents);
      return gs.map((g, i) => vdot(g, vs[i])).reduce((a, b) => add(a, b));
    };
    out = grad(inner as never, { argnums: all })(...primals) as unknown[];
  } else
    throw new RangeError(`hvp: mode must be 'fwd-rev' or 'rev-rev', got ${JSON.stringify(mode)}`);
  return primals.length === 1 ? out[0] : out;
}

/**
 * Evaluates f at `primals` and returns [f(primals), jvpFn] where jvpFn(...tangents) = J tangents.
 * Each call of jvpFn is one forward-mode pass (f is re-run with tangents; nothing is stored).
 * @example const [y, fJvp] = linearize(f, x); fJvp(v)
 */
export function linearize<Out>(
  f: (...args: never[]) => Out,
  ...primals: unknown[]
): [Out, (...tangents: unknown[]) => Out] {
  const out = f(...(primals as never[]));
  return [out, (...tangents: unknown[]) => jvp(f, primals, tangents)[1]];
}
