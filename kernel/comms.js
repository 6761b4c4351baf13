// @ts-check
/**
 * The comm transport of the kernel: `comm_open`, `comm_msg` and `comm_close` in both directions and
 * `comm_info_request`, between the protocol and the comm registry of the adlab library
 * (kernel-lib/src/jupyter/comm.ts). Messages the kernel sends go out on iopub with the request
 * being handled as parent (a comm message, when a comm handler sends; the cell, when a cell does).
 * A malformed message or a handler that throws is reported on stderr; the kernel keeps running.
 */
'use strict';

const { logError } = require('./log');

/** @typedef {import('../kernel-lib/src/jupyter/comm').CommReceiver} CommReceiver */

/** Binary buffers as the library's handlers receive them. */
const toDataViews = (/** @type {Buffer[]} */ buffers) =>
  buffers.map((b) => new DataView(b.buffer, b.byteOffset, b.byteLength));

/** Binary buffers as ZeroMQ frames. */
const toFrames = (/** @type {ArrayBufferView[] | undefined} */ views) =>
  (views ?? []).map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength));

/**
 * Serves comms through the library's registry (none if the library did not load: comm_info lists
 * nothing and a frontend's comm_open is answered with comm_close).
 * @param {import('./server').KernelServer} server
 * @param {{ setCommTransport?: (t: unknown) => CommReceiver } | undefined} lib
 */
function serveComms(server, lib) {
  /** @type {CommReceiver | undefined} */
  const receiver = lib?.setCommTransport?.({
    send(msgType, content, buffers) {
      server.iopub.publish(server.currentParent(), msgType, content, toFrames(buffers));
    },
  });

  /** Hands one incoming comm message to the registry; reports what goes wrong. */
  const receive = (/** @type {'open' | 'message' | 'close'} */ kind) => async (msg) => {
    try {
      if (!receiver) throw new Error('comms are unavailable: the adlab library did not load');
      await receiver[kind](msg.content, toDataViews(msg.buffers));
    } catch (err) {
      if (!receiver && kind === 'open') {
        server.iopub.publish(msg.header, 'comm_close', { comm_id: msg.content?.comm_id, data: {} });
      }
      const text = `adlab kernel: ${err instanceof Error ? err.message : String(err)}`;
      logError(text);
      server.iopub.stream(msg.header, 'stderr', `${text}\n`);
    }
  };
  server.on('comm_open', receive('open'));
  server.on('comm_msg', receive('message'));
  server.on('comm_close', receive('close'));
  server.on('comm_info_request', (msg, channel) => {
    const target = msg.content?.target_name;
    const comms = receiver?.info(typeof target === 'string' ? target : undefined) ?? {};
    server.reply(channel, msg, 'comm_info_reply', { status: 'ok', comms });
  });
}

module.exports = { serveComms };
