/**
 * The graph data model: strict validation of an `application/vnd.adlab.graph.v1+json` payload,
 * its translation into a view model (node kinds, phases, labels, totals) and the grouping that keeps
 * large graphs responsive. No DOM here.
 */
import type { GraphPayload, PayloadDType } from 'adlab/protocol';
import {
  describe,
  DTYPES,
  fail,
  isNonNegInt,
  isNonNegNumber,
  isPlainObject,
  parseSafely,
  parseStats,
  type ParseResult,
  type StatsModel,
} from './validate';

/** Most nodes a payload may carry (beyond this it is rejected as malformed). */
export const MAX_GRAPH_NODES = 100_000;
/** Above this many nodes, linear chains are collapsed into group boxes before layout. */
export const GROUP_THRESHOLD = 300;
/** At most this many boxes are laid out; the rest are listed in a note (search still covers them). */
export const MAX_LAYOUT_BOXES = 600;

/** How a node enters the computation. */
export type NodeKind = 'input' | 'constant' | 'op';

/** One validated node. */
export interface GraphNodeModel {
  id: number;
  primitive: string;
  label?: string;
  kind: NodeKind;
  phase: 'forward' | 'backward';
  isOutput: boolean;
  inputs: number[];
  shape: number[];
  dtype: PayloadDType;
  flops: number;
  bytes: number;
  params: string;
  summary?: StatsModel;
}

/** A box drawn in the view: one node, or a collapsed linear chain of nodes. */
export interface GraphBox {
  /** Key used by the layout (`n<id>` for a node, `g<first id>` for a group). */
  key: string;
  /** Node ids inside, in order (one for a plain node). */
  members: number[];
  /** Keys of the boxes this one reads (deduplicated). */
  inputs: string[];
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
  /** The boxes to lay out, and how the graph was simplified. */
  boxes: GraphBox[];
  grouped: boolean;
  /** Boxes beyond {@link MAX_LAYOUT_BOXES} that are not drawn. */
  hiddenBoxes: number;
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
    kind: primitive === 'input' ? 'input' : primitive === 'constant' ? 'constant' : 'op',
    phase: phase ?? 'forward',
    shape: shape as number[],
    dtype: dtype as PayloadDType,
    flops,
    bytes,
    params: paramsText(raw.params),
    rawInputs: raw.inputs,
  };
  if (label !== undefined) node.label = label.slice(0, 200);
  if (summary !== undefined) node.summary = parseStats(summary, `${at}.summary`);
  return node;
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

/**
 * Collapses linear chains: a node whose only input is an op read by nothing else (and not an
 * output, same phase) joins that input's group. Inputs, constants and outputs stay single boxes.
 */
export function groupChains(
  model: Pick<GraphModel, 'nodes' | 'byId'>,
  order: number[],
): GraphBox[] {
  const readers = new Map<number, number>();
  for (const n of model.nodes)
    for (const i of new Set(n.inputs)) readers.set(i, (readers.get(i) ?? 0) + 1);
  const groupOf = new Map<number, number[]>();
  const groups: number[][] = [];
  for (const id of order) {
    const n = model.byId.get(id)!;
    const distinct = [...new Set(n.inputs)];
    const src = distinct.length === 1 ? model.byId.get(distinct[0]!)! : undefined;
    const canJoin =
      n.kind === 'op' &&
      src !== undefined &&
      src.kind === 'op' &&
      !src.isOutput &&
      src.phase === n.phase &&
      readers.get(src.id) === 1;
    if (canJoin) {
      const g = groupOf.get(src.id)!;
      g.push(id);
      groupOf.set(id, g);
    } else {
      const g = [id];
      groups.push(g);
      groupOf.set(id, g);
    }
  }
  return boxesFrom(groups, groupOf, model.byId);
}

function boxesFrom(
  groups: number[][],
  groupOf: Map<number, number[]>,
  byId: Map<number, GraphNodeModel>,
): GraphBox[] {
  const keyOf = (g: number[]): string => (g.length === 1 ? `n${g[0]}` : `g${g[0]}`);
  return groups.map((g) => {
    const inside = new Set(g);
    const inputs = new Set<string>();
    for (const id of g) {
      for (const i of byId.get(id)!.inputs) if (!inside.has(i)) inputs.add(keyOf(groupOf.get(i)!));
    }
    return { key: keyOf(g), members: g, inputs: [...inputs] };
  });
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
  const order = topologicalOrder(nodes);

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
  const grouped = nodes.length > GROUP_THRESHOLD;
  let boxes: GraphBox[];
  if (grouped) {
    boxes = groupChains({ nodes, byId }, order);
  } else {
    const groupOf = new Map(order.map((id) => [id, [id]]));
    boxes = boxesFrom(
      order.map((id) => groupOf.get(id)!),
      groupOf,
      byId,
    );
  }
  const hiddenBoxes = Math.max(0, boxes.length - MAX_LAYOUT_BOXES);
  if (hiddenBoxes > 0) {
    boxes = boxes.slice(0, MAX_LAYOUT_BOXES);
    const kept = new Set(boxes.map((b) => b.key));
    for (const b of boxes) b.inputs = b.inputs.filter((k) => kept.has(k));
  }
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
    boxes,
    grouped,
    hiddenBoxes,
  };
  if (nonFinite.length > 0) model.firstNonFinite = nonFinite[0]!;
  return model;
}
