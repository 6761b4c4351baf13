/**
 * Displays of optimizer runs: the adlab optimizer-run JSON, a Vega-Lite v5 chart (loss against
 * iteration on a log scale; for 2-D problems the trajectories over a heatmap of the loss), an
 * escaped HTML summary table and plain text.
 */
import type { Tensor } from '../core/tensor';
import * as np from '../numpy/ops';
import type { OptimizeResult } from '../optim/result';
import { escapeHtml } from './tensor-display';
import {
  MIME,
  toJsonNumber,
  type MimeBundle,
  type MimeBundleProvider,
  type OptimizerRunPayload,
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

/** Points per run drawn in the Vega-Lite charts. */
const MAX_POINTS = 400;
/** Iterations per run kept in the JSON payload (evenly thinned beyond that, first and last kept). */
const MAX_PAYLOAD_ITERATIONS = 1000;

/** Keeps at most `max` entries evenly spaced, always including the first and last. */
function thin<T>(xs: T[], max = MAX_POINTS): T[] {
  if (xs.length <= max) return xs;
  const stride = (xs.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => xs[Math.round(i * stride)]);
}

function fmt(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return Math.abs(x) !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)
    ? x.toExponential(digits - 1)
    : String(Number(x.toPrecision(digits)));
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

  /** The `application/vnd.adlab.optimizer-run.v1+json` payload. */
  payload(): OptimizerRunPayload {
    const p: OptimizerRunPayload = {
      problem: this.options.problem ?? '',
      runs: this.runs.map((r) => ({
        method: r.method,
        label: r.name,
        status: r.status,
        hyperparameters: r.hyperparameters,
        termination: r.termination,
        history: thin(r.history, MAX_PAYLOAD_ITERATIONS).map((h) => ({
          iter: h.iter,
          loss: toJsonNumber(h.loss),
          gradNorm: toJsonNumber(h.gradNorm),
          stepSize: toJsonNumber(h.stepSize),
          ...(h.x ? { x: h.x.map(toJsonNumber) } : {}),
          evals: { ...h.evals },
          timeMs: h.timeMs,
        })),
      })),
    };
    const c = this.contour();
    if (c) p.contour = c;
    if (this.options.fStar !== undefined) p.fStar = toJsonNumber(this.options.fStar);
    return p;
  }

  /** A Vega-Lite v5 spec: loss vs iteration (log scale) and, for 2-D problems, trajectories. */
  vegaLite(contour = this.contour()): Record<string, unknown> {
    const lossRows = this.runs.flatMap((r) =>
      thin(r.history.filter((h) => Number.isFinite(h.loss))).map((h) => ({
        run: r.name,
        iter: h.iter,
        loss: h.loss,
      })),
    );
    const positive = lossRows.every((row) => row.loss > 0);
    const lossChart = {
      title: 'loss against iteration',
      width: 320,
      height: 240,
      data: { values: lossRows },
      mark: { type: 'line', point: lossRows.length < 200 },
      encoding: {
        x: { field: 'iter', type: 'quantitative', title: 'iteration' },
        y: {
          field: 'loss',
          type: 'quantitative',
          title: 'loss',
          scale: { type: positive ? 'log' : 'symlog' },
        },
        color: { field: 'run', type: 'nominal', title: 'run' },
        tooltip: [{ field: 'run' }, { field: 'iter' }, { field: 'loss', format: '.4e' }],
      },
    };
    if (!contour)
      return { $schema: 'https://vega.github.io/schema/vega-lite/v5.json', ...lossChart };
    const { xs, ys, z } = contour;
    const dx = (xs[1] - xs[0]) / 2;
    const dy = (ys[1] - ys[0]) / 2;
    const finite = z.filter((v): v is number => typeof v === 'number');
    const zmin = Math.min(...finite);
    const cells = ys.flatMap((y, j) =>
      xs.map((x, i) => {
        const v = z[j * xs.length + i];
        return {
          x: x - dx,
          x2: x + dx,
          y: y - dy,
          y2: y + dy,
          // log of the gap to the smallest grid value shows the valley of ill-conditioned problems.
          logLoss:
            typeof v === 'number'
              ? Math.log10(v - zmin + 1e-12 + 1e-3 * (Math.abs(zmin) + 1))
              : null,
        };
      }),
    );
    const pathRows = this.runs.flatMap((r) =>
      thin(r.history.filter((h) => h.x && h.x.every(Number.isFinite))).map((h) => ({
        run: r.name,
        iter: h.iter,
        x: h.x![0],
        y: h.x![1],
      })),
    );
    const domainX = [xs[0] - dx, xs[xs.length - 1] + dx];
    const domainY = [ys[0] - dy, ys[ys.length - 1] + dy];
    const trajChart = {
      title: 'trajectories over log loss',
      width: 300,
      height: 300,
      layer: [
        {
          data: { values: cells },
          mark: { type: 'rect' },
          encoding: {
            x: gridAxis('x', domainX, 'x₁'),
            x2: { field: 'x2' },
            y: gridAxis('y', domainY, 'x₂'),
            y2: { field: 'y2' },
            color: {
              field: 'logLoss',
              type: 'quantitative',
              scale: { scheme: 'greys', reverse: true },
              legend: null,
            },
          },
        },
        {
          data: { values: pathRows },
          mark: { type: 'line', point: true, clip: true },
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'y', type: 'quantitative' },
            order: { field: 'iter', type: 'quantitative' },
            color: { field: 'run', type: 'nominal', title: 'run' },
            tooltip: [{ field: 'run' }, { field: 'iter' }, { field: 'x' }, { field: 'y' }],
          },
        },
      ],
      resolve: { scale: { color: 'independent' } },
    };
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      ...(this.options.problem ? { title: this.options.problem } : {}),
      hconcat: [lossChart, trajChart],
      resolve: { scale: { color: 'independent' } },
    };
  }

  /** The summary table as escaped HTML. */
  html(): string {
    const head = [
      'run',
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
      return [
        r.name,
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

  /** The bundle: adlab JSON, Vega-Lite, HTML, text. */
  toMimeBundle(): MimeBundle {
    const payload = this.payload();
    return {
      [MIME.optimizerRun]: payload,
      'application/vnd.vegalite.v5+json': this.vegaLite(payload.contour),
      'text/html': this.html(),
      'text/plain': this.toString(),
    };
  }
}

/**
 * Shows several optimizer runs side by side (in a notebook, the last expression of a cell).
 * @example compareRuns([runA, runB], { problem: 'Rosenbrock 2-D' })
 */
export function compareRuns(
  runs: readonly OptimizeResult[],
  options: CompareRunsOptions = {},
): RunComparison {
  if (!Array.isArray(runs) || runs.length === 0)
    throw new TypeError('compareRuns: expected a non-empty array of minimize results');
  return new RunComparison(runs, options);
}

/** A quantitative Vega-Lite axis over a fixed domain (the contour grid's extent). */
function gridAxis(field: string, domain: unknown, title: string) {
  return { field, type: 'quantitative', scale: { domain, nice: false }, title };
}
