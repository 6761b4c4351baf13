/**
 * What the graph's grouping and layout read of a node and of a drawn box. The extension's view
 * model (labextension/src/model/graph-model.ts) and the kernel's picture (../graph-image.ts) both
 * build these from a graph, so the live view and the static picture group and place alike.
 */

/** How a node enters the computation. */
export type NodeKind = 'input' | 'constant' | 'op';

/** One node as the grouping and the layout see it. */
export interface LayoutNode {
  id: number;
  primitive: string;
  label?: string;
  kind: NodeKind;
  phase: 'forward' | 'backward';
  isOutput: boolean;
  inputs: number[];
  shape: number[];
  dtype: string;
  /** How many entries of its value are non-finite (when values were summarized). */
  summary?: { nonFinite: number };
}

/** The nodes by id. */
export interface NodeIndex {
  byId: ReadonlyMap<number, LayoutNode>;
}

/** The nodes by id, and the node that made the first non-finite value, if any. */
export interface PaintIndex extends NodeIndex {
  firstNonFinite?: number;
}

/** A group in the box tree: a repeat (children: iterations), an iteration or a chain (nodes). */
export interface BoxGroup {
  key: string;
  kind: 'repeat' | 'iteration' | 'chain';
  members: number[];
  /** For a repeat: how many times its body runs; for an iteration: which one (1-based). */
  count?: number;
  index?: number;
  children: (BoxGroup | number)[];
}

/** A box drawn in the view: one node, or a collapsed group of nodes. */
export interface GraphBox {
  /** Key used by the layout (`n<id>` for a node, `g<first id>` for a group). */
  key: string;
  /** Node ids inside, in order (one for a plain node). */
  members: number[];
  /** Keys of the boxes this one reads (deduplicated). */
  inputs: string[];
  /** The group this box stands for (a repeat, an iteration or a chain), absent for one node. */
  group?: BoxGroup;
}

/** The kind of a node from its primitive name. */
export function nodeKind(primitive: string): NodeKind {
  return primitive === 'input' ? 'input' : primitive === 'constant' ? 'constant' : 'op';
}

/** CSS classes of a box: kind, phase, output, non-finite, group (the palette paints by them). */
export function boxClasses(
  model: PaintIndex,
  members: readonly number[],
  kind?: 'repeat' | 'iteration' | 'chain',
): string[] {
  const nodes = members.map((id) => model.byId.get(id)!);
  const first = nodes[0]!;
  const cls = ['adlab-graph-node', `adlab-graph-${first.kind}`, `adlab-graph-${first.phase}`];
  if (nodes.some((n) => n.isOutput)) cls.push('adlab-graph-is-output');
  if (nodes.some((n) => (n.summary?.nonFinite ?? 0) > 0)) cls.push('adlab-graph-nonfinite');
  if (model.firstNonFinite !== undefined && members.includes(model.firstNonFinite)) {
    cls.push('adlab-graph-first-nonfinite');
  }
  if (nodes.length > 1) cls.push('adlab-graph-group');
  if (kind) cls.push(`adlab-graph-${kind}`);
  return cls;
}
