/**
 * Dense derivatives assembled from actions: jacfwd (a JVP for every input element), jacrev (a VJP
 * for every output element), each run as one batched pass with vmap; hessian (jacfwd of jacrev);
 * plus hvp and linearize, which never form a matrix. The Jacobian of an output of shape S with
 * respect to an input of shape T has shape S ++ T.
 */
import { allocate } from '../core/dtype';
import { tensorLeaves, unflatten, type TreeDef, type TreeResult } from '../core/pytree';
import type { Tensor } from '../core/tensor';
import { tensorFromHost } from '../backends';
import { reshape, sliceStatic, transpose } from '../numpy/shape';
import { zeros } from '../numpy/creation';
import { vdot } from '../numpy/linalg';
import { add } from '../numpy/math';
import { grad, selectArgs } from './grad';
import type {
  AnyFunction,
  ArgsOf,
  HessianResult,
  HvpResult,
  JacobianResult,
  TangentsFor,
} from './types';
import { jvp } from './jvp';
import { vjp } from './vjp';
import { nameTransformed } from './naming';
import { vmap } from './vmap';

/** Options of jacfwd, jacrev and hessian. */
export interface JacobianOptions {
  argnums?: number | readonly number[];
}

/**
 * The standard basis over every element of every leaf, batched: for leaves of sizes s_1..s_k
 * (total n), leaf j gets shape [n, ...shape_j], row r one-hot where element r falls in leaf j.
 */
function batchedBasis(leaves: readonly Tensor[]): Tensor[] {
  const n = leaves.reduce((acc, x) => acc + x.size, 0);
  let offset = 0;
  return leaves.map((x) => {
    const data = allocate(x.dtype, n * x.size);
    for (let e = 0; e < x.size; e++) data[(offset + e) * x.size + e] = 1;
    offset += x.size;
    return tensorFromHost(data, [n, ...x.shape], x.dtype);
  });
}

/**
 * Cuts the block of rows [offset, offset + count) of a batched result `rows` ([n, ...other]) and
 * shapes it lead ++ trail; `leadFirst` false means the rows index the trailing (input) axes.
 */
function block(
  rows: Tensor,
  offset: number,
  count: number,
  lead: readonly number[],
  trail: readonly number[],
  leadFirst: boolean,
): Tensor {
  const other = rows.shape.slice(1);
  const starts = rows.shape.map((_, i) => (i === 0 ? offset : 0));
  const limits = rows.shape.map((d, i) => (i === 0 ? offset + count : d));
  const part = sliceStatic(rows, { starts, limits, steps: rows.shape.map(() => 1) });
  if (leadFirst) return reshape(part, [...lead, ...trail]);
  const moved = transpose(part, [...other.map((_, i) => i + 1), 0]);
  return reshape(moved, [...lead, ...trail]);
}

/** Start of each leaf in the flat list of all elements. */
const offsets = (leaves: readonly Tensor[]) => {
  let at = 0;
  return leaves.map((x) => (at += x.size) - x.size);
};

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

/**
 * The Jacobian by forward mode: J applied to every basis direction, as one batched JVP
 * (`vmap` of `jvp`); cheap when inputs are few.
 * @example jacfwd((x) => np.sin(x))(np.array([1, 2])) // diag(cos x), shape [2, 2]
 */
export function jacfwd<F extends AnyFunction, const O extends JacobianOptions = object>(
  f: F,
  options?: O,
): (...args: ArgsOf<F>) => JacobianResult<F, O>;
export function jacfwd(f: (...args: never[]) => unknown, options: JacobianOptions = {}) {
  const { argnums = 0 } = options;
  const jacfwdOfF = (...args: unknown[]): TreeResult => {
    const { xs, inDef, fOfLeaves } = overLeaves('jacfwd', f, args, argnums);
    const [outs, outDef] = tensorLeaves(fOfLeaves(...xs));
    const starts = offsets(xs);
    const total = xs.reduce((acc, x) => acc + x.size, 0);
    // columns[i]: output leaf i for every basis direction, [total, ...outs[i].shape]
    const columns =
      total === 0
        ? []
        : (tensorLeaves(
            vmap((...ts: Tensor[]) => jvp(fOfLeaves, xs, ts)[1])(...batchedBasis(xs)),
          )[0] as Tensor[]);
    return blockTree(outDef, outs, inDef, xs, (i, j) =>
      total === 0
        ? zeros([...outs[i].shape, ...xs[j].shape], outs[i].dtype)
        : block(columns[i], starts[j], xs[j].size, outs[i].shape, xs[j].shape, false),
    );
  };
  return nameTransformed(jacfwdOfF, 'jacfwd', f);
}

/**
 * The Jacobian by reverse mode: Jᵀ applied to every output basis direction, as one batched VJP
 * (`vmap` of the pullback) after one forward pass; cheap when outputs are few.
 * @example jacrev((x) => np.sin(x))(np.array([1, 2]))
 */
export function jacrev<F extends AnyFunction, const O extends JacobianOptions = object>(
  f: F,
  options?: O,
): (...args: ArgsOf<F>) => JacobianResult<F, O>;
export function jacrev(f: (...args: never[]) => unknown, options: JacobianOptions = {}) {
  const { argnums = 0 } = options;
  const jacrevOfF = (...args: unknown[]): TreeResult => {
    const { xs, inDef, fOfLeaves } = overLeaves('jacrev', f, args, argnums);
    const [out, pullback] = vjp(fOfLeaves, xs);
    const [outs, outDef] = tensorLeaves(out);
    const starts = offsets(outs);
    const total = outs.reduce((acc, y) => acc + y.size, 0);
    // rows[j]: input leaf j's cotangent for every output basis direction, [total, ...xs[j].shape]
    const pullBasis = (...cts: Tensor[]) => pullback(unflatten(outDef, cts)) as Tensor[];
    const rows = total === 0 ? [] : (vmap(pullBasis)(...batchedBasis(outs)) as Tensor[]);
    return blockTree(outDef, outs, inDef, xs, (i, j) =>
      total === 0
        ? zeros([...outs[i].shape, ...xs[j].shape], xs[j].dtype)
        : block(rows[j], starts[i], outs[i].size, outs[i].shape, xs[j].shape, true),
    );
  };
  return nameTransformed(jacrevOfF, 'jacrev', f);
}

/**
 * The Hessian as jacfwd(jacrev(f)): shape in.shape ++ in.shape for a scalar f.
 * @example hessian((x) => np.sum(np.pow(x, 3)))(x) // diag(6x)
 */
export function hessian<F extends AnyFunction, const O extends JacobianOptions = object>(
  f: F,
  options?: O,
): (...args: ArgsOf<F>) => HessianResult<F, O>;
export function hessian(
  f: (...args: never[]) => unknown,
  options: JacobianOptions = {},
): (...args: unknown[]) => TreeResult {
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
export function hvp<F extends AnyFunction, const P extends ArgsOf<F>>(
  f: F,
  primals: P,
  tangents: TangentsFor<F, P>,
  options?: HvpOptions,
): HvpResult<F, P>;
export function hvp(
  f: (...args: never[]) => unknown,
  primals: readonly unknown[],
  tangentList: unknown,
  options: HvpOptions = {},
): TreeResult {
  const tangents = tangentList as readonly unknown[];
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
