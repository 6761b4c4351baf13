/**
 * The spectrum of a Hessian as a stem plot (one stem per eigenvalue or Ritz value, in ascending
 * order), the extremes marked and labelled, drawn with plotly.js (loaded on first use) in the
 * notebook's theme. Without plotly (or before it loads) the extremes stay readable as text fields.
 */
import { loadPlotly } from '../renderers/optimizer';
import { formatFloat } from '../model/format';
import { themeFrom, type Figure } from './optimizer-figures';
import { h, observeTheme } from './dom';

const HEIGHT = 240;

/** The stem-plot figure of ascending eigenvalues `eig`. */
export function spectrumFigure(eig: readonly number[], node: Element): Figure {
  const theme = themeFrom(node);
  const css = typeof getComputedStyle === 'undefined' ? undefined : getComputedStyle(node);
  const color = (name: string, fallback: string): string =>
    css?.getPropertyValue(name).trim() || fallback;
  const stem = color('--jp-brand-color1', '#1976d2');
  const extreme = color('--jp-error-color1', '#d32f2f');
  const xs = eig.map((_, i) => i + 1);
  const stemX: (number | null)[] = [];
  const stemY: (number | null)[] = [];
  eig.forEach((e, i) => stemX.push(i + 1, i + 1, null) && stemY.push(0, e, null));
  const last = eig.length - 1;
  const ends = last > 0 ? [0, last] : [0];
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines',
        x: stemX,
        y: stemY,
        line: { color: stem, width: 1 },
        hoverinfo: 'skip',
        showlegend: false,
      },
      {
        type: 'scatter',
        mode: 'markers',
        x: xs,
        y: eig,
        marker: { color: stem, size: 6 },
        name: 'λ',
        hovertemplate: 'λ_%{x} = %{y:.6g}<extra></extra>',
        showlegend: false,
      },
      {
        type: 'scatter',
        mode: 'markers+text',
        x: ends.map((i) => i + 1),
        y: ends.map((i) => eig[i]),
        text: ends.map((i) => `${i === 0 ? 'λ_min' : 'λ_max'} = ${formatFloat(eig[i]!, 4)}`),
        textposition: ends.map((i) => (i === 0 && last > 0 ? 'middle right' : 'middle left')),
        marker: { color: extreme, size: 9, symbol: 'diamond' },
        textfont: { color: theme.font },
        hoverinfo: 'skip',
        showlegend: false,
      },
    ],
    layout: {
      height: HEIGHT,
      margin: { l: 56, r: 16, t: 12, b: 36 },
      paper_bgcolor: theme.paper,
      plot_bgcolor: theme.plot,
      font: { color: theme.font, family: theme.fontFamily, size: 11 },
      xaxis: {
        title: { text: 'index (ascending)' },
        gridcolor: theme.grid,
        zeroline: false,
        range: [0.3, eig.length + 0.7],
        tickmode: 'linear',
        tick0: 1,
        dtick: Math.max(1, Math.ceil(eig.length / 12)),
      },
      yaxis: {
        title: { text: 'eigenvalue' },
        gridcolor: theme.grid,
        zeroline: true,
        zerolinecolor: theme.font,
      },
    },
  };
}

/** The plot's container; `draw` renders into it once it is in the page. */
export class SpectrumPlot {
  readonly node: HTMLElement;

  constructor() {
    this.node = h('div', 'adlab-probe-spectrum-plot');
    this.node.style.minHeight = `${HEIGHT}px`;
  }

  /** Draws `eig` (ascending), again on theme changes; waits (a few frames) to be in the page. */
  draw(eig: readonly number[], frames = 120): void {
    this._eig = eig;
    this._unobserve ??= observeTheme(
      () => this._eig && this.node.isConnected && this.draw(this._eig),
    );
    if (!this.node.isConnected) {
      if (frames > 0 && typeof requestAnimationFrame === 'function')
        requestAnimationFrame(() => this.draw(eig, frames - 1));
      return;
    }
    const figure = spectrumFigure(eig, this.node);
    loadPlotly()
      .then((plotly) =>
        plotly.react(this.node, figure.data, figure.layout, {
          displaylogo: false,
          responsive: true,
        }),
      )
      .then(() => (this.node.dataset.drawn = String(eig.length)))
      .catch(() => {
        this.node.textContent = 'the spectrum plot could not be drawn (plotly.js failed to load)';
      });
  }

  /** Stops redrawing on theme changes. */
  dispose(): void {
    this._unobserve?.();
    this._unobserve = undefined;
  }

  private _eig: readonly number[] | undefined;
  private _unobserve: (() => void) | undefined;
}
