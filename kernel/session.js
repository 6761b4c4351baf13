// @ts-check
/**
 * The kernel's session: tslab 1.0.22's executor with the adlab library preloaded, serving the
 * requests that kernel/launcher.js's server receives.
 *
 * On top of tslab the session
 *  - runs a prelude that imports every public name of `adlab` (kernel/prelude.js, built at launch),
 *  - sends a cell's last expression as a rich `execute_result` (the object's `toMimeBundle()` if any),
 *  - turns thrown errors and type errors into `error` messages (ename, evalue, traceback), with
 *    cell line numbers and the library's frames folded (kernel/traceback.js); errors of timers and
 *    unhandled rejections fail the cell that started them while it runs, else go to stderr,
 *  - answers `kernel_info_request` with `status: 'ok'` (kernel/kernel-info.js),
 *  - is served by kernel/server.js instead of tslab's ZmqServer: sends are queued and awaited per
 *    socket, so a flood of output can neither drop messages nor kill the kernel,
 *  - compiles an interrupt check into every loop and function of a cell (kernel/loop-checks.js) and,
 *    on interrupt, stops the running cell and the timers and awaits of every cell started so far
 *    (kernel/interrupt.js),
 *  - installs adlab's display hook so `display(x)` sends `display_data` with the full MIME bundle,
 *  - runs a cell with a top-level `for await` loop as async, as one with `await` (kernel/for-await.js).
 */
'use strict';

const util = require('util');
// Before tslab loads: its TypeScript must keep source maps and add the interrupt checks (see
// kernel/traceback.js). Of the global type packages only Node's are loaded: by default TypeScript
// would parse every @types package found from the notebook's folder up (48 in the checkout,
// d3 and React among them: 5 of the 7 s the program took to build under load). A package a cell
// imports still gets its types.
const { cellTraceback, installCellSourceMaps, nameNextCell } = require('./traceback');
const { createLoopChecks } = require('./loop-checks');
installCellSourceMaps({ transformers: [createLoopChecks], options: { types: ['node'] } });
const { createConverter } = require('tslab/dist/converter');
const { createExecutor } = require('tslab/dist/executor');
const tslabJupyter = require('tslab/dist/jupyter');
const { buildPrelude, loadLibrary } = require('./prelude');
const { useKernelPackages } = require('./resolve');
const { kernelInfo } = require('./kernel-info');
const { serveRequests } = require('./requests');
const interrupts = require('./interrupt');
const { checkHeap, watchHeap } = require('./heap');
const { serveComms } = require('./comms');
const { History } = require('./history');
const { evaluateUserExpressions } = require('./user-expressions');
const { allowTopLevelForAwait } = require('./for-await');

/**
 * tslab's request handler, typed loosely: the launcher overrides members that tslab declares private.
 * @type {{ JupyterHandlerImpl: new (...args: any[]) => any }}
 */
const { JupyterHandlerImpl } = tslabJupyter;

/** Key under which a request carries its iopub sender and its error record (see serveExecute). */
const IOPUB = Symbol('adlab.iopub');
const ERROR = Symbol('adlab.error');
const SENT = Symbol('adlab.sent');
const HEADER = Symbol('adlab.header');

/**
 * @typedef {(msgType: string, content: Record<string, unknown>) => void} IopubSender
 * @typedef {{ ename: string, evalue: string, traceback: string[] }} ErrorContent
 * @typedef {{ code: string, silent?: boolean, store_history?: boolean, [IOPUB]?: IopubSender,
 *   [ERROR]?: ErrorContent, [SENT]?: number, [HEADER]?: Partial<import('./wire').Header> }} ExecuteRequest
 */

/** The cell that runs now (or ran last): where results, errors and displays go. */
const current = {
  /** @type {IopubSender | null} */
  send: null,
  /** @type {ExecuteRequest | null} */
  req: null,
  executionCount: 0,
  /** @type {string[]} */
  diagnostics: [],
};

/** The traceback of a thrown value: message and cell frames first (see kernel/traceback.js). */
function tracebackOf(err) {
  const heading = `${nameOf(err)}: ${messageOf(err)}`;
  if (!(err instanceof Error) || isInterrupt(err)) return [heading];
  return cellTraceback(err, heading);
}

function isInterrupt(err) {
  if (!(err instanceof Error)) return false;
  const code = Reflect.get(err, 'code');
  return (
    code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' || err.message === 'Interrupted asynchronously'
  );
}

function nameOf(err) {
  if (isInterrupt(err)) return 'KeyboardInterrupt';
  if (err instanceof Error) return err.name || 'Error';
  if (err !== null && typeof err === 'object' && err.constructor) return err.constructor.name;
  return 'Error';
}

function messageOf(err) {
  if (isInterrupt(err)) return 'execution interrupted';
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : util.inspect(err);
}

/** Records an error for the execute_reply and publishes it as an `error` message. */
function reportError(/** @type {ErrorContent} */ content) {
  if (current.req) current.req[ERROR] = content;
  if (current.send) current.send('error', content);
  else process.stderr.write(content.traceback.join('\n') + '\n');
}

/** The MIME bundle for a value: its own `toMimeBundle()`, else text/plain as console.log prints it. */
function bundleOf(value) {
  const provider = /** @type {{ toMimeBundle?: () => Record<string, unknown> }} */ (value);
  if (value !== null && typeof value === 'object' && typeof provider.toMimeBundle === 'function') {
    try {
      return provider.toMimeBundle();
    } catch (err) {
      process.stderr.write(`toMimeBundle failed: ${messageOf(err)}\n`);
    }
  }
  const tree = value !== null && typeof value === 'object' ? pytreeBundleOf(value) : undefined;
  return tree ?? { 'text/plain': util.format(value) };
}

/** A pytree of tensors as the library's collapsible tree bundle (undefined for anything else). */
function pytreeBundleOf(value) {
  try {
    return loadLibrary().pytreeMimeBundle?.(value);
  } catch {
    return undefined;
  }
}

/**
 * The console tslab's executor writes to: `log` receives only the last expression's value, `error`
 * receives thrown values and type-check diagnostics (a format string and four arguments).
 */
const executorConsole = {
  log(value) {
    const data = bundleOf(value);
    if (current.req?.silent) return;
    if (current.send) {
      current.send('execute_result', {
        execution_count: current.executionCount,
        data,
        metadata: {},
      });
    } else {
      process.stdout.write(`${data['text/plain']}\n`);
    }
  },
  error(...args) {
    if (args.length === 5 && args[0] === '%s%d:%d - %s') {
      current.diagnostics.push(util.format(...args));
      return;
    }
    const err = args[0];
    // The cell already failed with an error of its own (see reportAsyncError).
    if (isInterrupt(err) && current.req?.[ERROR]) return;
    if (isInterrupt(err)) interrupts.takeInterrupt();
    reportError({ ename: nameOf(err), evalue: messageOf(err), traceback: tracebackOf(err) });
  },
};

/** tslab's request handler with results, errors and kernel info as the protocol wants them. */
class AdlabHandler extends JupyterHandlerImpl {
  /**
   * @param {ReturnType<typeof createExecutor>} executor
   * @param {{ libraryVersion: string, typescriptVersion: string, warning: string }} info
   */
  constructor(executor, info) {
    super(executor, false);
    this.info = info;
    /** Execute requests received so far, and the last one to abort after a failure. */
    this.arrived = 0;
    this.abortUpTo = 0;
    /** When the last cell failed (ms since epoch): requests sent before then are aborted. */
    this.failedAt = 0;
    /** @type {Promise<unknown>} */
    this.queue = Promise.resolve();
    /** Told when a cell starts (its request's header) and ends (null). */
    /** @type {(header: Partial<import('./wire').Header> | null) => void} */
    this.onCell = () => undefined;
  }

  /** Completions of the name at the cursor: only those starting with what is typed. */
  handleComplete(req) {
    const reply = super.handleComplete(req);
    const typed = String(req.code).slice(reply.cursor_start, req.cursor_pos);
    const exact = reply.matches.filter((name) => name.startsWith(typed));
    const lower = typed.toLowerCase();
    reply.matches =
      exact.length > 0
        ? exact
        : reply.matches.filter((name) => name.toLowerCase().startsWith(lower));
    return reply;
  }

  /** Inspection: a name TypeScript cannot resolve (quick info of kind "") is not found. */
  handleInspect(req) {
    const info = this.executor.inspect(req.code, req.cursor_pos);
    if (info && info.kind === '') return { status: 'ok', found: false, data: {}, metadata: {} };
    return super.handleInspect(req);
  }

  handleKernel() {
    return kernelInfo(this.info);
  }

  /**
   * Runs cells one at a time. After a failed cell, the requests queued behind it are aborted (as
   * ipykernel does with `stop_on_error`): those that had arrived, and those whose header says they
   * were sent before the failure (still in the socket while the cell ran). Requests sent later run
   * normally. (tslab itself aborts everything arriving in the next 200 ms, even requests sent after
   * the error reply.)
   * @param {ExecuteRequest & { stop_on_error?: boolean }} req
   */
  handleExecute(req, writeStream, writeDisplayData) {
    const seq = ++this.arrived;
    const run = this.queue.then(async () => {
      const sent = req[SENT] ?? Infinity;
      if (seq <= this.abortUpTo || sent < this.failedAt) return { status: 'aborted' };
      try {
        await this.handleExecuteImpl(req, writeStream, writeDisplayData);
        return { status: 'ok', execution_count: current.executionCount };
      } catch (thrown) {
        if (req.stop_on_error !== false) {
          this.abortUpTo = this.arrived;
          this.failedAt = Date.now();
        }
        const count = current.executionCount;
        const err = req[ERROR] ?? {
          ename: nameOf(thrown),
          evalue: messageOf(thrown),
          traceback: [],
        };
        return { status: 'error', execution_count: count, ...err };
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs one cell. Silent cells and cells with `store_history: false` leave the execution count
   * as it was; silent ones also broadcast no execute_input or execute_result (as ipykernel).
   * @param {ExecuteRequest & { silent?: boolean, store_history?: boolean }} req
   */
  async handleExecuteImpl(req, writeStream, writeDisplayData) {
    const counted = !req.silent && req.store_history !== false;
    current.send = req[IOPUB] ?? null;
    current.req = req;
    current.executionCount = this.execCount + (counted ? 1 : 0);
    current.diagnostics = [];
    this.onCell(req[HEADER] ?? null);
    if (!req.silent) {
      current.send?.('execute_input', { code: req.code, execution_count: current.executionCount });
    }
    if (this.info.warning) {
      writeStream('stderr', this.info.warning);
      this.info.warning = '';
    }
    try {
      return await super.handleExecuteImpl(req, writeStream, writeDisplayData);
    } catch (thrown) {
      if (current.diagnostics.length > 0 && !req[ERROR]) {
        const evalue = current.diagnostics.join('\n');
        reportError({ ename: 'TSError', evalue, traceback: [`TSError: ${evalue}`] });
      }
      throw thrown;
    } finally {
      this.onCell(null);
      if (!counted) this.execCount--; // tslab counted it
      // Diagnostics of a module cell (`//// @module`) do not fail it: show them as warnings.
      if (current.diagnostics.length > 0 && !req[ERROR]) {
        writeStream('stderr', current.diagnostics.join('\n') + '\n');
      }
      current.diagnostics = [];
    }
  }
}

/**
 * Answers execute requests: the cell's results, errors and output go to iopub with the request as
 * parent; the reply follows them.
 * @param {KernelServer} server
 * @param {AdlabHandler} handler
 */
function serveExecute(server, handler, history) {
  server.on('execute_request', async (msg, channel) => {
    const { publish, writeStream, writeDisplayData, clearOutput } = server.outputOf(msg);
    displayHook.clear = clearOutput;
    /** @type {string | null} */
    let resultText = null;
    const send = (msgType, content) => {
      if (msgType === 'execute_result') resultText = String(content.data?.['text/plain'] ?? '');
      publish(msgType, content);
    };
    const sent = Date.parse(msg.header.date);
    const req = {
      ...msg.content,
      [IOPUB]: send,
      [SENT]: Number.isNaN(sent) ? undefined : sent,
      [HEADER]: msg.header,
    };
    const content = await handler.handleExecute(req, writeStream, writeDisplayData);
    const stored = !msg.content.silent && msg.content.store_history !== false;
    if (stored && content.status !== 'aborted') {
      history.add(content.execution_count, String(msg.content.code), resultText);
    }
    const expressions = content.status === 'ok' ? msg.content.user_expressions : undefined;
    const user_expressions = evaluateUserExpressions(
      expressions,
      handler.executor.locals,
      bundleOf,
      (err) => ({ ename: nameOf(err), evalue: messageOf(err), traceback: tracebackOf(err) }),
    );
    const extra = content.status === 'aborted' ? {} : { user_expressions, payload: [] };
    server.reply(channel, msg, 'execute_reply', { ...content, ...extra });
  });
}

/**
 * Sends a bundle from adlab's `display()` as display_data (or update_display_data); its `clear`
 * (set per cell) sends `clear_output` for `clearOutput()`.
 * @type {((bundle: Record<string, unknown>, options?: { displayId?: string, update?: boolean }) => void)
 *   & { clear?: (wait: boolean) => void }}
 */
const displayHook = (bundle, options = {}) => {
  const content = {
    data: bundle,
    metadata: {},
    transient: options.displayId ? { display_id: options.displayId } : {},
  };
  const write = tslabJupyter.lastWriteDisplayData;
  if (write) write(/** @type {any} */ (content), Boolean(options.update));
  else process.stdout.write(`${String(bundle['text/plain'] ?? '')}\n`);
};

/**
 * Reports an error thrown by a timer callback or an unhandled rejection: as the `error` of the cell
 * that started it while that cell still runs (the cell then fails), else as a labelled stderr
 * message. Errors of interrupted cells are dropped: the interrupt was reported already.
 * @param {unknown} err
 * @param {{ interrupt(): void }} executor
 * @param {string} what
 */
function reportAsyncError(err, executor, what) {
  const cell = interrupts.currentCell();
  if (isInterrupt(err)) {
    // A busy timer callback or promise callback, stopped by its interrupt check.
    interrupts.takeInterrupt();
    if (cell?.running && current.req && !current.req[ERROR]) {
      reportError({ ename: nameOf(err), evalue: messageOf(err), traceback: tracebackOf(err) });
      executor.interrupt();
    } else {
      const origin = cell ? ` started by cell ${cell.label}` : '';
      process.stderr.write(`KeyboardInterrupt: stopped the code${origin}\n`);
    }
    return;
  }
  if (interrupts.isStopped(cell)) return;
  const traceback = tracebackOf(err);
  if (cell?.running && current.req && !current.req[ERROR]) {
    reportError({ ename: nameOf(err), evalue: messageOf(err), traceback });
    executor.interrupt(); // ends the cell's await with that error
    return;
  }
  const origin = cell ? ` in code started by cell ${cell.label}, which has finished` : '';
  process.stderr.write(`${what}${origin}:\n${traceback.join('\n')}\n`);
}

/**
 * Builds the executor (tslab's TypeScript program, the prelude) and registers the request handlers
 * on `server`. Returns what to do on an interrupt_request.
 * @param {import('./server').KernelServer} server
 * @param {{ libraryVersion: string, typescriptVersion: string }} versions
 */
async function startSession(server, versions) {
  interrupts.installTimerGuards();
  interrupts.installInterruptChecks();
  watchHeap();
  // `adlab` and its types come from the kernel's own packages, whatever the notebook's folder.
  useKernelPackages(process.cwd());
  // Created now so that the type checker is warm before the first cell.
  const node = allowTopLevelForAwait(createConverter({ isJS: false, isBrowser: false }));
  const convs = {
    node,
    // Browser cells (`//// @browser`) are not supported by this kernel; tslab ignores them too.
    browser: node,
    close: () => node.close(),
  };
  const executor = createExecutor(process.cwd(), convs, executorConsole);

  const execute = executor.execute;
  executor.execute = (src) => {
    nameNextCell(current.executionCount, src);
    const run = interrupts.runInCell(`In [${current.executionCount}]`, () => execute(src));
    return run.finally(() => checkHeap());
  };
  // A SIGINT (interrupt_mode "signal", or Ctrl-C in a terminal) breaks the synchronous part of a
  // cell (tslab runs it with breakOnSigint) and, once the thread is free, stops the rest.
  process.on('SIGINT', () => {
    interrupts.takeInterrupt();
    executor.interrupt();
  });
  process.on('uncaughtException', (err) => reportAsyncError(err, executor, 'Uncaught error'));
  process.on('unhandledRejection', (reason) =>
    reportAsyncError(reason, executor, 'Unhandled promise rejection'),
  );

  const info = { ...versions, warning: '' };
  /** @type {Record<string, any> | undefined} */
  let lib;
  try {
    lib = loadLibrary();
    const setDisplayHook = lib.setDisplayHook;
    if (typeof setDisplayHook === 'function') setDisplayHook(displayHook);
    else globalThis[Symbol.for('adlab.displayHook')] = displayHook;
    const ok = await executor.execute(buildPrelude(lib));
    if (!ok) throw new Error(`the prelude did not type-check: ${current.diagnostics.join('; ')}`);
    // Graphviz (wasm) for the static pictures of graphs: loaded now (~40 ms), so that a graph
    // displayed by the first cell is already laid out as the graph view lays it out.
    await lib
      .preloadGraphviz?.()
      .catch((/** @type {unknown} */ err) =>
        process.stderr.write(`adlab kernel: Graphviz did not load (${messageOf(err)})\n`),
      );
  } catch (err) {
    info.warning =
      `adlab kernel: the library could not be preloaded (${messageOf(err)}). ` +
      `Run "npm run build" in the repository, then restart the kernel.\n`;
    process.stderr.write(info.warning);
  }
  current.diagnostics = [];

  const handler = new AdlabHandler(executor, info);
  handler.onCell = (header) => server.runningCell(header);
  const history = new History();
  serveRequests(server, /** @type {any} */ (handler), history); // the rest of its methods come from tslab
  serveExecute(server, handler, history);
  serveComms(server, lib);
  return {
    /** An interrupt_request: unless interrupted code took it already, stop what runs. */
    interrupt() {
      if (!interrupts.interruptPending()) return;
      interrupts.takeInterrupt();
      executor.interrupt();
    },
  };
}

module.exports = { startSession };
