/**
 * Vectorizing map, after jax.vmap. `vmap(f)` runs `f` once on a whole batch: a BatchTracer holds
 * a value with one extra axis (its batch axis `bdim`, or `null` when the value is shared by every
 * example) and reports the per-example shape, so `f` is written for one example. Each primitive
 * is applied to the batch by its batching rule (`Primitive.batch`, see primitives/batching.ts);
 * one without a rule runs once per example, which is correct and slow, and vmap says so once.
 */
import type { AnyPrimitive, BatchDim } from '../core/primitive';
import { flatten, tensorLeaves, unflatten, type TreeDef, type TreeResult } from '../core/pytree';
import { fmt, normalizeAxis } from '../core/shape';
import { bind, ConcretizationError, isTracerOf, Trace, Tracer, withTrace } from '../core/trace';
import type { Tensor } from '../core/tensor';
import { batchFirst, perExample } from '../primitives/batching';
import { transpose } from '../numpy/shape';

/** A value inside vmap: the batched value one level down and where its batch axis lies. */
class BatchTracer extends Tracer {
  constructor(
    readonly trace: BatchTrace,
    readonly primal: Tensor,
    readonly bdim: BatchDim,
  ) {
    super();
  }

  /** The per-example shape: what the function being mapped sees. */
  override get shape(): readonly number[] {
    const shape = this.primal.shape;
    return this.bdim === null ? shape : shape.filter((_, i) => i !== this.bdim);
  }

  protected override readable(): Tensor {
    if (this.bdim === null) return this.primal;
    throw new ConcretizationError(
      `vmap: cannot read the values of a batched tensor (per-example shape ${fmt(this.shape)}, ` +
        `${this.trace.size} examples) inside the mapped function; compute with tensors instead ` +
        '(np.where in place of an if on data), or read the result outside vmap',
    );
  }
}

class BatchTrace extends Trace {
  constructor(
    level: number,
    readonly size: number,
  ) {
    super(level);
  }

  lift(x: Tensor): BatchTracer {
    return new BatchTracer(this, x, null);
  }

  process(prim: AnyPrimitive, tracers: BatchTracer[], params: unknown): BatchTracer[] {
    const xs = tracers.map((t) => t.primal);
    const bdims = tracers.map((t) => t.bdim);
    if (bdims.every((b) => b === null)) {
      return bind(prim, xs, params).map((y) => new BatchTracer(this, y, null));
    }
    const [ys, outDims] = prim.batch
      ? prim.batch(xs, bdims, params, prim)
      : [perExample(prim, xs, bdims, params), undefined];
    return ys.map((y, i) => new BatchTracer(this, y, outDims ? outDims[i] : 0));
  }
}

/** An axis spec of vmap: a number (negative counts from the end) or null (not mapped). */
export type AxisSpec = number | null;

/** Options of {@link vmap}, after jax.vmap's in_axes and out_axes. */
export interface VmapOptions {
  /**
   * Where each argument's batch axis lies: one spec for every argument, or a list with one entry
   * per argument, each a spec or a pytree of specs matching that argument. Default 0.
   */
  inAxes?: AxisSpec | readonly unknown[];
  /** Where the outputs' batch axes go: a spec, or a pytree of specs matching the output. Default 0. */
  outAxes?: AxisSpec | unknown;
}

/** An axis spec of one leaf and where it was given (`inAxes[1].w`), for errors. */
interface LeafSpec {
  readonly spec: AxisSpec;
  readonly what: string;
}

/** One axis spec per leaf of `tree`, from a spec or a pytree of specs that is a prefix of it. */
function specsPerLeaf(what: string, spec: unknown, tree: unknown): LeafSpec[] {
  if (spec === null || typeof spec === 'number')
    return flatten(tree)[0].map(() => ({ spec, what }));
  if (Array.isArray(spec) && Array.isArray(tree) && spec.length === tree.length) {
    return tree.flatMap((t, i) => specsPerLeaf(`${what}[${i}]`, spec[i], t));
  }
  if (spec !== null && typeof spec === 'object' && tree !== null && typeof tree === 'object') {
    const keys = Object.keys(tree);
    if (
      !Array.isArray(tree) &&
      keys.every((k) => k in spec) &&
      Object.keys(spec).length === keys.length
    ) {
      return keys.flatMap((k) =>
        specsPerLeaf(
          `${what}.${k}`,
          (spec as Record<string, unknown>)[k],
          (tree as Record<string, unknown>)[k],
        ),
      );
    }
  }
  throw new Error(
    `vmap: ${what}: the axis spec ${JSON.stringify(spec)} does not match the structure of the value`,
  );
}

/**
 * Vectorizes `f` over a batch axis of its arguments: `vmap(f)(xs)` equals stacking `f(x)` for each
 * example `x` of `xs`, computed in one pass. Composes with every transform: `vmap(grad(loss))`
 * gives per-example gradients, `jacfwd` and `jacrev` are vmaps of one JVP or VJP.
 * @example vmap((x: Tensor) => np.dot(x, x))(np.ones([5, 3])) // shape [5]
 * @example vmap(grad(loss), { inAxes: [null, 0, 0] })(params, xs, ys) // per-example gradients
 */
export function vmap<F extends (...args: never[]) => unknown>(
  f: F,
  options: VmapOptions = {},
): (...args: Parameters<F>) => TreeResult {
  // `null` is a spec of its own (not mapped), so only a missing option takes the default.
  const inAxes = options.inAxes === undefined ? 0 : options.inAxes;
  const outAxes = options.outAxes === undefined ? 0 : options.outAxes;
  return (...args: Parameters<F>) => {
    const argSpecs = Array.isArray(inAxes) ? inAxes : undefined;
    if (argSpecs !== undefined && argSpecs.length !== args.length) {
      throw new Error(
        `vmap: inAxes has ${argSpecs.length} entries but the function got ${args.length} arguments`,
      );
    }
    const specs = args.flatMap((a, i) =>
      specsPerLeaf(`inAxes[${i}]`, argSpecs ? argSpecs[i] : inAxes, a),
    );
    const [leaves, inDef] = tensorLeaves(args);
    const axes = leaves.map((x, i) => {
      const { spec, what } = specs[i];
      return spec === null ? null : axisWithin(what, spec, x.shape, 'an argument');
    });
    const size = batchSizeOf(leaves, axes);
    return withTrace(
      (level) => new BatchTrace(level, size),
      (trace) => {
        const inputs = leaves.map((x, i) => new BatchTracer(trace, x, axes[i]));
        const out = f(...(unflatten(inDef, inputs) as never[]));
        return placeOutputs(trace, out, outAxes);
      },
    );
  };
}

/** `spec` as an axis of `shape`, with an error naming the spec and the value it is for. */
function axisWithin(
  what: string,
  spec: number,
  shape: readonly number[],
  value: string,
  note = '',
): number {
  try {
    return normalizeAxis('vmap', spec, shape.length);
  } catch {
    throw new RangeError(
      `vmap: ${what} = ${spec} is out of bounds for ${value} of shape ${fmt(shape)}${note}`,
    );
  }
}

/** The common length of the mapped axes, with an error naming the disagreeing shapes. */
function batchSizeOf(leaves: readonly Tensor[], axes: readonly (number | null)[]): number {
  const mapped = leaves.flatMap((x, i) =>
    axes[i] === null ? [] : [{ x, axis: axes[i] as number }],
  );
  if (mapped.length === 0) {
    throw new Error('vmap: no argument is mapped (every inAxes entry is null); map at least one');
  }
  const size = mapped[0].x.shape[mapped[0].axis];
  if (mapped.some(({ x, axis }) => x.shape[axis] !== size)) {
    const listed = mapped.map(({ x, axis }) => `${fmt(x.shape)} axis ${axis}`).join(', ');
    throw new Error(`vmap: mapped axes have different sizes: ${listed}`);
  }
  return size;
}

/** A batch-first value with its batch axis moved to `axis`. */
function fromFront(x: Tensor, axis: number): Tensor {
  if (axis === 0) return x;
  const rest = x.shape.map((_, i) => i).slice(1);
  return transpose(x, [...rest.slice(0, axis), 0, ...rest.slice(axis)]);
}

/** The outputs with their batch axes moved to `outAxes` (shared outputs broadcast to the batch). */
function placeOutputs(trace: BatchTrace, out: unknown, outAxes: unknown): unknown {
  const [leaves, def]: [Tensor[], TreeDef] = tensorLeaves(out);
  const specs = specsPerLeaf('outAxes', outAxes, out);
  return unflatten(
    def,
    leaves.map((y, i) => {
      const batched = isTracerOf(y, trace) ? (y as BatchTracer) : undefined;
      const value = batched ? batched.primal : y;
      const bdim = batched ? batched.bdim : null;
      const { spec, what } = specs[i];
      if (spec === null) {
        if (bdim !== null) {
          throw new Error(
            `vmap: output ${i} (per-example shape ${fmt(y.shape)}) depends on the mapped ` +
              'arguments, so its outAxes entry cannot be null',
          );
        }
        return value;
      }
      const first = batchFirst(value, bdim, bdim === null ? trace.size : undefined);
      const axis = axisWithin(what, spec, first.shape, `output ${i}`, ' (batch axis included)');
      return fromFront(first, axis);
    }),
  );
}
