// @ts-check
/**
 * The iopub channel: every broadcast message goes through one ordered queue, and stream text is
 * coalesced as ipykernel does (one `stream` message per stream and parent every ~50 ms), so a cell
 * printing 100,000 lines sends a few dozen messages instead of 100,000. Pending text is flushed
 * before any other message (so a display or a result never overtakes text printed before it) and
 * before each reply and idle status.
 *
 * Encoded messages go to the socket thread (kernel/socket-thread.js), which sends them in order
 * and also answers each new subscription with `iopub_welcome` (JEP 65, protocol 5.4).
 */
'use strict';

const { encodeMessage } = require('./wire');
const { logError } = require('./log');
// Not the globals: those skip the callbacks of interrupted cells (kernel/interrupt.js).
const timers = require('timers');

/** How long stream text may wait to be batched, in ms (ipykernel's flush interval). */
const STREAM_FLUSH_MS = 50;
/** Stream text above this many characters goes out at once, keeping each message moderate. */
const STREAM_MAX_CHARS = 1 << 20;

/** @typedef {import('./wire').Header} Header */

class Iopub {
  /**
   * @param {{ push(frames: Buffer[]): void }} queue where encoded messages go, in order
   * @param {string} key the connection's signing key
   */
  constructor(queue, key) {
    this.key = key;
    this.queue = queue;
    /** Stream text not sent yet, in the order it was written. */
    /** @type {{ parent: Partial<Header> | null, name: string, text: string }[]} */
    this.pendingText = [];
    /** @type {NodeJS.Timeout | null} */
    this.timer = null;
  }

  /**
   * Broadcasts one message (after any pending stream text); never throws.
   * @param {Partial<Header> | null} parent
   * @param {string} msgType
   * @param {unknown} content
   * @param {Buffer[]} [buffers]
   */
  publish(parent, msgType, content, buffers) {
    this.flushStreams();
    this.send(parent, msgType, content, buffers);
  }

  /** Publishes `status` (busy or idle); idle also flushes pending stream text first. */
  status(/** @type {Partial<Header> | null} */ parent, /** @type {'busy' | 'idle'} */ state) {
    this.publish(parent, 'status', { execution_state: state });
  }

  /**
   * Adds text to a stream (`stdout` or `stderr`); it goes out within ~50 ms.
   * @param {Partial<Header> | null} parent
   * @param {string} name
   * @param {string} text
   */
  stream(parent, name, text) {
    if (text === '') return;
    const last = this.pendingText[this.pendingText.length - 1];
    if (
      last &&
      last.name === name &&
      last.parent === parent &&
      last.text.length < STREAM_MAX_CHARS
    ) {
      last.text += text;
    } else {
      this.pendingText.push({ parent, name, text });
    }
    this.timer ??= timers.setTimeout(() => this.flushStreams(), STREAM_FLUSH_MS);
  }

  /** Sends all pending stream text now. */
  flushStreams() {
    if (this.timer) timers.clearTimeout(this.timer);
    this.timer = null;
    for (const { parent, name, text } of this.pendingText.splice(0)) {
      this.send(parent, 'stream', { name, text });
    }
  }

  send(parent, msgType, content, buffers) {
    try {
      const topic = Buffer.from(`kernel.${msgType}`);
      this.queue.push(
        encodeMessage(this.key, { identities: [topic], msgType, parent, content, buffers }),
      );
    } catch (err) {
      logError(`adlab kernel: could not encode a ${msgType} message`, err);
    }
  }
}

module.exports = { Iopub };
