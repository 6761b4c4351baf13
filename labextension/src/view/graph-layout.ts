/**
 * The extension's side of the graph layout: Graphviz-wasm (`@viz-js/viz`) loaded lazily as its own
 * chunk, and the asynchronous layout that waits for it. The layout itself (box texts and sizes,
 * DOT, Graphviz's output, the layered fallback) is shared with the kernel's static picture, in
 * `adlab/graph-layout`.
 */
import {
  layeredLayout,
  layoutWith,
  GRAPHVIZ_BUDGET,
  graphvizCost,
  type GraphLayout,
  type LayoutBox,
  type LayoutOptions,
  type VizLike,
} from 'adlab/graph-layout';

let vizPromise: Promise<VizLike> | undefined;

/** Loads Graphviz-wasm once (a lazy chunk). */
export function loadViz(): Promise<VizLike> {
  vizPromise ??= import('@viz-js/viz').then((m) => m.instance());
  vizPromise.catch(() => {
    vizPromise = undefined;
  });
  return vizPromise;
}

/**
 * Lays the boxes out with Graphviz when its estimated cost is within {@link GRAPHVIZ_BUDGET}
 * (loading it first), otherwise, or if it cannot load, with the layered layout.
 */
export async function layoutGraph(
  boxes: readonly LayoutBox[],
  sizes: Map<string, { w: number; h: number }>,
  load: () => Promise<VizLike> = loadViz,
  options: LayoutOptions = {},
): Promise<GraphLayout> {
  if (graphvizCost(boxes) > GRAPHVIZ_BUDGET) return layeredLayout(boxes, sizes, options);
  const viz = await load().catch(() => undefined);
  return layoutWith(boxes, sizes, viz, options);
}
