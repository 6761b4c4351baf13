// @ts-check
/**
 * One outgoing queue per ZeroMQ socket. zeromq.js allows only one `send()` in flight per socket: a
 * second one while the first waits (after ~512 fast-path sends) rejects with EBUSY, and tslab, which
 * never awaited, died of it. Here every send is awaited in order; EBUSY (and EAGAIN) are retried
 * with a growing pause, so nothing is dropped and the order is kept.
 */
'use strict';

const { logError } = require('./log');
// Not the globals: those skip the callbacks of interrupted cells (kernel/interrupt.js).
const timers = require('timers');

/** Pauses between retries of a busy socket, in ms (the last one repeats). */
const RETRY_PAUSES_MS = [1, 2, 5, 10, 20, 50];

const sleep = (ms) => new Promise((resolve) => timers.setTimeout(resolve, ms));

function isBusy(err) {
  const code = /** @type {{ code?: string }} */ (err)?.code;
  return code === 'EBUSY' || code === 'EAGAIN';
}

class SendQueue {
  /**
   * @param {{ send(frames: Buffer[]): Promise<void>, closed?: boolean }} socket
   * @param {string} name the channel, for error messages
   */
  constructor(socket, name) {
    this.socket = socket;
    this.name = name;
    /** @type {Buffer[][]} */
    this.pending = [];
    this.draining = false;
    /** Messages handed to ZeroMQ so far. */
    this.sent = 0;
    /** @type {Array<() => void>} */
    this.idleWaiters = [];
  }

  /** Queues one message (its frames); never throws. */
  push(/** @type {Buffer[]} */ frames) {
    this.pending.push(frames);
    if (!this.draining) void this.drain();
  }

  /** Resolves once every message queued so far has been handed to ZeroMQ. */
  flushed() {
    if (!this.draining && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(() => resolve(undefined)));
  }

  async drain() {
    this.draining = true;
    try {
      let next;
      while ((next = this.pending.shift()) !== undefined) {
        await this.sendOne(next);
      }
    } finally {
      this.draining = false;
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  async sendOne(frames) {
    for (let attempt = 0; ; attempt++) {
      if (this.socket.closed) return;
      try {
        await this.socket.send(frames);
        this.sent++;
        return;
      } catch (err) {
        if (!isBusy(err)) {
          logError(`adlab kernel: a message on ${this.name} could not be sent`, err);
          return;
        }
        await sleep(RETRY_PAUSES_MS[Math.min(attempt, RETRY_PAUSES_MS.length - 1)]);
      }
    }
  }
}

module.exports = { SendQueue };
