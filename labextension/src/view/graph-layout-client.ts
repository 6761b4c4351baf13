/**
 * Lays graphs out in a Web Worker (graph-layout-worker.ts, bundled by JupyterLab's builder from
 * `new Worker(new URL(...))`), one worker per page, created on first use. Where no worker can run
 * (tests in jsdom, a blocked worker script) or it fails or takes longer than the timeout, the
 * layout runs on this thread instead (the layered layout above the Graphviz budget stays fast).
 */
import type { GraphLayout, LayoutBox, LayoutOptions, PlacedBox, VizLike } from 'adlab/graph-layout';
import { layoutGraph } from './graph-layout';

/** A request to the worker. */
export interface LayoutRequest {
  id: number;
  boxes: LayoutBox[];
  sizes: [string, { w: number; h: number }][];
  options: LayoutOptions;
}

/** The worker's answer: the layout with its boxes as entries (a Map does not cross as such). */
export type LayoutReply =
  | {
      id: number;
      ok: true;
      layout: Omit<GraphLayout, 'boxes'> & { boxes: [string, PlacedBox][] };
      ms: number;
    }
  | { id: number; ok: false; error: string };

/** Milliseconds the worker may take before the layout is done here instead. */
export const WORKER_TIMEOUT_MS = 60_000;

/** Where a layout was computed. */
export type LayoutThread = 'worker' | 'main';

let worker: Worker | null | undefined;
let nextId = 0;
const pending = new Map<number, (reply: LayoutReply | undefined) => void>();

function startWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker =
      typeof Worker === 'undefined'
        ? null
        : new Worker(new URL('./graph-layout-worker.js', import.meta.url));
  } catch {
    worker = null;
  }
  if (worker) {
    worker.onmessage = (e: MessageEvent<LayoutReply>) => {
      const done = pending.get(e.data?.id);
      pending.delete(e.data?.id);
      done?.(e.data);
    };
    worker.onerror = () => {
      // A worker that cannot start (script blocked, no wasm): every waiting layout runs here.
      for (const done of pending.values()) done(undefined);
      pending.clear();
      worker?.terminate();
      worker = null;
    };
  }
  return worker;
}

function fromReply(reply: LayoutReply | undefined): GraphLayout | undefined {
  if (!reply || !reply.ok || !Array.isArray(reply.layout?.boxes)) return undefined;
  return { ...reply.layout, boxes: new Map(reply.layout.boxes) };
}

/**
 * Lays the boxes out in the worker when one runs, else here. Never rejects; `thread` says where
 * the layout was computed.
 */
export async function layoutOffThread(
  boxes: readonly LayoutBox[],
  sizes: Map<string, { w: number; h: number }>,
  options: LayoutOptions = {},
  loadViz?: () => Promise<VizLike>,
): Promise<{ layout: GraphLayout; thread: LayoutThread }> {
  // An injected Graphviz (tests) runs here; otherwise the worker, when there is one.
  const w = loadViz ? null : startWorker();
  if (w) {
    const id = ++nextId;
    const reply = await new Promise<LayoutReply | undefined>((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve(undefined);
      }, WORKER_TIMEOUT_MS);
      pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      const request: LayoutRequest = { id, boxes: [...boxes], sizes: [...sizes], options };
      try {
        w.postMessage(request);
      } catch {
        pending.delete(id);
        clearTimeout(timer);
        resolve(undefined);
      }
    });
    const layout = fromReply(reply);
    if (layout) return { layout, thread: 'worker' };
  }
  return { layout: await layoutGraph(boxes, sizes, loadViz, options), thread: 'main' };
}
