/**
 * The static picture of a captured graph, made in the kernel without a browser, for GitHub,
 * nbviewer and nbconvert: the boxes the graph view opens with (literals folded into their readers,
 * repeated blocks and long chains collapsed: the same grouping as the extension,
 * `./graph-layout`), placed by Graphviz (`@viz-js/viz`, the extension's layout engine, loaded once
 * per process by {@link preloadGraphviz}; the layered layout when it is not loaded or the graph is
 * over its budget), drawn as SVG in the light palette of the view's exports, with a caption that
 * says what it shows, and rasterized by `@resvg/resvg-js` with the figures' embedded fonts.
 */
import type { Graph } from '../transforms/graph';
import { svgToPng } from '../plot/render';
import {
  boxClasses,
  boxPaint,
  boxSize,
  boxText,
  buildGroups,
  capBoxes,
  edgePath,
  exportLayout,
  formatCount,
  isFoldable,
  layoutBoxes,
  layoutWith,
  LEGEND_KINDS,
  LIGHT_PALETTE,
  nodeKind,
  readerCounts,
  visibleBoxes,
  type GraphBox,
  type GraphLayout,
  type LayoutNode,
  type LegendKind,
  type PaintIndex,
  type VizLike,
} from './graph-layout';
import { escapeHtml as escapeXml } from './tensor-display';

/** Most boxes the picture draws (the rest are counted in the caption). */
export const PICTURE_MAX_BOXES = 600;
/** The picture's largest side in pixels at 1 pixel per layout unit (bigger layouts are scaled down). */
export const PICTURE_MAX_SIDE = 1600;
/**
 * Graphviz cost (boxes plus virtual nodes) above which the picture uses the layered layout: the
 * picture is made while the cell's result is sent, so it gets a smaller budget than the view's
 * worker (measured: cost 550 → 0.17 s, 1780 → about 1 s).
 */
export const PICTURE_GRAPHVIZ_BUDGET = 800;
/** Pixels per layout unit of the PNG for a small graph (sharp on a high-density screen). */
const PICTURE_ZOOM = 1.5;
/**
 * Width / height below which the picture's column is cut into bands set side by side: a notebook
 * scrolls, so a picture may be twice as tall as wide before it is cut.
 */
const PICTURE_ASPECT = 0.5;
/** Caption and legend font sizes, in layout units. */
const CAPTION_FONT = 13;
const LEGEND_FONT = 12;

let viz: VizLike | undefined;
let vizLoading: Promise<void> | undefined;

/**
 * Loads Graphviz (wasm) for the static pictures of graphs; the adlab kernel awaits it at start.
 * Until it has loaded (a script that never calls it), pictures use the layered layout.
 * @example await preloadGraphviz(); makeGraph(grad(f))(x) // pictured with Graphviz
 */
export function preloadGraphviz(): Promise<void> {
  vizLoading ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('@viz-js/viz') as { instance(): Promise<VizLike> };
    viz = await m.instance();
  })().catch((err: unknown) => {
    vizLoading = undefined;
    throw err;
  });
  return vizLoading;
}

/** A graph's picture: the PNG, its size in pixels, the caption it carries and what it cost. */
export interface GraphPicture {
  /** The PNG file's bytes (a Node Buffer in Node; typed as its Uint8Array base for other hosts). */
  png: Uint8Array;
  width: number;
  height: number;
  /** What the picture shows (also its first lines of text). */
  caption: string;
  /** Boxes drawn, and nodes of the graph. */
  boxes: number;
  nodes: number;
  /** Which engine placed the boxes. */
  engine: GraphLayout['engine'];
  /** Milliseconds to group, lay out, draw and rasterize. */
  ms: number;
}

/** One picture per graph, made on its first display. */
const pictures = new WeakMap<Graph, GraphPicture>();

/** The picture of a graph (cached: a graph displayed twice is drawn once). */
export function graphPicture(graph: Graph): GraphPicture {
  let p = pictures.get(graph);
  if (!p) {
    p = drawGraph(graph);
    pictures.set(graph, p);
  }
  return p;
}

/** The nodes as the grouping sees them, and the node of the first non-finite value. */
function nodeIndex(graph: Graph): PaintIndex & { nodes: LayoutNode[] } {
  const outputs = new Set(graph.outputs);
  const nodes: LayoutNode[] = graph.nodes.map((n) => {
    const node: LayoutNode = {
      id: n.id,
      primitive: n.primitive,
      kind: nodeKind(n.primitive),
      phase: n.phase,
      isOutput: outputs.has(n.id),
      inputs: n.inputs,
      shape: n.shape,
      dtype: n.dtype,
    };
    if (n.label !== undefined) node.label = n.label;
    if (n.summary) node.summary = { nonFinite: n.summary.nonFinite };
    return node;
  });
  const index: PaintIndex & { nodes: LayoutNode[] } = {
    nodes,
    byId: new Map(nodes.map((n) => [n.id, n])),
  };
  const first = graph.nanOrigin?.node ?? nodes.find((n) => (n.summary?.nonFinite ?? 0) > 0)?.id;
  if (first !== undefined) index.firstNonFinite = first;
  return index;
}

/** The caption's lines: what the graph is (a title), its size and cost, how the picture folds it. */
function captionOf(
  graph: Graph,
  index: PaintIndex & { nodes: LayoutNode[] },
  boxes: GraphBox[],
  hidden: number,
): string[] {
  const backward = index.nodes.filter((n) => n.phase === 'backward').length;
  const passes =
    backward > 0 ? ` (${index.nodes.length - backward} forward, ${backward} backward)` : '';
  const lines = [
    `Computational graph of ${graph.name}`,
    `${index.nodes.length} nodes${passes}, ${formatCount(graph.flops)} FLOPs.`,
  ];
  const folded = index.nodes.filter(isFoldable).length;
  const grouped = boxes.filter((b) => b.group).length;
  const parts: string[] = [];
  if (grouped > 0 || hidden > 0) {
    const repeats = boxes.filter((b) => b.group?.kind === 'repeat').length;
    const chains = boxes.filter((b) => b.group?.kind === 'chain').length;
    const groups = [
      repeats > 0 ? `${repeats} repeated blocks` : '',
      chains > 0 ? `${chains} chains` : '',
    ].filter(Boolean);
    parts.push(
      `Folded view as the graph view opens it: ${boxes.length + hidden} boxes${groups.length ? ` (${groups.join(', ')} collapsed)` : ''}`,
    );
  }
  if (folded > 0)
    parts.push(
      folded === 1
        ? '1 literal constant drawn inside its reader'
        : `${folded} literal constants drawn inside their readers`,
    );
  if (hidden > 0) parts.push(`the first ${boxes.length} boxes drawn, ${hidden} more not shown`);
  if (parts.length) lines.push(`${parts.join('; ')}.`);
  if (graph.nanOrigin) {
    const o = graph.nanOrigin;
    lines.push(`First non-finite value: %${o.node} ${o.primitive} (${o.phase}): ${o.explanation}`);
  }
  return lines;
}

/** Greedy word wrap at `max` characters a line. */
function wrap(text: string, max: number): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line && line.length + 1 + word.length > max) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

/** The legend's kinds present among the boxes. */
function presentKinds(index: PaintIndex, boxes: readonly GraphBox[]): LegendKind[] {
  const kinds = new Set<LegendKind>();
  for (const b of boxes) {
    const cls = boxClasses(index, b.members);
    if (cls.includes('adlab-graph-input')) kinds.add('input');
    else if (cls.includes('adlab-graph-constant')) kinds.add('constant');
    else kinds.add(cls.includes('adlab-graph-backward') ? 'backward' : 'forward');
    if (cls.includes('adlab-graph-nonfinite')) kinds.add('nonfinite');
  }
  return LEGEND_KINDS.map((k) => k.kind).filter((k) => kinds.has(k));
}

/** The legend as SVG at (x, y): a swatch per kind, painted as its boxes are. */
function legendSvg(kinds: readonly LegendKind[], x: number, y: number): string {
  const pal = LIGHT_PALETTE;
  let at = x;
  const items: string[] = [];
  for (const { kind, text } of LEGEND_KINDS) {
    if (!kinds.includes(kind)) continue;
    const cls =
      kind === 'nonfinite' ? ['adlab-graph-op', 'adlab-graph-nonfinite'] : [`adlab-graph-${kind}`];
    const rect = boxPaint(cls, pal).rect;
    const attrs = Object.entries(rect)
      .map(([k, v]) => `${k}="${v}"`)
      .join(' ');
    items.push(
      `<rect x="${at}" y="${y - 10}" width="22" height="13" rx="3" ${attrs}/>`,
      `<text x="${at + 28}" y="${y}" font-size="${LEGEND_FONT}" fill="${pal.text}">${escapeXml(text)}</text>`,
    );
    at += 28 + text.length * LEGEND_FONT * 0.6 + 18;
  }
  return items.join('');
}

/** The boxes and edges of a layout as SVG, painted in the light palette. */
function graphSvg(index: PaintIndex, boxes: readonly GraphBox[], layout: GraphLayout): string {
  const pal = LIGHT_PALETTE;
  const out: string[] = [`<g fill="none" stroke="${pal.edge}" stroke-width="1.2">`];
  for (const e of layout.edges) {
    const dash = e.cut ? ' stroke-dasharray="3 2"' : '';
    const arrow = e.cut === 'out' ? '' : ' marker-end="url(#arrow)"';
    out.push(`<path d="${edgePath(e.points, e.kind)}"${dash}${arrow}/>`);
  }
  out.push('</g>');
  for (const box of boxes) {
    const p = layout.boxes.get(box.key);
    if (!p) continue;
    const cls = boxClasses(index, box.members, box.group?.kind);
    const paint = boxPaint(cls, pal);
    const attrs = Object.entries(paint.rect)
      .map(([k, v]) => `${k}="${v}"`)
      .join(' ');
    const text = boxText(box, index, false);
    const rx = cls.includes('adlab-graph-op') ? 4 : 14;
    out.push(
      `<rect x="${(p.x - p.w / 2).toFixed(1)}" y="${(p.y - p.h / 2).toFixed(1)}" width="${p.w.toFixed(1)}" height="${p.h.toFixed(1)}" rx="${rx}" ${attrs}/>`,
      `<text x="${p.x.toFixed(1)}" y="${(p.y - 3).toFixed(1)}" text-anchor="middle" font-size="12" fill="${paint.title}">${escapeXml(text.title)}</text>`,
      `<text x="${p.x.toFixed(1)}" y="${(p.y + 12).toFixed(1)}" text-anchor="middle" font-size="10" fill="${paint.subtitle}">${escapeXml(text.subtitle)}</text>`,
    );
  }
  return out.join('');
}

/** Groups, lays out, draws and rasterizes a graph. */
function drawGraph(graph: Graph): GraphPicture {
  const t0 = performance.now();
  const index = nodeIndex(graph);
  // makeGraph numbers every input before its readers: ids ascending are a topological order that
  // keeps a loop's iterations contiguous, as repeat detection needs.
  const order = index.nodes.map((n) => n.id).sort((a, b) => a - b);
  const groups = buildGroups(index, order, readerCounts(index.nodes));
  const { boxes, hidden } = capBoxes(visibleBoxes(index, groups, new Set()), PICTURE_MAX_BOXES);
  const sizes = new Map(boxes.map((b) => [b.key, boxSize(boxText(b, index, false))]));
  const placed = layoutWith(
    layoutBoxes({ ...index, boxes }),
    sizes,
    viz,
    {},
    PICTURE_GRAPHVIZ_BUDGET,
  );
  const layout = exportLayout(placed, PICTURE_ASPECT);
  const [title, ...details] = captionOf(graph, index, boxes, hidden);
  const kinds = presentKinds(index, boxes);

  // Layout units; the picture is scaled to at most PICTURE_MAX_SIDE pixels a side.
  const pad = 12;
  const minWidth = 520;
  const width = Math.max(minWidth, layout.width + 2 * pad);
  const lines = [
    title!,
    ...wrap(details.join('\n'), Math.floor((width - 2 * pad) / (CAPTION_FONT * 0.58))),
  ];
  const head = pad + lines.length * (CAPTION_FONT + 5) + 8 + LEGEND_FONT + 12;
  const height = head + layout.height + pad;
  const fit = Math.min(PICTURE_MAX_SIDE / width, PICTURE_MAX_SIDE / height);
  const zoom = Math.min(PICTURE_ZOOM, fit);
  const pal = LIGHT_PALETTE;
  const text = lines
    .map(
      (l, i) =>
        `<text x="${pad}" y="${pad + CAPTION_FONT + i * (CAPTION_FONT + 5)}" font-size="${CAPTION_FONT}" fill="${i === 0 ? pal.text : pal.muted}"${i === 0 ? ' font-weight="bold"' : ''}>${escapeXml(l)}</text>`,
    )
    .join('');
  const gx = pad + Math.max(0, (width - 2 * pad - layout.width) / 2);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width.toFixed(0)}" height="${height.toFixed(0)}" viewBox="0 0 ${width.toFixed(1)} ${height.toFixed(1)}" font-family="DejaVu Sans">` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${pal.edge}"/></marker></defs>` +
    `<rect width="100%" height="100%" fill="${pal.background}"/>` +
    text +
    legendSvg(kinds, pad, head - 12) +
    `<g transform="translate(${gx.toFixed(1)},${head.toFixed(1)})">${graphSvg(index, boxes, layout)}</g>` +
    '</svg>';
  const png = svgToPng(svg, zoom);
  return {
    png,
    width: Math.round(width * zoom),
    height: Math.round(height * zoom),
    caption: `${title}: ${details.join('\n')}`,
    boxes: boxes.length,
    nodes: index.nodes.length,
    engine: layout.engine,
    ms: performance.now() - t0,
  };
}
