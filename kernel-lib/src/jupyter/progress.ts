/**
 * A tqdm-like progress line for any long loop: iteration, percent, loss and |g| (or any values the
 * loop sets), rate and ETA, on one line updated in place (update_display_data in a notebook, a
 * carriage return on a terminal), at most `updatesPerSecond` times a second, never one output per
 * iteration. In the kernel the line moves under a plain `for` loop too (its socket thread sends
 * the updates while the cell's JavaScript runs); `for await` also gives the event loop a turn
 * between iterations, so timers, comms (a widget's Stop) and other async work run meanwhile.
 */
import { display, hasDisplayHook } from './display';
import { escapeHtml } from './tensor-display';

/** Options of {@link progress}. */
export interface ProgressOptions {
  /** Iterations expected (default: the count given, or the array's length). */
  total?: number;
  /** A label before the line. */
  label?: string;
  /** Most updates per second (default 10). */
  updatesPerSecond?: number;
  /**
   * Where the text goes outside a notebook (default: stderr when it is a terminal, else nowhere
   * until the end); tests pass a function.
   */
  write?: (line: string, final: boolean) => void;
}

/** Values shown after the rate: `loss` and `gradNorm` (as |g|) first, then the rest by name. */
export type ProgressValues = Record<string, number | string>;

/** The loop gives the event loop a turn at least this often (ms) under `for await`. */
const YIELD_EVERY_MS = 15;

const nextTurn = (): Promise<void> =>
  new Promise((resolve) =>
    typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0),
  );

/** `m:ss` (or `h:mm:ss`) of a duration in seconds. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** The state a line is drawn from. */
export interface ProgressState {
  label: string;
  n: number;
  total: number | undefined;
  elapsedMs: number;
  values: ProgressValues;
  done: boolean;
}

const BAR_WIDTH = 20;
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** The bar `|█████▍    |` for a fraction in [0, 1]. */
function bar(fraction: number): string {
  const f = Math.min(1, Math.max(0, fraction)) * BAR_WIDTH;
  const full = Math.floor(f);
  const part = EIGHTHS[Math.floor((f - full) * 8)] ?? '';
  return `|${'█'.repeat(full)}${part}${' '.repeat(BAR_WIDTH - full - (part ? 1 : 0))}|`;
}

/**
 * The one line: `label 37%|███▋    | 370/1000 · loss 0.0123 · |g| 0.0045 · 812 it/s · ETA 0:01`
 * (without the text bar when `withBar` is false: the notebook's line has a graphical one).
 */
export function progressLine(s: ProgressState, withBar = true): string {
  const parts: string[] = [];
  const secs = s.elapsedMs / 1000;
  const rate = secs > 0 ? s.n / secs : 0;
  if (s.total !== undefined && s.total > 0) {
    const pct = Math.floor((100 * Math.min(s.n, s.total)) / s.total);
    const meter = withBar ? `${bar(s.n / s.total)} ` : ' ';
    parts.push(
      `${s.label ? `${s.label} ` : ''}${String(pct).padStart(3)}%${meter}${s.n}/${s.total}`,
    );
  } else {
    parts.push(`${s.label ? `${s.label} ` : ''}${s.n} it`);
  }
  const { loss, gradNorm, ...rest } = s.values;
  const val = (v: number | string): string => (typeof v === 'number' ? short(v) : v);
  if (loss !== undefined) parts.push(`loss ${val(loss)}`);
  if (gradNorm !== undefined) parts.push(`|g| ${val(gradNorm)}`);
  for (const [k, v] of Object.entries(rest)) parts.push(`${k} ${val(v)}`);
  parts.push(`${rate >= 100 ? rate.toFixed(0) : rate.toPrecision(3)} it/s`);
  if (s.done) parts.push(`${clock(secs)} total`);
  else if (s.total !== undefined && rate > 0) parts.push(`ETA ${clock((s.total - s.n) / rate)}`);
  else parts.push(clock(secs));
  return parts.join(' · ');
}

/** A number in at most 4 significant digits, in exponent form outside [1e-3, 1e5) (`3.20e-5`). */
export function short(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a === 0 || (a >= 1e-3 && a < 1e5) ? String(Number(v.toPrecision(4))) : v.toExponential(2);
}

let progressCounter = 0;

/**
 * A progress line over an iteration; iterate it with `for` or (for a live line in a notebook)
 * `for await`, and `set` the values to show.
 */
export class Progress<T> implements Iterable<T>, AsyncIterable<T> {
  /** Iterations counted so far. */
  n = 0;
  /** Updates of the line sent so far (the first display included). */
  updates = 0;
  private values: ProgressValues = {};
  private readonly t0 = performance.now();
  private last = -Infinity;
  private shown = false;
  private closed = false;
  private readonly displayId = `adlab-progress-${++progressCounter}`;
  private readonly interval: number;
  private readonly notebook = hasDisplayHook();

  constructor(
    private readonly items: Iterable<T>,
    readonly total: number | undefined,
    private readonly options: ProgressOptions,
  ) {
    const rate = options.updatesPerSecond ?? 10;
    if (!(rate > 0))
      throw new RangeError(`progress: option 'updatesPerSecond' must be positive, got ${rate}`);
    this.interval = 1000 / rate;
  }

  /**
   * Sets the values shown after the count (`loss` and `gradNorm` first).
   * @example bar.set({ loss: l.item(), gradNorm: gn })
   */
  set(values: ProgressValues): this {
    this.values = { ...this.values, ...values };
    return this;
  }

  /** Counts `k` iterations (for loops that do not iterate the progress itself). */
  update(k = 1): void {
    this.n += k;
    this.maybeDraw();
  }

  /** Draws the final line (iteration does this when it ends). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.draw(true);
  }

  /** The line as it stands. */
  toString(): string {
    return progressLine(this.state(this.closed));
  }

  *[Symbol.iterator](): Iterator<T> {
    this.maybeDraw();
    try {
      for (const item of this.items) {
        yield item;
        this.update();
      }
    } finally {
      this.close();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    this.maybeDraw();
    let lastYield = performance.now();
    try {
      for (const item of this.items) {
        yield item;
        this.update();
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          await nextTurn();
          lastYield = performance.now();
        }
      }
    } finally {
      this.close();
    }
  }

  private state(done: boolean): ProgressState {
    return {
      label: this.options.label ?? '',
      n: this.n,
      total: this.total,
      elapsedMs: performance.now() - this.t0,
      values: this.values,
      done,
    };
  }

  private maybeDraw(): void {
    const now = performance.now();
    if (now - this.last < this.interval) return;
    this.last = now;
    this.draw(false);
  }

  private draw(final: boolean): void {
    const line = progressLine(this.state(final));
    this.updates++;
    if (this.options.write) {
      this.options.write(line, final);
    } else if (this.notebook) {
      const fraction = this.total ? Math.min(1, this.n / this.total) : undefined;
      const meter =
        fraction === undefined
          ? ''
          : `<progress max="1" value="${fraction.toFixed(4)}" style="vertical-align: middle; margin-right: 0.5em"></progress>`;
      const html = escapeHtml(progressLine(this.state(final), fraction === undefined));
      const bundle = {
        'text/plain': line,
        'text/html': `<div class="adlab-progress">${meter}<code>${html}</code></div>`,
      };
      display({ toMimeBundle: () => bundle }, { displayId: this.displayId, update: this.shown });
      this.shown = true;
    } else if (typeof process !== 'undefined' && process.stderr?.isTTY) {
      process.stderr.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    } else if (final) {
      console.log(line);
    }
  }
}

/**
 * A progress line over `items` (an array or any iterable) or over `0, 1, ..., n - 1`.
 * @example for await (const k of progress(1000, { label: 'adam' })) { ...; bar.set({ loss }) }
 * @example const bar = progress(steps); for await (const k of bar) bar.set({ loss: step(k) })
 */
export function progress<T = number>(
  items: Iterable<T> | number,
  options: ProgressOptions = {},
): Progress<T> {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`progress: options must be an object, got ${String(options)}`);
  if (typeof items === 'number') {
    if (!Number.isInteger(items) || items < 0)
      throw new RangeError(`progress: a count must be a non-negative integer, got ${items}`);
    const n = items;
    const range = function* (): Generator<number> {
      for (let i = 0; i < n; i++) yield i;
    };
    return new Progress(range() as unknown as Iterable<T>, options.total ?? n, options);
  }
  if (items === null || typeof (items as Iterable<T>)[Symbol.iterator] !== 'function')
    throw new TypeError(`progress: expected an iterable or a count, got ${String(items)}`);
  const length = Array.isArray(items) ? items.length : undefined;
  return new Progress(items, options.total ?? length, options);
}
