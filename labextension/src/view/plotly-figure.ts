/**
 * A validated figure payload (the plotting API's panels) as a plotly figure: one subplot per
 * panel, the kernel's ticks, colours and contour levels as they are, so the screen shows what the
 * PNG fallback and `fig.save` show. Pure (no plotly import), so testable in jsdom. Every payload
 * string is entity-escaped (plotly reads labels as pseudo-HTML).
 */
import type {
  FigureAxisPayload,
  FigureGridPayload,
  FigurePanelPayload,
  FigurePayload,
  FigureSeriesPayload,
} from 'adlab/protocol';
import { aspectOf, fitAspect } from 'adlab/plot-style';
import { escapePlotly, type Figure, type FigureTheme } from './optimizer-figures';

/** The least gap between panels, as a fraction of the figure. */
const GAP = { x: 0.1, y: 0.16 };
/**
 * The least horizontal gap in font sizes: the next panel's tick labels (`10⁻¹²`) and rotated
 * axis title sit in it, so in a narrow export the gap grows rather than the texts overlap.
 */
const GAP_X_FONTS = 6.5;
/** The least vertical gap in font sizes: x tick labels and title above, the panel title below. */
const GAP_Y_FONTS = 5;

/** Whether a panel draws a colour bar (heatmaps and contours). */
function hasColorbar(panel: FigurePanelPayload): boolean {
  return panel.series.some((s) => s.kind === 'heatmap' || s.kind === 'contour');
}

/** Plotly's axis ids of panel `i`: 'x'/'y' for the first, 'x2'/'y2' for the second, ... */
function axisIds(i: number): { x: string; y: string; xKey: string; yKey: string } {
  const n = i === 0 ? '' : String(i + 1);
  return { x: `x${n}`, y: `y${n}`, xKey: `xaxis${n}`, yKey: `yaxis${n}` };
}

/** Range in plotly units: log10 of the ends on a log axis; high to low when reversed. */
function plotlyRange(a: FigureAxisPayload): [number, number] {
  const r: [number, number] =
    a.scale === 'log' ? [Math.log10(a.range[0]), Math.log10(a.range[1])] : [...a.range];
  return a.reversed ? [r[1], r[0]] : r;
}

function axisLayout(
  a: FigureAxisPayload,
  domain: [number, number],
  anchor: string,
  theme: FigureTheme,
): Record<string, unknown> {
  return {
    domain,
    anchor,
    type: a.scale,
    range: plotlyRange(a),
    title: {
      text: escapePlotly(a.label),
      standoff: Math.round((theme.fontSize ?? 12) / 3),
      font: { size: theme.fontSize ?? 12 },
    },
    gridcolor: theme.grid,
    linecolor: theme.grid,
    zeroline: false,
    showline: true,
    mirror: true,
    ticks: 'outside',
    ticklen: 3,
    tickcolor: theme.grid,
    automargin: true,
    ...(a.ticks && a.ticks.values.length > 0
      ? {
          tickmode: 'array',
          tickvals: a.ticks.values,
          ticktext: a.ticks.labels.map(escapePlotly),
        }
      : {}),
  };
}

/** The values of a grid as plotly draws them: rows of z, log10 on log levels (gaps as null). */
function gridRows(s: FigureGridPayload): (number | null)[][] {
  const nx = s.xs.length;
  return s.ys.map((_, j) =>
    s.z.slice(j * nx, (j + 1) * nx).map((v) => {
      if (v === null) return null;
      if (!s.logLevels) return v;
      return v > 0 ? Math.log10(v) : null;
    }),
  );
}

/** A colour-bar or contour value in plotly's units (log10 on log levels). */
function zUnit(s: FigureGridPayload, v: number): number {
  return s.logLevels ? Math.log10(v) : v;
}

function gridTrace(
  s: FigureGridPayload,
  ids: { x: string; y: string },
  colorbarX: number,
  domainY: [number, number],
  theme: FigureTheme,
): Record<string, unknown> {
  const levels = s.levels.map((l) => zUnit(s, l));
  const lo = levels[0];
  const hi = levels[levels.length - 1];
  const bar = s.colorbar;
  const trace: Record<string, unknown> = {
    type: s.kind,
    name: escapePlotly(s.name),
    xaxis: ids.x,
    yaxis: ids.y,
    x: s.xs,
    y: s.ys,
    z: gridRows(s),
    colorscale: 'Viridis',
    showlegend: false,
    hovertemplate: `x: %{x:.4g}<br>y: %{y:.4g}<br>${escapePlotly(s.zLabel || 'z')}: ${
      s.logLevels ? '10^%{z:.2f}' : '%{z:.4g}'
    }<extra></extra>`,
    colorbar: {
      // Above the bar: on its right side the title sat against the tick labels.
      // At the axis titles' size (plotly's default is larger than the rest of the text).
      title: { text: escapePlotly(s.zLabel), side: 'top', font: { size: theme.fontSize ?? 12 } },
      // Title and bar together span the plot's height, right beside it (no default 10 px pads).
      x: colorbarX,
      xanchor: 'left',
      xpad: 0,
      ypad: 0,
      y: (domainY[0] + domainY[1]) / 2,
      len: domainY[1] - domainY[0],
      thickness: Math.round(theme.fontSize ?? 12),
      outlinewidth: 0,
      ...(bar && bar.values.length > 0
        ? {
            tickmode: 'array',
            tickvals: bar.values.map((v) => zUnit(s, v)),
            ticktext: bar.labels.map(escapePlotly),
          }
        : {}),
    },
  };
  if (levels.length >= 2 && hi > lo) {
    trace.zmin = lo;
    trace.zmax = hi;
  }
  if (s.kind === 'contour' && levels.length >= 2 && hi > lo) {
    // The kernel's levels are evenly spaced in plotly's units (log10 when logLevels).
    trace.autocontour = false;
    trace.contours = {
      coloring: 'fill',
      showlines: true,
      start: lo,
      end: hi,
      size: (hi - lo) / (levels.length - 1),
    };
    trace.line = { width: 0.6, color: 'rgba(255,255,255,0.75)' };
  }
  return trace;
}

function seriesTraces(
  s: FigureSeriesPayload,
  ids: { x: string; y: string },
  legend: { shown: Set<string>; enabled: boolean },
  theme: FigureTheme,
): Record<string, unknown>[] {
  // Marks scale with the text: 8 pt print text gets thinner lines and smaller markers.
  const k = (theme.fontSize ?? 12) / 12;
  if (s.kind === 'heatmap' || s.kind === 'contour') return [];
  const name = escapePlotly(s.name);
  // One legend entry per name across panels (small multiples of the same runs).
  const showlegend = legend.enabled && s.name !== '' && !legend.shown.has(s.name);
  legend.shown.add(s.name);
  const common = { name, legendgroup: name, xaxis: ids.x, yaxis: ids.y };
  const hover = `${name ? `${name}<br>` : ''}%{x:.4g}, %{y:.4g}<extra></extra>`;
  if (s.kind === 'line') {
    const mode = [s.lines ? 'lines' : '', s.markers ? 'markers' : ''].filter(Boolean).join('+');
    return [
      {
        ...common,
        type: 'scatter',
        mode: mode || 'lines',
        x: s.x,
        y: s.y,
        line: { color: s.color, width: 1.6 * k },
        marker: { color: s.color, size: (s.size ?? 5) * k },
        connectgaps: false,
        hovertemplate: hover,
        showlegend,
      },
    ];
  }
  if (s.kind === 'bars') {
    return [
      {
        ...common,
        type: 'bar',
        x: s.lo.map((l, i) => (l + s.hi[i]) / 2),
        width: s.lo.map((l, i) => s.hi[i] - l),
        y: s.height,
        // A thin edge in the background colour keeps neighbouring bins apart (as the PNG does).
        marker: { color: s.color, line: { width: 0.5, color: theme.plot } },
        hovertemplate: `%{x:.4g}: %{y:.4g}<extra>${name}</extra>`,
        showlegend,
      },
    ];
  }
  if (s.kind !== 'stems') return [];
  const stemY: (number | null)[] = s.y.flatMap((y) => [0, y, null]);
  const stemX: (number | null)[] = s.x.flatMap((x) => [x, x, null]);
  return [
    {
      ...common,
      type: 'scatter',
      mode: 'lines',
      x: stemX,
      y: stemY,
      line: { color: s.color, width: 1.2 * k },
      hoverinfo: 'skip',
      showlegend: false,
    },
    {
      ...common,
      type: 'scatter',
      mode: 'markers',
      x: s.x,
      y: s.y,
      marker: { color: s.color, size: 6 * k },
      hovertemplate: hover,
      showlegend,
    },
  ];
}

/** The panel's title and its notes (smaller, below), as one plotly annotation text. */
function panelTitle(panel: FigurePanelPayload, fontSize: number): string {
  const notes = panel.notes.map(
    (n) => `<span style="font-size:${Math.round(fontSize * 0.85)}px">${escapePlotly(n)}</span>`,
  );
  return [escapePlotly(panel.title), ...notes].filter(Boolean).join('<br>');
}

/**
 * The plotly figure of a payload in `theme` (the notebook's on screen, {@link LIGHT_THEME} for
 * export). Panels fill a `columns`-wide grid; a panel with a colour bar leaves room for it.
 */
export function figureToPlotly(
  payload: FigurePayload,
  theme: FigureTheme,
  size: { width: number; height: number },
): Figure {
  const fontSize = theme.fontSize ?? 12;
  const n = payload.panels.length;
  const cols = Math.max(1, Math.min(payload.columns, n));
  const rows = Math.ceil(n / cols);
  const lineNames = new Set(
    payload.panels.flatMap((p) =>
      p.series.filter((s) => s.kind !== 'heatmap' && s.kind !== 'contour').map((s) => s.name),
    ),
  );
  lineNames.delete('');
  const legend = { shown: new Set<string>(), enabled: lineNames.size >= 2 };
  const gapX = Math.max(GAP.x, (fontSize * GAP_X_FONTS) / size.width);
  const cellW = (1 - gapX * (cols - 1)) / cols;
  const gapY = Math.max(GAP.y, (fontSize * GAP_Y_FONTS) / size.height);
  const cellH = (1 - gapY * (rows - 1)) / rows;
  // The top margin, in pixels: the figure title, the legend row, the panel titles.
  const titleH = payload.title ? fontSize * 2 : 0;
  // The legend's rows: entries (a 30 px line sample, the name, a gap) wrap at the figure width.
  const entries = [...lineNames].map((name) => 40 + name.length * fontSize * 0.6);
  const legendRows = legendRowCount(entries, size.width - fontSize * 5);
  const legendH = legend.enabled ? fontSize * 1.9 * legendRows : 0;
  const legendOnPanels = n === 1;
  const panelTitleH =
    payload.panels[0]?.title || payload.panels[0]?.notes.length ? fontSize * 1.6 : fontSize * 0.6;
  const top =
    fontSize * 0.6 +
    titleH +
    legendH +
    panelTitleH * (1 + (payload.panels[0]?.notes.length ?? 0) * 0.9);
  let slack = 0;
  const data: Record<string, unknown>[] = [];
  const annotations: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    paper_bgcolor: theme.paper,
    plot_bgcolor: theme.plot,
    font: { color: theme.font, family: theme.fontFamily, size: fontSize },
    showlegend: legend.enabled,
    hovermode: 'closest',
    margin: { l: fontSize * 4, r: fontSize, t: top, b: fontSize * 3.2 },
    width: size.width,
    height: size.height,
  };
  payload.panels.forEach((panel, i) => {
    const ids = axisIds(i);
    const col = i % cols;
    const row = Math.floor(i / cols);
    // Room on the right of the panel for its colour bar (about 8 font sizes of a 600 px figure).
    const barRoom = hasColorbar(panel) ? Math.min(cellW * 0.35, (fontSize * 7.5) / size.width) : 0;
    const x0 = col * (cellW + gapX);
    const x: [number, number] = [x0, x0 + cellW - barRoom];
    const y1 = 1 - row * (cellH + gapY);
    const y: [number, number] = [y1 - cellH, y1];
    if (panel.equalAspect) {
      // Equal units on both axes: the largest such area in the cell, at its top left, so the
      // title stays above it and the colour bar beside it (plotly's scaleanchor alone would
      // centre the shrunk area and leave the bar apart).
      const m = layout.margin as { l: number; r: number; t: number; b: number };
      const plotW = size.width - m.l - m.r;
      const plotH = size.height - m.t - m.b;
      const fit = fitAspect((x[1] - x[0]) * plotW, (y[1] - y[0]) * plotH, aspectOf(panel));
      // A lone panel leaves this much of the figure's width unused (see slackWidth).
      if (n === 1) slack = (x[1] - x[0]) * plotW - fit.width;
      x[1] = x[0] + fit.width / plotW;
      y[0] = y[1] - fit.height / plotH;
    }
    layout[ids.xKey] = axisLayout(panel.x, x, ids.y, theme);
    layout[ids.yKey] = axisLayout(panel.y, y, ids.x, theme);
    if (panel.equalAspect) {
      // And plotly holds the ratio when its automatic margins take room from one side.
      Object.assign(layout[ids.yKey] as object, { scaleanchor: ids.x, scaleratio: 1 });
      for (const key of [ids.xKey, ids.yKey])
        (layout[key] as Record<string, unknown>).constrain = 'domain';
    }
    // Half a font size between the plot and its colour bar, in paper units.
    const m = layout.margin as { l: number; r: number };
    const barGap = (fontSize * 0.5) / (size.width - m.l - m.r);
    for (const s of panel.series) {
      if (s.kind === 'heatmap' || s.kind === 'contour') {
        data.push(gridTrace(s, ids, x[1] + barGap, y, theme));
      }
    }
    for (const s of panel.series) data.push(...seriesTraces(s, ids, legend, theme));
    const title = panelTitle(panel, fontSize);
    if (title) {
      annotations.push({
        text: title,
        xref: 'paper',
        yref: 'paper',
        x: x[0],
        y: y[1],
        xanchor: 'left',
        yanchor: 'bottom',
        // Above the legend when the legend sits on the panel (a figure of one).
        yshift: 4 + (legendOnPanels ? legendH : 0),
        align: 'left',
        showarrow: false,
        font: { size: Math.round(fontSize * 1.05) },
      });
    }
  });
  if (payload.title) {
    layout.title = {
      text: escapePlotly(payload.title),
      x: 0,
      xref: 'paper',
      xanchor: 'left',
      y: 1 - (fontSize * 0.4) / size.height,
      yref: 'container',
      yanchor: 'top',
      font: { size: Math.round(fontSize * 1.2) },
    };
  }
  if (legend.enabled) {
    // Above the panels, clear of the axis titles: on a single panel, between its title and
    // the plot (title, legend, plot read in order); over several, under the figure's title.
    layout.legend = {
      orientation: 'h',
      x: 0,
      xanchor: 'left',
      ...(legendOnPanels
        ? { y: 1, yanchor: 'bottom', yref: 'paper' }
        : {
            y: 1 - (fontSize * 0.4 + titleH) / size.height,
            yanchor: 'top',
            yref: 'container',
          }),
      font: { size: Math.round(fontSize * 0.95) },
      bgcolor: 'rgba(0,0,0,0)',
      itemwidth: 30,
    };
  }
  layout.annotations = annotations;
  layout.meta = { slackWidth: Math.max(0, slack) };
  return { data, layout };
}

/**
 * The width in pixels a figure leaves blank on the right: a lone equal-axes panel (a contour)
 * that is height-bound in a wide box. An export narrows its page by this much, so a two-column
 * contour is not a third empty paper.
 */
export function slackWidth(fig: Figure): number {
  const meta = fig.layout.meta as { slackWidth?: number } | undefined;
  return meta?.slackWidth ?? 0;
}

/** How many rows entries of these widths fill when wrapped at `width`. */
function legendRowCount(widths: number[], width: number): number {
  let rows = 1;
  let used = 0;
  for (const w of widths) {
    if (used > 0 && used + w > width) {
      rows++;
      used = 0;
    }
    used += w;
  }
  return rows;
}

/** The rows and columns of panels of a payload. */
export function gridShape(payload: FigurePayload): { rows: number; cols: number } {
  const cols = Math.max(1, Math.min(payload.columns, payload.panels.length));
  return { rows: Math.ceil(payload.panels.length / cols), cols };
}
