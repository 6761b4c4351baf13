/**
 * Graph layout: box texts and sizes, a DOT description that carries only box keys and sizes
 * (never payload text), Graphviz (`@viz-js/viz`, loaded by the caller: lazily in the extension,
 * once per process in the kernel) to place the boxes, and a simple layered layout used when the
 * wasm is not loaded or the graph is over its budget. Coordinates are top-down pixels. Plain data
 * in and out, so it runs in the extension's layout worker and in the kernel alike.
 */
import type { GraphBox, LayoutNode, NodeIndex } from './nodes';

/** What the layout needs of a box: its key, the keys it reads and its pass. */
export interface LayoutBox {
  key: string;
  inputs: string[];
  /** The pass of the box's nodes; with `sideBySide`, backward boxes go in a column of their own. */
  phase?: 'forward' | 'backward';
}

/** Layout options. */
export interface LayoutOptions {
  /** Forward and backward regions side by side (edges between them do not rank the boxes). */
  sideBySide?: boolean;
}

/** The layout boxes of a model (key, inputs, and the pass of the box's first node). */
export function layoutBoxes(model: NodeIndex & { boxes: readonly GraphBox[] }): LayoutBox[] {
  return model.boxes.map((b) => ({
    key: b.key,
    inputs: b.inputs,
    phase: model.byId.get(b.members[0]!)?.phase === 'backward' ? 'backward' : 'forward',
  }));
}

/** A placed box: center, size. */
export interface PlacedBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A routed edge: points of a path (first a start point, then cubic Bézier triples, or a polyline). */
export interface RoutedEdge {
  from: string;
  to: string;
  /** 'spline': points[0], then (c1, c2, p) triples; 'line': a polyline. */
  kind: 'spline' | 'line';
  points: [number, number][];
  /** An edge cut between export bands: the stub out of its source, or the one into its target. */
  cut?: 'out' | 'in';
}

/** A finished layout. */
export interface GraphLayout {
  width: number;
  height: number;
  boxes: Map<string, PlacedBox>;
  edges: RoutedEdge[];
  /** Which engine placed it. */
  engine: 'graphviz' | 'layered';
}

/** The two text lines of a box. */
export interface BoxText {
  title: string;
  subtitle: string;
}

const DTYPE_SHORT: Record<string, string> = {
  float32: 'f32',
  float64: 'f64',
  int32: 'i32',
  bool: 'bool',
};

/** `f32[2,3]`-style output type of a node. */
export function typeText(n: LayoutNode): string {
  return `${DTYPE_SHORT[n.dtype] ?? n.dtype}[${n.shape.join(',')}]`;
}

function nodeTitle(n: LayoutNode): string {
  if (n.kind === 'input') return n.label ? `input ${n.label}` : 'input';
  return n.primitive;
}

/**
 * The texts of a box: a node's primitive and type, or a chain's primitives and count; `live`
 * adds the hint that a repeated block expands on click (not in a static picture).
 */
export function boxText(box: GraphBox, model: NodeIndex, live = true): BoxText {
  const nodes = box.members.map((id) => model.byId.get(id)!);
  const last = nodes[nodes.length - 1]!;
  if (nodes.length === 1) return { title: cut(nodeTitle(last)), subtitle: typeText(last) };
  const g = box.group;
  if (g?.kind === 'repeat') {
    const body = g.members.length / (g.count ?? 1);
    const names = [...new Set(nodes.slice(0, body).map((n) => n.primitive))];
    return {
      title: cut(`×${g.count} ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`),
      subtitle: `${g.count} × ${body} ops${live ? ' · click to expand' : ''}`,
    };
  }
  if (g?.kind === 'iteration') {
    return { title: `iteration ${g.index}`, subtitle: `${nodes.length} ops · ${typeText(last)}` };
  }
  const names = nodes.map((n) => n.primitive);
  const shown = names.length <= 3 ? names.join(' → ') : `${names[0]} → … → ${names.at(-1)}`;
  return { title: cut(shown), subtitle: `${nodes.length} ops · ${typeText(last)}` };
}

function cut(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Box size in pixels for its texts (monospace-ish estimate: 7 px per character). */
export function boxSize(text: BoxText): { w: number; h: number } {
  const chars = Math.max(text.title.length, text.subtitle.length);
  return { w: Math.max(56, chars * 7 + 18), h: 38 };
}

/** Graphviz points per pixel-inch. */
const DPI = 72;

/**
 * DOT for the boxes: keys and sizes only, so no payload text reaches Graphviz. Side by side, the
 * two passes are clusters and the edges between them carry `constraint=false`, so each pass is
 * ranked on its own and the clusters sit next to each other.
 */
export function toDot(
  boxes: readonly LayoutBox[],
  sizes: Map<string, { w: number; h: number }>,
  options: LayoutOptions = {},
): string {
  const lines = [
    'digraph G {',
    '  graph [rankdir=TB, nodesep=0.25, ranksep=0.35];',
    '  node [shape=box, fixedsize=true, label=""];',
  ];
  const node = (b: LayoutBox): string => {
    const s = sizes.get(b.key)!;
    return `${b.key} [width=${(s.w / DPI).toFixed(3)}, height=${(s.h / DPI).toFixed(3)}];`;
  };
  const split = options.sideBySide && boxes.some((b) => b.phase === 'backward');
  if (split) {
    for (const phase of ['forward', 'backward'] as const) {
      lines.push(`  subgraph cluster_${phase} {`);
      for (const b of boxes) if ((b.phase ?? 'forward') === phase) lines.push(`    ${node(b)}`);
      lines.push('  }');
    }
  } else {
    for (const b of boxes) lines.push(`  ${node(b)}`);
  }
  const phaseOf = new Map(boxes.map((b) => [b.key, b.phase ?? 'forward']));
  for (const b of boxes)
    for (const i of b.inputs) {
      const cross = split && phaseOf.get(i) !== (b.phase ?? 'forward');
      lines.push(`  ${i} -> ${b.key}${cross ? ' [constraint=false]' : ''};`);
    }
  lines.push('}');
  return lines.join('\n');
}

interface Json0 {
  bb?: string;
  objects?: { _gvid: number; name: string; pos?: string; width?: string; height?: string }[];
  edges?: { tail: number; head: number; pos?: string }[];
}

function pair(s: string): [number, number] {
  const [x, y] = s.split(',').map(Number);
  if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error('bad point');
  return [x!, y!];
}

/** Reads Graphviz's `json0` output into a top-down layout. Throws on malformed output. */
export function parseGraphvizJson(json: Json0): GraphLayout {
  const bb = (json.bb ?? '0,0,0,0').split(',').map(Number);
  const height = bb[3] ?? 0;
  const flip = ([x, y]: [number, number]): [number, number] => [x, height - y];
  const boxes = new Map<string, PlacedBox>();
  const names = new Map<number, string>();
  for (const o of json.objects ?? []) {
    names.set(o._gvid, o.name);
    if (!o.pos) continue;
    const [x, y] = flip(pair(o.pos));
    boxes.set(o.name, { x, y, w: Number(o.width) * DPI, h: Number(o.height) * DPI });
  }
  const edges: RoutedEdge[] = [];
  for (const e of json.edges ?? []) {
    const from = names.get(e.tail);
    const to = names.get(e.head);
    if (!from || !to || !e.pos) continue;
    let end: [number, number] | undefined;
    const pts: [number, number][] = [];
    for (const tok of e.pos.trim().split(/\s+/)) {
      if (tok.startsWith('e,')) end = flip(pair(tok.slice(2)));
      else if (!tok.startsWith('s,')) pts.push(flip(pair(tok)));
    }
    if (pts.length >= 4 && (pts.length - 1) % 3 === 0) {
      edges.push({ from, to, kind: 'spline', points: end ? [...pts, end] : pts });
    } else {
      edges.push({ from, to, kind: 'line', points: end ? [...pts, end] : pts });
    }
  }
  return { width: bb[2] ?? 0, height, boxes, edges, engine: 'graphviz' };
}

/** Rows of a layered layout: each box on the row after its deepest input among `boxes`. */
function placeRows(
  boxes: readonly LayoutBox[],
  sizes: Map<string, { w: number; h: number }>,
  x0: number,
  placed: Map<string, PlacedBox>,
): { width: number; height: number } {
  const layer = new Map<string, number>();
  for (const b of boxes) {
    let l = 0;
    for (const i of b.inputs) if (layer.has(i)) l = Math.max(l, layer.get(i)! + 1);
    layer.set(b.key, l);
  }
  const rows: LayoutBox[][] = [];
  for (const b of boxes) (rows[layer.get(b.key)!] ??= []).push(b);
  const gapX = 18;
  const rowH = 38 + 30;
  const widths = rows.map((r) => r.reduce((s, b) => s + sizes.get(b.key)!.w + gapX, -gapX));
  const width = Math.max(0, ...widths) + 16;
  rows.forEach((row, r) => {
    let x = x0 + (width - widths[r]!) / 2;
    for (const b of row) {
      const s = sizes.get(b.key)!;
      placed.set(b.key, { x: x + s.w / 2, y: 8 + r * rowH + s.h / 2, w: s.w, h: s.h });
      x += s.w + gapX;
    }
  });
  return { width, height: rows.length * rowH + 16 };
}

/** Gap between the forward and backward regions laid out side by side, in pixels. */
const REGION_GAP = 60;

/**
 * A layered layout without Graphviz: each box on the row after its deepest input, rows centered
 * (side by side: each pass ranked on its own, backward right of forward, the edges between them
 * from side to side). Used for large graphs, when the wasm cannot load, and in tests.
 */
export function layeredLayout(
  boxes: readonly LayoutBox[],
  sizes: Map<string, { w: number; h: number }>,
  options: LayoutOptions = {},
): GraphLayout {
  const placed = new Map<string, PlacedBox>();
  const backward = boxes.filter((b) => b.phase === 'backward');
  const split = options.sideBySide === true && backward.length > 0;
  let size: { width: number; height: number };
  if (split) {
    const fwd = placeRows(
      boxes.filter((b) => b.phase !== 'backward'),
      sizes,
      0,
      placed,
    );
    const bwd = placeRows(backward, sizes, fwd.width + REGION_GAP, placed);
    size = { width: fwd.width + REGION_GAP + bwd.width, height: Math.max(fwd.height, bwd.height) };
  } else {
    size = placeRows(boxes, sizes, 0, placed);
  }
  const phaseOf = new Map(boxes.map((b) => [b.key, b.phase ?? 'forward']));
  const edges: RoutedEdge[] = [];
  for (const b of boxes) {
    const to = placed.get(b.key)!;
    for (const i of b.inputs) {
      const from = placed.get(i);
      if (!from) continue;
      const cross = split && phaseOf.get(i) !== (b.phase ?? 'forward');
      const points: [number, number][] = cross
        ? [
            [from.x + from.w / 2, from.y],
            [to.x - to.w / 2, to.y],
          ]
        : [
            [from.x, from.y + from.h / 2],
            [to.x, to.y - to.h / 2],
          ];
      edges.push({ from: i, to: b.key, kind: 'line', points });
    }
  }
  return { ...size, boxes: placed, edges, engine: 'layered' };
}

/** The minimal surface of `@viz-js/viz` we use. */
export interface VizLike {
  renderString(dot: string, options: { format: string }): string;
}

/**
 * Graphviz's dot splits every edge that spans k ranks into k - 1 virtual nodes and its cost grows
 * faster than linearly with them (measured in jsdom on gradient graphs: cost 505 → 0.3 s, 1780 →
 * 1.1 s, 6655 → 25 s). Above this many boxes plus virtual nodes (estimated from longest-path ranks)
 * the layered layout is used instead.
 */
export const GRAPHVIZ_BUDGET = 2000;

/** Boxes plus the virtual nodes dot would add, from longest-path ranks. */
export function graphvizCost(boxes: readonly LayoutBox[]): number {
  const layer = new Map<string, number>();
  let cost = boxes.length;
  for (const b of boxes) {
    let l = 0;
    for (const i of b.inputs) l = Math.max(l, (layer.get(i) ?? -1) + 1);
    layer.set(b.key, l);
    for (const i of b.inputs) cost += Math.max(0, l - (layer.get(i) ?? l) - 1);
  }
  return cost;
}

/**
 * Lays the boxes out with Graphviz (when given one and its estimated cost is within `budget`,
 * by default {@link GRAPHVIZ_BUDGET}), otherwise, or if it fails, with the layered layout, so a big graph
 * stays responsive. Synchronous: the caller has loaded the wasm (or has none).
 */
export function layoutWith(
  boxes: readonly LayoutBox[],
  sizes: Map<string, { w: number; h: number }>,
  viz: VizLike | undefined,
  options: LayoutOptions = {},
  budget = GRAPHVIZ_BUDGET,
): GraphLayout {
  if (viz && graphvizCost(boxes) <= budget) {
    try {
      const layout = parseGraphvizJson(
        JSON.parse(viz.renderString(toDot(boxes, sizes, options), { format: 'json0' })) as Json0,
      );
      if (layout.boxes.size === boxes.length) return layout;
    } catch {
      // Fall through to the layered layout: a plainer picture beats none.
    }
  }
  return layeredLayout(boxes, sizes, options);
}

/** The SVG path of a routed edge. */
export function edgePath(points: readonly [number, number][], kind: 'spline' | 'line'): string {
  const f = (p: [number, number]): string => `${p[0].toFixed(1)},${p[1].toFixed(1)}`;
  if (points.length === 0) return '';
  if (kind === 'line') return `M${points.map(f).join(' L')}`;
  // Graphviz: start, then (c1, c2, p) triples; a trailing arrow end point, if any, is a line.
  let d = `M${f(points[0]!)}`;
  let i = 1;
  for (; i + 2 < points.length; i += 3) {
    d += ` C${f(points[i]!)} ${f(points[i + 1]!)} ${f(points[i + 2]!)}`;
  }
  for (; i < points.length; i++) d += ` L${f(points[i]!)}`;
  return d;
}
