/**
 * A compact legend for print exports: plotly's horizontal legend wraps three runs into a grid of
 * equal columns with tall rows (a quarter of a 3.5 in figure). Here each entry is as wide as its
 * label, measured in the export font, entries wrap only when the row is full, and rows are one
 * line of text high; the entries are drawn as line samples (shapes) and labels (annotations)
 * anchored to the plot's top-left corner in pixels, so plotly's automatic margins cannot push
 * them onto the axes.
 */
import { estimatedLabelWidth, PRINT_LEGEND } from 'adlab/plot-style';
import { escapePlotly, type Figure } from './optimizer-figures';

/** The width in pixels of `text` at `fontSize` (the export font when a canvas can measure it). */
export type MeasureText = (text: string, fontSize: number) => number;

/** The legend font: what exports embed (pdf.ts), as a canvas font family. */
const FONT = "'DejaVu Sans', Arial, sans-serif";

/** DejaVu Sans' average advance, used where no canvas measures. */
const estimate: MeasureText = estimatedLabelWidth;

let canvas: CanvasRenderingContext2D | null | undefined;

/** Measures with a 2-D canvas (real glyph widths), or estimates where there is none (jsdom). */
export const measureText: MeasureText = (text, fontSize) => {
  if (canvas === undefined) {
    try {
      canvas =
        typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
    } catch {
      canvas = null;
    }
  }
  if (!canvas) return estimate(text, fontSize);
  canvas.font = `${fontSize}px ${FONT}`;
  const w = canvas.measureText(text).width;
  // A canvas without the font measures in a narrower fallback: never count less than DejaVu.
  return Math.max(w, estimate(text, fontSize) * 0.85);
};

/** One legend entry: a run's name (as plotly text, entity-escaped) and colour. */
export interface LegendEntry {
  name: string;
  color: string;
  markers: boolean;
}

/** An entry placed at (x, row) in pixels from the plot's left edge, its label cut to fit. */
export interface PlacedEntry extends LegendEntry {
  x: number;
  row: number;
  label: string;
}

/** The entries of a figure's legend: named traces shown in the legend, once per name. */
export function legendEntries(fig: Figure): LegendEntry[] {
  const seen = new Set<string>();
  const out: LegendEntry[] = [];
  for (const t of fig.data) {
    const name = typeof t.name === 'string' ? t.name : '';
    if (!name || t.showlegend === false || seen.has(name) || t.type === 'contour') continue;
    seen.add(name);
    const line = (t.line ?? {}) as { color?: string };
    const marker = (t.marker ?? {}) as { color?: string };
    out.push({
      name,
      color: line.color ?? marker.color ?? '#000000',
      markers: typeof t.mode === 'string' && t.mode.includes('markers'),
    });
  }
  return out;
}

/** Plotly text (entities escaped) as the characters it shows, for measuring. */
function shown(name: string): string {
  return name
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#37;/g, '%')
    .replace(/&amp;/g, '&');
}

/** The sizes of an entry, in font sizes: line sample, gap to the label, gap to the next entry. */
const { sample: SAMPLE, textGap: TEXT_GAP, entryGap: ENTRY_GAP } = PRINT_LEGEND;

/**
 * Entries laid out left to right in rows of at most `width` pixels, each as wide as its label;
 * a label longer than a whole row is cut with an ellipsis (never drawn over its neighbour).
 */
export function layoutEntries(
  entries: readonly LegendEntry[],
  width: number,
  fontSize: number,
  measure: MeasureText = measureText,
): PlacedEntry[] {
  const lead = (SAMPLE + TEXT_GAP) * fontSize;
  const out: PlacedEntry[] = [];
  let x = 0;
  let row = 0;
  for (const e of entries) {
    let label = e.name;
    let w = measure(shown(label), fontSize);
    if (lead + w > width) {
      const text = [...shown(label)];
      while (text.length > 1 && lead + measure(`${text.join('')}…`, fontSize) > width) text.pop();
      label = escapePlotly(`${text.join('')}…`);
      w = measure(`${text.join('')}…`, fontSize);
    }
    if (x > 0 && x + lead + w > width) {
      row++;
      x = 0;
    }
    out.push({ ...e, x, row, label });
    x += lead + w + ENTRY_GAP * fontSize;
  }
  return out;
}

/**
 * The figure with its legend replaced by the compact one above the plot (`size` in pixels, which
 * are points in print). Figures with fewer than two entries keep no legend at all.
 */
export function withPrintLegend(
  fig: Figure,
  size: { width: number },
  measure: MeasureText = measureText,
): Figure {
  const entries = legendEntries(fig);
  const layout = { ...fig.layout };
  const font = (layout.font ?? {}) as { size?: number };
  const fs = Math.round((font.size ?? 8) * 0.95);
  const margin = { l: 40, r: 10, t: 20, b: 30, ...(layout.margin as object) };
  layout.showlegend = false;
  if (entries.length < 2) return { data: fig.data, layout };
  // Rows span the figure from the left margin's edge (less a little padding) to the right edge.
  const left = -margin.l + fs * 0.5;
  const placed = layoutEntries(entries, size.width - fs, fs, measure);
  const rows = Math.max(...placed.map((p) => p.row)) + 1;
  const rowH = fs * 1.35;
  // Plot top at y = 1 (paper); rows above it, the first highest.
  const rowY = (row: number) => fs * 0.7 + (rows - 1 - row) * rowH + rowH / 2;
  layout.margin = { ...margin, t: Math.ceil(fs * 1.1 + rows * rowH) };
  const anchored = { xref: 'paper', yref: 'paper', xsizemode: 'pixel', ysizemode: 'pixel' };
  const shapes = placed.flatMap((p) => {
    const x0 = left + p.x;
    const y = rowY(p.row);
    const line = {
      type: 'line',
      ...anchored,
      xanchor: 0,
      yanchor: 1,
      x0,
      x1: x0 + SAMPLE * fs,
      y0: y,
      y1: y,
      line: { color: p.color, width: 1.5 },
    };
    if (!p.markers) return [line];
    const r = fs * 0.22;
    const cx = x0 + (SAMPLE * fs) / 2;
    const dot = {
      type: 'circle',
      ...anchored,
      xanchor: 0,
      yanchor: 1,
      x0: cx - r,
      x1: cx + r,
      y0: y - r,
      y1: y + r,
      fillcolor: p.color,
      line: { width: 0 },
    };
    return [line, dot];
  });
  const labels = placed.map((p) => ({
    text: p.label,
    xref: 'paper',
    yref: 'paper',
    x: 0,
    y: 1,
    xanchor: 'left',
    yanchor: 'middle',
    xshift: left + p.x + (SAMPLE + TEXT_GAP) * fs,
    yshift: rowY(p.row),
    showarrow: false,
    font: { size: fs },
  }));
  layout.shapes = [...((layout.shapes as unknown[]) ?? []), ...shapes];
  layout.annotations = [...((layout.annotations as unknown[]) ?? []), ...labels];
  return { data: fig.data, layout };
}
