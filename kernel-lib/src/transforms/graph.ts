/**
 * Graph capture: `makeGraph(f)(...args)` runs f under a recording trace and returns the primitive
 * graph with shapes, dtypes, FLOPs and bytes. It is eager like every adlab trace, so it also
 * records transformed functions: `makeGraph(grad(f))` shows the forward and the backward pass.
 */
import { itemSize } from '../core/dtype';
import type { AnyPrimitive } from '../core/primitive';
import { tensorLeaves, unflatten } from '../core/pytree';
import { bind, isTracerOf, Trace, Tracer, withTrace } from '../core/trace';
import { Tensor } from '../core/tensor';
import type { GraphNodePayload, GraphPayload, MimeBundle } from '../jupyter/protocol';
import { MIME } from '../jupyter/protocol';
import { escapeHtml, valueStats } from '../jupyter/tensor-display';
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
  override readonly dynamic = true;

  constructor(
    level: number,
    private readonly summaries: boolean,
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
    if (this.summaries) node.summary = valueStats(value.concrete().readSync());
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
  ) {}

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

  toPayload(): GraphPayload {
    return {
      name: this.name,
      nodes: this.nodes.map((n) => ({ ...n })),
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      totals: {
        nodes: this.nodes.length,
        flops: this.flops,
        bytes: this.nodes.reduce((s, n) => s + n.bytes, 0),
      },
    };
  }

  toString(): string {
    const lines = this.nodes.map((n) => {
      const args = n.inputs.map((i) => `%${i}`).join(', ');
      return `  %${n.id} = ${n.primitive}(${args}) : ${n.dtype}[${n.shape}]${n.phase === 'backward' ? '  # backward' : ''}`;
    });
    return `graph ${this.name} (${this.nodes.length} nodes, ${this.flops} flops)\n${lines.join('\n')}\n  return ${this.outputs.map((o) => `%${o}`).join(', ')}`;
  }

  toMimeBundle(): MimeBundle {
    const rows = this.nodes
      .map(
        (n) =>
          `<tr><td>%${n.id}</td><td>${escapeHtml(n.primitive)}</td><td>${n.inputs.map((i) => `%${i}`).join(', ')}</td><td>${escapeHtml(n.dtype)}[${n.shape.join(', ')}]</td><td>${n.flops}</td><td>${n.phase}</td></tr>`,
      )
      .join('');
    const html = `<div><b>graph</b> ${escapeHtml(this.name)} · ${this.nodes.length} nodes · ${this.flops} FLOPs</div><table><tr><th>id</th><th>primitive</th><th>inputs</th><th>output</th><th>FLOPs</th><th>pass</th></tr>${rows}</table>`;
    return { [MIME.graph]: this.toPayload(), 'text/html': html, 'text/plain': this.toString() };
  }
}

/**
 * Records the primitive graph of `f` applied to `args` (any transformed function too).
 * @example makeGraph(grad((x) => np.sum(np.tanh(x))))(x)
 */
export function makeGraph(
  f: (...args: never[]) => unknown,
  options: { summaries?: boolean; name?: string } = {},
) {
  return (...args: unknown[]): Graph =>
    withTrace(
      (level) => new GraphTrace(level, options.summaries ?? false),
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
        return new Graph(
          options.name ?? (f.name || 'f'),
          trace.nodes,
          inputs.map((t) => t.nodeId),
          outIds,
          result,
        );
      },
    );
}
