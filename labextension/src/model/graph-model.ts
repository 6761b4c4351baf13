/**
 * The graph data model: strict validation of an `application/vnd.adlab.graph.v1+json` payload,
 * its translation into a view model (node kinds, phases, labels, totals) and the grouping that keeps
 * large graphs responsive. No DOM here.
 */
import type { GraphPayload, PayloadDType } from 'adlab/protocol';
import {
  buildGroups,
  capBoxes,
  groupsByKey,
  isFoldable,
  nodeKind,
  readerCounts,
  visibleBoxes,
  type BoxGroup,
  type GraphBox,
  type LayoutNode,
  type NodeKind,
} from 'adlab/graph-layout';
import {
  describe,
  DTYPES,
  fail,
  isNonNegInt,
  isNonNegNumber,
  isPlainObject,
  parseLive,
  parseSafely,
  parseStats,
  type ParseResult,
  type StatsModel,
} from './validate';

/** Most nodes a payload may carry (beyond this it is rejected as malformed). */
export const MAX_GRAPH_NODES = 100_000;
/** At most this many boxes are laid out; the rest are listed in a note (search still covers them). */
export const MAX_LAYOUT_BOXES = 2500;

export type { GraphBox, NodeKind };

/** One validated node. */
export interface GraphNodeModel extends LayoutNode {
  dtype: PayloadDType;
  flops: number;
  bytes: number;
  params: string;
  summary?: SummaryModel;
  tangent?: SummaryModel;
  cotangent?: SummaryModel;
}

/** A value summary: statistics and, when the payload has one, a histogram over [min, max]. */
export interface SummaryModel extends StatsModel {
  histogram?: number[];
}

/** Everything the graph view shows. */
export interface GraphModel {
  name: string;
  nodes: GraphNodeModel[];
  byId: Map<number, GraphNodeModel>;
  inputs: number[];
  outputs: number[];
  totals: { nodes: number; flops: number; bytes: number };
  /** Counts of forward and backward nodes. */
  phases: { forward: number; backward: number };
  /** Ids of nodes with non-finite values, and the first in topological order. */
  nonFinite: number[];
  firstNonFinite?: number;
  /** Where the first non-finite value came from (makeGraph with nanOrigin), with the cause. */
  nanOrigin?: {
    node: number;
    primitive: string;
    phase: string;
    cause: string;
    explanation: string;
  };
  /** The box tree (groups and single nodes) and the keys of the expanded groups. */
  groups: (BoxGroup | number)[];
  expanded: Set<string>;
  /** The boxes to lay out now, and whether any group exists. */
  boxes: GraphBox[];
  grouped: boolean;
  /** Literal constants drawn inside their readers (not as boxes). */
  folded: number;
  /** Boxes beyond {@link MAX_LAYOUT_BOXES} that are not drawn. */
  hiddenBoxes: number;
  /** The kernel-side handle: `values` gives a node's value, tangent and cotangent. */
  handle?: string;
}

/** Renders params as short text (JSON, cut at 200 characters); never markup. */
function paramsText(raw: unknown): string {
  if (raw === undefined) return '';
  if (!isPlainObject(raw)) fail(`params must be an object, got ${describe(raw)}`);
  if (Object.keys(raw).length === 0) return '';
  let s: string;
  try {
    s = JSON.stringify(raw) ?? '';
  } catch {
    s = '(unprintable)';
  }
  return s.length > 200 ? `${s.slice(0, 199)}…` : s;
}

function parseIdList(raw: unknown, what: string, ids: Set<number>): number[] {
  if (!Array.isArray(raw)) fail(`${what} must be an array, got ${describe(raw)}`);
  return raw.map((v: unknown, i) => {
    if (!isNonNegInt(v)) fail(`${what}[${i}] is not a node id`);
    if (!ids.has(v)) fail(`${what}[${i}] refers to node ${v}, which does not exist`);
    return v;
  });
}

function parseNode(
  raw: unknown,
  i: number,
): Omit<GraphNodeModel, 'isOutput' | 'inputs'> & {
  rawInputs: unknown;
} {
  const at = `nodes[${i}]`;
  if (!isPlainObject(raw)) fail(`${at} must be an object, got ${describe(raw)}`);
  const { id, primitive, shape, dtype, flops, bytes, phase, label, summary } = raw;
  if (!isNonNegInt(id)) fail(`${at}.id must be a non-negative integer`);
  if (typeof primitive !== 'string' || primitive.length === 0 || primitive.length > 200) {
    fail(`${at}.primitive must be a non-empty string`);
  }
  if (!Array.isArray(shape) || shape.length > 32 || !shape.every(isNonNegInt)) {
    fail(`${at}.shape must be an array of non-negative integers`);
  }
  if (typeof dtype !== 'string' || !(DTYPES as readonly string[]).includes(dtype)) {
    fail(`${at}.dtype must be one of ${DTYPES.join(', ')}`);
  }
  if (!isNonNegNumber(flops)) fail(`${at}.flops must be a non-negative number`);
  if (!isNonNegNumber(bytes)) fail(`${at}.bytes must be a non-negative number`);
  if (phase !== undefined && phase !== 'forward' && phase !== 'backward') {
    fail(`${at}.phase must be 'forward' or 'backward'`);
  }
  if (label !== undefined && typeof label !== 'string') fail(`${at}.label must be a string`);
  const node: ReturnType<typeof parseNode> = {
    id,
    primitive,
    kind: nodeKind(primitive),
    phase: phase ?? 'forward',
    shape: shape as number[],
    dtype: dtype as PayloadDType,
    flops,
    bytes,
    params: paramsText(raw.params),
    rawInputs: raw.inputs,
  };
  if (label !== undefined) node.label = label.slice(0, 200);
  if (summary !== undefined) node.summary = parseSummary(summary, `${at}.summary`);
  if (raw.tangent !== undefined) node.tangent = parseSummary(raw.tangent, `${at}.tangent`);
  if (raw.cotangent !== undefined) node.cotangent = parseSummary(raw.cotangent, `${at}.cotangent`);
  return node;
}

function parseSummary(raw: unknown, what: string): SummaryModel {
  const stats: SummaryModel = parseStats(raw, what);
  const hist = (raw as Record<string, unknown>).histogram;
  if (hist !== undefined) {
    if (!Array.isArray(hist) || hist.length > 256 || !hist.every(isNonNegInt)) {
      fail(`${what}.histogram must be an array of counts`);
    }
    stats.histogram = hist as number[];
  }
  return stats;
}

function parseNanOrigin(raw: unknown, ids: Set<number>): GraphModel['nanOrigin'] {
  if (!isPlainObject(raw)) fail('nanOrigin must be an object');
  const { node, primitive, phase, cause, explanation } = raw;
  if (!isNonNegInt(node) || !ids.has(node)) fail('nanOrigin.node is not a node id');
  const text = (v: unknown, what: string): string =>
    typeof v === 'string' ? v.slice(0, 400) : fail(`nanOrigin.${what} must be a string`);
  return {
    node,
    primitive: text(primitive, 'primitive'),
    phase: text(phase, 'phase'),
    cause: text(cause, 'cause'),
    explanation: text(explanation, 'explanation'),
  };
}

/** Shows or hides the inside of a group (by key) and recomputes the drawn boxes. */
export function setExpanded(model: GraphModel, key: string, expanded: boolean): void {
  const group = groupsByKey(model.groups).get(key);
  if (!group) return;
  if (expanded) model.expanded.add(key);
  else {
    model.expanded.delete(key);
    // Collapsing a group collapses what was open inside it.
    for (const inner of groupsByKey(group.children).keys()) model.expanded.delete(inner);
  }
  applyBoxes(model);
}

function applyBoxes(model: GraphModel): void {
  const { boxes, hidden } = capBoxes(
    visibleBoxes(model, model.groups, model.expanded),
    MAX_LAYOUT_BOXES,
  );
  model.boxes = boxes;
  model.hiddenBoxes = hidden;
}

/** Orders nodes so every input comes before its reader (Kahn); fails on a cycle. */
function topologicalOrder(nodes: GraphNodeModel[]): number[] {
  const indegree = new Map<number, number>();
  const readers = new Map<number, number[]>();
  for (const n of nodes) {
    const distinct = new Set(n.inputs);
    indegree.set(n.id, distinct.size);
    for (const i of distinct) {
      const list = readers.get(i);
      if (list) list.push(n.id);
      else readers.set(i, [n.id]);
    }
  }
  const ready = nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: number[] = [];
  for (let k = 0; k < ready.length; k++) {
    const id = ready[k]!;
    order.push(id);
    for (const r of readers.get(id) ?? []) {
      const d = indegree.get(r)! - 1;
      indegree.set(r, d);
      if (d === 0) ready.push(r);
    }
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.find((n) => indegree.get(n.id)! > 0)!;
    fail(`the graph has a cycle (through node ${stuck.id})`);
  }
  return order;
}

/** Case-insensitive search over primitive names and labels; returns the matching node ids. */
export function searchNodes(model: Pick<GraphModel, 'nodes'>, query: string): Set<number> {
  const q = query.trim().toLowerCase();
  const out = new Set<number>();
  if (!q) return out;
  for (const n of model.nodes) {
    if (n.primitive.toLowerCase().includes(q) || (n.label?.toLowerCase().includes(q) ?? false)) {
      out.add(n.id);
    }
  }
  return out;
}

/**
 * Validates a graph payload strictly and builds its view model.
 * Never throws: a malformed payload gives `{ ok: false, error }`.
 */
export function parseGraphPayload(data: unknown): ParseResult<GraphModel> {
  return parseSafely(parseOrThrow, data);
}

function parseOrThrow(data: unknown): GraphModel {
  if (!isPlainObject(data)) fail(`payload must be an object, got ${describe(data)}`);
  const p = data as Partial<Record<keyof GraphPayload, unknown>>;
  const name = typeof p.name === 'string' ? p.name.slice(0, 200) : fail('name must be a string');
  if (!Array.isArray(p.nodes)) fail(`nodes must be an array, got ${describe(p.nodes)}`);
  if (p.nodes.length > MAX_GRAPH_NODES) {
    fail(`${p.nodes.length} nodes exceed the limit of ${MAX_GRAPH_NODES}`);
  }
  const raw = p.nodes.map((n: unknown, i) => parseNode(n, i));
  const ids = new Set<number>();
  for (const n of raw) {
    if (ids.has(n.id)) fail(`node id ${n.id} appears twice`);
    ids.add(n.id);
  }
  const inputs = parseIdList(p.inputs, 'inputs', ids);
  const outputs = parseIdList(p.outputs, 'outputs', ids);
  const outputSet = new Set(outputs);
  const nodes: GraphNodeModel[] = raw.map(({ rawInputs, ...n }, i) => ({
    ...n,
    inputs: parseIdList(rawInputs, `nodes[${i}].inputs`, ids),
    isOutput: outputSet.has(n.id),
  }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const kahn = topologicalOrder(nodes);
  // Capture order (ids ascending) keeps a loop's iterations contiguous, which repeat detection
  // needs; it is topological whenever every input has a smaller id, as makeGraph writes them.
  const order = nodes.every((n) => n.inputs.every((i) => i < n.id))
    ? nodes.map((n) => n.id).sort((a, b) => a - b)
    : kahn;

  const totalsRaw = p.totals;
  const totals = {
    nodes: nodes.length,
    flops: nodes.reduce((s, n) => s + n.flops, 0),
    bytes: nodes.reduce((s, n) => s + n.bytes, 0),
  };
  if (totalsRaw !== undefined) {
    if (!isPlainObject(totalsRaw)) fail('totals must be an object');
    if (totalsRaw.nodes !== nodes.length) fail(`totals.nodes does not match ${nodes.length} nodes`);
    if (isNonNegNumber(totalsRaw.flops)) totals.flops = totalsRaw.flops;
    if (isNonNegNumber(totalsRaw.bytes)) totals.bytes = totalsRaw.bytes;
  }

  const nonFinite = order.filter((id) => (byId.get(id)!.summary?.nonFinite ?? 0) > 0);
  const groups = buildGroups({ byId }, order, readerCounts(nodes));
  const model: GraphModel = {
    name,
    nodes,
    byId,
    inputs,
    outputs,
    totals,
    phases: {
      forward: nodes.filter((n) => n.phase === 'forward').length,
      backward: nodes.filter((n) => n.phase === 'backward').length,
    },
    nonFinite,
    groups,
    expanded: new Set(),
    boxes: [],
    grouped: groups.some((g) => typeof g !== 'number'),
    folded: nodes.filter(isFoldable).length,
    hiddenBoxes: 0,
  };
  applyBoxes(model);
  if (p.nanOrigin !== undefined) model.nanOrigin = parseNanOrigin(p.nanOrigin, ids);
  if (model.nanOrigin) model.firstNonFinite = model.nanOrigin.node;
  if (nonFinite.length > 0) model.firstNonFinite ??= nonFinite[0]!;
  const handle = parseLive(p.live);
  if (handle) model.handle = handle;
  return model;
}
