/**
 * plotly.js, loaded on first use (a lazy chunk of about 4.6 MB): the part of its API the views
 * call, and the decoding of its image data URLs.
 */
import type { Figure } from './optimizer-figures';

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
    options: { format: 'svg' | 'png'; width: number; height: number; scale?: number },
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
