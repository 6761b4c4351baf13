/**
 * The rich display of a captured graph (`makeGraph`): the JSON payload of the graph MIME type, a
 * PNG picture made in the kernel as the static fallback (./graph-image.ts), and the node listing
 * as text; an escaped HTML table (its first rows only, so a 5,000-node graph stays a reasonable
 * notebook output) only when no picture can be made.
 */
import type { Tensor } from '../core/tensor';
import type { Graph } from '../transforms/graph';
import { graphPicture } from './graph-image';
import { liveHandle } from './live';
import type {
  GraphPayload,
  GraphValuesReply,
  JsonNumber,
  MimeBundle,
  PayloadDType,
} from './protocol';
import { MIME, toJsonNumber } from './protocol';
import { escapeHtml } from './tensor-display';

/** Entries per value a `values` request returns by default, and at most. */
export const DEFAULT_VALUE_COUNT = 64;
export const MAX_VALUE_COUNT = 4096;

/** The first `count` entries of a tensor (row-major) as JSON numbers. */
function firstEntries(t: Tensor | undefined, count: number): JsonNumber[] | undefined {
  if (!t) return undefined;
  const data = t.dataSync();
  const out: JsonNumber[] = [];
  for (let i = 0; i < Math.min(count, data.length); i++) out.push(toJsonNumber(Number(data[i])));
  return out;
}

/**
 * The graph view's live operation `values {node, count}`: the first `count` entries of a node's
 * value, tangent and cotangent, as the capture kept them.
 */
export function graphValues(
  graph: Graph,
  args: { node?: unknown; count?: unknown },
): GraphValuesReply {
  const id = args.node;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= graph.nodes.length)
    throw new RangeError(
      `values: node must be an id in [0, ${graph.nodes.length}), got ${String(id)}`,
    );
  const count =
    typeof args.count === 'number' && Number.isFinite(args.count)
      ? Math.max(1, Math.min(MAX_VALUE_COUNT, Math.trunc(args.count)))
      : DEFAULT_VALUE_COUNT;
  const n = graph.nodes[id]!;
  const kept = graph.valuesOf(id);
  const value = firstEntries(kept.value, count);
  if (!value)
    throw new RangeError(
      `values: node %${id} (${n.primitive}) was not kept (makeGraph keeps values up to 64 MiB; values: false keeps none)`,
    );
  const reply: GraphValuesReply = {
    node: id,
    shape: [...n.shape],
    dtype: n.dtype as PayloadDType,
    size: n.shape.reduce((a, b) => a * b, 1),
    value,
  };
  const tangent = firstEntries(kept.tangent, count);
  if (tangent) reply.tangent = tangent;
  const cotangent = firstEntries(kept.cotangent, count);
  if (cotangent) reply.cotangent = cotangent;
  return reply;
}

/** One live handle per graph, made on its first display. */
const handles = new WeakMap<Graph, string>();

/** Rows of the HTML fallback table; the rest are counted in a last row. */
export const FALLBACK_ROWS = 200;

/** The `application/vnd.adlab.graph.v1+json` payload of a graph. */
export function graphPayload(graph: Graph): GraphPayload {
  const payload: GraphPayload = {
    name: graph.name,
    nodes: graph.nodes.map((n) => ({ ...n })),
    inputs: [...graph.inputs],
    outputs: [...graph.outputs],
    totals: {
      nodes: graph.nodes.length,
      flops: graph.flops,
      bytes: graph.nodes.reduce((s, n) => s + n.bytes, 0),
    },
  };
  if (graph.nanOrigin) payload.nanOrigin = { ...graph.nanOrigin };
  let handle = handles.get(graph);
  if (handle === undefined) {
    handle = liveHandle(
      { values: (args) => graphValues(graph, args ?? {}) },
      { bytes: graph.keptBytes },
    );
    handles.set(graph, handle);
  }
  payload.live = { handle };
  return payload;
}

/**
 * The MIME bundle of a graph: the payload, the picture as `image/png` (what GitHub, nbviewer and
 * nbconvert show; they prefer text/html, so the table is left out when the picture exists) and
 * the listing as text, headed by the picture's caption.
 */
export function graphMimeBundle(graph: Graph): MimeBundle {
  const plain = graphText(graph);
  try {
    const picture = graphPicture(graph);
    return {
      [MIME.graph]: graphPayload(graph),
      'image/png': Buffer.from(
        picture.png.buffer,
        picture.png.byteOffset,
        picture.png.byteLength,
      ).toString('base64'),
      'text/plain': `${picture.caption}\n${plain}`,
    };
  } catch (err) {
    // No fonts or no rasterizer: the table stands in, and the text says why.
    return {
      [MIME.graph]: graphPayload(graph),
      'text/html': graphHtml(graph),
      'text/plain': `${plain}\n(no static image: ${(err as Error).message})`,
    };
  }
}

/** The first rows of the graph as an escaped HTML table. */
export function graphHtml(graph: Graph): string {
  const shown = graph.nodes.slice(0, FALLBACK_ROWS);
  const rows = shown
    .map(
      (n) =>
        `<tr><td>%${n.id}</td><td>${escapeHtml(n.primitive)}</td><td>${n.inputs.map((i) => `%${i}`).join(', ')}</td><td>${escapeHtml(n.dtype)}[${n.shape.join(', ')}]</td><td>${n.flops}</td><td>${n.phase}</td></tr>`,
    )
    .join('');
  const more = graph.nodes.length - shown.length;
  const rest = more > 0 ? `<tr><td colspan="6">… ${more} more nodes</td></tr>` : '';
  const origin = graph.nanOrigin
    ? `<div>first non-finite value: %${graph.nanOrigin.node} ${escapeHtml(graph.nanOrigin.primitive)} (${graph.nanOrigin.phase}): ${escapeHtml(graph.nanOrigin.explanation)}</div>`
    : '';
  return `<div><b>graph</b> ${escapeHtml(graph.name)} · ${graph.nodes.length} nodes · ${graph.flops} FLOPs</div>${origin}<table><tr><th>id</th><th>primitive</th><th>inputs</th><th>output</th><th>FLOPs</th><th>pass</th></tr>${rows}${rest}</table>`;
}

/** The graph's listing (`toString()`), its first rows only. */
function graphText(graph: Graph): string {
  const text = graph.toString();
  const lines = text.split('\n');
  return lines.length > FALLBACK_ROWS + 2
    ? [
        ...lines.slice(0, FALLBACK_ROWS + 1),
        `  … ${lines.length - FALLBACK_ROWS - 2} more nodes`,
        lines.at(-1),
      ].join('\n')
    : text;
}
