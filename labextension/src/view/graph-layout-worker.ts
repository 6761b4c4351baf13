/**
 * The layout worker: Graphviz-wasm (or the layered layout) off the page's thread, so laying out a
 * large graph never blocks clicks, scrolling or typing. It receives boxes (keys and inputs only,
 * never payload text) and sizes, and answers the layout as plain data (graph-layout-client.ts).
 */
import { layoutGraph, loadViz } from './graph-layout';
import type { LayoutReply, LayoutRequest } from './graph-layout-client';

interface WorkerScope {
  onmessage: ((e: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutReply): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (e) => {
  const { id, boxes, sizes, options } = e.data;
  const started = performance.now();
  layoutGraph(boxes, new Map(sizes), loadViz, options).then(
    (layout) =>
      scope.postMessage({
        id,
        ok: true,
        layout: { ...layout, boxes: [...layout.boxes] },
        ms: performance.now() - started,
      }),
    (err: unknown) => scope.postMessage({ id, ok: false, error: String(err) }),
  );
};
