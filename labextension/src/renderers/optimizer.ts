/**
 * The renderer for `application/vnd.adlab.optimizer-run.v1+json`: a summary table of the runs
 * (method, hyperparameters, status, final loss), tabs for loss against iteration, evaluations and
 * wall time, the gradient norm, and trajectories over the contour for 2-D problems, drawn with
 * plotly.js (loaded on first use) in the notebook's theme, with light SVG/PNG/PDF export.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { colorAt } from 'adlab/plot-style';
import { formatFloat } from '../model/format';
import { parseOptimizerPayload, type OptimizerModel } from '../model/optimizer-model';
import { h, renderOrError } from '../view/dom';
import { PlotlyRenderer } from './plotly-renderer';
import { safeFileName } from '../view/download';
import {
  exportControls,
  exportPlotlyFigure,
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
import { loadPlotly, type PlotlyLike } from '../view/plotly';

export { loadPlotly, svgFromDataUrl, type PlotlyLike } from '../view/plotly';

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

/** One optimizer view: the DOM at once, the plot on {@link OptimizerView.draw}. Never throws. */
export class OptimizerView {
  readonly node: HTMLElement;
  /** The tab shown. */
  tab: OptimizerTab;

  constructor(
    readonly model: OptimizerModel,
    private readonly load: () => Promise<PlotlyLike> = loadPlotly,
  ) {
    this.node = h('div', 'adlab-opt');
    const tabs = tabsFor(model);
    this.tab = tabs.includes('trajectories') ? 'trajectories' : 'iteration';
    this.node.appendChild(this._header());
    this.node.appendChild(this._table());
    this.node.appendChild(this._toolbar(tabs));
    this._plot = h('div', 'adlab-opt-plot');
    this._plot.style.height = `${PLOT_HEIGHT}px`;
    this.node.appendChild(this._plot);
    this._status = h('div', 'adlab-opt-status');
    this.node.appendChild(this._status);
  }

  /** The plot element (plotly's graph div once drawn). */
  get plotNode(): HTMLElement {
    return this._plot;
  }

  /** Draws (or redraws) the current tab in the live theme; skipped while the view has no width. */
  async draw(): Promise<void> {
    if (this._disposed || this._plot.clientWidth <= 0) return;
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

  /**
   * Downloads the current tab in the light print style at a column width (SVG, 300 dpi PNG, or a
   * vector PDF with embedded fonts). Never throws: a failure is said in the status line.
   */
  async exportAs(format: ExportFormat, width: ColumnWidth = 'single'): Promise<void> {
    try {
      const plotly = await this.load();
      const size = printSize(width);
      const fig = buildFigure(this.model, this.tab, PRINT_THEME);
      const name = safeFileName(`${this.model.problem || 'optimizer'}-${this.tab}`, 'optimizer');
      await exportPlotlyFigure(plotly, fig, format, size, name);
      this._status.textContent = '';
    } catch {
      this._status.textContent = `${format.toUpperCase()} export failed.`;
    }
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
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
    bar.append(list, exports);
    return bar;
  }

  private readonly _plot: HTMLElement;
  private readonly _status: HTMLElement;
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
export class OptimizerRenderer extends PlotlyRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'adlab-opt-output');
  }

  protected build(model: IRenderMime.IMimeModel): OptimizerDom {
    return renderOptimizer(model.data[this.mimeType]);
  }
}
