/**
 * Graph capture: `makeGraph(f)(...args)` runs f under a recording trace and returns the primitive
 * graph with shapes, dtypes, FLOPs, bytes and value summaries. It is eager like every adlab trace,
 * so it also records transformed functions: `makeGraph(grad(f))` shows the forward and the
 * backward pass, with each forward value's cotangent; a `jvp` inside gives each value's tangent.
 */
import { itemSize } from '../core/dtype';
import type { AnyPrimitive } from '../core/primitive';
import { tensorLeaves, unflatten } from '../core/pytree';
import { bind, isTracerOf, Trace, Tracer, withTrace } from '../core/trace';
import { ConcreteTensor, Tensor } from '../core/tensor';
import type { GraphNanOrigin, GraphNodePayload, MimeBundle } from '../jupyter/protocol';
import { graphMimeBundle, graphPayload } from '../jupyter/graph-display';
import { graphValueSummary } from '../jupyter/value-summary';
import { debugNans } from '../numerics/nan-provenance';
import { inBackwardPass } from './vjp';

/** One node of a captured graph; `phase` is always set here. */
export interface GraphNode extends GraphNodePayload {
  phase: 'forward' | 'backward';
}

class GraphTracer extends Tracer {
  constructor(
    readonly trace: GraphTrace,
    readonly primal: Tensor,
    readonly nodeId: number,
  ) {
    super();
  }
}

class GraphTrace extends Trace {
  readonly nodes: GraphNode[] = [];
  /** Each node's value (to locate the NaN origin, and for the inspector's "fetch values"). */
  readonly values: (ConcreteTensor | undefined)[] = [];
  /** Each node's tangent and cotangent, where a transform inside produced them. */
  readonly tangents = new Map<number, ConcreteTensor>();
  readonly cotangents = new Map<number, ConcreteTensor>();
  /** Bytes of values kept so far (capped at {@link MAX_KEPT_BYTES}). */
  keptBytes = 0;
  override readonly dynamic = true;
  /** The label of the first transform run inside the captured function, e.g. `jvp(f)`. */
  firstTransform: string | undefined;

  constructor(
    level: number,
    private readonly summaries: boolean,
    /** Most bytes of values to keep (0 keeps none). */
    private readonly budget: number,
  ) {
    super(level);
  }

  addNode(
    primitive: string,
    params: Record<string, unknown>,
    inputs: number[],
    value: Tensor,
    flops: number,
    label?: string,
  ): number {
    const id = this.nodes.length;
    const node: GraphNode = {
      id,
      primitive,
      params,
      inputs,
      shape: [...value.shape],
      dtype: value.dtype,
      flops,
      bytes: value.size * itemSize(value.dtype),
      phase: inBackwardPass() ? 'backward' : 'forward',
    };
    if (label !== undefined) node.label = label;
    if (this.summaries) node.summary = graphValueSummary(value.concrete().readSync());
    this.values.push(this.keep(node.bytes) ? value.concrete() : undefined);
    this.nodes.push(node);
    return id;
  }

  /** One node per distinct constant, however often it is used. */
  private readonly constants = new Map<Tensor, number>();

  lift(x: Tensor): GraphTracer {
    let id = this.constants.get(x);
    if (id === undefined) {
      id = this.addNode('constant', {}, [], x, 0);
      this.constants.set(x, id);
    }
    return new GraphTracer(this, x, id);
  }

  process(prim: AnyPrimitive, tracers: GraphTracer[], params: unknown): GraphTracer[] {
    const xs = tracers.map((t) => t.primal);
    const ys = bind(prim, xs, params);
    const flops = prim.flops ? prim.flops(xs, ys, params) : 0;
    const inputs = tracers.map((t) => t.nodeId);
    return ys.map((y, i) => {
      const name = ys.length > 1 ? `${prim.name}[${i}]` : prim.name;
      return new GraphTracer(
        this,
        y,
        this.addNode(name, plainParams(params), inputs, y, i === 0 ? flops : 0),
      );
    });
  }

  override innerTraceStarted(inner: Trace): void {
    this.firstTransform ??= inner.label;
  }

  /** Whether a value of `bytes` more fits within the budget of kept values. */
  private keep(bytes: number): boolean {
    if (this.keptBytes + bytes > this.budget) return false;
    this.keptBytes += bytes;
    return true;
  }

  override noteDerivative(kind: 'tangent' | 'cotangent', value: Tracer, derivative: Tensor): void {
    if (!(value instanceof GraphTracer)) return;
    const d = derivative.concrete();
    // A later pullback through the same value (e.g. jacrev's rows) replaces the earlier one.
    const kept = kind === 'tangent' ? this.tangents : this.cotangents;
    if (kept.has(value.nodeId) || this.keep(d.size * itemSize(d.dtype))) kept.set(value.nodeId, d);
    if (this.summaries) this.nodes[value.nodeId]![kind] = graphValueSummary(d.readSync());
  }
}

/**
 * Most bytes of values, tangents and cotangents a graph keeps for the inspector's "fetch values"
 * (nodes captured past it answer that their value was not kept).
 */
export const MAX_KEPT_BYTES = 64 * 2 ** 20;

/** What a graph kept of one node: its value, tangent and cotangent (each where recorded). */
export interface NodeValues {
  value?: Tensor;
  tangent?: Tensor;
  cotangent?: Tensor;
}

/** Params without functions (custom rules) or tensors, for display. */
function plainParams(params: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((params ?? {}) as Record<string, unknown>)) {
    if (typeof v !== 'function' && !(v instanceof Tensor)) out[k] = v;
  }
  return out;
}

/** A captured primitive graph; displays as adlab's graph MIME type with an HTML table fallback. */
export class Graph {
  constructor(
    readonly name: string,
    readonly nodes: readonly GraphNode[],
    readonly inputs: readonly number[],
    readonly outputs: readonly number[],
    /** The function's result, computed while capturing. */
    readonly result: unknown,
    /** With `nanOrigin`: the node whose primitive made the first non-finite value, and why. */
    readonly nanOrigin?: GraphNanOrigin,
    /** The kept values of each node (for the inspector's "fetch values"). */
    private readonly kept?: (id: number) => NodeValues,
    /** Bytes of the values, tangents and cotangents kept (at most {@link MAX_KEPT_BYTES}). */
    readonly keptBytes = 0,
  ) {}

  /** Node `id`'s value, tangent and cotangent, where the capture kept them. */
  valuesOf(id: number): NodeValues {
    return this.kept?.(id) ?? {};
  }

  /** Total FLOPs over all nodes. */
  get flops(): number {
    return this.nodes.reduce((s, n) => s + n.flops, 0);
  }

  /** Counts of nodes per primitive. */
  primitiveCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const n of this.nodes) counts[n.primitive] = (counts[n.primitive] ?? 0) + 1;
    return counts;
  }

  /** The JSON payload of the graph MIME type. */
  toPayload() {
    return graphPayload(this);
  }

  toString(): string {
    const lines = this.nodes.map((n) => {
      const args = n.inputs.map((i) => `%${i}`).join(', ');
      return `  %${n.id} = ${n.primitive}(${args}) : ${n.dtype}[${n.shape}]${n.phase === 'backward' ? '  # backward' : ''}`;
    });
    return `graph ${this.name} (${this.nodes.length} nodes, ${this.flops} flops)\n${lines.join('\n')}\n  return ${this.outputs.map((o) => `%${o}`).join(', ')}`;
  }

  toMimeBundle(): MimeBundle {
    return graphMimeBundle(this);
  }
}

/** Options of {@link makeGraph}. */
export interface MakeGraphOptions {
  /** The graph's title (default: the function's name, e.g. `grad(f)`). */
  name?: string;
  /** Summarize every value, tangent and cotangent (default true; false skips reading values). */
  summaries?: boolean;
  /** Run under `debugNans` and mark the first primitive that made a non-finite value. */
  nanOrigin?: boolean;
  /**
   * Keep each node's value, tangent and cotangent (up to {@link MAX_KEPT_BYTES}) so the graph
   * view's inspector can fetch them from the kernel (default true).
   */
  values?: boolean;
}

/**
 * Records the primitive graph of `f` applied to `args` (any transformed function too). Each node
 * carries a summary of its value and, when a transform inside produced them, of its tangent or
 * cotangent; `{ nanOrigin: true }` marks the first primitive that made a NaN or infinity.
 * @example makeGraph(grad((x) => np.sum(np.tanh(x))))(x)
 */
export function makeGraph(f: (...args: never[]) => unknown, options: MakeGraphOptions = {}) {
  const capture = (args: unknown[]): [Graph, (ConcreteTensor | undefined)[]] =>
    withTrace(
      (level) =>
        new GraphTrace(
          level,
          options.summaries ?? true,
          // The NaN origin needs every value; the inspector's values are capped.
          options.nanOrigin ? Infinity : options.values === false ? 0 : MAX_KEPT_BYTES,
        ),
      (trace) => {
        const [xs, inDef] = tensorLeaves(args);
        const inputs = xs.map(
          (x, i) => new GraphTracer(trace, x, trace.addNode('input', {}, [], x, 0, `arg ${i}`)),
        );
        const out = f(...(unflatten(inDef, inputs) as never[]));
        const [outs, outDef] = tensorLeaves(out);
        const outIds = outs.map((y) =>
          isTracerOf(y, trace) ? (y as GraphTracer).nodeId : trace.lift(y).nodeId,
        );
        const result = unflatten(
          outDef,
          outs.map((y) => (isTracerOf(y, trace) ? (y as GraphTracer).primal : y)),
        );
        const name = options.name ?? (f.name || trace.firstTransform || 'f');
        const graph = new Graph(
          name,
          trace.nodes,
          inputs.map((t) => t.nodeId),
          outIds,
          result,
          undefined,
          (id) => ({
            value: trace.values[id],
            tangent: trace.tangents.get(id),
            cotangent: trace.cotangents.get(id),
          }),
          trace.keptBytes,
        );
        return [graph, trace.values];
      },
    );
  return (...args: unknown[]): Graph => {
    if (!options.nanOrigin) return capture(args)[0];
    const report = debugNans(() => capture(args), { throwOnFirst: false });
    const [graph, values] = report.result;
    const first = report.first;
    if (!first) return graph;
    // Nodes run in capture order, so the first one whose value carries the event made it.
    const node = values.findIndex((v) => v !== undefined && report.eventOf(v) === first);
    if (node < 0) return graph;
    const origin: GraphNanOrigin = {
      node,
      primitive: first.primitive,
      phase: first.phase,
      cause: first.cause,
      explanation: first.explanation,
    };
    return new Graph(
      graph.name,
      graph.nodes,
      graph.inputs,
      graph.outputs,
      graph.result,
      origin,
      (id) => graph.valuesOf(id),
      graph.keptBytes,
    );
  };
}
