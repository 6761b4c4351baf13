/**
 * The graph as SVG, built with DOM APIs from a validated model and a layout (every text through
 * `textContent`). Live views are styled by graph.css (theme variables); exports inline a fixed
 * light palette so a downloaded figure looks the same in any theme. Also: zoom/pan arithmetic.
 */
import {
  boxClasses,
  boxPaint,
  boxText,
  edgePath,
  formatCount,
  formatBytes,
  type GraphLayout,
  type GraphPalette,
} from 'adlab/graph-layout';
import type { GraphModel } from '../model/graph-model';
import { formatFloat } from '../model/format';

const SVG_NS = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number> = {},
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/** The hover text of a box: per node id, primitive, type, cost, params and value summary. */
export function boxTooltip(model: GraphModel, members: readonly number[]): string {
  const more =
    members.length > TOOLTIP_NODES ? `\n\n… ${members.length - TOOLTIP_NODES} more nodes` : '';
  return (
    members
      .slice(0, TOOLTIP_NODES)
      .map((id) => {
        const n = model.byId.get(id)!;
        const parts = [
          `%${n.id} = ${n.primitive}(${n.inputs.map((i) => `%${i}`).join(', ')})`,
          `${n.dtype}[${n.shape.join(', ')}] · ${n.phase}`,
          `${formatCount(n.flops)} FLOPs · ${formatBytes(n.bytes)}`,
        ];
        if (n.label) parts.push(`label: ${n.label}`);
        if (n.params) parts.push(`params: ${n.params}`);
        if (n.summary) {
          const s = n.summary;
          parts.push(
            `min ${formatFloat(s.min)} · max ${formatFloat(s.max)} · mean ${formatFloat(s.mean)}` +
              (s.nonFinite > 0 ? ` · ${s.nonFinite} non-finite` : ''),
          );
        }
        return parts.join('\n');
      })
      .join('\n\n') + more
  );
}

/** Nodes a box's hover text describes (the inspector shows any node in full). */
const TOOLTIP_NODES = 6;

/** Options of {@link buildGraphSvg}. */
export interface SvgOptions {
  /** Inline this palette (for export) instead of relying on graph.css. */
  palette?: GraphPalette;
}

/** Builds the SVG of a laid-out graph. Each box is a `<g data-key>` with a `<title>`. */
export function buildGraphSvg(
  model: GraphModel,
  layout: GraphLayout,
  options: SvgOptions = {},
): SVGSVGElement {
  const pal = options.palette;
  const pad = 8;
  const width = layout.width + 2 * pad;
  const height = layout.height + 2 * pad;
  const svg = el('svg', {
    xmlns: SVG_NS,
    class: 'adlab-graph-svg',
    viewBox: `0 0 ${width.toFixed(1)} ${height.toFixed(1)}`,
    width: width.toFixed(0),
    height: height.toFixed(0),
    'font-family': 'Helvetica, Arial, sans-serif',
  });
  const defs = el('defs');
  const marker = el('marker', {
    id: 'adlab-graph-arrow',
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  const arrow = el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'adlab-graph-arrowhead' });
  if (pal) arrow.setAttribute('fill', pal.edge);
  marker.appendChild(arrow);
  defs.appendChild(marker);
  svg.appendChild(defs);
  if (pal) svg.appendChild(el('rect', { width, height, fill: pal.background }));

  const root = el('g', { class: 'adlab-graph-root', transform: `translate(${pad},${pad})` });
  const edges = el('g', { class: 'adlab-graph-edges' });
  for (const e of layout.edges) {
    const path = el('path', {
      d: edgePath(e.points, e.kind),
      class: e.cut ? 'adlab-graph-edge adlab-graph-edge-cut' : 'adlab-graph-edge',
      fill: 'none',
    });
    // A stub out of a source (continued in another band) has no arrowhead.
    if (e.cut !== 'out') path.setAttribute('marker-end', 'url(#adlab-graph-arrow)');
    if (e.cut) path.setAttribute('stroke-dasharray', '3 2');
    if (pal) path.setAttribute('stroke', pal.edge);
    edges.appendChild(path);
  }
  root.appendChild(edges);

  const nodes = el('g', { class: 'adlab-graph-nodes' });
  for (const box of model.boxes) {
    const p = layout.boxes.get(box.key);
    if (!p) continue;
    const cls = boxClasses(model, box.members, box.group?.kind);
    const g = el('g', { class: cls.join(' '), 'data-key': box.key });
    const title = el('title');
    title.textContent = boxTooltip(model, box.members);
    g.appendChild(title);
    const rect = el('rect', {
      x: (p.x - p.w / 2).toFixed(1),
      y: (p.y - p.h / 2).toFixed(1),
      width: p.w.toFixed(1),
      height: p.h.toFixed(1),
      rx: cls.includes('adlab-graph-op') ? 4 : 14,
    });
    const text = boxText(box, model);
    const t1 = el('text', {
      x: p.x.toFixed(1),
      y: (p.y - 3).toFixed(1),
      'text-anchor': 'middle',
      'font-size': 12,
      class: 'adlab-graph-label',
    });
    t1.textContent = text.title;
    const t2 = el('text', {
      x: p.x.toFixed(1),
      y: (p.y + 12).toFixed(1),
      'text-anchor': 'middle',
      'font-size': 10,
      class: 'adlab-graph-type',
    });
    t2.textContent = text.subtitle;
    if (pal) paint(rect, t1, t2, cls, pal);
    g.append(rect, t1, t2);
    nodes.appendChild(g);
  }
  root.appendChild(nodes);
  svg.appendChild(root);
  return svg;
}

function paint(
  rect: SVGElement,
  t1: SVGElement,
  t2: SVGElement,
  cls: string[],
  pal: GraphPalette,
): void {
  const p = boxPaint(cls, pal);
  for (const [k, v] of Object.entries(p.rect)) rect.setAttribute(k, v);
  t1.setAttribute('fill', p.title);
  t2.setAttribute('fill', p.subtitle);
}

/** Pan and zoom of the live view: screen = translate + scale * graph. */
export interface ZoomState {
  k: number;
  x: number;
  y: number;
}

/** Zoom limits. */
export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 8;

/** Zooms by `factor` keeping the screen point (cx, cy) fixed. */
export function zoomAt(s: ZoomState, factor: number, cx: number, cy: number): ZoomState {
  const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, s.k * factor));
  const f = k / s.k;
  return { k, x: cx - (cx - s.x) * f, y: cy - (cy - s.y) * f };
}

/** The state that fits a `w` x `h` graph into a `vw` x `vh` viewport (never enlarging past 1). */
/**
 * The smallest zoom "fit" uses: below it boxes become hairlines and labels unreadable, so a larger
 * graph is shown from its top-left corner at this zoom and the overview gives the orientation.
 */
export const MIN_FIT_ZOOM = 0.35;

/** The state that fits a `w` x `h` graph into a `vw` x `vh` viewport (zoom within [MIN_FIT_ZOOM, 1]). */
export function fitZoom(w: number, h: number, vw: number, vh: number): ZoomState {
  if (w <= 0 || h <= 0 || vw <= 0 || vh <= 0) return { k: 1, x: 0, y: 0 };
  const k = Math.max(MIN_FIT_ZOOM, Math.min(1, vw / w, vh / h));
  return { k, x: Math.max(0, (vw - w * k) / 2), y: Math.max(0, (vh - h * k) / 2) };
}
