/**
 * The renderer for `application/vnd.adlab.figure.v1+json` (the plotting API: `plot.line`,
 * `plot.contour`, ...): the kernel's PNG shows at once and stays while plotly.js loads (or if it
 * cannot); then plotly draws the panels in the notebook's theme, redrawn when the theme changes.
 * Export writes light print-style SVG, PNG or PDF at one or two column widths.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { FigurePayload } from 'adlab/protocol';
import { parseFigurePayload } from '../model/figure-model';
import { h, renderOrError } from '../view/dom';
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
import { themeFrom } from '../view/optimizer-figures';
import { figureToPlotly, gridShape, slackWidth } from '../view/plotly-figure';
import { loadPlotly, type PlotlyLike } from '../view/plotly';
import { PlotlyRenderer } from './plotly-renderer';

/** Height on screen of one row of panels, and of the title and legend above them, in pixels. */
const ROW_HEIGHT = 300;
const TOP_HEIGHT = 40;
/** The least height in points of one row of panels in print, and of the text above the rows. */
const PRINT_ROW_MIN = 110;
const PRINT_TOP = 40;

/** A base64 PNG from the bundle, or undefined when it is missing or not base64. */
export function fallbackPng(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0) return undefined;
  const b64 = raw.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]+=*$/.test(b64) ? b64 : undefined;
}

/** One figure: the static picture at once, the plotly view on {@link FigureView.draw}. Never throws. */
export class FigureView {
  readonly node: HTMLElement;

  constructor(
    readonly payload: FigurePayload,
    png: string | undefined,
    private readonly load: () => Promise<PlotlyLike> = loadPlotly,
  ) {
    this.node = h('div', 'adlab-figure');
    const bar = h('div', 'adlab-figure-toolbar');
    bar.appendChild(
      exportControls('adlab-figure', (format, width) => void this.exportAs(format, width)),
    );
    this.node.appendChild(bar);
    if (png) {
      this._fallback = h('img', 'adlab-figure-fallback');
      this._fallback.alt = this.title || 'figure';
      this._fallback.src = `data:image/png;base64,${png}`;
      this.node.appendChild(this._fallback);
    }
    const { rows } = gridShape(payload);
    this._height = rows * ROW_HEIGHT + TOP_HEIGHT;
    this._plot = h('div', 'adlab-figure-plot');
    this.node.appendChild(this._plot);
    this._status = h('div', 'adlab-figure-status');
    this.node.appendChild(this._status);
  }

  /** The figure's title (or its first panel's), for file names and alt text. */
  get title(): string {
    return this.payload.title || this.payload.panels[0]?.title || '';
  }

  /** The plot element (plotly's graph div once drawn). */
  get plotNode(): HTMLElement {
    return this._plot;
  }

  /** Draws (or redraws) the figure in the live theme; skipped while the view has no width. */
  async draw(): Promise<void> {
    const width = this.node.clientWidth;
    if (this._disposed || width <= 0) return;
    try {
      const plotly = await this.load();
      if (this._disposed) return;
      const size = { width, height: this._height };
      const fig = figureToPlotly(this.payload, themeFrom(this.node), size);
      this._plot.style.height = `${size.height}px`;
      await plotly.react(this._plot, fig.data, fig.layout, {
        responsive: false,
        displaylogo: false,
        modeBarButtonsToRemove: ['toImage', 'sendChartToCloud', 'select2d', 'lasso2d'],
      });
      this._drawn = true;
      this._fallback?.remove();
      this._plot.dataset.drawn = 'true';
      this._status.textContent = '';
    } catch {
      this._plot.style.height = '';
      this._status.textContent = this._fallback
        ? 'plotly.js could not be loaded; this is the static image from the kernel.'
        : 'plotly.js could not be loaded.';
    }
  }

  /** Redraws at the new width. */
  resize(): void {
    void this.draw();
  }

  /** Downloads the figure in the light print style at a column width. Never throws. */
  async exportAs(format: ExportFormat, width: ColumnWidth = 'single'): Promise<void> {
    await exportReporting(format, this._status, async () => {
      const plotly = await this.load();
      const { rows, cols } = gridShape(this.payload);
      const size = printSize(width, rows, cols);
      // Panels side by side in one column would be a strip too flat to read: keep each row at
      // least PRINT_ROW_MIN points tall, plus the title and legend above.
      size.height = Math.max(size.height, rows * PRINT_ROW_MIN + PRINT_TOP);
      let fig = figureToPlotly(this.payload, PRINT_THEME, size);
      const slack = Math.floor(slackWidth(fig));
      if (slack > 0) {
        size.width -= slack;
        fig = figureToPlotly(this.payload, PRINT_THEME, size);
      }
      await exportPlotlyFigure(plotly, fig, format, size, safeFileName(this.title, 'figure'));
    });
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

  private readonly _plot: HTMLElement;
  private readonly _status: HTMLElement;
  private readonly _height: number;
  private _fallback: HTMLImageElement | undefined;
  private _drawn = false;
  private _disposed = false;
}

/** The DOM of a figure output: the view, or an error box. */
export interface FigureDom {
  node: HTMLElement;
  view?: FigureView;
}

/** Builds the view of a bundle's payload; a malformed payload gives the error box. Never throws. */
export function renderFigure(
  data: unknown,
  png?: unknown,
  load?: () => Promise<PlotlyLike>,
): FigureDom {
  return renderOrError(
    'figure',
    () => parseFigurePayload(data),
    (payload) => {
      const view = new FigureView(payload, fallbackPng(png), load);
      return { node: view.node, view };
    },
  );
}

/** The MIME renderer widget. */
export class FigureRenderer extends PlotlyRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'adlab-figure-output');
  }

  protected build(model: IRenderMime.IMimeModel): FigureDom {
    return renderFigure(model.data[this.mimeType], model.data['image/png']);
  }
}
