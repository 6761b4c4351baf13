/**
 * `compareRuns.live`: optimizer runs that update one output while they proceed. The runs take
 * their iterations in turn; between iterations the loop yields to the event loop (so the kernel
 * reads the widget's Stop request from the comm) at least every {@link YIELD_EVERY_MS}, and it
 * replaces the output in place (update_display_data) at most `updatesPerSecond` times a second.
 * The payload carries a live handle whose `stop` op ends every run between two iterations; what
 * was computed is kept, in the widget and in the returned comparison ("stopped at iteration k").
 */
import type { Tensor } from '../core/tensor';
import { startMinimize, type MinimizeOptions, type RunStepper } from '../optim/minimize';
import { display } from './display';
import { liveHandle } from './live';
import { RunComparison, type CompareRunsOptions } from './optimizer-display';
import {
  MIME,
  type MimeBundle,
  type OptimizerLivePayload,
  type OptimizerRunPayload,
} from './protocol';

/** One run of {@link liveCompareRuns}: the function, the start, and `minimize`'s options. */
export interface LiveRunSpec<P = unknown> extends MinimizeOptions {
  // A method signature, so runs over different parameter types fit in one array.
  f(params: P): Tensor;
  x0: P;
}

/** Options of `compareRuns.live`: those of `compareRuns`, and how often to update. */
export interface LiveCompareOptions extends CompareRunsOptions {
  /** Most updates of the output per second (default 10). */
  updatesPerSecond?: number;
  /** Called after each update with the comparison so far (tests, logging). */
  onUpdate?: (comparison: RunComparison, live: OptimizerLivePayload) => void;
  /** Show the output (default true); false runs live without displaying (tests, scripts). */
  display?: boolean;
}

/** The loop gives the event loop a turn at least this often (milliseconds of computing). */
export const YIELD_EVERY_MS = 15;

/** A loop that has not turned for this long is taken as ended (interrupted). */
const STALE_MS = 5000;

/** One turn of the event loop: I/O (the comm's Stop request) runs before the next iteration. */
const nextTurn = (): Promise<void> =>
  new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );

let liveCounter = 0;

/**
 * A comparison that is still running: the handle, the runs' steppers and the output's id.
 * {@link liveCompareRuns} drives it; its `stop()` is what the widget's Stop button calls.
 */
export class LiveComparison {
  readonly handle: string;
  readonly displayId = `adlab-live-runs-${++liveCounter}-${Math.random().toString(36).slice(2, 8)}`;
  updates = 0;
  stopRequested = false;
  /** When the loop last took a turn (a loop stopped by an interrupt takes none). */
  beat = performance.now();
  /** True once the final update is sent. */
  finished = false;
  private readonly t0 = performance.now();

  constructor(
    readonly steppers: readonly RunStepper[],
    readonly options: LiveCompareOptions,
  ) {
    this.handle = liveHandle({
      // `running` is false when the loop no longer turns (the cell was interrupted): the widget
      // then says its last update is all there is.
      stop: () => {
        this.stopRequested = true;
        const running = !this.finished && performance.now() - this.beat < STALE_MS;
        return { stopping: running && !this.steppers.every((s) => s.done), running };
      },
    });
  }

  /** The comparison of the runs as they stand. */
  comparison(): RunComparison {
    return new RunComparison(
      this.steppers.map((s) => s.result()),
      this.options,
    );
  }

  /** The live part of the payload for `state`. */
  livePayload(state: OptimizerLivePayload['state']): OptimizerLivePayload {
    const elapsedMs = performance.now() - this.t0;
    const iterations = this.steppers.reduce((n, s) => n + s.history.length - 1, 0);
    const live: OptimizerLivePayload = {
      handle: this.handle,
      state,
      updates: this.updates,
      elapsedMs: Number(elapsedMs.toFixed(1)),
      itPerSec: elapsedMs > 0 ? Number(((iterations * 1000) / elapsedMs).toPrecision(4)) : 0,
    };
    if (state === 'stopped') live.stoppedAt = this.steppers.map((s) => s.history.length - 1);
    return live;
  }

  /**
   * The bundle of one update. While running: the JSON, the table and text (drawing the static
   * picture each time would cost more than the iterations); at the end, the full bundle.
   */
  bundle(
    state: OptimizerLivePayload['state'],
    contour: OptimizerRunPayload['contour'],
  ): MimeBundle {
    this.updates++;
    const cmp = this.comparison();
    const live = this.livePayload(state);
    const bundle: MimeBundle =
      state === 'running' ? cmp.runningBundle(contour) : cmp.toMimeBundle(contour);
    (bundle[MIME.optimizerRun] as OptimizerRunPayload).live = live;
    bundle['text/plain'] = `${bundle['text/plain']}\n${liveLine(live)}`;
    this.options.onUpdate?.(cmp, live);
    return bundle;
  }
}

/** The one status line of a live comparison, as plain text. */
export function liveLine(live: OptimizerLivePayload): string {
  const secs = (live.elapsedMs / 1000).toFixed(1);
  if (live.state === 'stopped')
    return `stopped at iteration ${live.stoppedAt?.join(', ')} after ${secs} s (${live.itPerSec} it/s)`;
  return `${live.state} · ${secs} s · ${live.itPerSec} it/s`;
}

/**
 * Runs `minimize` for each spec, updating one output while the runs proceed, with a Stop button
 * that ends them and keeps what was computed. Await it inside the cell (the display updates only
 * while the cell runs).
 * @example const runs = await compareRuns.live([{ f: p.f, x0: p.x0, method: 'adam', lr: 0.05, maxIter: 5000 }, { f: p.f, x0: p.x0, method: 'lbfgs' }], { problem: 'Rosenbrock' })
 */
export async function liveCompareRuns(
  specs: readonly LiveRunSpec[],
  options: LiveCompareOptions = {},
): Promise<RunComparison> {
  if (!Array.isArray(specs) || specs.length === 0)
    throw new TypeError(
      'compareRuns.live: expected a non-empty array of runs { f, x0, ...minimize options }',
    );
  const rate = options.updatesPerSecond ?? 10;
  if (!(rate > 0))
    throw new RangeError(
      `compareRuns.live: option 'updatesPerSecond' must be positive, got ${String(rate)}`,
    );
  const steppers = specs.map((spec, i) => {
    if (spec === null || typeof spec !== 'object')
      throw new TypeError(`compareRuns.live: run ${i} must be an object { f, x0, ...options }`);
    const { f, x0, ...minimizeOptions } = spec;
    return startMinimize(f, x0, minimizeOptions);
  });
  const live = new LiveComparison(steppers, options);
  const show = options.display !== false;
  // The contour needs f on a grid: computed once (from `bounds` when given, else at the end).
  let contour = options.bounds ? live.comparison().contour() : undefined;
  if (show)
    display({ toMimeBundle: () => live.bundle('running', contour) }, { displayId: live.displayId });
  const interval = 1000 / rate;
  let lastUpdate = performance.now();
  let lastYield = lastUpdate;
  while (!live.stopRequested && steppers.some((s) => !s.done)) {
    for (const s of steppers) s.step();
    const now = performance.now();
    live.beat = now;
    if (now - lastYield >= YIELD_EVERY_MS) {
      await nextTurn();
      lastYield = performance.now();
    }
    if (now - lastUpdate >= interval && !live.stopRequested) {
      lastUpdate = now;
      if (show)
        display(
          { toMimeBundle: () => live.bundle('running', contour) },
          { displayId: live.displayId, update: true },
        );
      else live.bundle('running', contour);
    }
  }
  const stopped = live.stopRequested && steppers.some((s) => !s.done);
  if (stopped) for (const s of steppers) s.stop();
  contour ??= live.comparison().contour();
  const state = stopped ? 'stopped' : 'done';
  live.finished = true;
  if (show)
    display(
      { toMimeBundle: () => live.bundle(state, contour) },
      { displayId: live.displayId, update: true },
    );
  else live.bundle(state, contour);
  return new RunComparison(
    steppers.map((s) => s.result()),
    options,
  );
}
