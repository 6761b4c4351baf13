/**
 * Plotly figure specs for the optimizer comparison, built from the validated model (pure, no
 * plotly import, so testable in jsdom). Plotly reads names and titles as pseudo-HTML, so every
 * payload string is entity-escaped first and shows as text.
 */
import { clipForLog, colorAt, logTicks, powerOfTenLabel, smallestPositive } from 'adlab/plot-style';
import { runLegend, type OptimizerModel, type RunModel } from '../model/optimizer-model';
import { hasStepMatrix, preconditionerFigure, stepEllipseTraces } from './step-matrix-figures';

/** The tabs of the view. */
export type OptimizerTab =
  'iteration' | 'gradient' | 'evaluations' | 'time' | 'preconditioner' | 'trajectories';

/** Tab captions. */
export const TAB_TITLES: Record<OptimizerTab, string> = {
  iteration: 'loss / iteration',
  gradient: 'gradient norm / iteration',
  evaluations: 'loss / evaluations',
  time: 'loss / wall time',
  preconditioner: 'preconditioner',
  trajectories: 'trajectories',
};

/** Options of {@link buildFigure}. */
export interface FigureOptions {
  /** On the trajectories of 2-D problems: the step ellipses (image of a circle under a_k P_k). */
  ellipses?: boolean;
}

/** Colors a figure uses. */
export interface FigureTheme {
  paper: string;
  plot: string;
  font: string;
  grid: string;
  fontFamily: string;
  /** Base font size in pixels (12 on screen; 8 in the print theme, where a pixel is a point). */
  fontSize?: number;
  /** A print figure: no title over the plot (the paper's caption says it), tighter margins. */
  print?: boolean;
}

/** The fixed light theme used for exports. */
export const LIGHT_THEME: FigureTheme = {
  paper: '#ffffff',
  plot: '#ffffff',
  font: '#1a1a1a',
  grid: '#e0e0e0',
  // The kernel's export font (embedded in PDFs by view/pdf.ts); Arial where it is not installed.
  fontFamily: "'DejaVu Sans', Arial, sans-serif",
};

/** A plotly figure, loosely typed (we only build plain objects). */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** How marks scale with the text: 1 on screen (12 px), thinner and smaller in print (8 pt). */
export function markScale(theme: FigureTheme): number {
  return (theme.fontSize ?? 12) / 12;
}

/** Entity-escapes text for plotly's pseudo-HTML labels (and its `%{…}` templates). */
export function escapePlotly(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/%/g, '&#37;');
}

/** The tabs that apply to a model (preconditioner when recorded, trajectories only for 2-D runs). */
export function tabsFor(model: OptimizerModel): OptimizerTab[] {
  const tabs: OptimizerTab[] = ['iteration', 'gradient', 'evaluations', 'time'];
  if (hasStepMatrix(model)) tabs.push('preconditioner');
  if (model.contour || model.runs.some((r) => r.path)) tabs.push('trajectories');
  return tabs;
}

/** Whether losses are shown as f − f* (when the minimum is known and finite). */
function usesGap(model: OptimizerModel): boolean {
  return model.fStar !== undefined && Number.isFinite(model.fStar);
}

/** The loss (minus f* when known) of each step. */
function shifted(model: OptimizerModel, run: RunModel): number[] {
  const shift = usesGap(model) ? model.fStar! : 0;
  return run.loss.map((l) => l - shift);
}

/** A log axis whose ticks read 10⁻³ (plotly's own exponent labels are lost in PDF export). */
export function logAxisTicks(series: (number | null)[][]): Record<string, unknown> {
  const vals = series.flat().filter((v): v is number => v !== null && v > 0);
  if (vals.length === 0) return {};
  const t = logTicks(Math.min(...vals), Math.max(...vals), 7);
  return t.values.length >= 2 ? { tickmode: 'array', tickvals: t.values, ticktext: t.labels } : {};
}

/** True unless some loss (after the f* shift) is negative: zeros alone no longer force a linear axis. */
export function lossLogScale(model: OptimizerModel): boolean {
  if (usesGap(model)) return true;
  return model.runs.every((r) => shifted(model, r).every((l) => !Number.isFinite(l) || l >= 0));
}

function hoverFor(run: RunModel, xTitle: string, yTitle: string): string {
  const hp = [...run.hyperparameters, ...run.results].map(([k, v]) => `${k}=${v}`).join(', ');
  const lines = [
    `<b>${escapePlotly(run.label)}</b>`,
    `${escapePlotly(xTitle)}: %{x}`,
    `${escapePlotly(yTitle)}: %{y:.4e}`,
  ];
  if (hp) lines.push(escapePlotly(hp));
  if (run.status) lines.push(`status: ${escapePlotly(run.status)}`);
  return `${lines.join('<br>')}<extra></extra>`;
}

/** An axis title at the base font size, close to its tick labels. */
export function axisTitle(text: string, theme: FigureTheme): Record<string, unknown> {
  const fs = theme.fontSize ?? 12;
  return { text: escapePlotly(text), font: { size: fs }, standoff: Math.round(fs / 2) };
}

/** The layout every tab shares: theme colours, title, one-row legend, axes with grid lines. */
export function baseLayout(
  model: OptimizerModel,
  theme: FigureTheme,
  title: string,
): Record<string, unknown> {
  const axis = {
    gridcolor: theme.grid,
    zerolinecolor: theme.grid,
    linecolor: theme.grid,
    automargin: true,
  };
  const fs = theme.fontSize ?? 12;
  const text = escapePlotly(model.problem ? `${model.problem}: ${title}` : title);
  return {
    title: theme.print ? { text: '' } : { text, font: { size: Math.round(fs * 1.17) } },
    paper_bgcolor: theme.paper,
    plot_bgcolor: theme.plot,
    font: { color: theme.font, family: theme.fontFamily, size: fs },
    margin: { l: fs * 5.3, r: fs * 1.3, t: fs * (theme.print ? 2.6 : 5.3), b: fs * 4 },
    // One short row above the plot: clear of the x-axis title, never taller than a line or two.
    legend: {
      orientation: 'h',
      x: 0,
      y: 1.02,
      xanchor: 'left',
      yanchor: 'bottom',
      font: { size: Math.round(fs * 0.92) },
      itemwidth: 30,
    },
    xaxis: { ...axis },
    yaxis: { ...axis },
    autosize: true,
  };
}

/** Builds the figure of one tab. */
export function buildFigure(
  model: OptimizerModel,
  tab: OptimizerTab,
  theme: FigureTheme,
  options: FigureOptions = {},
): Figure {
  if (tab === 'trajectories') return trajectoryFigure(model, theme, options);
  if (tab === 'preconditioner') return preconditionerFigure(model, theme);
  const gap = usesGap(model);
  const lossTitle = gap ? 'loss − f*' : 'loss';
  const xTitle =
    tab === 'evaluations'
      ? 'evaluations (f + grad + hvp)'
      : tab === 'time'
        ? 'wall time (ms)'
        : 'iteration';
  const yTitle = tab === 'gradient' ? '‖gradient‖' : lossTitle;
  const logY = tab === 'gradient' ? true : lossLogScale(model);
  const raw = model.runs.map((run) => (tab === 'gradient' ? run.gradNorm : shifted(model, run)));
  const floor = smallestPositive(raw);
  let clipped = 0;
  const ys = raw.map((values) => {
    if (!logY) return values.map((v) => (Number.isFinite(v) ? v : null));
    const c = clipForLog(values, floor);
    clipped += c.clipped;
    return c.values;
  });
  const data = model.runs.map((run, i) => {
    const x = tab === 'evaluations' ? run.evals : tab === 'time' ? run.timeMs : run.iter;
    const color = colorAt(run.colorIndex);
    return {
      type: 'scatter',
      mode: run.iter.length <= 60 ? 'lines+markers' : 'lines',
      name: escapePlotly(runLegend(run, model.runs)),
      x,
      y: ys[i],
      hovertemplate: hoverFor(run, xTitle, yTitle),
      marker: { size: 4 * markScale(theme), color },
      line: { color, width: 1.8 * markScale(theme) },
    };
  });
  const layout = baseLayout(model, theme, TAB_TITLES[tab]);
  (layout.xaxis as Record<string, unknown>).title = axisTitle(xTitle, theme);
  (layout.yaxis as Record<string, unknown>).title = axisTitle(yTitle, theme);
  (layout.yaxis as Record<string, unknown>).type = logY ? 'log' : 'linear';
  if (logY) Object.assign(layout.yaxis as Record<string, unknown>, logAxisTicks(ys));
  if (clipped > 0) layout.annotations = [clipNote(clipped)];
  return { data, layout };
}

/** The corner note of a log axis on which `clipped` values <= 0 were drawn at the floor. */
export function clipNote(clipped: number): Record<string, unknown> {
  return {
    text: escapePlotly(
      `${clipped} value${clipped === 1 ? '' : 's'} ≤ 0 drawn at the smallest positive value`,
    ),
    xref: 'paper',
    yref: 'paper',
    x: 1,
    y: 0,
    xanchor: 'right',
    yanchor: 'bottom',
    showarrow: false,
    font: { size: 10 },
  };
}

function trajectoryFigure(
  model: OptimizerModel,
  theme: FigureTheme,
  options: FigureOptions,
): Figure {
  const data: Record<string, unknown>[] = [];
  const c = model.contour;
  if (c) {
    // Log-spaced levels read best for losses spanning decades (Rosenbrock): plot log10(f - min + 1e-12).
    const finite = c.z.flat().filter(Number.isFinite);
    const lo = finite.length ? Math.min(...finite) : 0;
    data.push({
      type: 'contour',
      x: c.xs,
      y: c.ys,
      z: c.z.map((row) => row.map((v) => (Number.isFinite(v) ? Math.log10(v - lo + 1e-12) : null))),
      colorscale: 'Viridis',
      // Levels one (or half a) decade apart in f − min: log-spaced, as the static picture.
      autocontour: false,
      contours: { coloring: 'fill', showlines: true, ...contourLevels(finite.map((v) => v - lo)) },
      line: { width: 0.6, color: 'rgba(255,255,255,0.6)' },
      showscale: true,
      colorbar: {
        // At the text size (plotly's default title is larger), no outline: as the figure view.
        title: { text: 'f − min', font: { size: theme.fontSize ?? 12 } },
        outlinewidth: 0,
        thickness: 12,
        // Right beside the plot: plotly's default (x 1.02 plus a 10 px pad) leaves a gap.
        x: 1,
        xanchor: 'left',
        xpad: Math.round((theme.fontSize ?? 12) / 2),
        ...colorbarTicks(finite.map((v) => v - lo)),
      },
      name: 'log10(f − min)',
      hovertemplate: 'x: %{x:.3f}<br>y: %{y:.3f}<br>log10(f − min): %{z:.2f}<extra></extra>',
    });
  }
  for (const run of model.runs) {
    if (!run.path) continue;
    const color = colorAt(run.colorIndex);
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: escapePlotly(runLegend(run, model.runs)),
      line: { color, width: 1.8 * markScale(theme) },
      x: run.path.x,
      y: run.path.y,
      marker: { size: 4 * markScale(theme), color },
      customdata: run.iter,
      hovertemplate: `${hoverFor(run, 'x', 'y').replace('<extra></extra>', '')}<br>iteration %{customdata}<extra></extra>`,
    });
  }
  if (options.ellipses) data.push(...stepEllipseTraces(model, theme, plotSpan(model)));
  const layout = baseLayout(model, theme, TAB_TITLES.trajectories);
  // x₁, x₂ as the kernel's static picture and plot.contour name them.
  (layout.xaxis as Record<string, unknown>).title = axisTitle('x₁', theme);
  (layout.yaxis as Record<string, unknown>).title = axisTitle('x₂', theme);
  if (c) {
    (layout.xaxis as Record<string, unknown>).range = [c.xs[0], c.xs[c.xs.length - 1]];
    (layout.yaxis as Record<string, unknown>).range = [c.ys[0], c.ys[c.ys.length - 1]];
  }
  return { data, layout };
}

/** The [width, height] the trajectories span: the contour's box, else the paths' extent. */
function plotSpan(model: OptimizerModel): [number, number] {
  const c = model.contour;
  if (c) return [c.xs[c.xs.length - 1] - c.xs[0], c.ys[c.ys.length - 1] - c.ys[0]];
  const xs = model.runs.flatMap((r) => r.path?.x ?? []).filter(Number.isFinite);
  const ys = model.runs.flatMap((r) => r.path?.y ?? []).filter(Number.isFinite);
  const w = (v: number[]) => (v.length ? Math.max(Math.max(...v) - Math.min(...v), 1e-9) : 1);
  return [w(xs), w(ys)];
}

/** Decades of the positive gaps f − min, as log10 values (what the contour trace's z holds). */
function decadeSpan(gaps: number[]): [number, number] {
  const pos = gaps.filter((g) => g > 0);
  if (pos.length === 0) return [-12, 0];
  return [Math.log10(Math.min(...pos)), Math.log10(Math.max(...pos))];
}

/** Contour levels on log10(f − min): one per decade for wide spans, half-decades for narrow ones. */
function contourLevels(gaps: number[]): { start: number; end: number; size: number } {
  const [a, b] = decadeSpan(gaps);
  const size = b - a > 5 ? 1 : 0.5;
  return { start: Math.ceil(a / size) * size, end: b, size };
}

/** Colour-bar ticks at whole decades, labelled 10⁻³. */
function colorbarTicks(gaps: number[]): Record<string, unknown> {
  const [a, b] = decadeSpan(gaps);
  const step = Math.max(1, Math.ceil((b - a) / 6));
  const vals: number[] = [];
  for (let k = Math.ceil(a); k <= Math.floor(b); k += step) vals.push(k);
  return { tickmode: 'array', tickvals: vals, ticktext: vals.map(powerOfTenLabel) };
}

/** Reads the live theme from `--jp-*` variables on `node` (falls back to the light theme). */
export function themeFrom(node: Element): FigureTheme {
  if (typeof getComputedStyle === 'undefined') return LIGHT_THEME;
  const css = getComputedStyle(node);
  const v = (name: string, fallback: string): string =>
    css.getPropertyValue(name).trim() || fallback;
  return {
    paper: v('--jp-layout-color0', LIGHT_THEME.paper),
    plot: v('--jp-layout-color0', LIGHT_THEME.plot),
    font: v('--jp-ui-font-color1', LIGHT_THEME.font),
    grid: v('--jp-border-color2', LIGHT_THEME.grid),
    fontFamily: v('--jp-ui-font-family', LIGHT_THEME.fontFamily),
  };
}
