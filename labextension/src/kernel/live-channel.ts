/**
 * The frontend side of the live widget channel: a rendered output asks the kernel that made it to
 * run an operation of its live handle (`payload.live.handle`), over one comm per kernel to the
 * target `adlab.live` (kernel-lib/src/jupyter/live.ts answers).
 *
 * Renderers get no kernel, so the channel finds it from the output's DOM node: the plugin that has
 * the notebook tracker installs a {@link LiveKernelLocator} (the notebook panel containing the
 * node, and its session's kernel). Every request has an id and a timeout and resolves to a
 * {@link LiveOutcome}; nothing here throws or rejects. When the kernel is missing, restarted or
 * dead, or answers that the handle is not its own, the outcome is `kind: 'gone'`: the widget keeps
 * its stored data and says that live controls need the kernel that made it.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { LIVE_TARGET, type LiveErrorCode } from 'adlab/protocol';

/** Milliseconds a request waits for its reply by default. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The one line a widget shows when its kernel is gone. */
export const KERNEL_GONE_MESSAGE =
  'Live controls need the kernel that made this output (restarted, stopped or not this session): showing stored data.';

/** The result of one live request: the handler's result with timings, or why there is none. */
export type LiveOutcome =
  | { ok: true; result: unknown; kernelMs: number; roundTripMs: number }
  | { ok: false; kind: 'gone' | 'error' | 'timeout' | 'malformed'; message: string };

/** Finds the kernel of the notebook that shows an output node. */
export interface LiveKernelLocator {
  /** The kernel of the notebook containing `node`, or null (no notebook, no kernel). */
  kernelFor(node: HTMLElement): Kernel.IKernelConnection | null;
  /** Calls `onChange` when that notebook's kernel restarts, changes or dies; returns the unsubscribe. */
  watch(node: HTMLElement, onChange: () => void): () => void;
}

/** A locator that finds nothing (outside JupyterLab's notebooks, and in tests). */
export const NO_KERNEL: LiveKernelLocator = {
  kernelFor: () => null,
  watch: () => () => undefined,
};

interface Pending {
  resolve: (outcome: LiveOutcome) => void;
  timer: ReturnType<typeof setTimeout>;
  sentAt: number;
}

/** One open comm to one kernel and the requests waiting on it. */
interface Connection {
  comm: Kernel.IComm;
  pending: Map<string, Pending>;
  dropStatusListener: () => void;
}

const GONE_CODES: readonly LiveErrorCode[] = ['unknown-handle', 'released'];
const GONE_STATUSES: readonly string[] = ['dead', 'restarting', 'autorestarting', 'terminating'];

const seconds = (ms: number): string => (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** The live channel; one per JupyterLab page (see {@link setLiveChannel}). */
export class LiveChannel {
  constructor(private readonly _locator: LiveKernelLocator) {}

  /**
   * Runs `op` of `handle` with `args` in the kernel of the notebook showing `node`.
   * Never rejects: failures resolve to `{ ok: false, kind, message }`.
   */
  request(
    node: HTMLElement,
    handle: string,
    op: string,
    args: Record<string, unknown> = {},
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<LiveOutcome> {
    let kernel: Kernel.IKernelConnection | null;
    try {
      kernel = this._locator.kernelFor(node);
    } catch {
      kernel = null;
    }
    if (!kernel || kernel.isDisposed || GONE_STATUSES.includes(kernel.status))
      return Promise.resolve({ ok: false, kind: 'gone', message: KERNEL_GONE_MESSAGE });
    const target = kernel;
    const id = `${++this._counter}-${Math.random().toString(36).slice(2, 8)}`;
    return new Promise<LiveOutcome>((resolve) => {
      let conn: Connection;
      try {
        conn = this._connect(target);
      } catch (e) {
        resolve({ ok: false, kind: 'error', message: `cannot open the live comm (${String(e)})` });
        return;
      }
      const timer = setTimeout(() => {
        conn.pending.delete(id);
        resolve({
          ok: false,
          kind: 'timeout',
          message: `the kernel did not answer ${op} within ${seconds(timeoutMs)} s (busy running a cell?)`,
        });
      }, timeoutMs);
      conn.pending.set(id, { resolve, timer, sentAt: performance.now() });
      try {
        conn.comm.send({ id, handle, op, args } as never);
      } catch (e) {
        this._settle(conn, id, { ok: false, kind: 'error', message: `send failed (${String(e)})` });
      }
    });
  }

  /** Calls `onChange` when the kernel of `node`'s notebook restarts, changes or dies. */
  watch(node: HTMLElement, onChange: () => void): () => void {
    try {
      return this._locator.watch(node, onChange);
    } catch {
      return () => undefined;
    }
  }

  private _connect(kernel: Kernel.IKernelConnection): Connection {
    const open = this._connections.get(kernel);
    if (open && !open.comm.isDisposed) return open;
    const comm = kernel.createComm(LIVE_TARGET);
    const onStatus = (_: unknown, status: KernelMessage.Status): void => {
      if (GONE_STATUSES.includes(status)) this._drop(kernel, conn);
    };
    kernel.statusChanged.connect(onStatus);
    const conn: Connection = {
      comm,
      pending: new Map(),
      dropStatusListener: () => kernel.statusChanged.disconnect(onStatus),
    };
    comm.onMsg = (msg) => this._onReply(conn, msg.content?.data);
    comm.onClose = () => this._drop(kernel, conn);
    this._connections.set(kernel, conn);
    comm.open({});
    return conn;
  }

  /** Routes one reply to its request; a reply that names no pending request is ignored. */
  private _onReply(conn: Connection, data: unknown): void {
    if (!isRecord(data) || typeof data.id !== 'string' || !conn.pending.has(data.id)) {
      console.warn('adlab: ignored a live reply that matches no request');
      return;
    }
    const sent = conn.pending.get(data.id)!.sentAt;
    const roundTripMs = performance.now() - sent;
    let outcome: LiveOutcome;
    if (data.ok === true && 'result' in data) {
      const kernelMs = typeof data.ms === 'number' && data.ms >= 0 ? data.ms : NaN;
      outcome = { ok: true, result: data.result, kernelMs, roundTripMs };
    } else if (data.ok === false && typeof data.error === 'string') {
      const gone = GONE_CODES.includes(data.code as LiveErrorCode);
      outcome = gone
        ? { ok: false, kind: 'gone', message: KERNEL_GONE_MESSAGE }
        : { ok: false, kind: 'error', message: data.error.slice(0, 500) };
    } else {
      outcome = { ok: false, kind: 'malformed', message: 'the kernel sent a malformed reply' };
    }
    this._settle(conn, data.id, outcome);
  }

  private _settle(conn: Connection, id: string, outcome: LiveOutcome): void {
    const p = conn.pending.get(id);
    if (!p) return;
    conn.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(outcome);
  }

  /** Forgets a kernel's comm; its waiting requests resolve as 'gone'. */
  private _drop(kernel: Kernel.IKernelConnection, conn: Connection): void {
    if (this._connections.get(kernel) === conn) this._connections.delete(kernel);
    conn.dropStatusListener();
    for (const id of [...conn.pending.keys()])
      this._settle(conn, id, { ok: false, kind: 'gone', message: KERNEL_GONE_MESSAGE });
    try {
      if (!conn.comm.isDisposed) conn.comm.dispose();
    } catch {
      // Already closed by the kernel.
    }
  }

  private _counter = 0;
  private readonly _connections = new WeakMap<Kernel.IKernelConnection, Connection>();
}

const CHANNEL_KEY = Symbol.for('adlab.liveChannel');

/** Installs the page's live channel (the notebook plugin does this at activation). */
export function setLiveChannel(channel: LiveChannel): void {
  (globalThis as Record<symbol, unknown>)[CHANNEL_KEY] = channel;
}

/** The page's live channel; before (or without) the plugin, one that finds no kernel. */
export function liveChannel(): LiveChannel {
  const g = globalThis as Record<symbol, LiveChannel | undefined>;
  return g[CHANNEL_KEY] ?? (g[CHANNEL_KEY] = new LiveChannel(NO_KERNEL));
}
