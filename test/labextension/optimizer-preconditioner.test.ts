import './setup';
import { PALETTE } from 'adlab/plot-style';
import type { OptimizerRunPayload } from 'adlab/protocol';
import { describe, expect, it, vi } from 'vitest';
import { parseOptimizerPayload } from '../../labextension/src/model/optimizer-model';
import { buildFigure, LIGHT_THEME, tabsFor } from '../../labextension/src/view/optimizer-figures';
import { renderOptimizer, type PlotlyLike } from '../../labextension/src/renderers/optimizer';
import { rosenbrockRuns } from './graph-optimizer-fixtures';
import { captureDownloads } from './fixtures';

/** The Rosenbrock comparison with a_k P_k samples: L-BFGS reaching H⁻¹ at the minimum, Newton. */
function withStepMatrix(): OptimizerRunPayload {
  const p = rosenbrockRuns();
  p.runs[0]!.stepMatrix = {
    estimate: 'exact',
    iter: [1, 3, 5],
    min: [0.004, 0.01, 0.001],
    max: [0.004, 0.5, 2.5],
    matrix: [
      [0.004, 0, 0, 0.004],
      [0.2, 0.1, 0.1, 0.3],
      [0.5, 1, 1, 2],
    ],
  };
  p.runs[1]!.stepMatrix = {
    estimate: 'exact',
    iter: [1],
    min: [0.002],
    max: ['Infinity'],
    matrix: [[0.5, 1, 1, 2.005]],
  };
  return p;
}

/** Payloads and traces are read and mutated freely here (to make them malformed). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function model(data: unknown) {
  const r = parseOptimizerPayload(data);
  if (!r.ok) throw new Error(r.error);
  return r.model;
}

function errorOf(mutate: (p: Loose) => void): string {
  const p = withStepMatrix() as unknown as Loose;
  mutate(p);
  const r = parseOptimizerPayload(p);
  return r.ok ? 'ok' : r.error;
}

describe('a_k P_k in the optimizer payload', () => {
  it('decodes the samples into aligned series, non-finite values included', () => {
    const m = model(withStepMatrix());
    const sm = m.runs[0]!.stepMatrix!;
    expect(sm.iter).toEqual([1, 3, 5]);
    expect(sm.min).toEqual([0.004, 0.01, 0.001]);
    expect(sm.matrix![2]).toEqual([0.5, 1, 1, 2]);
    expect(m.runs[1]!.stepMatrix!.max[0]).toBe(Infinity);
    expect(tabsFor(m)).toEqual([
      'iteration',
      'gradient',
      'evaluations',
      'time',
      'preconditioner',
      'trajectories',
    ]);
    expect(tabsFor(model(rosenbrockRuns()))).not.toContain('preconditioner');
  });

  it('rejects malformed fields with an error that names them', () => {
    expect(errorOf((p) => (p.runs[0].stepMatrix = 'x'))).toBe(
      'runs[0].stepMatrix must be an object, got a string',
    );
    expect(errorOf((p) => (p.runs[0].stepMatrix.estimate = 'guess'))).toBe(
      "runs[0].stepMatrix.estimate must be 'exact' or 'lanczos', got a string",
    );
    expect(errorOf((p) => (p.runs[0].stepMatrix.min = {}))).toBe(
      'runs[0].stepMatrix.min must be an array, got an object',
    );
    expect(errorOf((p) => (p.runs[0].stepMatrix.min[1] = '1e-3'))).toMatch(
      /^runs\[0\]\.stepMatrix\.min\[1\] is not a number/,
    );
    expect(errorOf((p) => (p.runs[0].stepMatrix.iter[2] = -1))).toBe(
      'runs[0].stepMatrix.iter[2] must be a non-negative number',
    );
    expect(errorOf((p) => p.runs[0].stepMatrix.max.pop())).toBe(
      'runs[0].stepMatrix.max has 2 entries, iter has 3',
    );
    expect(errorOf((p) => (p.runs[1].stepMatrix.matrix[0] = [1, 2, 3]))).toBe(
      'runs[1].stepMatrix.matrix[0] must be an array of 4 numbers (a 2x2 matrix, row-major)',
    );
    expect(errorOf((p) => (p.runs[1].stepMatrix.matrix[0][3] = null))).toMatch(
      /^runs\[1\]\.stepMatrix\.matrix\[0\]\[3\] is not a number/,
    );
    expect(errorOf((p) => (p.runs[1].stepMatrix.matrix = []))).toBe(
      'runs[1].stepMatrix.matrix has 0 entries, iter has 1',
    );
    const many = Array.from({ length: 1001 }, (_, i) => i);
    expect(errorOf((p) => (p.runs[0].stepMatrix.iter = many))).toMatch(/more than 1000/);
    // The renderer shows the error box, never a broken view.
    const bad = withStepMatrix() as unknown as Loose;
    bad.runs[0].stepMatrix.max[0] = { evil: '<img src=x>' };
    const { node, view } = renderOptimizer(bad);
    expect(view).toBeUndefined();
    expect(node.classList.contains('adlab-error')).toBe(true);
    expect(node.querySelector('img')).toBeNull();
  });
});

describe('the preconditioner tab and the step ellipses', () => {
  it('draws λmax solid and λmin dashed per run, in run colours, on a log axis', () => {
    const fig = buildFigure(model(withStepMatrix()), 'preconditioner', LIGHT_THEME);
    expect(fig.data).toHaveLength(4);
    const [maxTrace, minTrace] = fig.data as Loose[];
    expect(maxTrace.y).toEqual([0.004, 0.5, 2.5]);
    expect(minTrace.y).toEqual([0.004, 0.01, 0.001]);
    expect(minTrace.line.dash).toBe('dash');
    expect(maxTrace.line.dash).toBeUndefined();
    expect(maxTrace.line.color).toBe(PALETTE[0]);
    expect((fig.data[2] as Loose).line.color).toBe(PALETTE[1]);
    expect(maxTrace.showlegend).toBe(true);
    expect(minTrace.showlegend).toBe(false);
    // Infinity is no point on a log axis: null, a gap.
    expect((fig.data[2] as Loose).y).toEqual([null]);
    const y = fig.layout.yaxis as Loose;
    expect(y.type).toBe('log');
    expect(y.title.text).toBe('eigenvalues of a_k P_k');
    expect(y.ticktext.join(' ')).toMatch(/10⁻³/);
  });

  it('adds, on request, one ellipse trace per run: the image of a circle under a_k P_k', () => {
    const m = model(withStepMatrix());
    const plain = buildFigure(m, 'trajectories', LIGHT_THEME);
    const withEllipses = buildFigure(m, 'trajectories', LIGHT_THEME, { ellipses: true });
    // Per run a halo (paper colour) and the ellipses (run colour).
    expect(withEllipses.data.length).toBe(plain.data.length + 4);
    const halo = withEllipses.data[withEllipses.data.length - 4] as Loose;
    expect(halo.line.color).toBe(LIGHT_THEME.paper);
    const e = withEllipses.data[withEllipses.data.length - 3] as Loose;
    expect(halo.x).toEqual(e.x);
    expect(e.line.color).toBe(PALETTE[0]);
    // Three ellipses of 41 points, each closed by a null.
    expect(e.x).toHaveLength(3 * 42);
    expect(e.x.filter((v: number | null) => v === null)).toHaveLength(3);
    // The identity sample (a P = 0.004 I) is a circle in data units, centred at x_0.
    const first = e.x.slice(0, 41).map((x: number, i: number) => [x, e.y[i] as number]);
    const [cx, cy] = [-1.2, 1];
    const r = first.map(([x, y]: number[]) => Math.hypot(x - cx, y - cy));
    expect(Math.max(...r) - Math.min(...r)).toBeLessThan(1e-9);
    // The last sample [[0.5, 1], [1, 2]] (rank one) is a segment along (1, 2) through x_4.
    const last = e.x.slice(84, 125).map((x: number, i: number) => [x, e.y[84 + i] as number]);
    const [lx, ly] = [-1.0244445503736697, 1.0575043118777874];
    for (const [x, y] of last) expect(Math.abs(2 * (x - lx) - (y - ly))).toBeLessThan(1e-9);
  });

  it('switches to the tab, shows the note and the checkbox where they apply, exports', async () => {
    const calls: unknown[][] = [];
    const plotly = {
      react: vi.fn((root: HTMLElement, data: unknown[]) => {
        calls.push(data);
        return Promise.resolve(root);
      }),
      toImage: vi.fn(() => Promise.resolve('data:image/png;base64,iVBORw0KGgo=')),
      purge: vi.fn(),
      Plots: { resize: vi.fn() },
    } as unknown as PlotlyLike;
    const { node, view } = renderOptimizer(withStepMatrix(), () => Promise.resolve(plotly));
    document.body.appendChild(node);
    Object.defineProperty(view!.plotNode, 'clientWidth', { value: 600 });
    const note = node.querySelector<HTMLElement>('.adlab-opt-note')!;
    const toggle = node.querySelector<HTMLElement>('.adlab-opt-ellipses')!;
    expect(view!.tab).toBe('trajectories');
    expect(note.hidden).toBe(true);
    expect(toggle.hidden).toBe(false);
    await view!.draw();
    expect(calls[0]).toHaveLength(3);
    const box = toggle.querySelector('input')!;
    box.checked = true;
    box.dispatchEvent(new Event('change'));
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toHaveLength(7);
    node.querySelector<HTMLElement>('.adlab-opt-tab[data-tab="preconditioner"]')!.click();
    await vi.waitFor(() => expect(calls).toHaveLength(3));
    expect(view!.tab).toBe('preconditioner');
    expect(note.hidden).toBe(false);
    expect(note.textContent).toMatch(/^Effective step sizes: .*SGD: constant lr; Adam: .*H⁻¹/);
    expect(toggle.hidden).toBe(true);
    expect(calls[2]).toHaveLength(4);
    const downloads = captureDownloads();
    await view!.exportAs('png');
    expect(downloads.names).toEqual(['Rosenbrock_n_2_-preconditioner.png']);
    downloads.restore();
    view!.dispose();
    node.remove();
  });
});
