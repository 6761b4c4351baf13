/**
 * Plotly figure specs for the optimizer comparison, built from the validated model (pure, no
 * plotly import, so testable in jsdom). Plotly reads names and titles as pseudo-HTML, so every
 * payload string is entity-escaped first and shows as text.
 */
import { runLegend, type OptimizerModel, type RunModel } from '../model/optimizer-model';

/** The tabs of the view. */
export type OptimizerTab = 'iteration' | 'gradient' | 'evaluations' | 'time' | 'trajectories';

/** Tab captions. */
export const TAB_TITLES: Record<OptimizerTab, string> = {
  iteration: 'loss / iteration',
  gradient: 'gradient norm / iteration',
  evaluations: 'loss / evaluations',
  time: 'loss / wall time',
  trajectories: 'trajectories',
};

/** Colors a figure uses. */
export interface FigureTheme {
  paper: string;
  plot: string;
  font: string;
  grid: string;
  fontFamily: string;
}

/** The fixed light theme used for exports. */
export const LIGHT_THEME: FigureTheme = {
  paper: '#ffffff',
  plot: '#ffffff',
  font: '#1a1a1a',
  grid: '#e0e0e0',
  fontFamily: 'Helvetica, Arial, sans-serif',
};

/** A plotly figure, loosely typed (we only build plain objects). */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
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

/** The tabs that apply to a model (trajectories only for 2-D runs). */
export function tabsFor(model: OptimizerModel): OptimizerTab[] {
  const tabs: OptimizerTab[] = ['iteration', 'gradient', 'evaluations', 'time'];
  if (model.contour || model.runs.some((r) => r.path)) tabs.push('trajectories');
  return tabs;
}

/** Whether losses are shown as f − f* (when the minimum is known and finite). */
function usesGap(model: OptimizerModel): boolean {
  return model.fStar !== undefined && Number.isFinite(model.fStar);
}

/** The plotted loss: non-finite and (on a log axis) non-positive values become gaps. */
function lossSeries(model: OptimizerModel, run: RunModel, log: boolean): (number | null)[] {
  const shift = usesGap(model) ? model.fStar! : 0;
  return run.loss.map((l) => {
    const v = l - shift;
    return Number.isFinite(v) && (!log || v > 0) ? v : null;
  });
}

/** True when every finite loss (after the f* shift) is positive, so a log axis shows all of it. */
export function lossLogScale(model: OptimizerModel): boolean {
  const shift = usesGap(model) ? model.fStar! : 0;
  if (usesGap(model)) return true;
  return model.runs.every((r) => r.loss.every((l) => !Number.isFinite(l) || l - shift > 0));
}

function hoverFor(run: RunModel, xTitle: string, yTitle: string): string {
  const hp = run.hyperparameters.map(([k, v]) => `${k}=${v}`).join(', ');
  const lines = [
    `<b>${escapePlotly(run.label)}</b>`,
    `${escapePlotly(xTitle)}: %{x}`,
    `${escapePlotly(yTitle)}: %{y:.4e}`,
  ];
  if (hp) lines.push(escapePlotly(hp));
  if (run.status) lines.push(`status: ${escapePlotly(run.status)}`);
  return `${lines.join('<br>')}<extra></extra>`;
}

function baseLayout(
  model: OptimizerModel,
  theme: FigureTheme,
  title: string,
): Record<string, unknown> {
  const axis = { gridcolor: theme.grid, zerolinecolor: theme.grid, linecolor: theme.grid };
  return {
    title: {
      text: escapePlotly(model.problem ? `${model.problem}: ${title}` : title),
      font: { size: 14 },
    },
    paper_bgcolor: theme.paper,
    plot_bgcolor: theme.plot,
    font: { color: theme.font, family: theme.fontFamily, size: 12 },
    margin: { l: 64, r: 16, t: 40, b: 48 },
    legend: { orientation: 'h', y: -0.2, x: 0 },
    xaxis: { ...axis },
    yaxis: { ...axis },
    autosize: true,
  };
}

/** Builds the figure of one tab. */
export function buildFigure(model: OptimizerModel, tab: OptimizerTab, theme: FigureTheme): Figure {
  if (tab === 'trajectories') return trajectoryFigure(model, theme);
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
  const data = model.runs.map((run) => {
    const x = tab === 'evaluations' ? run.evals : tab === 'time' ? run.timeMs : run.iter;
    const y =
      tab === 'gradient'
        ? run.gradNorm.map((g) => (Number.isFinite(g) && g > 0 ? g : null))
        : lossSeries(model, run, logY);
    return {
      type: 'scatter',
      mode: run.iter.length <= 60 ? 'lines+markers' : 'lines',
      name: escapePlotly(runLegend(run)),
      x,
      y,
      hovertemplate: hoverFor(run, xTitle, yTitle),
      marker: { size: 4 },
    };
  });
  const layout = baseLayout(model, theme, TAB_TITLES[tab]);
  (layout.xaxis as Record<string, unknown>).title = { text: escapePlotly(xTitle) };
  (layout.yaxis as Record<string, unknown>).title = { text: escapePlotly(yTitle) };
  (layout.yaxis as Record<string, unknown>).type = logY ? 'log' : 'linear';
  (layout.yaxis as Record<string, unknown>).exponentformat = 'power';
  return { data, layout };
}

function trajectoryFigure(model: OptimizerModel, theme: FigureTheme): Figure {
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
      ncontours: 25,
      contours: { coloring: 'lines' },
      line: { width: 1 },
      showscale: false,
      name: 'log10(f − min)',
      hovertemplate: 'x: %{x:.3f}<br>y: %{y:.3f}<br>log10(f − min): %{z:.2f}<extra></extra>',
    });
  }
  for (const run of model.runs) {
    if (!run.path) continue;
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: escapePlotly(runLegend(run)),
      x: run.path.x,
      y: run.path.y,
      marker: { size: 4 },
      customdata: run.iter,
      hovertemplate: `${hoverFor(run, 'x', 'y').replace('<extra></extra>', '')}<br>iteration %{customdata}<extra></extra>`,
    });
  }
  const layout = baseLayout(model, theme, TAB_TITLES.trajectories);
  (layout.xaxis as Record<string, unknown>).title = { text: 'x₀' };
  (layout.yaxis as Record<string, unknown>).title = { text: 'x₁' };
  if (c) {
    (layout.xaxis as Record<string, unknown>).range = [c.xs[0], c.xs[c.xs.length - 1]];
    (layout.yaxis as Record<string, unknown>).range = [c.ys[0], c.ys[c.ys.length - 1]];
  }
  return { data, layout };
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
