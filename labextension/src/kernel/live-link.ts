/**
 * The part of a widget that talks to its kernel: a status line and an error box under the live
 * controls. A widget whose payload carries `live: { handle }` makes one {@link LiveLink}, puts its
 * `node` near its controls, calls `attach()`/`detach()` from its lifecycle and `call()` for each
 * request. Failures never throw: they show in the error box (or, when the kernel is gone, as the one
 * line saying that live controls need the kernel that made the output) and `call` returns undefined.
 */
import { parseSafely } from '../model/validate';
import { h } from '../view/dom';
import { KERNEL_GONE_MESSAGE, liveChannel, type LiveChannel } from './live-channel';

/** A successful call: the parsed result and its timings. */
export interface LiveCallResult<T> {
  value: T;
  /** Milliseconds the handler ran in the kernel. */
  kernelMs: number;
  /** Milliseconds from sending the request to receiving its reply. */
  roundTripMs: number;
}

/** Options of {@link LiveLink}. */
export interface LiveLinkOptions {
  /** Called when the kernel is found gone (true) or a call succeeds again (false). */
  onGoneChange?: (gone: boolean) => void;
  /** The channel (default: the page's). */
  channel?: LiveChannel;
}

const fmtMs = (ms: number): string =>
  Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms` : '? ms';

/** A widget's link to the live handle its payload names. */
export class LiveLink {
  /** The status line and the error box. */
  readonly node: HTMLElement;

  constructor(
    private readonly _host: HTMLElement,
    readonly handle: string | undefined,
    private readonly _options: LiveLinkOptions = {},
  ) {
    this.node = h('div', 'adlab-live');
    this._status = this.node.appendChild(h('div', 'adlab-live-status'));
    this._error = this.node.appendChild(h('div', 'adlab-error adlab-live-error'));
    this._error.setAttribute('role', 'alert');
    this._error.hidden = true;
    if (!handle)
      this._setGone(true, 'Live controls need a kernel: this output has no live handle.');
  }

  /** True when requests can be tried (a handle, and the kernel not known to be gone). */
  get available(): boolean {
    return this.handle !== undefined && !this._gone;
  }

  /** True once the kernel that made the output is known to be gone. */
  get gone(): boolean {
    return this._gone;
  }

  /** Checks that the kernel still holds the handle, and watches for restarts. */
  attach(): void {
    if (!this.handle) return;
    this._unwatch?.();
    this._unwatch = this._channel.watch(this._host, () => void this.check());
    void this.check();
  }

  /** Stops watching the kernel. */
  detach(): void {
    this._unwatch?.();
    this._unwatch = undefined;
  }

  /** Asks the kernel whether the handle is alive; marks the link gone if not. */
  async check(): Promise<boolean> {
    if (!this.handle) return false;
    const r = await this._channel.request(this._host, this.handle, '$alive', {}, 10_000);
    if (r.ok) this._setGone(false);
    else if (r.kind === 'gone') this._setGone(true);
    return r.ok;
  }

  /**
   * Runs `op` with `args` in the kernel and parses the result with `parse` (which may throw
   * through `fail`). Returns undefined after showing why when anything goes wrong.
   */
  async call<T>(
    op: string,
    args: Record<string, unknown>,
    parse: (result: unknown) => T,
    timeoutMs?: number,
  ): Promise<LiveCallResult<T> | undefined> {
    if (!this.handle || this._gone) return undefined;
    this._status.textContent = `computing ${op} in the kernel…`;
    this.node.classList.add('adlab-live-busy');
    const r = await this._channel.request(this._host, this.handle, op, args, timeoutMs);
    this.node.classList.remove('adlab-live-busy');
    if (!r.ok) {
      if (r.kind === 'gone') this._setGone(true);
      else this._showError(`live ${op} failed: ${r.message}`);
      this._status.textContent = this._gone ? KERNEL_GONE_MESSAGE : '';
      return undefined;
    }
    const parsed = parseSafely(parse, r.result);
    if (!parsed.ok) {
      this._showError(`malformed reply to ${op}: ${parsed.error}`);
      this._status.textContent = '';
      return undefined;
    }
    this._setGone(false);
    this._error.hidden = true;
    this._status.textContent = `${op}: ${fmtMs(r.kernelMs)} in the kernel, ${fmtMs(r.roundTripMs)} round trip`;
    this._status.dataset.roundTripMs = String(r.roundTripMs);
    return { value: parsed.model, kernelMs: r.kernelMs, roundTripMs: r.roundTripMs };
  }

  private get _channel(): LiveChannel {
    return this._options.channel ?? liveChannel();
  }

  private _showError(message: string): void {
    this._error.textContent = `adlab: ${message}`;
    this._error.hidden = false;
  }

  private _setGone(gone: boolean, message = KERNEL_GONE_MESSAGE): void {
    const changed = gone !== this._gone;
    this._gone = gone;
    this.node.classList.toggle('adlab-live-gone', gone);
    if (gone) this._status.textContent = message;
    else if (changed) this._status.textContent = '';
    if (changed) this._options.onGoneChange?.(gone);
  }

  private _gone = false;
  private readonly _status: HTMLElement;
  private readonly _error: HTMLElement;
  private _unwatch: (() => void) | undefined;
}
