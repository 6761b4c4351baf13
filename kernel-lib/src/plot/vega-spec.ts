/**
 * A figure payload as a Vega-Lite v5 spec in the light print style: what the kernel renders to
 * SVG, PNG and PDF without a browser. Ticks, colours and levels come from the payload, so the
 * picture matches the plotly view on screen.
 */
import type {
  FigureAxisPayload,
  FigureGridPayload,
  FigurePanelPayload,
  FigurePayload,
} from '../jupyter/protocol';
import { contourSegments } from './contour-lines';
import { aspectOf, fitAspect } from './style';

/** Fonts and sizes of a rendering. */
export interface VegaStyle {
  /** Plot area of one panel, in points (1 SVG pixel = 1 point). */
  panelWidth: number;
  panelHeight: number;
  /** Base font size in points. */
  fontSize: number;
  font: string;
}

/** The font stack written into SVGs: DejaVu Sans (what the kernel embeds), then common fallbacks. */
export const FONT_STACK = 'DejaVu Sans, Verdana, Arial, sans-serif';

/** A Vega expression that maps each tick value to its label (exact matches of the given values). */
function labelExpr(values: number[], labels: string[]): string {
  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  // Nested conditionals compare with the very numbers passed as `values`, so equality is exact.
  return values.reduceRight(
    (rest, v, i) => `datum.value === ${v} ? ${quote(labels[i])} : ${rest}`,
    "''",
  );
}

function axisEncoding(field: 'x' | 'y', axis: FigureAxisPayload) {
  const reverse = axis.reversed === true;
  const ticks = axis.ticks;
  return {
    field,
    type: 'quantitative',
    scale: {
      type: axis.scale,
      domain: axis.range,
      nice: false,
      ...(axis.scale === 'log' ? {} : { zero: false }),
      ...(reverse ? { reverse: true } : {}),
    },
    axis: {
      title: axis.label,
      grid: true,
      ...(ticks && ticks.values.length > 0
        ? { values: ticks.values, labelExpr: labelExpr(ticks.values, ticks.labels) }
        : {}),
    },
  };
}

/** Half the spacing around grid point i, so cells tile the plane (slightly overlapping, no seams). */
function halfStep(a: number[], i: number): number {
  const d = i + 1 < a.length ? a[i + 1] - a[i] : a[i] - a[i - 1];
  return 0.6 * d;
}

/** One rectangle per grid value (heatmaps: every entry shows). */
function gridCells(s: FigureGridPayload) {
  const nx = s.xs.length;
  return s.ys.flatMap((y, j) =>
    s.xs.map((x, i) => {
      const hx = halfStep(s.xs, i);
      const hy = halfStep(s.ys, j);
      return { x: x - hx, x2: x + hx, y: y - hy, y2: y + hy, v: s.z[j * nx + i] };
    }),
  );
}

/**
 * Filled contours: each value coloured by the level band it falls in, and runs of equal bands
 * along a row merged into one rectangle (a 60 × 60 grid becomes a few hundred shapes, which keeps
 * the SVG and PDF small and the PNG compressible).
 */
function bandCells(s: FigureGridPayload) {
  const nx = s.xs.length;
  const band = (v: number | null): number | null => {
    if (v === null) return null;
    let k = 0;
    while (k + 1 < s.levels.length && s.levels[k + 1] <= v) k++;
    return s.levels[k];
  };
  const out: { x: number; x2: number; y: number; y2: number; v: number }[] = [];
  s.ys.forEach((y, j) => {
    const hy = halfStep(s.ys, j);
    let start = 0;
    for (let i = 1; i <= nx; i++) {
      const b = band(s.z[j * nx + start]);
      if (i < nx && band(s.z[j * nx + i]) === b) continue;
      if (b !== null) {
        out.push({
          x: s.xs[start] - halfStep(s.xs, start),
          x2: s.xs[i - 1] + halfStep(s.xs, i - 1),
          y: y - hy,
          y2: y + hy,
          v: b,
        });
      }
      start = i;
    }
  });
  return out;
}

/** Layers of a heatmap or contour: cells coloured by value, then the level lines. */
function gridLayers(s: FigureGridPayload, style: VegaStyle) {
  const nx = s.xs.length;
  const cells = s.kind === 'contour' ? bandCells(s) : gridCells(s);
  const bar = s.colorbar;
  const fill = {
    data: { values: cells.filter((c) => c.v !== null) },
    mark: { type: 'rect', clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative' },
      x2: { field: 'x2' },
      y: { field: 'y', type: 'quantitative' },
      y2: { field: 'y2' },
      fill: {
        field: 'v',
        type: 'quantitative',
        title: s.zLabel,
        scale: { type: s.logLevels ? 'log' : 'linear', scheme: 'viridis', nice: false },
        legend: {
          orient: 'right',
          gradientLength: Math.max(60, style.panelHeight - 20),
          ...(bar && bar.values.length > 0
            ? { values: bar.values, labelExpr: labelExpr(bar.values, bar.labels) }
            : {}),
        },
      },
    },
  };
  if (s.kind === 'heatmap') return [fill];
  const rows = s.ys.map((_, j) => s.z.slice(j * nx, (j + 1) * nx));
  const segments = contourSegments(s.xs, s.ys, rows, s.levels);
  return [
    fill,
    {
      data: { values: segments },
      mark: { type: 'rule', clip: true, color: '#ffffff', strokeWidth: 0.6, opacity: 0.75 },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        x2: { field: 'x2' },
        y2: { field: 'y2' },
      },
    },
  ];
}

/** The panel side (in points) at and above which marks have their full size. */
const MARK_PANEL = 180;

/** One panel as a layered Vega-Lite view (equal axis units: the largest such area in the box). */
function panelSpec(panel: FigurePanelPayload, box: VegaStyle): Record<string, unknown> {
  const area = panel.equalAspect
    ? fitAspect(box.panelWidth, box.panelHeight, aspectOf(panel))
    : { width: box.panelWidth, height: box.panelHeight };
  const style = { ...box, panelWidth: area.width, panelHeight: area.height };
  // Marks shrink with a small panel (a print column): the markers of a 20-step path on a
  // 100 pt contour would otherwise hide the path and the levels under it.
  const k = Math.max(0.5, Math.min(1, Math.min(area.width, area.height) / MARK_PANEL));
  const named = panel.series.filter((s) => s.kind !== 'heatmap' && s.kind !== 'contour');
  const names = named.map((s) => s.name);
  const colors = named.map((s) => ('color' in s ? s.color : '#000000'));
  const colorEncoding = {
    field: 'series',
    type: 'nominal',
    scale: { domain: names, range: colors },
    legend:
      named.length > 1
        ? {
            orient: 'top',
            title: null,
            columns: Math.min(named.length, 3),
            labelLimit: 180,
            symbolSize: 60,
          }
        : null,
  };
  const layers: Record<string, unknown>[] = [];
  for (const s of panel.series) {
    if (s.kind === 'heatmap' || s.kind === 'contour') {
      layers.push(...gridLayers(s, style));
    } else if (s.kind === 'line') {
      const values = s.x
        .map((x, i) => ({ x, y: s.y[i], series: s.name }))
        .filter((p) => p.x !== null && p.y !== null);
      const size = s.size ?? 3;
      const mark = s.lines
        ? {
            type: 'line',
            clip: true,
            strokeWidth: 1.5 * k,
            point: s.markers ? { filled: true, size: size * size * 3 * k * k } : false,
          }
        : { type: 'point', clip: true, filled: true, size: size * size * 4 * k * k };
      layers.push({ data: { values }, mark, encoding: { color: colorEncoding } });
    } else if (s.kind === 'bars') {
      const values = s.lo.map((lo, i) => ({
        x: lo,
        x2: s.hi[i],
        y: 0,
        y2: s.height[i],
        series: s.name,
      }));
      layers.push({
        data: { values },
        mark: { type: 'rect', clip: true, stroke: '#ffffff', strokeWidth: 0.5 },
        encoding: { x2: { field: 'x2' }, y2: { field: 'y2' }, color: colorEncoding },
      });
    } else if (s.kind === 'stems') {
      const values = s.x.map((x, i) => ({ x, y: s.y[i], y0: 0, series: s.name }));
      layers.push({
        data: { values },
        mark: { type: 'rule', clip: true, strokeWidth: 1 },
        encoding: { y2: { field: 'y0' }, color: colorEncoding },
      });
      layers.push({
        data: { values },
        mark: { type: 'point', filled: true, clip: true, size: 20 * k * k },
        encoding: { color: colorEncoding },
      });
    }
  }
  const title =
    panel.title || panel.notes.length
      ? { text: panel.title || '\u00a0', subtitle: panel.notes }
      : undefined;
  return {
    ...(title ? { title } : {}),
    width: style.panelWidth,
    height: style.panelHeight,
    encoding: {
      x: axisEncoding('x', panel.x),
      y: axisEncoding('y', panel.y),
    },
    layer: layers,
  };
}

/**
 * The whole figure: one panel as a layered view, several in a `concat` grid.
 * @example vegaLiteSpec(fig.payload, { panelWidth: 300, panelHeight: 200, fontSize: 10, font: FONT_STACK })
 */
export function vegaLiteSpec(figure: FigurePayload, style: VegaStyle): Record<string, unknown> {
  const fs = style.fontSize;
  const config = {
    font: style.font,
    background: '#ffffff',
    // No per-mark ARIA labels: they repeat every datum in the SVG and multiply its size.
    aria: false,
    padding: 4,
    view: { stroke: '#9a9a9a' },
    axis: {
      labelFontSize: fs,
      titleFontSize: fs,
      titleFontWeight: 'normal',
      labelColor: '#1a1a1a',
      titleColor: '#1a1a1a',
      gridColor: '#e6e6e6',
      domainColor: '#9a9a9a',
      tickColor: '#9a9a9a',
      labelOverlap: true,
    },
    legend: {
      labelFontSize: fs,
      titleFontSize: fs,
      titleFontWeight: 'normal',
      labelColor: '#1a1a1a',
      titleColor: '#1a1a1a',
    },
    title: {
      fontSize: fs + 1,
      subtitleFontSize: fs - 1,
      subtitleColor: '#555555',
      anchor: 'start',
      color: '#1a1a1a',
      fontWeight: 'bold',
    },
  };
  const head = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config,
    ...(figure.title ? { title: { text: figure.title, fontSize: fs + 2 } } : {}),
  };
  if (figure.panels.length === 1) {
    const only = figure.panels[0];
    const titled = figure.title && !only.title ? { ...only, title: figure.title } : only;
    return { $schema: head.$schema, config, ...panelSpec(titled, style) };
  }
  const panels = figure.panels.map((p) => panelSpec(p, style));
  // Each panel keeps its own colours and legends (a run's colour comes from the payload anyway).
  const independent = { color: 'independent', fill: 'independent' };
  return {
    ...head,
    columns: figure.columns,
    concat: panels,
    spacing: 16,
    resolve: { scale: independent, legend: independent },
  };
}
