/**
 * The kernel side of the live widget channel: handlers kept in the kernel for outputs that can ask
 * for more (a probe's J v for a new v, a graph node's value), reached from the frontend through one
 * comm target, `adlab.live`.
 *
 * A display payload carries `live: { handle }`, the id {@link liveHandle} returned. The frontend
 * opens a comm to `adlab.live` and sends `{ id, handle, op, args }`; the kernel answers
 * `{ id, ok: true, result, ms }` or `{ id, ok: false, error, code }` (see `LiveReply` in
 * protocol.ts). Handlers may be async; one that throws gives an error reply, never a dead kernel.
 *
 * Memory is bounded: the registry keeps the {@link MAX_LIVE_HANDLES} most recently created or used
 * handles (each one holds its function and point alive), and no more than {@link MAX_LIVE_BYTES}
 * of the data they say they hold (a graph's kept values), and releases older ones; a released
 * handle answers `code: 'released'`. Handle ids start with a token of this kernel process, so a
 * request from an output of an earlier process (a restarted kernel, a reopened notebook) answers
 * `code: 'unknown-handle'`, which the widget shows as "live controls need the kernel that made it".
 */
import { registerCommTarget } from './comm';
import { LIVE_TARGET, type LiveErrorCode, type LiveReply } from './protocol';

/** The operations of one live handle: each takes the request's `args` and returns JSON data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler declares its own args type
export type LiveOps = Record<string, (args: any) => unknown | Promise<unknown>>;

/** How many handles the kernel keeps (most recently created or used first). */
export const MAX_LIVE_HANDLES = 64;

/**
 * Most bytes the kept handles may hold together (by what each declared when made); the most
 * recent handle is kept whatever its size.
 */
export const MAX_LIVE_BYTES = 256 * 2 ** 20;

/** Options of {@link liveHandle}. */
export interface LiveHandleOptions {
  /** Bytes of data the handle keeps alive (counted against {@link MAX_LIVE_BYTES}; default 0). */
  bytes?: number;
}

/** The operation every handle answers without a handler: `true` while the handle is alive. */
export const LIVE_PING = '$alive';

/** The part of a comm the channel needs (the kernel's `Comm` has it; tests pass an in-memory one). */
export interface LiveComm {
  send(data: Record<string, unknown>): void;
  onMessage(handler: (data: Record<string, unknown>) => unknown): void;
}

/** The handles of this kernel process, in least-recently-used order (a Map keeps insertion order). */
class LiveRegistry {
  readonly token = Math.random().toString(36).slice(2, 10);
  private readonly _handles = new Map<string, { ops: LiveOps; bytes: number }>();
  private _next = 0;
  private _bytes = 0;
  targetRegistered = false;

  add(ops: LiveOps, bytes: number): string {
    const id = `${this.token}-${this._next++}`;
    this._handles.set(id, { ops, bytes });
    this._bytes += bytes;
    while (
      this._handles.size > MAX_LIVE_HANDLES ||
      (this._bytes > MAX_LIVE_BYTES && this._handles.size > 1)
    ) {
      const oldest = this._handles.keys().next().value as string;
      this._bytes -= this._handles.get(oldest)!.bytes;
      this._handles.delete(oldest);
    }
    return id;
  }

  /** The handle's operations (marking it used), or why there are none. */
  lookup(id: string): LiveOps | LiveErrorCode {
    const entry = this._handles.get(id);
    if (entry) {
      this._handles.delete(id);
      this._handles.set(id, entry);
      return entry.ops;
    }
    return id.startsWith(`${this.token}-`) ? 'released' : 'unknown-handle';
  }

  get size(): number {
    return this._handles.size;
  }

  /** Bytes the kept handles declared. */
  get bytes(): number {
    return this._bytes;
  }
}

// One registry per process even if the library is loaded twice (cells and the prelude).
const REGISTRY_KEY = Symbol.for('adlab.liveRegistry');
function registry(): LiveRegistry {
  const g = globalThis as Record<symbol, LiveRegistry | undefined>;
  return (g[REGISTRY_KEY] ??= new LiveRegistry());
}

/**
 * Keeps `ops` in the kernel and returns the handle id a display payload carries as
 * `live: { handle }`; the output's widget can then call them over the `adlab.live` comm.
 * @example const handle = liveHandle({ jvp: ({ v }) => jvpAt(v) }); // payload.live = { handle }
 */
export function liveHandle(ops: LiveOps, options: LiveHandleOptions = {}): string {
  const reg = registry();
  if (!reg.targetRegistered) {
    reg.targetRegistered = true;
    registerKernelTarget();
  }
  const bytes = options.bytes ?? 0;
  if (!(Number.isFinite(bytes) && bytes >= 0))
    throw new RangeError(`liveHandle: option 'bytes' must be a size >= 0, got ${String(bytes)}`);
  return reg.add(ops, bytes);
}

/** A comm layer's target registration (the kernel's `registerCommTarget` has this shape). */
export type CommTargetRegistrar = (
  targetName: string,
  onOpen: (comm: LiveComm, data: Record<string, unknown>) => void,
) => void;

/** Serves `adlab.live` on the comms that `register` opens (the kernel's, or an in-memory one). */
export function registerLiveTarget(register: CommTargetRegistrar): void {
  register(LIVE_TARGET, (comm) => serveLiveComm(comm));
}

function registerKernelTarget(): void {
  registerLiveTarget(registerCommTarget);
}

/** How many live handles the kernel holds now (at most {@link MAX_LIVE_HANDLES}). */
export function liveHandleCount(): number {
  return registry().size;
}

/** Bytes the live handles the kernel holds declared (at most {@link MAX_LIVE_BYTES}, or one handle's). */
export function liveHandleBytes(): number {
  return registry().bytes;
}

const failure = (id: string, code: LiveErrorCode, error: string): LiveReply => ({
  id,
  ok: false,
  code,
  error,
});

const MESSAGES: Record<'unknown-handle' | 'released', string> = {
  'unknown-handle': 'this output was made by another kernel process (restarted or reopened)',
  released: `this output's live handle was released (the kernel keeps the ${MAX_LIVE_HANDLES} most recent, holding ${MAX_LIVE_BYTES / 2 ** 20} MiB at most): rerun its cell`,
};

/**
 * Answers one request `{ id, handle, op, args }`. Never throws: a malformed request, an unknown
 * handle or operation and a throwing handler all give `ok: false` with a code and a message.
 */
export async function answerLiveRequest(data: unknown): Promise<LiveReply> {
  const req = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const id = typeof req.id === 'string' ? req.id : '';
  if (!id || typeof req.handle !== 'string' || typeof req.op !== 'string')
    return failure(id, 'bad-request', 'a live request needs string fields id, handle and op');
  const ops = registry().lookup(req.handle);
  if (typeof ops === 'string') return failure(id, ops, MESSAGES[ops as keyof typeof MESSAGES]);
  if (req.op === LIVE_PING) return { id, ok: true, result: true, ms: 0 };
  const op = Object.prototype.hasOwnProperty.call(ops, req.op) ? ops[req.op] : undefined;
  if (typeof op !== 'function')
    return failure(
      id,
      'unknown-op',
      `no operation '${req.op}' (this handle has: ${Object.keys(ops).join(', ')})`,
    );
  const t0 = performance.now();
  try {
    const result = await op(req.args ?? {});
    return { id, ok: true, result: result ?? null, ms: performance.now() - t0 };
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return failure(id, 'failed', `${req.op} failed: ${message}`);
  }
}

/** Serves live requests arriving on `comm`, one reply per request. */
export function serveLiveComm(comm: LiveComm): void {
  comm.onMessage(async (data) => {
    comm.send((await answerLiveRequest(data)) as unknown as Record<string, unknown>);
  });
}
