/**
 * The spectrum of a Hessian as a stem plot (one stem per eigenvalue or Ritz value, in ascending
 * order, the extremes marked), drawn through the plotting layer: a figure payload in the house
 * style (adlab/plot-style's palette, ticks and number format, as the kernel's `plot.spectrum`),
 * rendered by plotly.js (loaded on first use) in the notebook's theme, exported light for print.
 * Without plotly (or before it loads) the extremes stay readable in the fields above it.
 */
import type { FigurePayload } from 'adlab/protocol';
import { colorAt, formatNumber, linearTicks } from 'adlab/plot-style';
import { h, observeTheme } from './dom';
import { exportControls, exportPlotlyFigure, PRINT_THEME, printSize } from './figure-export';
import { themeFrom } from './optimizer-figures';
import { figureToPlotly } from './plotly-figure';
import { loadPlotly } from './plotly';

const HEIGHT = 260;

/** The stem-plot figure payload of ascending eigenvalues `eig`. */
export function spectrumPayload(eig: readonly number[]): FigurePayload {
  const n = eig.length;
  const lo = Math.min(0, ...eig);
  const hi = Math.max(0, ...eig);
  const pad = (hi - lo) * 0.06 || 1;
  const yTicks = linearTicks(lo - pad, hi + pad, 5);
  const xTicks = linearTicks(1, Math.max(2, n), 10).filter((v) => Number.isInteger(v) && v >= 1);
  const ends = n > 1 ? [0, n - 1] : [0];
  return {
    title: '',
    columns: 1,
    panels: [
      {
        title: '',
        x: {
          label: 'index (ascending)',
          scale: 'linear',
          range: [0.4, n + 0.6],
          ticks: { values: xTicks, labels: xTicks.map((v) => String(v)) },
        },
        y: {
          label: 'eigenvalue λ',
          scale: 'linear',
          range: [lo - pad, hi + pad],
          ticks: { values: yTicks, labels: yTicks.map((v) => formatNumber(v, 3)) },
        },
        series: [
          { kind: 'stems', name: 'λ', color: colorAt(0), x: eig.map((_, i) => i + 1), y: [...eig] },
          {
            kind: 'line',
            // Unnamed: the note names the extremes, and one named series needs no legend.
            name: '',
            color: colorAt(1),
            x: ends.map((i) => i + 1),
            y: ends.map((i) => eig[i]!),
            lines: false,
            markers: true,
            size: 9,
          },
        ],
        notes: [
          n > 1
            ? `λmin = ${formatNumber(eig[0]!)}, λmax = ${formatNumber(eig[n - 1]!)}`
            : `λ = ${formatNumber(eig[0]!)}`,
        ],
      },
    ],
  };
}

/** The plot's container; `draw` renders into it once it is in the page. */
export class SpectrumPlot {
  readonly node: HTMLElement;

  constructor(private readonly load = loadPlotly) {
    this.node = h('div', 'adlab-probe-spectrum-box');
    const bar = h('div', 'adlab-figure-toolbar');
    bar.appendChild(
      exportControls('adlab-probe', (format, width) => void this.exportAs(format, width)),
    );
    this._plot = h('div', 'adlab-probe-spectrum-plot');
    this._plot.style.minHeight = `${HEIGHT}px`;
    this._status = h('div', 'adlab-figure-status');
    this.node.append(bar, this._plot, this._status);
  }

  /** The plot element (its `data-drawn` is the number of values drawn). */
  get plotNode(): HTMLElement {
    return this._plot;
  }

  /** Draws `eig` (ascending), again on theme changes; waits (a few frames) to be in the page. */
  draw(eig: readonly number[], frames = 120): void {
    this._eig = eig;
    this._unobserve ??= observeTheme(
      () => this._eig && this.node.isConnected && this.draw(this._eig),
    );
    if (!this.node.isConnected || this._plot.clientWidth <= 0) {
      if (frames > 0 && typeof requestAnimationFrame === 'function')
        requestAnimationFrame(() => this.draw(eig, frames - 1));
      return;
    }
    const size = { width: this._plot.clientWidth, height: HEIGHT };
    const figure = figureToPlotly(spectrumPayload(eig), themeFrom(this.node), size);
    this.load()
      .then((plotly) =>
        plotly.react(this._plot, figure.data, figure.layout, { displaylogo: false }),
      )
      .then(() => (this._plot.dataset.drawn = String(eig.length)))
      .catch(() => {
        this._status.textContent =
          'the spectrum plot could not be drawn (plotly.js failed to load)';
      });
  }

  /** Downloads the spectrum in the light print style. Never throws. */
  async exportAs(
    format: 'svg' | 'png' | 'pdf',
    width: 'single' | 'double' = 'single',
  ): Promise<void> {
    if (!this._eig) return;
    try {
      const plotly = await this.load();
      const size = printSize(width);
      const fig = figureToPlotly(spectrumPayload(this._eig), PRINT_THEME, size);
      await exportPlotlyFigure(plotly, fig, format, size, 'hessian-spectrum');
      this._status.textContent = '';
    } catch (e) {
      console.warn(`adlab: ${format} export failed`, e);
      this._status.textContent = `${format.toUpperCase()} export failed.`;
    }
  }

  /** Stops redrawing on theme changes. */
  dispose(): void {
    this._unobserve?.();
    this._unobserve = undefined;
  }

  private readonly _plot: HTMLElement;
  private readonly _status: HTMLElement;
  private _eig: readonly number[] | undefined;
  private _unobserve: (() => void) | undefined;
}
