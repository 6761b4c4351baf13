// @ts-check
/**
 * The kernel's ZeroMQ side: the five sockets of a Jupyter kernel, requests read from shell and
 * control, busy/idle around each, replies and broadcasts sent through per-socket queues that never
 * throw or drop (see send-queue.js and iopub.js). It replaces tslab's `ZmqServer`, whose sends were
 * neither awaited nor caught.
 *
 * What each request does is up to the handlers registered with {@link KernelServer.on}; the
 * launcher registers the execute, completion, inspection, history and comm handlers.
 */
'use strict';

const fs = require('fs');
const { AsyncLocalStorage } = require('async_hooks');
const { encodeMessage, parseMessage } = require('./wire');
const { SendQueue } = require('./send-queue');
const { Iopub } = require('./iopub');
const { logError } = require('./log');

/**
 * @typedef {import('./wire').Message} Message
 * @typedef {import('./wire').Header} Header
 * @typedef {{ socket: import('zeromq').Router, queue: SendQueue, name: string }} Channel
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

  /** Binds the sockets and starts serving. */
  async start() {
    const zmq = require('zeromq');
    const { transport, ip } = this.connection;
    const address = (port) =>
      transport === 'ipc' ? `ipc://${ip}-${port}` : `${transport}://${ip}:${port}`;
    const iopubSocket = new zmq.XPublisher({ sendHighWaterMark: 0, verbosity: 'allSubs' });
    const shell = new zmq.Router({ sendHighWaterMark: 0 });
    const control = new zmq.Router({ sendHighWaterMark: 0 });
    const stdin = new zmq.Router();
    const heartbeat = new zmq.Reply();
    this.sockets = [iopubSocket, shell, control, stdin, heartbeat];
    await Promise.all([
      iopubSocket.bind(address(this.connection.iopub_port)),
      shell.bind(address(this.connection.shell_port)),
      control.bind(address(this.connection.control_port)),
      stdin.bind(address(this.connection.stdin_port)),
      heartbeat.bind(address(this.connection.hb_port)),
    ]);
    this.iopub = new Iopub(iopubSocket, this.key);
    void this.iopub.welcomeSubscribers();
    const shellQueue = new SendQueue(shell, 'shell');
    const controlQueue = new SendQueue(control, 'control');
    this.replyQueues = [shellQueue, controlQueue];
    void this.serve({ socket: shell, queue: shellQueue, name: 'shell' });
    void this.serve({ socket: control, queue: controlQueue, name: 'control' });
    void this.echoHeartbeats(heartbeat);
  }

  /**
   * Reads requests from one channel. Each is handled in its own task (a kernel_info_request is
   * answered while a cell runs; execute requests queue in the handler), with busy and idle around.
   * @param {Channel} channel
   */
  async serve(channel) {
    try {
      for await (const frames of channel.socket) {
        let msg;
        try {
          msg = parseMessage(this.key, frames);
        } catch (err) {
          logError(`adlab kernel: bad message on ${channel.name}`, err);
          continue;
        }
        void this.handle(channel, msg);
      }
    } catch (err) {
      if (!channel.socket.closed) logError(`adlab kernel: ${channel.name} stopped`, err);
    }
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

  /** Echoes heartbeat pings, each send awaited before the next receive. */
  async echoHeartbeats(/** @type {import('zeromq').Reply} */ socket) {
    try {
      for await (const frames of socket) await socket.send(frames);
    } catch (err) {
      if (!socket.closed) logError('adlab kernel: heartbeat stopped', err);
    }
  }

  /** Sends what is queued (for at most `waitMs`), then closes the sockets. */
  async close(waitMs = 1000) {
    const timeout = new Promise((resolve) => setTimeout(resolve, waitMs));
    const queues = (this.replyQueues ?? []).map((queue) => queue.flushed());
    await Promise.race([Promise.all([this.iopub.flushed(), ...queues]), timeout]);
    for (const socket of this.sockets ?? []) socket.close();
  }
}

module.exports = { KernelServer };
