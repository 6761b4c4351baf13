/**
 * The effective preconditioner in the optimizer comparison: the "preconditioner" tab (the extreme
 * eigenvalues of a_k P_k against iteration, log axis) and the step ellipses on the trajectories of
 * 2-D problems (the image of a small circle under a_k P_k). Pure plotly specs, as the other tabs.
 */
import { clipForLog, colorAt, smallestPositive } from 'adlab/plot-style';
import { runLegend, type OptimizerModel, type RunModel } from '../model/optimizer-model';
import {
  axisTitle,
  baseLayout,
  clipNote,
  escapePlotly,
  logAxisTicks,
  markScale,
  TAB_TITLES,
  type Figure,
  type FigureTheme,
} from './optimizer-figures';

/** What the tab shows, in one line (the view prints it under the tabs). */
export const PRECONDITIONER_NOTE =
  'Effective step sizes: the largest (solid) and smallest (dashed) eigenvalue of a_k P_k. ' +
  'SGD: constant lr; Adam: per-coordinate lr/(√v̂+ε); L-BFGS/Newton: approaching H⁻¹.';

/** Ellipses drawn per run on the trajectories (spread over its samples). */
const ELLIPSES_PER_RUN = 6;
/**
 * Each ellipse's half-extent, as a fraction of the plot: a_k P_k spans decades (lr 1e-3 against
 * H⁻¹ ~ 1), so sizes are normalised and the ellipses show shape and orientation; the tab gives sizes.
 */
const ELLIPSE_FRACTION = 0.045;
const CIRCLE_POINTS = 40;

/** Whether any run carries a_k P_k samples (the tab is offered then). */
export function hasStepMatrix(model: OptimizerModel): boolean {
  return model.runs.some((r) => r.stepMatrix && r.stepMatrix.iter.length > 0);
}

/** Whether the trajectories can carry step ellipses (2-D runs with the matrices). */
export function hasStepEllipses(model: OptimizerModel): boolean {
  return model.runs.some((r) => r.path && r.stepMatrix?.matrix);
}

function hover(run: RunModel, which: string, estimate: string): string {
  const how = estimate === 'lanczos' ? ' (Lanczos estimate)' : '';
  return (
    `<b>${escapePlotly(run.label)}</b><br>iteration %{x}<br>` +
    `${which} eigenvalue of a·P: %{y:.4e}${how}<extra></extra>`
  );
}

/** The "preconditioner" tab: per run, λmax (solid) and λmin (dashed) of a_k P_k on a log axis. */
export function preconditionerFigure(model: OptimizerModel, theme: FigureTheme): Figure {
  const runs = model.runs.filter((r) => r.stepMatrix && r.stepMatrix.iter.length > 0);
  const floor = smallestPositive(runs.flatMap((r) => [r.stepMatrix!.min, r.stepMatrix!.max]));
  let clipped = 0;
  const data: Record<string, unknown>[] = [];
  const ys: (number | null)[][] = [];
  for (const run of runs) {
    const sm = run.stepMatrix!;
    const color = colorAt(run.colorIndex);
    const group = `run${run.colorIndex}-${run.label}`;
    for (const [which, values] of [
      ['largest', sm.max],
      ['smallest', sm.min],
    ] as const) {
      const c = clipForLog(values, floor);
      clipped += c.clipped;
      ys.push(c.values);
      data.push({
        type: 'scatter',
        mode: sm.iter.length <= 60 ? 'lines+markers' : 'lines',
        name: escapePlotly(runLegend(run, model.runs)),
        legendgroup: group,
        showlegend: which === 'largest',
        x: sm.iter,
        y: c.values,
        hovertemplate: hover(run, which, sm.estimate),
        marker: { size: 4 * markScale(theme), color },
        line: {
          color,
          width: 1.8 * markScale(theme),
          ...(which === 'smallest' ? { dash: 'dash' } : {}),
        },
      });
    }
  }
  const layout = baseLayout(model, theme, TAB_TITLES.preconditioner);
  const xaxis = layout.xaxis as Record<string, unknown>;
  const yaxis = layout.yaxis as Record<string, unknown>;
  xaxis.title = axisTitle('iteration', theme);
  yaxis.title = axisTitle('eigenvalues of a_k P_k', theme);
  yaxis.type = 'log';
  Object.assign(yaxis, logAxisTicks(ys));
  if (clipped > 0) layout.annotations = [clipNote(clipped)];
  return { data, layout };
}

/** Indices of up to `k` samples spread evenly, the first and last included. */
function spread(n: number, k: number): number[] {
  if (n <= k) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, i) => Math.round((i * (n - 1)) / (k - 1)));
}

/**
 * The step ellipses of the runs: at a few samples k, the image of a circle under a_k P_k centred
 * where that step started (x_{k-1}, else the nearest recorded iterate), each scaled to one size
 * (shape and orientation are what they show); `span` is the plot's [x width, y height]. Per run
 * two traces: a halo in the paper colour, then the ellipses in the run's colour.
 */
export function stepEllipseTraces(
  model: OptimizerModel,
  theme: FigureTheme,
  span: [number, number],
): Record<string, unknown>[] {
  const traces: Record<string, unknown>[] = [];
  const circle = Array.from({ length: CIRCLE_POINTS + 1 }, (_, i) => {
    const t = (2 * Math.PI * i) / CIRCLE_POINTS;
    return [Math.cos(t), Math.sin(t)] as const;
  });
  for (const run of model.runs) {
    const sm = run.stepMatrix;
    if (!run.path || !sm?.matrix || run.iter.length === 0) continue;
    const picks = spread(sm.iter.length, ELLIPSES_PER_RUN).filter((i) =>
      sm.matrix![i].every(Number.isFinite),
    );
    const centres = picks.map((i) => nearestPoint(run, sm.iter[i] - 1));
    // Half-extent along x and y of the image of the unit circle under M: the norms of M's rows.
    const extent = ([a, b, c, d]: readonly number[]) =>
      Math.max(Math.hypot(a, b) / span[0], Math.hypot(c, d) / span[1]);
    const x: (number | null)[] = [];
    const y: (number | null)[] = [];
    picks.forEach((i, j) => {
      const m = sm.matrix![i];
      const size = extent(m);
      if (!(size > 0) || !Number.isFinite(size)) return;
      const [a, b, c, d] = m.map((v) => (v * ELLIPSE_FRACTION) / size);
      const [cx, cy] = centres[j];
      for (const [u, v] of circle) {
        x.push(cx + a * u + b * v);
        y.push(cy + c * u + d * v);
      }
      x.push(null);
      y.push(null);
    });
    if (x.length === 0) continue;
    const common = {
      type: 'scatter',
      mode: 'lines',
      legendgroup: `run${run.colorIndex}-${run.label}`,
      showlegend: false,
      x,
      y,
      hoverinfo: 'skip',
    };
    // A halo in the paper colour keeps the ellipse legible over the filled contour.
    traces.push({
      ...common,
      name: escapePlotly(`${runLegend(run, model.runs)}: a·P ellipses (halo)`),
      line: { color: theme.paper, width: 3.4 * markScale(theme) },
      opacity: 0.8,
    });
    traces.push({
      ...common,
      name: escapePlotly(`${runLegend(run, model.runs)}: a·P ellipses`),
      line: { color: colorAt(run.colorIndex), width: 1.6 * markScale(theme) },
    });
  }
  return traces;
}

/** The recorded iterate closest in iteration to `iter` (the payload's history is thinned). */
function nearestPoint(run: RunModel, iter: number): [number, number] {
  let best = 0;
  for (let i = 1; i < run.iter.length; i++)
    if (Math.abs(run.iter[i] - iter) < Math.abs(run.iter[best] - iter)) best = i;
  return [run.path!.x[best], run.path!.y[best]];
}
