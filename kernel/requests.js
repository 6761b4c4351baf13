// @ts-check
/**
 * The shell and control requests other than execute and comms: kernel info, completion, inspection,
 * is_complete, history and shutdown.
 */
'use strict';

const { PROTOCOL_VERSION } = require('./wire');
const { isComplete } = require('./completeness');

/**
 * @typedef {{
 *   handleKernel(): Record<string, unknown>,
 *   handleComplete(content: any): unknown,
 *   handleInspect(content: any): unknown,
 *   close(): void,
 * }} RequestHandlers
 */

/**
 * Registers the request handlers on the server.
 * @param {import('./server').KernelServer} server
 * @param {RequestHandlers} handler
 * @param {import('./history').History} history
 */
function serveRequests(server, handler, history) {
  /** Replies to a request with what `answer` returns for its content. */
  const answer = (replyType, fn) => (msg, channel) =>
    server.reply(channel, msg, replyType, fn(msg.content ?? {}));

  server.on(
    'kernel_info_request',
    answer('kernel_info_reply', () => ({
      ...handler.handleKernel(),
      protocol_version: PROTOCOL_VERSION,
    })),
  );
  server.on(
    'complete_request',
    answer('complete_reply', (c) => handler.handleComplete(c)),
  );
  server.on(
    'inspect_request',
    answer('inspect_reply', (c) => handler.handleInspect(c)),
  );
  server.on(
    'is_complete_request',
    answer('is_complete_reply', (c) => isComplete(String(c.code ?? ''))),
  );
  server.on(
    'history_request',
    answer('history_reply', (c) => history.reply(c)),
  );
  server.on('shutdown_request', (msg, channel) => {
    server.reply(channel, msg, 'shutdown_reply', {
      status: 'ok',
      restart: Boolean(msg.content?.restart),
    });
    // Exit after the idle status that follows this handler has been queued and sent.
    setTimeout(async () => {
      handler.close();
      await server.close();
      process.exit(0);
    }, 0);
  });
}

module.exports = { serveRequests };
