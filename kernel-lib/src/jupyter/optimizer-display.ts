/**
 * Displays of optimizer runs: the adlab optimizer-run JSON (histories thinned to what a chart
 * shows), a static picture drawn by the plotting layer (loss against iteration on a log axis; for
 * 2-D problems the trajectories over log-spaced contours) as PNG and inside the escaped HTML
 * summary table, and plain text. Run i has palette colour i on every tab and picture.
 */
import type { Tensor } from '../core/tensor';
import * as np from '../numpy/ops';
import type { OptimizeResult } from '../optim/result';
import type { StepMatrixSummary } from '../optim/template';
import { escapeHtml } from './tensor-display';
import { liveCompareRuns, type LiveCompareOptions, type LiveRunSpec } from './live-runs';
import { plot, type Figure } from '../plot';
import { compact, thinIndices } from '../plot/data';
import { formatNumber } from '../plot/style';
import {
  MIME,
  fromJsonNumber,
  toJsonNumber,
  type JsonNumber,
  type MimeBundle,
  type MimeBundleProvider,
  type OptimizerRunPayload,
  type OptimizerRunTracePayload,
} from './protocol';

/** Options of {@link compareRuns}. */
export interface CompareRunsOptions {
  /** A title (the problem's name). */
  problem?: string;
  /** For 2-D runs: [xmin, xmax, ymin, ymax] of the contour (default: around the trajectories). */
  bounds?: readonly [number, number, number, number];
  /** The known minimum, shown in the table. */
  fStar?: number;
  /** Grid points per axis of the contour (default 40; 0 turns the contour off). */
  grid?: number;
}

/**
 * Iterations per run kept in the JSON payload: about two per pixel of the chart. Beyond that the
 * history is thinned keeping each stretch's lowest and highest loss (and the first and last).
 */
const MAX_PAYLOAD_ITERATIONS = 300;
/** Steps kept over all runs together (six runs keep 80 each), so a comparison stays under 200 KB. */
const MAX_PAYLOAD_STEPS = 480;

/**
 * a_k P_k samples kept per run (at most) and over all runs (six runs keep 15 each, about 3 KB: a comparison stays under 200 KB), at
 * 4 significant digits: a log-axis curve and an ellipse need no more.
 */
const MAX_STEP_MATRIX_SAMPLES = 100;
const MAX_STEP_MATRIX_TOTAL = 90;

/** Steps kept over all runs in each update of a live run (ten a second: a smaller payload). */
const LIVE_PAYLOAD_STEPS = 240;

/**
 * Entries of `hyperparameters` that methods fill in while they run: results, shown apart from the
 * settings (the table's "results" column).
 */
const RESULT_KEYS = new Set(['cgIterations', 'skippedPairs', 'negativeCurvatureSteps']);

function split(hp: Record<string, number | string | boolean>) {
  const settings: Record<string, number | string | boolean> = {};
  const results: Record<string, number | string | boolean> = {};
  for (const [k, v] of Object.entries(hp)) (RESULT_KEYS.has(k) ? results : settings)[k] = v;
  return { settings, results };
}

function fmt(x: number, digits = 4): string {
  return formatNumber(x, digits);
}

/**
 * One or several runs shown side by side (loss curves, trajectories on 2-D problems, a table).
 * @example compareRuns([minimize(p.f, p.x0, { method: 'lbfgs' }), minimize(p.f, p.x0, { method: 'newton' })])
 */
export class RunComparison implements MimeBundleProvider {
  constructor(
    readonly runs: readonly OptimizeResult[],
    readonly options: CompareRunsOptions = {},
  ) {}

  private is2d(): boolean {
    return (
      this.runs.length > 0 &&
      this.runs.every((r) => r.xFlat.size === 2 && r.history.every((h) => h.x))
    );
  }

  /** The contour grid for 2-D problems. */
  contour(): OptimizerRunPayload['contour'] {
    const n = this.options.grid ?? 40;
    if (!this.is2d() || n < 2) return undefined;
    let b = this.options.bounds;
    if (!b) {
      const pts = this.runs
        .flatMap((r) => r.history.map((h) => h.x!))
        .filter((p) => p.every(Number.isFinite));
      const xs = pts.map((p) => p[0]);
      const ys = pts.map((p) => p[1]);
      const pad = (lo: number, hi: number): [number, number] => {
        const w = Math.max(hi - lo, 1e-3);
        return [lo - 0.2 * w, hi + 0.2 * w];
      };
      b = [...pad(Math.min(...xs), Math.max(...xs)), ...pad(Math.min(...ys), Math.max(...ys))];
    }
    const [x0, x1, y0, y1] = b;
    const xs = Array.from({ length: n }, (_, i) => x0 + ((x1 - x0) * i) / (n - 1));
    const ys = Array.from({ length: n }, (_, j) => y0 + ((y1 - y0) * j) / (n - 1));
    const f = this.runs[0].objective;
    const dtype = this.runs[0].xFlat.dtype;
    const z = ys.flatMap((y) =>
      xs.map((x) => toJsonNumber((f(np.array([x, y], dtype)) as Tensor).item())),
    );
    return { xs, ys, z };
  }

  /**
   * The `application/vnd.adlab.optimizer-run.v1+json` payload (the contour computed unless
   * given); `maxSteps` caps the steps kept over all runs (live updates send fewer).
   */
  payload(
    contour: OptimizerRunPayload['contour'] | null = this.contour(),
    maxSteps = MAX_PAYLOAD_STEPS,
  ): OptimizerRunPayload {
    const p: OptimizerRunPayload = {
      problem: this.options.problem ?? '',
      runs: this.runs.map((r, i) => {
        const { settings, results } = split(r.hyperparameters);
        const keep = thinIndices(
          r.history.map((h) => h.loss),
          Math.min(
            MAX_PAYLOAD_ITERATIONS,
            Math.max(Math.min(60, maxSteps), Math.floor(maxSteps / this.runs.length)),
          ),
        );
        return {
          method: r.method,
          label: r.name,
          status: r.status,
          hyperparameters: settings,
          results,
          colorIndex: i,
          termination: r.termination,
          history: keep.map((k) => {
            const h = r.history[k];
            return {
              iter: h.iter,
              loss: json(h.loss),
              gradNorm: json(h.gradNorm),
              stepSize: json(h.stepSize),
              ...(h.x ? { x: h.x.map(json) } : {}),
              evals: { ...h.evals },
              timeMs: Number(h.timeMs.toFixed(3)),
            };
          }),
          ...stepMatrixOf(r, this.runs.length),
        };
      }),
    };
    const c = contour;
    if (c)
      p.contour = {
        xs: c.xs.map(json) as number[],
        ys: c.ys.map(json) as number[],
        z: c.z.map((v) => (typeof v === 'number' ? json(v) : v)),
      };
    if (this.options.fStar !== undefined) p.fStar = toJsonNumber(this.options.fStar);
    return p;
  }

  /**
   * The static picture, from the plotting layer: loss (or loss − f*) against iteration on a log
   * axis and, for 2-D problems, the trajectories over log-spaced contours with a colour bar.
   */
  figure(contour = this.contour()): Figure {
    const fStar = this.options.fStar;
    const shift = fStar !== undefined && Number.isFinite(fStar) ? fStar : 0;
    const series = this.runs.map((r, i) => ({
      x: r.history.map((h) => h.iter),
      y: r.history.map((h) => h.loss - shift),
      name: r.name,
      colorIndex: i,
    }));
    // Log axis unless some loss is negative; zeros are clipped to the smallest positive value.
    const log = series.every((sr) => sr.y.every((v) => !Number.isFinite(v) || v >= 0));
    const loss = plot.line(series, {
      title: 'loss against iteration',
      xLabel: 'iteration',
      yLabel: shift !== 0 ? 'loss − f*' : 'loss',
      yScale: log ? 'log' : 'linear',
    });
    const panels = [loss];
    if (contour) {
      const { xs, ys, z } = contour;
      const rows = ys.map((_, j) => xs.map((_, i) => fromJsonNumber(z[j * xs.length + i])));
      panels.push(
        plot.contour(
          { xs, ys, z: rows },
          { title: 'trajectories', xLabel: 'x₁', yLabel: 'x₂', zLabel: 'f', paths: this.runs },
        ),
      );
    }
    return plot.grid(panels, { columns: panels.length, title: this.options.problem ?? '' });
  }

  /** The summary table as escaped HTML. */
  html(): string {
    const head = [
      'run',
      'settings',
      'results',
      'iterations',
      'final loss',
      '|g|',
      'f evals',
      'grad evals',
      'HVPs',
      'time (ms)',
      'termination',
    ];
    const rows = this.runs.map((r) => {
      const last = r.history[r.history.length - 1];
      const { settings, results } = split(r.hyperparameters);
      const pairs = (o: Record<string, unknown>) =>
        Object.entries(o)
          .filter(([k]) => k !== 'maxIter' && k !== 'tol')
          .map(([k, v]) => `${k}=${v}`)
          .join(', ');
      return [
        r.name,
        pairs(settings),
        pairs(results),
        String(r.iterations),
        fmt(last.loss, 6),
        fmt(last.gradNorm, 3),
        String(last.evals.f),
        String(last.evals.grad),
        String(last.evals.hvp),
        fmt(last.timeMs, 3),
        r.termination,
      ];
    });
    const title = this.options.problem
      ? `<div><b>${escapeHtml(this.options.problem)}</b></div>`
      : '';
    const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
    const body = rows
      .map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
      .join('');
    return `${title}<table class="adlab-optimizer-runs"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
  }

  /** Plain text: one line per run. */
  toString(): string {
    const title = this.options.problem ? `${this.options.problem}\n` : '';
    return title + this.runs.map((r) => r.toString()).join('\n');
  }

  /**
   * The bundle: adlab JSON for the extension; for everything else the table in HTML with the
   * picture above it as a PNG `<img>` (nbconvert, nbviewer and GitHub prefer text/html). The
   * picture is carried once, not also as `image/png`, to keep the output under 200 KB; for a
   * paper, `compareRuns(...).figure().save('runs.pdf')`.
   */
  toMimeBundle(contour: OptimizerRunPayload['contour'] | null = this.contour()): MimeBundle {
    const payload = this.payload(contour);
    const bundle: MimeBundle = { [MIME.optimizerRun]: payload, 'text/plain': this.toString() };
    let img = '';
    try {
      const png = this.figure(payload.contour).toMimeBundle()['image/png'];
      if (typeof png === 'string')
        img = `<img alt="optimizer runs" src="data:image/png;base64,${png}">`;
    } catch (err) {
      bundle['text/plain'] += `\n(no static image: ${(err as Error).message})`;
    }
    bundle['text/html'] = img + this.html();
    return bundle;
  }

  /**
   * The bundle of a run in progress (`compareRuns.live`): the JSON, the table and text, without
   * the static picture, which would cost more to draw ten times a second than the iterations.
   */
  runningBundle(contour: OptimizerRunPayload['contour'] | null = null): MimeBundle {
    return {
      [MIME.optimizerRun]: this.payload(contour, LIVE_PAYLOAD_STEPS),
      'text/plain': this.toString(),
      'text/html': this.html(),
    };
  }
}

/**
 * Shows several optimizer runs side by side (in a notebook, the last expression of a cell).
 * @example compareRuns([runA, runB], { problem: 'Rosenbrock 2-D' })
 */
function compareRunsOf(
  runs: readonly OptimizeResult[],
  options: CompareRunsOptions = {},
): RunComparison {
  if (!Array.isArray(runs) || runs.length === 0)
    throw new TypeError(
      'compareRuns: expected a non-empty array of minimize results (to watch runs while they proceed, use compareRuns.live([{ f, x0, method }, ...]))',
    );
  return new RunComparison(runs, options);
}

/**
 * Shows several optimizer runs side by side; `compareRuns.live(specs)` runs them while one output
 * updates in place, with a Stop button.
 * @example compareRuns([runA, runB], { problem: 'Rosenbrock 2-D' })
 * @example const runs = await compareRuns.live([{ f: p.f, x0: p.x0, method: 'adam', lr: 0.05 }])
 */
export const compareRuns = Object.assign(compareRunsOf, {
  /** Runs `minimize` for each spec while one output updates in place (see live-runs.ts). */
  live: (specs: readonly LiveRunSpec[], options?: LiveCompareOptions): Promise<RunComparison> =>
    liveCompareRuns(specs, options),
});

/** Whether two summaries agree to the payload's 4 digits (a constant stretch keeps its ends). */
const sameSummary = (a: StepMatrixSummary, b: StepMatrixSummary) =>
  json4(a.min) === json4(b.min) &&
  json4(a.max) === json4(b.max) &&
  (a.matrix ?? []).every((v, i) => json4(v) === json4(b.matrix![i]));

/**
 * The run's recorded a_k P_k samples for the payload: samples equal to both neighbours dropped
 * (SGD's lr I is two points), then evenly thinned, the last one kept.
 */
function stepMatrixOf(
  r: OptimizeResult,
  runs: number,
): Pick<OptimizerRunTracePayload, 'stepMatrix'> {
  const all = r.history.filter((h) => h.stepMatrix);
  const recorded = all.filter(
    (h, i) =>
      i === 0 ||
      i === all.length - 1 ||
      !sameSummary(h.stepMatrix!, all[i - 1].stepMatrix!) ||
      !sameSummary(h.stepMatrix!, all[i + 1].stepMatrix!),
  );
  if (recorded.length === 0) return {};
  const max = Math.min(
    MAX_STEP_MATRIX_SAMPLES,
    Math.max(12, Math.floor(MAX_STEP_MATRIX_TOTAL / runs)),
  );
  const n = recorded.length;
  const keep =
    n <= max
      ? recorded
      : Array.from({ length: max }, (_, i) => recorded[Math.round((i * (n - 1)) / (max - 1))]);
  const sm = keep.map((h) => h.stepMatrix!);
  const matrices = sm.every((m) => m.matrix);
  return {
    stepMatrix: {
      estimate: sm.some((m) => m.estimate === 'lanczos') ? 'lanczos' : 'exact',
      iter: keep.map((h) => h.iter),
      min: sm.map((m) => json4(m.min)),
      max: sm.map((m) => json4(m.max)),
      ...(matrices ? { matrix: sm.map((m) => m.matrix!.map(json4)) } : {}),
    },
  };
}

/** A number for the payload at 4 significant digits (non-finite values spelled out). */
function json4(v: number): JsonNumber {
  return Number.isFinite(v) ? Number(v.toPrecision(4)) : toJsonNumber(v);
}

/** A number for the payload: 6 significant digits, non-finite values spelled out. */
function json(v: number): JsonNumber {
  return Number.isFinite(v) ? compact(v)! : toJsonNumber(v);
}
