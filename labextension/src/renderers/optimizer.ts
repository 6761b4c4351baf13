/**
 * The renderer for `application/vnd.adlab.optimizer-run.v1+json`: a summary table of the runs
 * (method, hyperparameters, status, final loss), tabs for loss against iteration, evaluations and
 * wall time, the gradient norm, and trajectories over the contour for 2-D problems, drawn with
 * plotly.js (loaded on first use) in the notebook's theme, with light SVG/PNG/PDF export.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import type { Message } from '@lumino/messaging';
import { colorAt } from 'adlab/plot-style';
import { formatFloat } from '../model/format';
import { LiveLink } from '../kernel/live-link';
import { parseOptimizerPayload, type OptimizerModel } from '../model/optimizer-model';
import { h, observeTheme, observeWidth, renderOrError } from '../view/dom';
import { downloadBlob, safeFileName } from '../view/download';
import { svgToPdfBlob } from '../view/pdf';
import {
  buildFigure,
  LIGHT_THEME,
  TAB_TITLES,
  tabsFor,
  themeFrom,
  type Figure,
  type OptimizerTab,
} from '../view/optimizer-figures';

/** The part of plotly.js we call; figures are plain objects built by optimizer-figures.ts. */
export interface PlotlyLike {
  react(
    root: HTMLElement,
    data: Figure['data'],
    layout: Figure['layout'],
    config?: Record<string, unknown>,
  ): Promise<unknown>;
  purge(root: HTMLElement): void;
  downloadImage(
    figure: Figure,
    options: {
      format: 'png' | 'svg';
      filename: string;
      width: number;
      height: number;
      scale?: number;
    },
  ): Promise<unknown>;
  toImage(
    figure: Figure,
    options: { format: 'svg'; width: number; height: number },
  ): Promise<string>;
  Plots: { resize(root: HTMLElement): unknown };
}

let plotlyPromise: Promise<PlotlyLike> | undefined;

/** Loads plotly.js once (a lazy chunk). */
export function loadPlotly(): Promise<PlotlyLike> {
  plotlyPromise ??= import('plotly.js-dist-min').then((m) => {
    const mod = m as unknown as { default?: PlotlyLike };
    return mod.default ?? (m as unknown as PlotlyLike);
  });
  plotlyPromise.catch(() => {
    plotlyPromise = undefined;
  });
  return plotlyPromise;
}

/**
 * Least milliseconds between two plot redraws of a live run: a contour redraw costs tens of
 * milliseconds, so ten a second would fall behind on a slow machine (the table updates every time).
 */
const LIVE_REDRAW_MS = 250;

/** Plot height in pixels. */
const PLOT_HEIGHT = 380;
/** Export size in pixels (PNG at 2x). */
const EXPORT_SIZE = { width: 800, height: 500 };

function button(text: string, title: string, className: string): HTMLButtonElement {
  const b = h('button', `adlab-opt-button ${className}`, text);
  b.type = 'button';
  b.title = title;
  return b;
}

/** The SVG text of a `data:image/svg+xml` URL from plotly's toImage (URL-encoded or base64). */
export function svgFromDataUrl(url: string): string {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:image/svg+xml') || comma < 0) throw new Error('not an SVG data URL');
  const body = url.slice(comma + 1);
  if (/;base64$/.test(url.slice(0, comma))) {
    const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  }
  return decodeURIComponent(body);
}

function fmt(x: number | undefined): string {
  return x === undefined ? '' : formatFloat(x, 4);
}

/** The live status line of a run in progress: iterations, rate, time; or where it stopped. */
export function liveStatusText(model: OptimizerModel): string {
  const live = model.live;
  if (!live) return '';
  const secs = `${(live.elapsedMs / 1000).toFixed(1)} s`;
  const rate = `${live.itPerSec >= 100 ? live.itPerSec.toFixed(0) : live.itPerSec.toPrecision(3)} it/s`;
  const iters = model.runs
    .map((r) => `${r.label} ${r.iter.length ? r.iter[r.iter.length - 1] : 0}`)
    .join(', ');
  if (live.state === 'stopped') {
    const at = live.stoppedAt ?? model.runs.map((r) => r.iter[r.iter.length - 1] ?? 0);
    return `stopped at iteration ${at.join(', ')} · kept what was computed · ${secs} · ${rate}`;
  }
  if (live.state === 'done') return `finished · ${iters} iterations · ${secs} · ${rate}`;
  return `running · iteration ${iters} · ${rate} · ${secs} · update ${live.updates}`;
}

/** One optimizer view: the DOM at once, the plot on {@link OptimizerView.draw}. Never throws. */
export class OptimizerView {
  readonly node: HTMLElement;
  /** The tab shown. */
  tab: OptimizerTab;
  /** The link to the kernel of a live run (`compareRuns.live`), for Stop. */
  readonly live: LiveLink | undefined;

  constructor(
    public model: OptimizerModel,
    private readonly load: () => Promise<PlotlyLike> = loadPlotly,
  ) {
    this.node = h('div', 'adlab-opt');
    const tabs = tabsFor(model);
    this.tab = tabs.includes('trajectories') ? 'trajectories' : 'iteration';
    this._headerNode = this.node.appendChild(this._header());
    this._tableNode = this.node.appendChild(this._table());
    if (model.live) {
      this.live = new LiveLink(this.node, model.live.handle, {
        onGoneChange: () => this._updateLive(),
      });
      this.node.appendChild(this._liveBar());
    }
    this._tabs = tabs;
    this._toolbarNode = this.node.appendChild(this._toolbar(tabs));
    this._plot = h('div', 'adlab-opt-plot');
    this._plot.style.height = `${PLOT_HEIGHT}px`;
    this.node.appendChild(this._plot);
    this._status = h('div', 'adlab-opt-status');
    this.node.appendChild(this._status);
    this._updateLive();
  }

  /**
   * Shows a newer payload of the same output (a live run's update): the table, the status line
   * and the plot change in place; the tab shown stays. Redraws coalesce: at most one is pending.
   */
  update(model: OptimizerModel): Promise<void> {
    this.model = model;
    this._headerNode = this._replace(this._headerNode, this._header());
    this._tableNode = this._replace(this._tableNode, this._table());
    const tabs = tabsFor(model);
    if (tabs.join() !== this._tabs.join()) {
      this._tabs = tabs;
      if (!tabs.includes(this.tab)) this.tab = tabs[0]!;
      this._toolbarNode = this._replace(this._toolbarNode, this._toolbar(tabs));
    }
    this._updateLive();
    // While running, the plot redraws at most every LIVE_REDRAW_MS (the table every update).
    const wait = this._lastDraw + LIVE_REDRAW_MS - performance.now();
    if (model.live?.state === 'running' && wait > 0) {
      this._redrawTimer ??= setTimeout(() => {
        this._redrawTimer = undefined;
        void this.draw();
      }, wait);
      return Promise.resolve();
    }
    return this.draw();
  }

  /** Asks the kernel to stop the live run (between two iterations). Never throws. */
  async stop(): Promise<void> {
    if (!this.live || !this._stop || this.model.live?.state !== 'running') return;
    this._stop.disabled = true;
    this._stop.textContent = 'stopping…';
    const r = await this.live.call('stop', {}, (x) => x as { running?: unknown });
    if (!r && this.model.live?.state === 'running') {
      this._stop.disabled = this.live.gone;
      this._stop.textContent = 'Stop';
    } else if (r?.value?.running === false && this.model.live?.state === 'running') {
      // The loop no longer runs (its cell was interrupted): no final update will come.
      this._stop.hidden = true;
      if (this._liveStatus)
        this._liveStatus.textContent = `${liveStatusText(this.model)} · the run no longer runs in the kernel (interrupted?): this is its last update`;
    }
  }

  private _replace(old: HTMLElement, next: HTMLElement): HTMLElement {
    old.replaceWith(next);
    return next;
  }

  private _liveBar(): HTMLElement {
    const bar = h('div', 'adlab-opt-live');
    this._stop = button(
      'Stop',
      'stop the runs after the current iteration (keeps what was computed)',
      'adlab-opt-stop',
    );
    this._stop.addEventListener('click', () => void this.stop());
    this._liveStatus = h('span', 'adlab-opt-live-status');
    this._liveStatus.setAttribute('aria-live', 'polite');
    bar.append(this._stop, this._liveStatus, this.live!.node);
    return bar;
  }

  private _updateLive(): void {
    const live = this.model.live;
    if (!live || !this._liveStatus || !this._stop) return;
    this._liveStatus.textContent = liveStatusText(this.model);
    const bar = this._liveStatus.parentElement!;
    bar.dataset.state = live.state;
    bar.dataset.updates = String(live.updates);
    bar.dataset.iterations = String(
      Math.max(0, ...this.model.runs.map((r) => r.iter[r.iter.length - 1] ?? 0)),
    );
    const running = live.state === 'running';
    this._stop.hidden = !running;
    if (running && this._stop.textContent !== 'stopping…') this._stop.disabled = !!this.live?.gone;
  }

  /** The plot element (plotly's graph div once drawn). */
  get plotNode(): HTMLElement {
    return this._plot;
  }

  /**
   * Draws (or redraws) the current tab in the live theme; skipped while the view has no width. A
   * call while a draw runs makes one more draw after it (live updates coalesce).
   */
  async draw(): Promise<void> {
    if (this._disposed || this._plot.clientWidth <= 0) return;
    if (this._drawing) {
      this._redraw = true;
      return this._drawing;
    }
    this._drawing = this._drawOnce();
    try {
      await this._drawing;
    } finally {
      this._drawing = undefined;
    }
    if (this._redraw) {
      this._redraw = false;
      await this.draw();
    }
  }

  private async _drawOnce(): Promise<void> {
    this._lastDraw = performance.now();
    try {
      const plotly = await this.load();
      if (this._disposed) return;
      const fig = buildFigure(this.model, this.tab, themeFrom(this.node));
      await plotly.react(
        this._plot,
        fig.data,
        { ...fig.layout, height: PLOT_HEIGHT },
        {
          responsive: false,
          displaylogo: false,
          modeBarButtonsToRemove: ['toImage', 'sendChartToCloud'],
        },
      );
      this._drawn = true;
      this._status.textContent = '';
    } catch {
      this._status.textContent = 'plotly.js could not be loaded; the table above lists the runs.';
    }
  }

  /** Resizes the plot to its container. */
  resize(): void {
    if (!this._drawn) {
      void this.draw();
      return;
    }
    void this.load()
      .then((p) => p.Plots.resize(this._plot))
      .catch(() => undefined);
  }

  /** Switches tab and redraws. */
  select(tab: OptimizerTab): Promise<void> {
    this.tab = tab;
    for (const b of this.node.querySelectorAll<HTMLElement>('.adlab-opt-tab')) {
      const on = b.dataset.tab === tab;
      b.classList.toggle('adlab-opt-tab-active', on);
      b.setAttribute('aria-selected', String(on));
    }
    return this.draw();
  }

  /** Downloads the current tab in the light theme. */
  async exportImage(format: 'png' | 'svg'): Promise<void> {
    try {
      const plotly = await this.load();
      const fig = buildFigure(this.model, this.tab, LIGHT_THEME);
      await plotly.downloadImage(
        { data: fig.data, layout: { ...fig.layout, ...EXPORT_SIZE } },
        {
          format,
          filename: safeFileName(`${this.model.problem || 'optimizer'}-${this.tab}`, 'optimizer'),
          ...EXPORT_SIZE,
          scale: format === 'png' ? 2 : 1,
        },
      );
    } catch {
      this._status.textContent = `${format.toUpperCase()} export failed.`;
    }
  }

  /** Downloads the current tab in the light theme as a vector PDF. Never throws. */
  async exportPdf(): Promise<void> {
    try {
      const plotly = await this.load();
      const fig = buildFigure(this.model, this.tab, LIGHT_THEME);
      const url = await plotly.toImage(
        { data: fig.data, layout: { ...fig.layout, ...EXPORT_SIZE } },
        { format: 'svg', ...EXPORT_SIZE },
      );
      const pdf = await svgToPdfBlob(svgFromDataUrl(url), EXPORT_SIZE.width, EXPORT_SIZE.height);
      const name = safeFileName(`${this.model.problem || 'optimizer'}-${this.tab}`, 'optimizer');
      downloadBlob(pdf, `${name}.pdf`);
    } catch {
      this._status.textContent = 'PDF export failed.';
    }
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    if (this._redrawTimer) clearTimeout(this._redrawTimer);
    if (this._drawn) {
      void this.load()
        .then((p) => p.purge(this._plot))
        .catch(() => undefined);
    }
  }

  private _header(): HTMLElement {
    const header = h('div', 'adlab-opt-header');
    header.appendChild(h('span', 'adlab-opt-title', 'Optimizer runs'));
    if (this.model.problem) header.appendChild(h('span', 'adlab-opt-problem', this.model.problem));
    const n = this.model.runs.length;
    header.appendChild(h('span', 'adlab-opt-count', `${n} run${n === 1 ? '' : 's'}`));
    if (this.model.fStar !== undefined) {
      header.appendChild(h('span', 'adlab-opt-fstar', `f* = ${fmt(this.model.fStar)}`));
    }
    return header;
  }

  private _table(): HTMLElement {
    const table = h('table', 'adlab-opt-table');
    const head = h('tr');
    for (const c of [
      'run',
      'settings',
      'results',
      'iterations',
      'evaluations',
      'final loss',
      'status',
    ]) {
      head.appendChild(h('th', undefined, c));
    }
    const thead = h('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    const body = h('tbody');
    for (const run of this.model.runs) {
      const tr = h('tr');
      const last = run.iter.length - 1;
      const cells = [
        run.label,
        run.hyperparameters
          .filter(([k]) => k !== 'maxIter' && k !== 'tol')
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
        run.results.map(([k, v]) => `${k}=${v}`).join(', '),
        last >= 0 ? String(run.iter[last]) : '0',
        last >= 0 ? String(run.evals[last]) : '0',
        last >= 0 ? fmt(run.loss[last]) : '',
        run.status || run.termination,
      ];
      cells.forEach((c, i) => {
        // Settings and results wrap; numbers never do (a loss like 2.502e-13 stays on one line).
        const td = h('td', i <= 2 ? 'adlab-opt-hyper' : 'adlab-opt-num', c);
        if (i === 0) td.style.borderLeft = `4px solid ${colorAt(run.colorIndex)}`;
        if (i === 7 && run.termination) td.title = run.termination;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    }
    table.appendChild(body);
    return table;
  }

  private _toolbar(tabs: OptimizerTab[]): HTMLElement {
    const bar = h('div', 'adlab-opt-toolbar');
    const list = h('div', 'adlab-opt-tabs');
    list.setAttribute('role', 'tablist');
    for (const t of tabs) {
      const b = button(TAB_TITLES[t], TAB_TITLES[t], 'adlab-opt-tab');
      b.dataset.tab = t;
      b.setAttribute('role', 'tab');
      const on = t === this.tab;
      b.classList.toggle('adlab-opt-tab-active', on);
      b.setAttribute('aria-selected', String(on));
      b.addEventListener('click', () => void this.select(t));
      list.appendChild(b);
    }
    const svg = button('SVG', 'download this plot as SVG (light style)', 'adlab-opt-export-svg');
    svg.addEventListener('click', () => void this.exportImage('svg'));
    const png = button(
      'PNG',
      'download this plot as PNG (light style, 2x)',
      'adlab-opt-export-png',
    );
    png.addEventListener('click', () => void this.exportImage('png'));
    const pdf = button(
      'PDF',
      'download this plot as vector PDF (light style)',
      'adlab-opt-export-pdf',
    );
    pdf.addEventListener('click', () => void this.exportPdf());
    bar.append(list, svg, png, pdf);
    return bar;
  }

  private readonly _plot: HTMLElement;
  private readonly _status: HTMLElement;
  private _headerNode: HTMLElement;
  private _tableNode: HTMLElement;
  private _toolbarNode: HTMLElement;
  private _tabs: OptimizerTab[];
  private _stop: HTMLButtonElement | undefined;
  private _liveStatus: HTMLElement | undefined;
  private _drawing: Promise<void> | undefined;
  private _redraw = false;
  private _lastDraw = -Infinity;
  private _redrawTimer: ReturnType<typeof setTimeout> | undefined;
  private _drawn = false;
  private _disposed = false;
}

/** The DOM of an optimizer output: the view, or an error box. */
export interface OptimizerDom {
  node: HTMLElement;
  view?: OptimizerView;
}

/** Builds the view of a payload; a malformed payload gives the error box. Never throws. */
export function renderOptimizer(data: unknown, load?: () => Promise<PlotlyLike>): OptimizerDom {
  return renderOrError(
    'optimizer run',
    () => parseOptimizerPayload(data),
    (model) => {
      const view = new OptimizerView(model, load);
      return { node: view.node, view };
    },
  );
}

/** The MIME renderer widget. */
export class OptimizerRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this.addClass('adlab-opt-output');
  }

  /**
   * Draws a payload. A newer payload of the same live run (update_display_data of
   * `compareRuns.live`) updates the view in place, keeping its tab and its link to the kernel.
   */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[this._mimeType];
    const view = this._view;
    if (view?.model.live) {
      const parsed = parseOptimizerPayload(data);
      if (parsed.ok && parsed.model.live?.handle === view.model.live.handle) {
        await view.update(parsed.model);
        return;
      }
    }
    this._clear();
    const dom = renderOptimizer(data);
    this.node.appendChild(dom.node);
    this._view = dom.view;
    if (this.isAttached) {
      this._view?.live?.attach();
      await this._view?.draw();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._clear();
    super.dispose();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // The theme's stylesheet can land after the body's attributes change: redraw again shortly.
    this._unobserve = observeTheme(() => {
      void this._view?.draw();
      for (const ms of [200, 800]) setTimeout(() => void this._view?.draw(), ms);
    });
    // Notebooks are virtualized: draw once the output has a width, resize when it changes.
    this._unobserveWidth = observeWidth(this.node, () => this._view?.resize());
    this._view?.live?.attach();
    void this._view?.draw();
  }

  protected override onBeforeDetach(msg: Message): void {
    this._unobserve?.();
    this._unobserve = undefined;
    this._unobserveWidth?.();
    this._unobserveWidth = undefined;
    this._view?.live?.detach();
    super.onBeforeDetach(msg);
  }

  private _clear(): void {
    this._view?.live?.detach();
    this._view?.dispose();
    this._view = undefined;
    this.node.textContent = '';
  }

  private readonly _mimeType: string;
  private _view: OptimizerView | undefined;
  private _unobserve: (() => void) | undefined;
  private _unobserveWidth: (() => void) | undefined;
}
