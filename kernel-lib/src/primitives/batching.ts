/**
 * Batching rules (vmap) shared by the primitive families. A rule receives the inputs with the
 * batch axis of each at `bdims[i]` (`null`: the input is the same for every example) and returns
 * the outputs with theirs. Rules move batch axes to the front and bind the primitive once on the
 * whole batch; they are written with `ops`, so they nest under every other transform.
 */
import type { AnyPrimitive, BatchDim, BatchRule } from '../core/primitive';
import { bind } from '../core/trace';
import type { Tensor } from '../core/tensor';
import * as ops from '../numpy/ops';

/** The batch size: the length of the batch axis of any batched input. */
export function batchSize(xs: readonly Tensor[], bdims: readonly BatchDim[]): number {
  const i = bdims.findIndex((b) => b !== null);
  return xs[i].shape[bdims[i] as number];
}

/** `x` with its batch axis first; an unbatched `x` is broadcast to `size` examples when given. */
export function batchFirst(x: Tensor, bdim: BatchDim, size?: number): Tensor {
  if (bdim === null) {
    if (size === undefined) return x;
    return ops.broadcastTo(ops.reshape(x, [1, ...x.shape]), [size, ...x.shape]);
  }
  if (bdim === 0) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== bdim);
  return ops.transpose(x, [bdim, ...perm]);
}

/** A batch-first `x` ([B, ...s]) with size-1 axes after the batch axis up to per-example `rank`. */
function padRank(x: Tensor, rank: number): Tensor {
  const [b, ...s] = x.shape;
  if (s.length >= rank) return x;
  return ops.reshape(x, [b, ...new Array<number>(rank - s.length).fill(1), ...s]);
}

/** Every output batched along axis 0. */
const front = (ys: Tensor[]): [Tensor[], BatchDim[]] => [ys, ys.map(() => 0)];

/**
 * Primitives that broadcast NumPy-style (elementwise ops; matmul over its leading axes): batched
 * inputs go first and gain size-1 axes up to the largest per-example rank, so the batch axes line
 * up; unbatched inputs broadcast against them.
 */
export const batchBroadcasting: BatchRule<unknown> = (xs, bdims, params, prim) => {
  const rank = Math.max(...xs.map((x, i) => x.shape.length - (bdims[i] === null ? 0 : 1)));
  const aligned = xs.map((x, i) =>
    bdims[i] === null ? x : padRank(batchFirst(x, bdims[i]), rank),
  );
  return front(bind(prim, aligned, params));
};

/**
 * Primitives that act on the trailing axes and treat leading axes as a batch (linear algebra):
 * every input goes batch-first, unbatched ones broadcast to the batch.
 */
export const batchLeading: BatchRule<unknown> = (xs, bdims, params, prim) => {
  const size = batchSize(xs, bdims);
  return front(
    bind(
      prim,
      xs.map((x, i) => batchFirst(x, bdims[i], size)),
      params,
    ),
  );
};

/** A single-input primitive whose params name per-example axes: shift them past the batch axis. */
export function batchShiftingAxes<P>(shift: (params: P) => P): BatchRule<P> {
  return ([x], [bdim], params, prim) => front(bind(prim, [batchFirst(x, bdim)], shift(params)));
}

/** Per-example axes as axes of the batch-first value. */
export const shiftAxes = (axes: readonly number[]) => axes.map((a) => a + 1);

/** Example `b` of a batch-first value. */
function exampleOf(x: Tensor, b: number): Tensor {
  const starts = x.shape.map((_, i) => (i === 0 ? b : 0));
  const limits = x.shape.map((d, i) => (i === 0 ? b + 1 : d));
  const one = ops.sliceStatic(x, { starts, limits, steps: x.shape.map(() => 1) });
  return ops.reshape(one, x.shape.slice(1));
}

const announced = new Set<string>();

/**
 * The fallback for a primitive without a rule (or a case its rule does not batch): one call per
 * example, stacked. Correct for any primitive, and as slow as a loop: it says so once per primitive.
 */
export function perExample(
  prim: AnyPrimitive,
  xs: readonly Tensor[],
  bdims: readonly BatchDim[],
  params: unknown,
): Tensor[] {
  if (!announced.has(prim.name)) {
    announced.add(prim.name);
    console.warn(`vmap: ${prim.name} runs once per example here (no batching rule; correct, slow)`);
  }
  const size = batchSize(xs, bdims);
  const firsts = xs.map((x, i) => batchFirst(x, bdims[i]));
  const example = (b: number) => firsts.map((x, i) => (bdims[i] === null ? x : exampleOf(x, b)));
  if (size === 0) {
    const avals = prim.abstractEval(
      firsts.map((x, i) => (bdims[i] === null ? x : { shape: x.shape.slice(1), dtype: x.dtype })),
      params,
    );
    return avals.map((a) => ops.zeros([0, ...a.shape], a.dtype));
  }
  const results = Array.from({ length: size }, (_, b) => bind(prim, example(b), params));
  return results[0].map((_, k) =>
    ops.stack(
      results.map((r) => r[k]),
      0,
    ),
  );
}
