// @ts-check
/**
 * A heap limit check: when V8's heap runs out, the process aborts without running any JavaScript,
 * and the notebook would only learn that the kernel died. So the kernel looks at the heap between
 * timers and after each cell, and above 90% of the limit writes a warning to the running cell's
 * stderr (once, until the heap drops below 80% again).
 */
'use strict';

const v8 = require('v8');
const timers = require('timers');

const WARN_AT = 0.9;
const REARM_BELOW = 0.8;
const CHECK_EVERY_MS = 1000;

let warned = false;

/**
 * The heap's limit: V8's, or the old generation's when `--max-old-space-size` is given (V8's limit
 * adds the young generation, about 48 MiB that long-lived values never fill: with a small old
 * space, 90% of V8's limit would lie beyond the point where the heap runs out).
 */
function heapLimit() {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  let oldSpaceMiB = 0;
  for (const flag of flags) {
    const match = /^--max[-_]old[-_]space[-_]size=(\d+)$/.exec(flag);
    if (match) oldSpaceMiB = Number(match[1]);
  }
  const limit = v8.getHeapStatistics().heap_size_limit;
  return oldSpaceMiB > 0 ? Math.min(limit, oldSpaceMiB * 2 ** 20) : limit;
}

/** Checks the heap now; returns the warning written, if any. */
function checkHeap(write = (/** @type {string} */ text) => process.stderr.write(text)) {
  const used = v8.getHeapStatistics().used_heap_size;
  const limit = heapLimit();
  const share = used / limit;
  if (share < REARM_BELOW) warned = false;
  if (share < WARN_AT || warned) return '';
  warned = true;
  const gb = (bytes) => (bytes / 2 ** 30).toFixed(2);
  const text =
    `adlab kernel: the JavaScript heap is ${Math.round(share * 100)}% full ` +
    `(${gb(used)} of ${gb(limit)} GiB). If it fills up the kernel dies: drop large values ` +
    `(e.g. arrays kept in a loop) or restart the kernel.\n`;
  write(text);
  return text;
}

/** Starts the periodic check (it never keeps the process alive). */
function watchHeap() {
  timers.setInterval(() => checkHeap(), CHECK_EVERY_MS).unref();
}

module.exports = { checkHeap, watchHeap };
