/**
 * The plotting API: `plot.line`, `plot.scatter`, `plot.contour`, `plot.heatmap`, `plot.hist`,
 * `plot.spectrum` and `plot.grid` (small multiples). Every figure displays in JupyterLab (plotly,
 * in the notebook's theme), carries a PNG fallback made in the kernel, and saves PDF/SVG/PNG.
 * @example plot.grid([plot.line(losses, { yScale: 'log' }), plot.hist(grads)], { columns: 2 })
 */
import { contour, heatmap, hist, line, scatter, spectrum } from './builders';
import { Figure } from './figure';
import { mathText } from './math-text';

/** Options of {@link grid}. */
export interface GridLayoutOptions {
  /** Panels per row (default: all in one row, at most 3). */
  columns?: number;
  /** A title over the whole figure. */
  title?: string;
}

/**
 * Small multiples: the panels of several figures in one figure, `columns` per row.
 * @example plot.grid([figA, figB, figC, figD], { columns: 2, title: 'four optimizers' })
 */
export function grid(figures: readonly Figure[], options: GridLayoutOptions = {}): Figure {
  if (
    !Array.isArray(figures) ||
    figures.length === 0 ||
    !figures.every((f) => f instanceof Figure)
  ) {
    throw new TypeError(
      'plot.grid: expected a non-empty array of figures (from plot.line, plot.contour, ...)',
    );
  }
  const panels = figures.flatMap((f) => f.payload.panels);
  const columns = Math.max(
    1,
    Math.min(options.columns ?? Math.min(panels.length, 3), panels.length),
  );
  return new Figure({ title: mathText(options.title ?? ''), columns, panels });
}

/** The plotting namespace preloaded in the kernel. */
export const plot = { line, scatter, contour, heatmap, hist, spectrum, grid, mathText };

export { Figure, COLUMN_WIDTH } from './figure';
export type { SaveOptions } from './figure';
export type { PlotOptions, LineOptions, GridOptions, HistOptions, SeriesInput } from './builders';
