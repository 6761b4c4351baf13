/**
 * Jupyter comms, kernel side: a two-way message channel between kernel code and a frontend widget
 * (the protocol's `comm_open`, `comm_msg`, `comm_close`). The kernel launcher installs the transport
 * with {@link setCommTransport} and hands incoming messages to the receiver it gets back; outside
 * the kernel there is no transport and opening a comm says so.
 *
 * Frontend side (JupyterLab): `kernel.registerCommTarget(name, ...)` for comms the kernel opens,
 * `kernel.createComm(name).open(data)` for comms opened from the frontend.
 */

/** A JSON object: the `data` of every comm message. */
export type CommData = Record<string, unknown>;

/** One open comm: messages both ways until either side closes it. */
export interface Comm {
  /** The id both sides use for this comm. */
  readonly commId: string;
  /** The target it was opened for. */
  readonly targetName: string;
  /** True once either side has closed it. */
  readonly closed: boolean;
  /**
   * Sends `comm_msg` to the frontend; `buffers` travel as binary frames.
   * @example comm.send({ step: 3, loss: 0.25 });
   */
  send(data: CommData, buffers?: ArrayBufferView[]): void;
  /**
   * Sets the handler of messages from the frontend (replacing any earlier one). It may be async:
   * the kernel reports busy until it settles.
   * @example comm.onMessage((data) => comm.send({ echo: data }));
   */
  onMessage(handler: (data: CommData, buffers: DataView[]) => unknown): void;
  /** Adds a handler run when the frontend closes the comm. */
  onClose(handler: (data: CommData) => void): void;
  /** Closes the comm from the kernel side (sends `comm_close`); later calls do nothing. */
  close(data?: CommData): void;
}

/** The comm message types the kernel sends. */
export type CommMessageType = 'comm_open' | 'comm_msg' | 'comm_close';

/** What the kernel launcher installs to send comm messages to the frontend. */
export interface CommTransport {
  send(msgType: CommMessageType, content: CommData, buffers?: ArrayBufferView[]): void;
}

/**
 * What the kernel launcher calls with each comm message from the frontend (`content` is the
 * message's content, unchecked). A malformed message or a handler that throws rejects with an
 * error naming the message and the comm; the kernel reports it and keeps running.
 */
export interface CommReceiver {
  open(content: unknown, buffers: DataView[]): Promise<void>;
  message(content: unknown, buffers: DataView[]): Promise<void>;
  close(content: unknown, buffers: DataView[]): Promise<void>;
  /** The open comms, optionally only those of one target, as `comm_info_reply` lists them. */
  info(targetName?: string): Record<string, { target_name: string }>;
}

type OpenHandler = (comm: Comm, data: CommData) => unknown;

interface CommRegistry {
  transport: CommTransport | undefined;
  targets: Map<string, OpenHandler>;
  comms: Map<string, KernelComm>;
}

// Kept on globalThis so that two copies of the library in one kernel share one set of comms.
const REGISTRY_KEY = Symbol.for('adlab.comms');
const globals = globalThis as Record<symbol, unknown>;
const registry = (globals[REGISTRY_KEY] ??= {
  transport: undefined,
  targets: new Map(),
  comms: new Map(),
}) as CommRegistry;

function transport(operation: string): CommTransport {
  if (!registry.transport) {
    throw new Error(
      `${operation}: no Jupyter kernel to talk to (comms work inside the "TypeScript (adlab)" kernel)`,
    );
  }
  return registry.transport;
}

class KernelComm implements Comm {
  private messageHandler: ((data: CommData, buffers: DataView[]) => unknown) | undefined;
  private readonly closeHandlers: Array<(data: CommData) => void> = [];
  private isClosed = false;

  constructor(
    readonly commId: string,
    readonly targetName: string,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  send(data: CommData, buffers?: ArrayBufferView[]): void {
    if (this.isClosed) {
      throw new Error(`comm.send: comm ${this.commId} (target '${this.targetName}') is closed`);
    }
    transport('comm.send').send('comm_msg', { comm_id: this.commId, data }, buffers);
  }

  onMessage(handler: (data: CommData, buffers: DataView[]) => unknown): void {
    this.messageHandler = handler;
  }

  onClose(handler: (data: CommData) => void): void {
    this.closeHandlers.push(handler);
  }

  close(data: CommData = {}): void {
    if (this.isClosed) return;
    this.markClosed();
    registry.transport?.send('comm_close', { comm_id: this.commId, data });
  }

  /** Runs the message handler (a message with no handler is dropped, as in ipykernel). */
  async receive(data: CommData, buffers: DataView[]): Promise<void> {
    await this.messageHandler?.(data, buffers);
  }

  /** Marks the comm closed by the frontend and runs the close handlers. */
  closedByFrontend(data: CommData): void {
    this.markClosed();
    for (const handler of this.closeHandlers) handler(data);
  }

  private markClosed(): void {
    this.isClosed = true;
    registry.comms.delete(this.commId);
  }
}

function newCommId(): string {
  return globalThis.crypto.randomUUID().replace(/-/g, '');
}

/**
 * Registers the handler for comms the frontend opens with this target name (a second registration
 * replaces the first).
 * @example registerCommTarget('echo', (comm) => comm.onMessage((data) => comm.send(data)));
 */
export function registerCommTarget(
  targetName: string,
  onOpen: (comm: Comm, data: CommData) => void,
): void {
  if (typeof targetName !== 'string' || targetName === '') {
    throw new Error(`registerCommTarget: the target name must be a non-empty string`);
  }
  registry.targets.set(targetName, onOpen);
}

/**
 * Opens a comm from the kernel to a target the frontend registered
 * (`kernel.registerCommTarget(targetName, ...)` in JupyterLab).
 * @example const comm = openComm('adlab.progress', { total: 100 }); comm.send({ done: 1 });
 */
export function openComm(targetName: string, data: CommData = {}): Comm {
  const send = transport('openComm');
  const comm = new KernelComm(newCommId(), targetName);
  registry.comms.set(comm.commId, comm);
  send.send('comm_open', { comm_id: comm.commId, target_name: targetName, data });
  return comm;
}

const isRecord = (value: unknown): value is CommData =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The comm id of an incoming message, or an error naming the message type. */
function commIdOf(msgType: string, content: unknown): string {
  const id = isRecord(content) ? content.comm_id : undefined;
  if (typeof id !== 'string' || id === '') {
    throw new Error(`${msgType}: the message has no comm_id (got ${JSON.stringify(id)})`);
  }
  return id;
}

const dataOf = (content: unknown): CommData =>
  isRecord(content) && isRecord(content.data) ? content.data : {};

/** The open comm an incoming message names, or an error saying which id is unknown. */
function commOf(msgType: string, content: unknown): KernelComm {
  const id = commIdOf(msgType, content);
  const comm = registry.comms.get(id);
  if (!comm) throw new Error(`${msgType}: no open comm has the id '${id}'`);
  return comm;
}

const receiver: CommReceiver = {
  async open(content, _buffers) {
    const id = commIdOf('comm_open', content);
    const target = isRecord(content) ? content.target_name : undefined;
    const onOpen = typeof target === 'string' ? registry.targets.get(target) : undefined;
    if (!onOpen) {
      registry.transport?.send('comm_close', { comm_id: id, data: {} });
      throw new Error(`comm_open: no comm target is registered as ${JSON.stringify(target)}`);
    }
    if (registry.comms.has(id)) throw new Error(`comm_open: the comm id '${id}' is already open`);
    const comm = new KernelComm(id, target as string);
    registry.comms.set(id, comm);
    try {
      await onOpen(comm, dataOf(content));
    } catch (err) {
      comm.close();
      throw new Error(
        `comm_open: the handler of target '${comm.targetName}' failed: ${String(err)}`,
        {
          cause: err,
        },
      );
    }
  },
  async message(content, buffers) {
    const comm = commOf('comm_msg', content);
    try {
      await comm.receive(dataOf(content), buffers);
    } catch (err) {
      throw new Error(
        `comm_msg: the message handler of comm ${comm.commId} (target '${comm.targetName}') failed: ${String(err)}`,
        { cause: err },
      );
    }
  },
  async close(content, _buffers) {
    commOf('comm_close', content).closedByFrontend(dataOf(content));
  },
  info(targetName) {
    const comms: Record<string, { target_name: string }> = {};
    for (const comm of registry.comms.values()) {
      if (targetName === undefined || comm.targetName === targetName) {
        comms[comm.commId] = { target_name: comm.targetName };
      }
    }
    return comms;
  },
};

/**
 * Installs the transport that sends comm messages to the frontend and returns the receiver for
 * messages from it (the kernel launcher calls this once).
 */
export function setCommTransport(next: CommTransport | undefined): CommReceiver {
  registry.transport = next;
  return receiver;
}
