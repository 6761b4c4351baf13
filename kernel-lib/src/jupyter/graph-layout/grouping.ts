/**
 * How a large graph becomes a few hundred boxes: literal constants fold into their readers,
 * repeated structure (a loop body run k times) becomes one expandable group with its count,
 * and what is left of a big graph collapses along linear chains. No DOM here.
 */
import type { BoxGroup, GraphBox, LayoutNode, NodeIndex } from './nodes';

/** Above this many drawn nodes, linear chains outside repeat groups are collapsed. */
export const GROUP_THRESHOLD = 300;
/** Longest loop body (in nodes) the repeat detection looks for. */
export const MAX_PERIOD = 400;
/** Fewest repetitions that make a repeat group. */
export const MIN_REPEATS = 3;

/** A literal: a constant with at most one element, drawn inside its readers rather than as a box. */
export function isFoldable(n: LayoutNode): boolean {
  return n.kind === 'constant' && n.shape.reduce((a, b) => a * b, 1) <= 1;
}

/**
 * Finds tandem repeats in a sequence of codes: greedy from the left, at each position the period
 * p (2..MAX_PERIOD) covering the most elements with at least MIN_REPEATS copies. Returns
 * [start, period, count] triples. Runs of equal codes r_p[i] are computed backwards per period.
 */
export function findRepeats(codes: readonly number[]): [number, number, number][] {
  const n = codes.length;
  const maxP = Math.min(MAX_PERIOD, Math.floor(n / MIN_REPEATS));
  const runs: Int32Array[] = [];
  for (let p = 0; p <= maxP; p++) {
    const r = new Int32Array(n + 1);
    if (p >= 2)
      for (let i = n - p - 1; i >= 0; i--) r[i] = codes[i] === codes[i + p] ? r[i + 1]! + 1 : 0;
    runs.push(r);
  }
  const found: [number, number, number][] = [];
  let i = 0;
  while (i < n) {
    let best: [number, number] | undefined;
    for (let p = 2; p <= maxP && i + p * MIN_REPEATS <= n; p++) {
      const k = Math.floor(runs[p]![i]! / p) + 1;
      if (k >= MIN_REPEATS && (!best || k * p > best[0] * best[1])) best = [k, p];
    }
    if (best) {
      found.push([i, best[1], best[0]]);
      i += best[0] * best[1];
    } else i++;
  }
  return found;
}

/** The signature of a node for repeat detection: primitive, shape, phase and folded literals. */
function signature(n: LayoutNode, byId: ReadonlyMap<number, LayoutNode>): string {
  const literals = n.inputs.filter((i) => isFoldable(byId.get(i)!)).length;
  return `${n.primitive}|${n.shape.join(',')}|${n.phase}|${literals}`;
}

/**
 * Builds the box tree of a model: the drawn nodes (literals folded away) in order, repeats
 * grouped per phase, and, for a big graph, linear chains among the rest.
 */
export function buildGroups(
  model: NodeIndex,
  order: readonly number[],
  readerCount: Map<number, number>,
): (BoxGroup | number)[] {
  const drawn = order.filter((id) => !isFoldable(model.byId.get(id)!));
  const codesOf = new Map<string, number>();
  const codes = drawn.map((id) => {
    const s = signature(model.byId.get(id)!, model.byId);
    let c = codesOf.get(s);
    if (c === undefined) codesOf.set(s, (c = codesOf.size));
    return c;
  });
  const top: (BoxGroup | number)[] = [];
  let at = 0;
  for (const [start, period, count] of findRepeats(codes)) {
    top.push(...drawn.slice(at, start));
    const members = drawn.slice(start, start + period * count);
    const iterations: BoxGroup[] = [];
    for (let k = 0; k < count; k++) {
      const body = members.slice(k * period, (k + 1) * period);
      iterations.push({
        key: `i${body[0]}`,
        kind: 'iteration',
        members: body,
        index: k + 1,
        children: body,
      });
    }
    top.push({ key: `r${members[0]}`, kind: 'repeat', members, count, children: iterations });
    at = start + period * count;
  }
  top.push(...drawn.slice(at));
  const singles = top.filter((t) => typeof t === 'number').length;
  return singles > GROUP_THRESHOLD ? collapseChains(top, model, readerCount) : top;
}

/**
 * Collapses linear chains among single nodes: a node whose only drawn input is the previous
 * single op, read by nothing else (not an output, same phase), joins its chain.
 */
function collapseChains(
  items: (BoxGroup | number)[],
  model: NodeIndex,
  readerCount: Map<number, number>,
): (BoxGroup | number)[] {
  const out: (BoxGroup | number)[] = [];
  let chain: number[] = [];
  const flush = (): void => {
    if (chain.length === 1) out.push(chain[0]!);
    else if (chain.length > 1) {
      out.push({ key: `g${chain[0]}`, kind: 'chain', members: chain, children: chain });
    }
    chain = [];
  };
  for (const item of items) {
    if (typeof item !== 'number') {
      flush();
      out.push(item);
      continue;
    }
    const n = model.byId.get(item)!;
    const prev = chain.length ? model.byId.get(chain[chain.length - 1]!)! : undefined;
    const drawnInputs = [...new Set(n.inputs)].filter((i) => !isFoldable(model.byId.get(i)!));
    const joins =
      prev !== undefined &&
      n.kind === 'op' &&
      prev.kind === 'op' &&
      !prev.isOutput &&
      prev.phase === n.phase &&
      drawnInputs.length === 1 &&
      drawnInputs[0] === prev.id &&
      readerCount.get(prev.id) === 1;
    if (!joins) flush();
    chain.push(item);
  }
  flush();
  return out;
}

/** The boxes drawn for a box tree with some groups expanded; edges between boxes, literals dropped. */
export function visibleBoxes(
  model: NodeIndex,
  groups: readonly (BoxGroup | number)[],
  expanded: ReadonlySet<string>,
): GraphBox[] {
  const boxes: GraphBox[] = [];
  const walk = (items: readonly (BoxGroup | number)[]): void => {
    for (const item of items) {
      if (typeof item === 'number') boxes.push({ key: `n${item}`, members: [item], inputs: [] });
      else if (expanded.has(item.key)) walk(item.children);
      else boxes.push({ key: item.key, members: item.members, inputs: [], group: item });
    }
  };
  walk(groups);
  const boxOf = new Map<number, string>();
  for (const b of boxes) for (const id of b.members) boxOf.set(id, b.key);
  for (const b of boxes) {
    const inputs = new Set<string>();
    for (const id of b.members) {
      for (const i of model.byId.get(id)!.inputs) {
        const k = boxOf.get(i);
        if (k !== undefined && k !== b.key) inputs.add(k);
      }
    }
    b.inputs = [...inputs];
  }
  return boxes;
}

/** Every group in a box tree, by key (to expand one by its key). */
export function groupsByKey(groups: readonly (BoxGroup | number)[]): Map<string, BoxGroup> {
  const out = new Map<string, BoxGroup>();
  const walk = (items: readonly (BoxGroup | number)[]): void => {
    for (const item of items) {
      if (typeof item === 'number') continue;
      out.set(item.key, item);
      walk(item.children);
    }
  };
  walk(groups);
  return out;
}

/** How many distinct nodes read each node (by id). */
export function readerCounts(nodes: readonly LayoutNode[]): Map<number, number> {
  const readers = new Map<number, number>();
  for (const n of nodes)
    for (const i of new Set(n.inputs)) readers.set(i, (readers.get(i) ?? 0) + 1);
  return readers;
}

/**
 * The first `max` boxes, with their inputs limited to the kept ones, and how many were left out
 * (a layout of more boxes would be too slow and too small to read).
 */
export function capBoxes(boxes: GraphBox[], max: number): { boxes: GraphBox[]; hidden: number } {
  const hidden = Math.max(0, boxes.length - max);
  if (hidden === 0) return { boxes, hidden };
  const kept = boxes.slice(0, max);
  const keys = new Set(kept.map((b) => b.key));
  for (const b of kept) b.inputs = b.inputs.filter((k) => keys.has(k));
  return { boxes: kept, hidden };
}
