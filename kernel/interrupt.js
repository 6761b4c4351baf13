// @ts-check
/**
 * Interrupts that stop a cell's asynchronous work too, not only the `await` tslab races against.
 *
 * Every cell runs in its own async context (an AsyncLocalStorage store): the timers it starts, the
 * promises it awaits and whatever those schedule carry that store. On interrupt, every cell started
 * so far is marked stopped, and the global `setTimeout`, `setInterval` and `setImmediate` drop the
 * callbacks of stopped cells. An awaiting loop such as
 * `for (;;) { s.n++; await sleep(10) }` therefore stops advancing: its `sleep` never resolves, and
 * the suspended function is garbage collected.
 *
 * The kernel's own timers (stream batching, send retries) use `require('timers')`, which is left
 * untouched, so an interrupt can never drop kernel output.
 *
 * Code that never awaits (a busy loop in a timer, or after an `await`) is stopped through a flag
 * in shared memory: the socket thread raises it on interrupt_request (kernel/socket-thread.js),
 * and the loops and functions of every cell check it (kernel/loop-checks.js): while it is up they
 * throw a KeyboardInterrupt error. It stays up until this thread takes the interrupt (when the
 * error has reached the cell, or the busy code has returned to the event loop), so a `catch` inside
 * the loop cannot swallow it.
 */
'use strict';

const { AsyncLocalStorage } = require('async_hooks');
const timers = require('timers');

/** @typedef {{ id: number, label: string, running: boolean }} CellContext */

/** @type {AsyncLocalStorage<CellContext>} */
const cellScope = new AsyncLocalStorage();
let lastCellId = 0;
/** Cells with an id up to this one were interrupted: their pending callbacks are dropped. */
let stoppedUpTo = 0;

/** True if the cell (context) was interrupted. */
function isStopped(/** @type {CellContext | undefined} */ cell) {
  return cell !== undefined && cell.id <= stoppedUpTo;
}

/**
 * Runs one cell's code (`run`) in a fresh cell context labelled `label` (e.g. "[3]").
 * @template T
 * @param {string} label
 * @param {() => Promise<T>} run
 * @returns {Promise<T>}
 */
async function runInCell(label, run) {
  const cell = { id: ++lastCellId, label, running: true };
  try {
    return await cellScope.run(cell, run);
  } finally {
    cell.running = false;
  }
}

/** [0] is 1 while an interrupt is pending; shared with the socket thread. */
const interruptFlag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

/** What cell code calls when it finds the flag up (see kernel/loop-checks.js). */
const INTERRUPTED = '__adlabInterrupted';
/** The global name of the flag's array. */
const FLAG = '__adlabInterruptFlag';

/** Error code of the error thrown by an interrupted loop (node's own for a broken vm script). */
const INTERRUPTED_CODE = 'ERR_SCRIPT_EXECUTION_INTERRUPTED';

/** Defines the globals that the checks in compiled cells read (see kernel/loop-checks.js). */
function installInterruptChecks() {
  const throwInterrupted = () => {
    const err = new Error('execution interrupted');
    err.name = 'KeyboardInterrupt';
    Object.defineProperty(err, 'code', { value: INTERRUPTED_CODE });
    throw err;
  };
  for (const [name, value] of [
    [FLAG, interruptFlag],
    [INTERRUPTED, throwInterrupted],
  ]) {
    Object.defineProperty(globalThis, name, { value, writable: false, enumerable: false });
  }
}

/** True while an interrupt has been requested and not taken yet. */
function interruptPending() {
  return Atomics.load(interruptFlag, 0) !== 0;
}

/** Takes the pending interrupt (if any): every cell's async work stops, the flag goes down. */
function takeInterrupt() {
  stopAllCells();
  Atomics.store(interruptFlag, 0, 0);
}

/** The context of the cell whose code (or whose timers and promises) runs now, if any. */
function currentCell() {
  return cellScope.getStore();
}

/** Stops the asynchronous work of every cell started so far (called on each interrupt). */
function stopAllCells() {
  stoppedUpTo = lastCellId;
}

/**
 * Replaces the global timer functions with ones that skip the callbacks of interrupted cells.
 * Timers set outside any cell (by the kernel or the library at load) behave as before.
 */
function installTimerGuards() {
  const guard = (fn, cell, onStopped) =>
    function guarded(...args) {
      if (isStopped(cell)) {
        onStopped?.();
        return undefined;
      }
      return fn.apply(this, args);
    };
  const wrap = (original, repeat) => {
    const wrapped = function (callback, ...rest) {
      const cell = cellScope.getStore();
      if (!cell || typeof callback !== 'function') return original(callback, ...rest);
      /** @type {any} */
      let handle;
      const stop = repeat ? () => timers.clearInterval(handle) : undefined;
      handle = original(guard(callback, cell, stop), ...rest);
      return handle;
    };
    // util.promisify(setTimeout) and friends keep working.
    for (const key of Reflect.ownKeys(original)) {
      if (!(key in wrapped)) Reflect.set(wrapped, key, Reflect.get(original, key));
    }
    return wrapped;
  };
  globalThis.setTimeout = /** @type {any} */ (wrap(timers.setTimeout, false));
  globalThis.setInterval = /** @type {any} */ (wrap(timers.setInterval, true));
  globalThis.setImmediate = /** @type {any} */ (wrap(timers.setImmediate, false));
}

module.exports = {
  FLAG,
  INTERRUPTED,
  currentCell,
  installInterruptChecks,
  installTimerGuards,
  interruptFlag,
  interruptPending,
  isStopped,
  runInCell,
  stopAllCells,
  takeInterrupt,
};
