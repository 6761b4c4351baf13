// @ts-check
/**
 * The kernel's protocol side on the main thread: requests from shell and control, busy/idle around
 * each, replies and broadcasts. The five ZeroMQ sockets live on a thread of their own
 * (kernel/socket-thread.js), which keeps the heartbeat and interrupts working while cell code
 * runs; this side hands it encoded messages, and it sends them through per-socket queues that never
 * throw or drop (send-queue.js; stream batching in iopub.js). It replaces tslab's `ZmqServer`,
 * whose sends were neither awaited nor caught.
 *
 * What each request does is up to the handlers registered with {@link KernelServer.on}; the
 * launcher registers the execute, completion, inspection, history and comm handlers.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const timers = require('timers');
const { Worker } = require('worker_threads');
const { AsyncLocalStorage } = require('async_hooks');
const { SESSION, encodeMessage } = require('./wire');
const { Iopub } = require('./iopub');
const { logError } = require('./log');

/**
 * @typedef {import('./wire').Message} Message
 * @typedef {import('./wire').Header} Header
 * @typedef {{ queue: { push(frames: Buffer[]): void }, name: string }} Channel
 * @typedef {(msg: Message, channel: Channel) => unknown} RequestHandler
 */

class KernelServer {
  /** @param {string} connectionFile */
  constructor(connectionFile) {
    this.connection = JSON.parse(fs.readFileSync(connectionFile, 'utf8'));
    this.key = String(this.connection.key ?? '');
    /** @type {Map<string, RequestHandler>} */
    this.handlers = new Map();
    /**
     * The request whose handling is running now in this async context (a comm message's handler,
     * say): output written there goes out with that request as its parent, even after an await.
     * @type {AsyncLocalStorage<Partial<Header>>}
     */
    this.requestScope = new AsyncLocalStorage();
    /** The last shell request handled: the parent of output sent from outside any request. */
    /** @type {Partial<Header> | null} */
    this.lastParent = null;
    /** Requests that arrived before {@link ready}. */
    /** @type {[Channel, Message][]} */
    this.early = [];
    this.isReady = false;
    this.closing = false;
    /** @type {Worker | undefined} */
    this.worker = undefined;
    /** @type {(() => void) | undefined} */
    this.onClosed = undefined;
  }

  /** Registers what to do with one message type (replacing any earlier handler). */
  on(/** @type {string} */ msgType, /** @type {RequestHandler} */ handler) {
    this.handlers.set(msgType, handler);
  }

  /** The parent for output sent now: the request being handled here, else the last one. */
  currentParent() {
    return this.requestScope.getStore() ?? this.lastParent;
  }

  /** Runs `fn` with `msg` as the parent of any output it (or what it awaits) sends. */
  withParent(/** @type {Message} */ msg, /** @type {() => unknown} */ fn) {
    return this.requestScope.run(msg.header, fn);
  }

  /**
   * Sends a reply to `msg` on its channel (after any pending stream text); never throws.
   * @param {Channel} channel
   * @param {Message} msg
   * @param {string} msgType
   * @param {unknown} content
   */
  reply(channel, msg, msgType, content) {
    this.iopub.flushStreams();
    try {
      channel.queue.push(
        encodeMessage(this.key, {
          identities: msg.identities,
          msgType,
          parent: msg.header,
          content,
        }),
      );
    } catch (err) {
      logError(`adlab kernel: could not encode ${msgType}`, err);
    }
  }

  /**
   * The output functions of one execute request. Results and errors go out with the request as
   * parent; stream text and displays with the request whose handling runs where they are written
   * (a timer started by an earlier cell writes to that cell), else with this request.
   * @param {Message} msg
   */
  outputOf(msg) {
    const parent = () => this.requestScope.getStore() ?? msg.header;
    return {
      publish: (/** @type {string} */ msgType, /** @type {unknown} */ content) =>
        this.iopub.publish(msg.header, msgType, content),
      writeStream: (/** @type {string} */ name, /** @type {string} */ text) =>
        this.iopub.stream(parent(), name, text),
      writeDisplayData: (/** @type {unknown} */ data, /** @type {boolean} */ update) =>
        this.iopub.publish(parent(), update ? 'update_display_data' : 'display_data', data),
      clearOutput: (/** @type {boolean} */ wait) =>
        this.iopub.publish(parent(), 'clear_output', { wait }),
    };
  }

  /**
   * Starts the socket thread and resolves once its sockets are bound. Until {@link ready} is
   * called, the thread answers kernel_info_request with `kernelInfo` and requests wait here.
   * @param {Record<string, unknown>} kernelInfo
   * @param {SharedArrayBuffer} interruptFlag see kernel/interrupt.js
   * @param {() => void} onInterrupt called (on this thread) for each interrupt_request
   */
  async start(kernelInfo, interruptFlag, onInterrupt) {
    const worker = new Worker(path.join(__dirname, 'socket-thread.js'), {
      workerData: {
        connection: this.connection,
        flag: interruptFlag,
        kernelInfo,
        session: SESSION,
        stuckAfterMs: Number(process.env.ADLAB_INTERRUPT_STUCK_MS) || 5000,
        shutdownAfterMs: 2000,
      },
    });
    this.worker = worker;
    this.iopub = new Iopub(new ThreadChannel(worker, 'iopub'), this.key);
    const channels = {
      shell: { queue: new ThreadChannel(worker, 'shell'), name: 'shell' },
      control: { queue: new ThreadChannel(worker, 'control'), name: 'control' },
    };
    /** @type {Promise<void>} */
    const bound = new Promise((resolve, reject) => {
      worker.on('message', (message) => {
        if (message.type === 'bound') resolve();
        else if (message.type === 'failed') reject(new Error(message.message));
        else if (message.type === 'request')
          this.received(channels[message.channel], revive(message.msg));
        else if (message.type === 'interrupt') onInterrupt();
        else if (message.type === 'closed') this.onClosed?.();
      });
      worker.on('error', (err) => {
        logError('adlab kernel: the socket thread failed', err);
        reject(err);
      });
      worker.on('exit', (code) => {
        if (this.closing) return;
        logError(`adlab kernel: the socket thread exited (${code}); the kernel cannot go on`);
        process.exit(1);
      });
    });
    await bound;
  }

  /** Starts serving requests (those that came before run now, in order). */
  ready() {
    this.isReady = true;
    for (const [channel, msg] of this.early.splice(0)) void this.handle(channel, msg);
    this.worker?.postMessage({ type: 'ready' });
  }

  /** Tells the socket thread which execute request runs now (null: none), for its warnings. */
  runningCell(/** @type {Partial<Header> | null} */ header) {
    this.worker?.postMessage({ type: 'cell', parent: header });
  }

  /** A request from the socket thread: handled now, or kept until {@link ready}. */
  received(/** @type {Channel} */ channel, /** @type {Message} */ msg) {
    if (this.isReady) void this.handle(channel, msg);
    else this.early.push([channel, msg]);
  }

  /** Handles one request: busy, the handler (awaited), pending output, idle. */
  async handle(/** @type {Channel} */ channel, /** @type {Message} */ msg) {
    const msgType = msg.header?.msg_type;
    if (channel.name === 'shell') this.lastParent = msg.header;
    this.iopub.status(msg.header, 'busy');
    try {
      const handler = this.handlers.get(msgType);
      if (handler) await this.withParent(msg, () => handler(msg, channel));
      else logError(`adlab kernel: unknown message type ${JSON.stringify(msgType)} ignored`);
    } catch (err) {
      logError(`adlab kernel: ${msgType} failed`, err);
    } finally {
      this.iopub.status(msg.header, 'idle');
    }
  }

  /** Sends what is queued (waiting at most `waitMs`), then closes the sockets. */
  async close(waitMs = 1000) {
    this.closing = true;
    const worker = this.worker;
    if (!worker) return;
    this.iopub.flushStreams();
    const closed = new Promise((resolve) => {
      this.onClosed = () => resolve(undefined);
      timers.setTimeout(resolve, waitMs + 500);
    });
    worker.postMessage({ type: 'close', waitMs });
    await closed;
  }
}

/**
 * One channel's outgoing messages, handed to the socket thread. Each frame is copied into a buffer
 * of its own and transferred (a small Buffer is a view of a shared 8 KiB pool, which postMessage
 * would otherwise copy whole).
 */
class ThreadChannel {
  constructor(/** @type {Worker} */ worker, /** @type {string} */ name) {
    this.worker = worker;
    this.name = name;
  }

  /** Queues one message (its frames); never throws. */
  push(/** @type {Buffer[]} */ frames) {
    try {
      const copies = frames.map((frame) => new Uint8Array(frame));
      this.worker.postMessage(
        { type: 'send', channel: this.name, frames: copies },
        copies.map((copy) => copy.buffer),
      );
    } catch (err) {
      logError(`adlab kernel: a message on ${this.name} could not be queued`, err);
    }
  }
}

/** A message as it came through postMessage (Uint8Arrays) with its frames as Buffers again. */
function revive(/** @type {Message} */ msg) {
  const asBuffer = (/** @type {Uint8Array} */ u) =>
    Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  return { ...msg, identities: msg.identities.map(asBuffer), buffers: msg.buffers.map(asBuffer) };
}

module.exports = { KernelServer };
