// @ts-check
/**
 * The kernel's ZeroMQ sockets, on a thread of their own (a worker_threads Worker that
 * kernel/server.js starts). This thread never runs cell code, so whatever a cell does (a busy loop
 * in a timer, a long call into a library) it keeps
 *  - echoing heartbeats (Jupyter declares a kernel dead when they stop),
 *  - answering `interrupt_request` (the kernelspec's interrupt_mode is "message"): it raises the
 *    shared interrupt flag that the compiled loops and functions of cells check
 *    (kernel/loop-checks.js) and tells the main thread; if the flag is still up a few seconds
 *    later, the running code does not yield, and the notebook is told so on stderr,
 *  - answering `kernel_info_request` until the main thread is ready, so a client's handshake does
 *    not wait for the TypeScript program to be built,
 *  - answering `shutdown_request` itself, then ending the process, when the main thread is not
 *    ready yet or does not answer in time (a loop that cannot be stopped), so a restart always
 *    works and never waits for start-up,
 *  - ending the process when the process that started it dies (no orphaned kernels, even while
 *    the main thread is busy or still starting),
 *  - sending what the main thread hands it, each socket's sends awaited in order (send-queue.js).
 * Every other request is parsed, verified and passed to the main thread.
 *
 * Messages from the main thread: `send` (encoded frames for a channel), `ready`, `cell` (the
 * header of the execute request running now, or null), `close`. To the main thread: `bound`,
 * `request` (a parsed message and its channel), `interrupt`, `closed`.
 */
'use strict';

const { parentPort, workerData } = require('worker_threads');
const timers = require('timers');
const zmq = require('zeromq');
const { encodeMessage, parseMessage } = require('./wire');
const { SendQueue } = require('./send-queue');
const { logError } = require('./log');

/**
 * @typedef {import('./wire').Message} Message
 * @typedef {import('./wire').Header} Header
 * @typedef {{ connection: Record<string, any>, flag: SharedArrayBuffer,
 *   kernelInfo: Record<string, unknown>, stuckAfterMs: number, shutdownAfterMs: number }} ThreadData
 */

const port = /** @type {import('worker_threads').MessagePort} */ (parentPort);
const data = /** @type {ThreadData} */ (workerData);
const key = String(data.connection.key ?? '');
/** [0]: 1 while an interrupt waits for the main thread to take it (kernel/interrupt.js). */
const interruptFlag = new Int32Array(data.flag);

const state = {
  /** True once the main thread serves requests (it then answers kernel_info itself). */
  mainReady: false,
  /** @type {Partial<Header> | null} The execute request whose cell runs now. */
  cell: null,
  /** @type {Partial<Header> | null} The last shell request passed on. */
  lastShell: null,
  /** @type {NodeJS.Timeout | null} Fires if the main thread does not answer a shutdown. */
  shutdownTimer: null,
};

/** @type {Record<string, SendQueue>} */
const queues = {};

/** A Buffer over a Uint8Array that came through postMessage (no copy). */
const asBuffer = (/** @type {Uint8Array} */ u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

function publish(/** @type {Partial<Header> | null} */ parent, msgType, content) {
  const topic = Buffer.from(`kernel.${msgType}`);
  queues.iopub.push(encodeMessage(key, { identities: [topic], msgType, parent, content }));
}

/** Answers a request here: busy, the reply, idle. */
function answer(/** @type {string} */ channel, /** @type {Message} */ msg, replyType, content) {
  publish(msg.header, 'status', { execution_state: 'busy' });
  queues[channel].push(
    encodeMessage(key, {
      identities: msg.identities,
      msgType: replyType,
      parent: msg.header,
      content,
    }),
  );
  publish(msg.header, 'status', { execution_state: 'idle' });
}

/** Raises the interrupt flag; warns on stderr if the main thread has not taken it in time. */
function interrupt(/** @type {string} */ channel, /** @type {Message} */ msg) {
  Atomics.store(interruptFlag, 0, 1);
  port.postMessage({ type: 'interrupt' });
  answer(channel, msg, 'interrupt_reply', { status: 'ok' });
  timers
    .setTimeout(() => {
      if (Atomics.load(interruptFlag, 0) === 0) return;
      const seconds = Math.round(data.stuckAfterMs / 1000);
      publish(state.cell ?? state.lastShell, 'stream', {
        name: 'stderr',
        text:
          `adlab kernel: the running code has not stopped ${seconds} s after the interrupt: it ` +
          `does not yield (a long call into library code, or code run by eval?). Wait for it to ` +
          `finish, or restart the kernel.\n`,
      });
    }, data.stuckAfterMs)
    .unref();
}

/** Answers a shutdown here and ends the process (SIGTERM: no handler runs, no JavaScript). */
async function shutDown(/** @type {string} */ channel, /** @type {Message} */ msg) {
  answer(channel, msg, 'shutdown_reply', { status: 'ok', restart: Boolean(msg.content?.restart) });
  await flushAll(500);
  process.kill(process.pid, 'SIGTERM');
}

/** Passes a shutdown on; answers it here and ends the process if the main thread does not. */
function watchShutdown(/** @type {string} */ channel, /** @type {Message} */ msg) {
  state.shutdownTimer ??= timers.setTimeout(() => {
    logError('adlab kernel: the main thread did not answer shutdown_request; ending the process');
    void shutDown(channel, msg);
  }, data.shutdownAfterMs);
}

/** Ends the process when its parent dies: the parent pid changes, or JPY_PARENT_PID stops answering. */
function watchParent() {
  const startPpid = process.ppid;
  const jpyParent = Number(process.env.JPY_PARENT_PID) || 0;
  const alive = (/** @type {number} */ pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return /** @type {{ code?: string }} */ (err).code === 'EPERM';
    }
  };
  timers
    .setInterval(() => {
      if (process.ppid !== startPpid || (jpyParent > 1 && !alive(jpyParent))) {
        logError('adlab kernel: parent process died, exiting');
        process.kill(process.pid, 'SIGTERM');
      }
    }, 1000)
    .unref();
}

/** Reads one channel's requests: handles those described above, passes the rest on. */
async function serve(/** @type {string} */ channel, /** @type {zmq.Router} */ socket) {
  try {
    for await (const frames of socket) {
      let msg;
      try {
        msg = parseMessage(key, frames);
      } catch (err) {
        logError(`adlab kernel: bad message on ${channel}`, err);
        continue;
      }
      const msgType = msg.header?.msg_type;
      if (msgType === 'interrupt_request') {
        interrupt(channel, msg);
        continue;
      }
      if (msgType === 'kernel_info_request' && !state.mainReady) {
        answer(channel, msg, 'kernel_info_reply', data.kernelInfo);
        continue;
      }
      if (msgType === 'shutdown_request' && !state.mainReady) {
        void shutDown(channel, msg); // still starting: nothing to clean up
        continue;
      }
      if (msgType === 'shutdown_request') watchShutdown(channel, msg);
      if (channel === 'shell') state.lastShell = msg.header;
      port.postMessage({ type: 'request', channel, msg });
    }
  } catch (err) {
    if (!socket.closed) logError(`adlab kernel: ${channel} stopped`, err);
  }
}

/** Echoes heartbeat pings, each send awaited before the next receive. */
async function echoHeartbeats(/** @type {zmq.Reply} */ socket) {
  try {
    for await (const frames of socket) await socket.send(frames);
  } catch (err) {
    if (!socket.closed) logError('adlab kernel: heartbeat stopped', err);
  }
}

/** Answers each iopub subscription with `iopub_welcome` (JEP 65, protocol 5.4). */
async function welcomeSubscribers(/** @type {zmq.XPublisher} */ socket) {
  try {
    for await (const [frame] of socket) {
      if (frame.length === 0 || frame[0] !== 1) continue; // 0 = unsubscribe
      const subscription = frame.subarray(1);
      queues.iopub.push(
        encodeMessage(key, {
          identities: [subscription],
          msgType: 'iopub_welcome',
          parent: null,
          content: { subscription: subscription.toString() },
        }),
      );
    }
  } catch (err) {
    if (!socket.closed) logError('adlab kernel: iopub subscriptions stopped', err);
  }
}

/** Waits (at most `waitMs`) until every queued message has been handed to ZeroMQ. */
async function flushAll(/** @type {number} */ waitMs) {
  const timeout = new Promise((resolve) => timers.setTimeout(resolve, waitMs));
  await Promise.race([Promise.all(Object.values(queues).map((q) => q.flushed())), timeout]);
}

async function main() {
  const { transport, ip } = data.connection;
  const address = (p) => (transport === 'ipc' ? `ipc://${ip}-${p}` : `${transport}://${ip}:${p}`);
  const iopub = new zmq.XPublisher({ sendHighWaterMark: 0, verbosity: 'allSubs' });
  const shell = new zmq.Router({ sendHighWaterMark: 0 });
  const control = new zmq.Router({ sendHighWaterMark: 0 });
  const stdin = new zmq.Router();
  const heartbeat = new zmq.Reply();
  const sockets = [iopub, shell, control, stdin, heartbeat];
  await Promise.all([
    iopub.bind(address(data.connection.iopub_port)),
    shell.bind(address(data.connection.shell_port)),
    control.bind(address(data.connection.control_port)),
    stdin.bind(address(data.connection.stdin_port)),
    heartbeat.bind(address(data.connection.hb_port)),
  ]);
  queues.iopub = new SendQueue(iopub, 'iopub');
  queues.shell = new SendQueue(shell, 'shell');
  queues.control = new SendQueue(control, 'control');

  port.on('message', async (message) => {
    switch (message.type) {
      case 'send':
        queues[message.channel].push(message.frames.map(asBuffer));
        break;
      case 'ready':
        state.mainReady = true;
        break;
      case 'cell':
        state.cell = message.parent;
        break;
      case 'close':
        if (state.shutdownTimer) timers.clearTimeout(state.shutdownTimer);
        await flushAll(message.waitMs);
        for (const socket of sockets) socket.close();
        port.postMessage({ type: 'closed' });
        port.close();
        break;
      default:
        logError(`adlab kernel: socket thread got an unknown message ${String(message.type)}`);
    }
  });
  void welcomeSubscribers(iopub);
  void serve('shell', shell);
  void serve('control', control);
  void echoHeartbeats(heartbeat);
  watchParent();
  port.postMessage({ type: 'bound' });
}

main().catch((err) => {
  logError('adlab kernel: the socket thread failed to start', err);
  port.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
});
