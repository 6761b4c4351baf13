/**
 * The renderer for `application/vnd.adlab.optimizer-run.v1+json`: a summary table of the runs
 * (method, hyperparameters, status, final loss), tabs for loss against iteration, evaluations and
 * wall time, the gradient norm, the effective preconditioner a_k P_k (eigenvalue range against
 * iteration) and trajectories over the contour for 2-D problems (step ellipses optional), drawn with
 * plotly.js (loaded on first use) in the notebook's theme, with light SVG/PNG/PDF export.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { colorAt } from 'adlab/plot-style';
import { formatFloat } from '../model/format';
import { LiveLink } from '../kernel/live-link';
import { parseOptimizerPayload, type OptimizerModel } from '../model/optimizer-model';
import { h, renderOrError } from '../view/dom';
import { PlotlyRenderer } from './plotly-renderer';
import { safeFileName } from '../view/download';
import {
  exportControls,
  exportPlotlyFigure,
  exportReporting,
  PRINT_THEME,
  printSize,
  type ColumnWidth,
  type ExportFormat,
} from '../view/figure-export';
import {
  buildFigure,
  TAB_TITLES,
  tabsFor,
  themeFrom,
  type OptimizerTab,
} from '../view/optimizer-figures';
import { hasStepEllipses, PRECONDITIONER_NOTE } from '../view/step-matrix-figures';
import { loadPlotly, type PlotlyLike } from '../view/plotly';
import { withPrintLegend } from '../view/print-legend';

export { loadPlotly, svgFromDataUrl, type PlotlyLike } from '../view/plotly';

/**
 * Least milliseconds between two plot redraws of a live run: a contour redraw costs tens of
 * milliseconds, so ten a second would fall behind on a slow machine (the table updates every time).
 */
const LIVE_REDRAW_MS = 250;

/** Plot height in pixels. */
const PLOT_HEIGHT = 380;

function button(text: string, title: string, className: string): HTMLButtonElement {
  const b = h('button', `adlab-opt-button ${className}`, text);
  b.type = 'button';
  b.title = title;
  return b;
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
    this._note = this.node.appendChild(h('div', 'adlab-opt-note'));
    this._plot = h('div', 'adlab-opt-plot');
    this._plot.style.height = `${PLOT_HEIGHT}px`;
    this.node.appendChild(this._plot);
    this._status = h('div', 'adlab-opt-status');
    this.node.appendChild(this._status);
    this._updateLive();
    this._syncTabExtras();
  }

  /** Whether the trajectories show the step ellipses (the checkbox). */
  get ellipses(): boolean {
    return this._ellipses;
  }

  /** Shows or hides the step ellipses on the trajectories and redraws. */
  setEllipses(on: boolean): Promise<void> {
    this._ellipses = on;
    if (this._ellipsesBox) this._ellipsesBox.checked = on;
    return this.draw();
  }

  /** The note under the tabs (what the preconditioner tab shows) and the ellipses checkbox. */
  private _syncTabExtras(): void {
    const pre = this.tab === 'preconditioner';
    const lanczos = this.model.runs.some((r) => r.stepMatrix?.estimate === 'lanczos');
    this._note.textContent = pre
      ? `${PRECONDITIONER_NOTE}${lanczos ? ' Large problems: Lanczos estimates (inside the true range).' : ''}`
      : '';
    this._note.hidden = !pre;
    if (this._ellipsesLabel)
      this._ellipsesLabel.hidden = !(this.tab === 'trajectories' && hasStepEllipses(this.model));
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
    this._syncTabExtras();
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
      const fig = buildFigure(this.model, this.tab, themeFrom(this.node), {
        ellipses: this._ellipses,
      });
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
    this._syncTabExtras();
    return this.draw();
  }

  /**
   * Downloads the current tab in the light print style at a column width (SVG, 300 dpi PNG, or a
   * vector PDF with embedded fonts). Never throws: a failure is said in the status line.
   */
  async exportAs(format: ExportFormat, width: ColumnWidth = 'single'): Promise<void> {
    await exportReporting(format, this._status, async () => {
      const plotly = await this.load();
      const size = printSize(width);
      const fig = withPrintLegend(
        buildFigure(this.model, this.tab, PRINT_THEME, { ellipses: this._ellipses }),
        size,
      );
      const name = safeFileName(`${this.model.problem || 'optimizer'}-${this.tab}`, 'optimizer');
      await exportPlotlyFigure(plotly, fig, format, size, name);
    });
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
    const exports = exportControls(
      'adlab-opt',
      (format, width) => void this.exportAs(format, width),
    );
    for (const b of exports.querySelectorAll('button')) b.classList.add('adlab-opt-button');
    bar.append(list, this._ellipsesToggle(), exports);
    return bar;
  }

  private _ellipsesToggle(): HTMLElement {
    const label = h('label', 'adlab-opt-ellipses');
    label.title =
      'draw, at a few points of each path, the image of a small circle under a_k P_k (one scale per run)';
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = this._ellipses;
    box.addEventListener('change', () => void this.setEllipses(box.checked));
    label.append(box, ' step ellipses (a·P)');
    this._ellipsesBox = box;
    this._ellipsesLabel = label;
    return label;
  }

  private readonly _plot: HTMLElement;
  private readonly _status: HTMLElement;
  private readonly _note: HTMLElement;
  private _ellipses = false;
  private _ellipsesBox: HTMLInputElement | undefined;
  private _ellipsesLabel: HTMLElement | undefined;
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
export class OptimizerRenderer extends PlotlyRenderer<OptimizerView> {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'adlab-opt-output');
  }

  protected build(model: IRenderMime.IMimeModel): OptimizerDom {
    return renderOptimizer(model.data[this.mimeType]);
  }

  /**
   * A newer payload of the same live run (update_display_data of `compareRuns.live`) updates the
   * view in place, keeping its tab and its link to the kernel.
   */
  protected override async updateInPlace(
    view: OptimizerView,
    model: IRenderMime.IMimeModel,
  ): Promise<boolean> {
    if (!view.model.live) return false;
    const parsed = parseOptimizerPayload(model.data[this.mimeType]);
    if (!parsed.ok || parsed.model.live?.handle !== view.model.live.handle) return false;
    await view.update(parsed.model);
    return true;
  }
}
