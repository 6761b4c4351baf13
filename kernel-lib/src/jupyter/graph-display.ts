/**
 * The rich display of a captured graph (`makeGraph`): the JSON payload of the graph MIME type, and
 * an escaped HTML table as the static fallback (its first rows only, so a 5,000-node graph stays a
 * reasonable notebook output).
 */
import type { Graph } from '../transforms/graph';
import type { GraphPayload, MimeBundle } from './protocol';
import { MIME } from './protocol';
import { escapeHtml } from './tensor-display';

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
  return payload;
}

/** The MIME bundle of a graph: the payload, the HTML table fallback and `toString()`. */
export function graphMimeBundle(graph: Graph): MimeBundle {
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
  const html = `<div><b>graph</b> ${escapeHtml(graph.name)} · ${graph.nodes.length} nodes · ${graph.flops} FLOPs</div>${origin}<table><tr><th>id</th><th>primitive</th><th>inputs</th><th>output</th><th>FLOPs</th><th>pass</th></tr>${rows}${rest}</table>`;
  const text = graph.toString();
  const lines = text.split('\n');
  const plain =
    lines.length > FALLBACK_ROWS + 2
      ? [
          ...lines.slice(0, FALLBACK_ROWS + 1),
          `  … ${lines.length - FALLBACK_ROWS - 2} more nodes`,
          lines.at(-1),
        ].join('\n')
      : text;
  return { [MIME.graph]: graphPayload(graph), 'text/html': html, 'text/plain': plain };
}
