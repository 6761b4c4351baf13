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
import { contourBands } from './contour-bands';
import { seriesLegend } from './legend-layout';
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

/** The colour encoding of a grid's values: viridis, log on log levels, the colour bar's ticks. */
function valueFill(s: FigureGridPayload, style: VegaStyle, field: string) {
  const bar = s.colorbar;
  return {
    field,
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
  };
}

/**
 * The layer of a heatmap (one rectangle per value) or of a contour: smooth filled bands whose
 * edges, stroked in white, are the level lines.
 */
function gridLayer(s: FigureGridPayload, style: VegaStyle, panel: FigurePanelPayload) {
  if (s.kind === 'heatmap') {
    return {
      data: { values: gridCells(s).filter((c) => c.v !== null) },
      mark: { type: 'rect', clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        x2: { field: 'x2' },
        y: { field: 'y', type: 'quantitative' },
        y2: { field: 'y2' },
        fill: valueFill(s, style, 'v'),
      },
    };
  }
  const area = { width: style.panelWidth, height: style.panelHeight, x: panel.x, y: panel.y };
  return {
    data: { values: contourBands(s, area) },
    // Pixels already: an identity projection with a fixed scale (no fitting to the data).
    projection: { type: 'identity', scale: 1, translate: [0, 0] },
    mark: {
      type: 'geoshape',
      clip: true,
      stroke: '#ffffff',
      strokeWidth: 0.6,
      strokeOpacity: 0.75,
    },
    encoding: { fill: valueFill(s, style, 'properties.v') },
  };
}

/**
 * The width a panel's legend may take: the whole box, and the colour bar's room beside it (an
 * equal-axes contour is narrower than its box; its legend need not cut labels at the plot).
 */
function legendWidth(panel: FigurePanelPayload, box: VegaStyle, area: VegaStyle): number {
  const bar = panel.series.some((s) => s.kind === 'contour' || s.kind === 'heatmap');
  return Math.max(box.panelWidth, area.panelWidth) + (bar ? box.fontSize * 6 : 0);
}

/** The panel side (in points) at and above which marks have their full size. */
const MARK_PANEL = 180;

/** One panel as a layered Vega-Lite view (equal axis units: the largest such area in the box). */
function panelSpec(
  panel: FigurePanelPayload,
  box: VegaStyle,
  shared?: SharedColors,
): Record<string, unknown> {
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
  const colorEncoding = shared
    ? {
        field: 'series',
        type: 'nominal',
        scale: { domain: shared.names, range: shared.colors },
        legend:
          shared.names.length > 1 ? seriesLegend(shared.names, shared.width, style.fontSize) : null,
      }
    : {
        field: 'series',
        type: 'nominal',
        scale: { domain: names, range: colors },
        legend:
          named.length > 1
            ? seriesLegend(names, legendWidth(panel, box, style), style.fontSize)
            : null,
      };
  const layers: Record<string, unknown>[] = [];
  for (const s of panel.series) {
    if (s.kind === 'heatmap' || s.kind === 'contour') {
      layers.push(gridLayer(s, style, panel));
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
      ? {
          text: panel.title || '\u00a0',
          // No empty subtitle: vega keeps a line for it even when there are no notes.
          ...(panel.notes.length ? { subtitle: panel.notes } : {}),
          offset: Math.round(style.fontSize * 0.5),
        }
      : undefined;
  return {
    ...(title ? { title } : {}),
    width: style.panelWidth,
    height: style.panelHeight,
    layer: withAxes(layers, panel),
  };
}

/** Whether a layer is drawn in pixels (contour bands) rather than on the panel's x/y scales. */
const inPixels = (layer: Record<string, unknown>) => 'projection' in layer;

/**
 * The layers with the panel's axes on every x/y layer (a geoshape takes no x/y: they are not
 * inherited from the parent, which would warn on every render), and an invisible frame layer
 * carrying the axes when only pixel layers remain (a contour without paths).
 */
function withAxes(
  layers: Record<string, unknown>[],
  panel: FigurePanelPayload,
): Record<string, unknown>[] {
  const axes = { x: axisEncoding('x', panel.x), y: axisEncoding('y', panel.y) };
  const all = layers.some((l) => !inPixels(l))
    ? layers
    : [
        ...layers,
        {
          data: { values: [{ x: panel.x.range[0], y: panel.y.range[0] }] },
          mark: { type: 'point', opacity: 0 },
        },
      ];
  return all.map((layer) => {
    if (inPixels(layer)) return layer;
    const enc = (layer.encoding ?? {}) as Record<string, Record<string, unknown>>;
    return {
      ...layer,
      encoding: { ...enc, x: { ...axes.x, ...enc.x }, y: { ...axes.y, ...enc.y } },
    };
  });
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
  const cols = Math.min(figure.columns, figure.panels.length);
  const shared = sharedColors(figure, cols * (style.panelWidth + fs * 5));
  const panels = figure.panels.map((p) => panelSpec(p, style, shared));
  // One legend over all panels when each name has one colour (small multiples of the same runs);
  // else each panel its own. Colour bars stay per panel.
  const series = shared ? 'shared' : 'independent';
  return {
    ...head,
    columns: figure.columns,
    concat: panels,
    spacing: 16,
    resolve: {
      scale: { color: series, fill: 'independent' },
      legend: { color: series, fill: 'independent' },
    },
  };
}

/** The series' names and colours over every panel of a figure, and its legend's width. */
interface SharedColors {
  names: string[];
  colors: string[];
  width: number;
}

/** The figure's names and colours in order of appearance, or undefined when a name has two. */
function sharedColors(figure: FigurePayload, width: number): SharedColors | undefined {
  const color = new Map<string, string>();
  for (const p of figure.panels)
    for (const s of p.series) {
      if (s.kind === 'heatmap' || s.kind === 'contour') continue;
      const c = 'color' in s ? s.color : '#000000';
      if ((color.get(s.name) ?? c) !== c) return undefined;
      color.set(s.name, c);
    }
  return { names: [...color.keys()], colors: [...color.values()], width };
}
