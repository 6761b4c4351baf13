/**
 * A heatmap of a 2-D grid drawn on a canvas, one canvas pixel per cell scaled up with pixelated
 * rendering. The background comes from the JupyterLab theme's `--jp-*` variables, read when
 * drawing (and redrawn when the theme changes); positive and negative values take the house
 * palette's first two colours (adlab/plot-style), as every adlab figure does.
 */
import type { PayloadDType } from 'adlab/protocol';
import { colorAt } from 'adlab/plot-style';
import type { HeatmapModel } from '../model/tensor-model';
import { formatValue } from '../model/format';
import { h } from './dom';

export type RGB = [number, number, number];

/** The colors a heatmap uses. */
export interface HeatmapPalette {
  /** Zero (diverging) or the low end (sequential). */
  base: RGB;
  /** High values. */
  high: RGB;
  /** Low values in a diverging scale. */
  low: RGB;
  /** NaN cells. */
  nan: RGB;
}

/** Fallback palette (JupyterLab light theme) when CSS variables are unavailable. */
export const DEFAULT_PALETTE: HeatmapPalette = {
  base: [255, 255, 255],
  high: [0x00, 0x72, 0xb2], // colorAt(0)
  low: [0xd5, 0x5e, 0x00], // colorAt(1)
  nan: [245, 124, 0],
};

/** Parses `#rgb`, `#rrggbb`, `rgb(...)` and `rgba(...)`; undefined for anything else. */
export function parseColor(input: string): RGB | undefined {
  const s = input.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) return [...m[1]!].map((c) => parseInt(c + c, 16)) as RGB;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(s);
  if (m) return [0, 2, 4].map((i) => parseInt(m![1]!.slice(i, i + 2), 16)) as RGB;
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(s);
  if (m) return [1, 2, 3].map((i) => Math.min(255, Math.round(Number(m![i])))) as RGB;
  return undefined;
}

/** Reads the palette from the theme variables visible at `node`. */
export function readPalette(node: Element): HeatmapPalette {
  const style = getComputedStyle(node);
  const get = (name: string, fallback: RGB): RGB =>
    parseColor(style.getPropertyValue(name)) ?? fallback;
  return {
    base: get('--jp-layout-color0', DEFAULT_PALETTE.base),
    high: parseColor(colorAt(0)) ?? DEFAULT_PALETTE.high,
    low: parseColor(colorAt(1)) ?? DEFAULT_PALETTE.low,
    nan: get('--jp-warn-color1', DEFAULT_PALETTE.nan),
  };
}

function mix(a: RGB, b: RGB, t: number): RGB {
  return [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as RGB;
}

/** The finite range of a grid, and whether the scale is diverging (range straddles zero). */
export function valueRange(values: readonly number[]): {
  lo: number;
  hi: number;
  diverging: boolean;
} {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) return { lo: 0, hi: 0, diverging: false };
  return { lo, hi, diverging: lo < 0 && hi > 0 };
}

/** Maps a value to a color on the palette's scale. */
export function colorFor(
  v: number,
  range: { lo: number; hi: number; diverging: boolean },
  palette: HeatmapPalette,
): RGB {
  if (Number.isNaN(v)) return palette.nan;
  const { lo, hi, diverging } = range;
  if (diverging) {
    const m = Math.max(-lo, hi);
    const t = Math.max(-1, Math.min(1, v / m));
    return t >= 0 ? mix(palette.base, palette.high, t) : mix(palette.base, palette.low, -t);
  }
  if (v === Infinity) return palette.high;
  if (v === -Infinity) return palette.base;
  const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
  return mix(palette.base, palette.high, Math.max(0, Math.min(1, t)));
}

/** The heatmap widget part: a figure with the canvas and a legend. */
export class HeatmapView {
  readonly node: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly _range: ReturnType<typeof valueRange>;

  constructor(
    private readonly _model: HeatmapModel,
    private readonly _dtype: PayloadDType,
    shape: readonly number[],
  ) {
    this._range = valueRange(_model.values);
    this.node = h('figure', 'adlab-heatmap');
    this.canvas = h('canvas', 'adlab-heatmap-canvas');
    this.canvas.width = _model.cols;
    this.canvas.height = _model.rows;
    const cell = Math.max(2, Math.min(24, Math.floor(320 / Math.max(_model.rows, _model.cols))));
    this.canvas.style.width = `${_model.cols * cell}px`;
    this.canvas.style.height = `${_model.rows * cell}px`;
    this.canvas.setAttribute('role', 'img');
    const label = _model.complete
      ? _model.rows === shape[0] && _model.cols === shape[1]
        ? 'heatmap of all values'
        : `heatmap, block-averaged to ${_model.rows}x${_model.cols}`
      : 'heatmap of the shown entries';
    this.canvas.setAttribute('aria-label', label);
    this.canvas.addEventListener('mousemove', this._onMove);
    this.node.appendChild(this.canvas);

    const legend = h('figcaption', 'adlab-heatmap-legend');
    const { lo, hi, diverging } = this._range;
    const fmt = (v: number): string => this._format(v);
    legend.appendChild(h('span', 'adlab-heatmap-lo', fmt(diverging ? -Math.max(-lo, hi) : lo)));
    legend.appendChild(
      h('span', `adlab-heatmap-bar ${diverging ? 'adlab-diverging' : 'adlab-sequential'}`),
    );
    legend.appendChild(h('span', 'adlab-heatmap-hi', fmt(diverging ? Math.max(-lo, hi) : hi)));
    legend.appendChild(h('span', 'adlab-heatmap-note', label));
    this.node.appendChild(legend);
  }

  /** Draws with the theme colors visible at the node; a no-op without a 2-D context (jsdom). */
  draw(): void {
    let ctx: CanvasRenderingContext2D | null;
    try {
      ctx = this.canvas.getContext('2d');
    } catch {
      ctx = null;
    }
    if (!ctx || typeof ctx.createImageData !== 'function') return;
    const { rows, cols, values } = this._model;
    const palette = readPalette(this.node);
    const image = ctx.createImageData(cols, rows);
    for (let i = 0; i < rows * cols; i++) {
      const [r, g, b] = colorFor(values[i]!, this._range, palette);
      image.data[4 * i] = r;
      image.data[4 * i + 1] = g;
      image.data[4 * i + 2] = b;
      image.data[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }

  /** Heatmap cells may be block averages: always format as floats. */
  private _format(v: number): string {
    return formatValue(v, this._dtype === 'float64' ? 'float64' : 'float32');
  }

  dispose(): void {
    this.canvas.removeEventListener('mousemove', this._onMove);
  }

  private readonly _onMove = (ev: MouseEvent): void => {
    const rect = this.canvas.getBoundingClientRect();
    if (rect.width <= 0 || rect.height <= 0) return;
    const { rows, cols, values, complete } = this._model;
    const c = Math.min(
      cols - 1,
      Math.max(0, Math.floor(((ev.clientX - rect.left) / rect.width) * cols)),
    );
    const r = Math.min(
      rows - 1,
      Math.max(0, Math.floor(((ev.clientY - rect.top) / rect.height) * rows)),
    );
    const v = this._format(values[r * cols + c]!);
    this.canvas.title = complete ? `cell (${r}, ${c}): ${v}` : `shown entry (${r}, ${c}): ${v}`;
  };
}
