import './setup';
import { PALETTE } from 'adlab/plot-style';
import { describe, expect, it, vi } from 'vitest';
import { MIME } from 'adlab/protocol';
import extensions, { ADLAB_RANK, optimizerExtension } from '../../labextension/src/index';
import {
  parseOptimizerPayload,
  runLegend,
  type OptimizerModel,
} from '../../labextension/src/model/optimizer-model';
import {
  buildFigure,
  escapePlotly,
  LIGHT_THEME,
  lossLogScale,
  tabsFor,
} from '../../labextension/src/view/optimizer-figures';
import { renderOptimizer, type PlotlyLike } from '../../labextension/src/renderers/optimizer';
import { PRINT_THEME } from '../../labextension/src/view/figure-export';
import { rosenbrockRuns } from './graph-optimizer-fixtures';
import { captureDownloads } from './fixtures';

function model(data: unknown): OptimizerModel {
  const r = parseOptimizerPayload(data);
  if (!r.ok) throw new Error(r.error);
  return r.model;
}

/** A plotly stand-in that records calls (plotly needs a real layout engine). */
function fakePlotly() {
  const calls = {
    react: vi.fn((root: HTMLElement, data: unknown[]) => {
      root.classList.add('js-plotly-plot');
      root.dataset.traces = String(data.length);
      return Promise.resolve(root);
    }),
    downloadImage: vi.fn(() => Promise.resolve('ok')),
    toImage: vi.fn((_fig: unknown, o: { format: string }) =>
      Promise.resolve(
        o.format === 'png'
          ? 'data:image/png;base64,iVBORw0KGgo='
          : `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg"/>')}`,
      ),
    ),
    purge: vi.fn(),
    Plots: { resize: vi.fn() },
  };
  return { plotly: calls as unknown as PlotlyLike, calls };
}

describe('optimizer extension declaration', () => {
  it('registers a safe JSON renderer for the optimizer-run MIME type', () => {
    expect(extensions).toContain(optimizerExtension);
    expect(optimizerExtension.rendererFactory.mimeTypes).toEqual([MIME.optimizerRun]);
    expect(optimizerExtension.rendererFactory.safe).toBe(true);
    expect(optimizerExtension.dataType).toBe('json');
    expect(optimizerExtension.rank).toBe(ADLAB_RANK);
  });
});

describe('optimizer model', () => {
  it('decodes a real comparison into aligned series', () => {
    const m = model(rosenbrockRuns());
    expect(m.problem).toBe('Rosenbrock (n = 2)');
    expect(m.fStar).toBe(0);
    expect(m.runs.map((r) => r.method)).toEqual(['lbfgs', 'newton']);
    const r = m.runs[0]!;
    expect(r.iter).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.loss[0]).toBeCloseTo(24.2);
    expect(r.evals[0]).toBe(2);
    expect(r.path!.x[0]).toBe(-1.2);
    expect(r.hyperparameters).toContainEqual(['memory', '10']);
    expect(m.contour!.z).toHaveLength(2);
    expect(m.contour!.z[0]).toHaveLength(3);
  });

  it('decodes non-finite losses', () => {
    const p = rosenbrockRuns();
    p.runs[0]!.history[1]!.loss = 'NaN';
    p.runs[0]!.history[2]!.loss = 'Infinity';
    const r = model(p).runs[0]!;
    expect(r.loss[1]).toBeNaN();
    expect(r.loss[2]).toBe(Infinity);
  });

  it.each([
    ['not an object', 42, /payload must be an object/],
    ['no runs', { problem: 'p' }, /runs must be an array/],
    ['empty runs', { problem: 'p', runs: [] }, /runs is empty/],
    ['a run without history', { runs: [{ method: 'gd' }] }, /history must be an array/],
    [
      'a string loss',
      {
        runs: [
          { method: 'gd', history: [{ iter: 0, loss: '1', gradNorm: 1, evals: {}, timeMs: 0 }] },
        ],
      },
      /loss is not a number/,
    ],
    [
      'negative evaluations',
      {
        runs: [
          {
            method: 'gd',
            history: [{ iter: 0, loss: 1, gradNorm: 1, evals: { f: -1 }, timeMs: 0 }],
          },
        ],
      },
      /evals\.f/,
    ],
    [
      'a contour of the wrong size',
      { ...rosenbrockRuns(), contour: { xs: [0, 1], ys: [0, 1], z: [1, 2, 3] } },
      /contour\.z has 3 entries, expected 4/,
    ],
    [
      'object hyperparameters',
      { runs: [{ method: 'gd', hyperparameters: { a: {} }, history: [] }] },
      /hyperparameters\.a/,
    ],
  ])('rejects %s', (_what, data, error) => {
    const r = parseOptimizerPayload(data);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it('names runs by label alone, adding settings (not loop bounds) only when labels repeat', () => {
    const m = model(rosenbrockRuns());
    expect(runLegend(m.runs[0]!, m.runs)).toBe('lbfgs');
    const twin = { ...m.runs[0]! };
    expect(runLegend(twin, [m.runs[0]!, twin])).toMatch(/^lbfgs \(memory=10, lineSearch=wolfe/);
  });
});

describe('optimizer figures', () => {
  it('builds log-scale loss curves, one trace per run, in palette colours, settings on hover', () => {
    const m = model(rosenbrockRuns());
    const fig = buildFigure(m, 'iteration', LIGHT_THEME);
    expect(fig.data).toHaveLength(2);
    expect(fig.data[0]!.name).toBe('lbfgs');
    expect(fig.data.map((t) => (t.line as { color: string }).color)).toEqual([
      PALETTE[0],
      PALETTE[1],
    ]);
    const traj = buildFigure(m, 'trajectories', LIGHT_THEME);
    expect(traj.data.slice(1).map((t) => (t.line as { color: string }).color)).toEqual([
      PALETTE[0],
      PALETTE[1],
    ]);
    expect(fig.data[0]!.hovertemplate).toContain('lineSearch=wolfe');
    expect((fig.layout.yaxis as { type: string }).type).toBe('log');
    expect((fig.layout.yaxis as { title: { text: string } }).title.text).toBe('loss − f*');
    expect(fig.layout.paper_bgcolor).toBe('#ffffff');
    const evals = buildFigure(m, 'evaluations', LIGHT_THEME);
    expect(evals.data[0]!.x).toEqual(m.runs[0]!.evals);
    const time = buildFigure(m, 'time', LIGHT_THEME);
    expect(time.data[0]!.x).toEqual(m.runs[0]!.timeMs);
    const grad = buildFigure(m, 'gradient', LIGHT_THEME);
    expect(grad.data[0]!.y).toEqual(m.runs[0]!.gradNorm);
  });

  it('draws trajectories over the contour for 2-D problems', () => {
    const m = model(rosenbrockRuns());
    expect(tabsFor(m)).toContain('trajectories');
    const fig = buildFigure(m, 'trajectories', LIGHT_THEME);
    expect(fig.data[0]!.type).toBe('contour');
    expect(fig.data.slice(1).map((t) => t.type)).toEqual(['scatter', 'scatter']);
    const noPath = rosenbrockRuns();
    delete noPath.contour;
    for (const r of noPath.runs) for (const s of r.history) delete s.x;
    expect(tabsFor(model(noPath))).not.toContain('trajectories');
  });

  it('keeps a log axis when a run reaches exactly 0: zeros drawn at the smallest positive value, with a note', () => {
    const p = rosenbrockRuns();
    delete p.fStar;
    p.runs[1]!.history.at(-1)!.loss = 0;
    const m = model(p);
    const fig = buildFigure(m, 'iteration', LIGHT_THEME);
    expect((fig.layout.yaxis as { type: string }).type).toBe('log');
    const ys = fig.data[1]!.y as number[];
    const positive = fig.data.flatMap((t) => (t.y as (number | null)[]).filter((v) => v! > 0));
    expect(ys.at(-1)).toBe(Math.min(...(positive as number[])));
    expect(JSON.stringify(fig.layout.annotations)).toContain('1 value ≤ 0');
    p.runs[1]!.history.at(-2)!.loss = 1e-9;
    const ticks = (
      buildFigure(model(p), 'iteration', LIGHT_THEME).layout.yaxis as { ticktext: string[] }
    ).ticktext;
    expect(ticks).toContain('10⁻⁸');
  });

  it('draws contours on log-spaced levels with a colour bar in decades', () => {
    const fig = buildFigure(model(rosenbrockRuns()), 'trajectories', LIGHT_THEME);
    const c = fig.data[0] as {
      contours: { size: number };
      showscale: boolean;
      colorbar: { ticktext: string[]; x: number; xanchor: string; xpad: number };
    };
    expect(c.showscale).toBe(true);
    // Right at the plot's edge, half a font size off (not plotly's 1.02 + 10 px).
    expect([c.colorbar.x, c.colorbar.xanchor, c.colorbar.xpad]).toEqual([1, 'left', 6]);
    const print = buildFigure(model(rosenbrockRuns()), 'trajectories', PRINT_THEME).data[0] as {
      colorbar: { title: { font: { size: number } }; outlinewidth: number };
    };
    expect([print.colorbar.title.font.size, print.colorbar.outlinewidth]).toEqual([8, 0]);
    // Axes named as in the kernel's static picture of the same output (x₀, x₁ before).
    const traj = buildFigure(model(rosenbrockRuns()), 'trajectories', LIGHT_THEME).layout;
    const title = (a: unknown) => (a as { title: { text: string } }).title.text;
    expect([title(traj.xaxis), title(traj.yaxis)]).toEqual(['x₁', 'x₂']);
    expect([0.5, 1]).toContain(c.contours.size);
    expect(c.colorbar.ticktext.every((t) => /^(1|10|10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.test(t))).toBe(true);
  });

  it('switches to a linear axis when losses can be negative and f* is unknown', () => {
    const p = rosenbrockRuns();
    delete p.fStar;
    p.runs[0]!.history[0]!.loss = -3;
    const m = model(p);
    expect(lossLogScale(m)).toBe(false);
    expect((buildFigure(m, 'iteration', LIGHT_THEME).layout.yaxis as { type: string }).type).toBe(
      'linear',
    );
  });

  it('escapes payload text for plotly', () => {
    expect(escapePlotly('<b>x</b> & 50%')).toBe('&lt;b&gt;x&lt;/b&gt; &amp; 50&#37;');
    const p = rosenbrockRuns();
    p.problem = '<img src=x>';
    p.runs[0]!.label = '<script>';
    const fig = buildFigure(model(p), 'iteration', LIGHT_THEME);
    expect(JSON.stringify(fig)).not.toMatch(/<img|<script/);
  });
});

describe('optimizer view', () => {
  it('builds the summary table and tabs, plots through plotly, exports light', async () => {
    const { plotly, calls } = fakePlotly();
    const { node, view } = renderOptimizer(rosenbrockRuns(), () => Promise.resolve(plotly));
    document.body.appendChild(node);
    expect(node.querySelector('.adlab-error')).toBeNull();
    expect(node.querySelector('.adlab-opt-problem')!.textContent).toBe('Rosenbrock (n = 2)');
    expect(node.querySelectorAll('.adlab-opt-table tbody tr')).toHaveLength(2);
    expect([...node.querySelectorAll('.adlab-opt-tab')].map((b) => b.textContent)).toEqual([
      'loss / iteration',
      'gradient norm / iteration',
      'loss / evaluations',
      'loss / wall time',
      'trajectories',
    ]);
    // jsdom has no layout: give the plot a width so the view draws.
    Object.defineProperty(view!.plotNode, 'clientWidth', { value: 600 });
    await view!.draw();
    expect(calls.react).toHaveBeenCalledTimes(1);
    expect(view!.plotNode.dataset.traces).toBe('3');
    await view!.select('gradient');
    expect(calls.react).toHaveBeenCalledTimes(2);
    expect(node.querySelector('.adlab-opt-tab-active')!.textContent).toBe(
      'gradient norm / iteration',
    );
    const downloads = captureDownloads();
    await view!.exportAs('png');
    const [fig, opts] = calls.toImage.mock.calls[0] as unknown as [
      { layout: { paper_bgcolor: string } },
      { format: string; width: number; scale: number },
    ];
    expect(fig.layout.paper_bgcolor).toBe('#ffffff');
    expect(opts.format).toBe('png');
    expect(opts.width).toBe(252);
    expect(opts.scale).toBeCloseTo(300 / 72);
    expect(downloads.names).toEqual(['Rosenbrock_n_2_-gradient.png']);
    expect(node.querySelector('.adlab-opt-status')!.textContent).toBe('');
    downloads.restore();
    view!.dispose();
    node.remove();
  });

  it('does not draw at width 0 (virtualized notebooks) and reports a failed load', async () => {
    const { plotly, calls } = fakePlotly();
    const ok = renderOptimizer(rosenbrockRuns(), () => Promise.resolve(plotly));
    await ok.view!.draw();
    expect(calls.react).not.toHaveBeenCalled();
    const failing = renderOptimizer(rosenbrockRuns(), () => Promise.reject(new Error('offline')));
    Object.defineProperty(failing.view!.plotNode, 'clientWidth', { value: 600 });
    await failing.view!.draw();
    expect(failing.node.querySelector('.adlab-opt-status')!.textContent).toMatch(
      /could not be loaded/,
    );
  });

  it('shows the error box for a malformed payload, with HTML kept as text', () => {
    const { node } = renderOptimizer({ problem: '<img src=x>', runs: 'x' });
    expect(node.classList.contains('adlab-error')).toBe(true);
    expect(node.textContent).toBe(
      'adlab: cannot display optimizer run: runs must be an array, got a string',
    );
    const p = rosenbrockRuns();
    p.problem = '<img src=x onerror="window.__pwned=1">';
    const good = renderOptimizer(p, () => Promise.reject(new Error('no plotly')));
    expect(good.node.querySelector('img')).toBeNull();
    expect(good.node.querySelector('.adlab-opt-problem')!.textContent).toBe(p.problem);
  });
});
