import { describe, expect, it } from 'vitest';
import { compareRuns, minimize, MIME, np, optim, Tensor } from '../../kernel-lib/src';
import type { OptimizerRunPayload } from '../../kernel-lib/src/jupyter/protocol';

import type { FigurePayload } from '../../kernel-lib/src/jupyter/protocol';

describe('optimizer-run display', () => {
  it('a 2-D comparison carries adlab JSON, a picture (log loss axis, log contours) in the HTML, and text', () => {
    const p = optim.problems.rosenbrock(2);
    const runs = [
      minimize(p.f, p.x0, { method: 'lbfgs' }),
      minimize(p.f, p.x0, { method: 'gd', maxIter: 50 }),
    ];
    const bundle = compareRuns(runs, {
      problem: p.name,
      bounds: p.bounds,
      grid: 10,
    }).toMimeBundle();
    const payload = bundle[MIME.optimizerRun] as OptimizerRunPayload;
    expect(payload.runs.map((r) => r.method)).toEqual(['lbfgs', 'gd']);
    expect(payload.runs[0].history[0].x).toEqual([-1.2, 1]);
    expect(payload.contour!.xs).toHaveLength(10);
    expect(payload.contour!.z).toHaveLength(100);
    expect(payload.runs.map((r) => r.colorIndex)).toEqual([0, 1]);
    expect(payload.runs[0].results).toHaveProperty('skippedPairs');
    expect(payload.runs[0].hyperparameters).not.toHaveProperty('skippedPairs');
    const fig = compareRuns(runs, { problem: p.name, bounds: p.bounds, grid: 10 }).figure()
      .payload as FigurePayload;
    expect(fig.panels.map((q) => q.y.scale)).toEqual(['log', 'linear']);
    expect(fig.panels[1].series[0]).toMatchObject({ kind: 'contour', logLevels: true });
    expect(bundle['text/html']).toMatch(/^<img alt="optimizer runs" src="data:image\/png;base64,/);
    expect(JSON.parse(JSON.stringify(bundle))).toEqual(bundle);
    expect(bundle['text/html']).toContain('<table');
    expect(bundle['text/plain']).toContain('lbfgs');
  });

  it('a single run displays itself; non-finite values are spelled out; names are escaped', () => {
    let calls = 0;
    const f = (x: Tensor) => (++calls > 3 ? np.mul(np.sum(x), NaN) : np.sum(np.square(x)));
    const r = minimize(f, np.array([1, 2, 3], 'float64'), {
      method: 'sgd',
      lr: 0.1,
      name: '<img src=x onerror=alert(1)>',
    });
    const bundle = r.toMimeBundle();
    const payload = bundle[MIME.optimizerRun] as OptimizerRunPayload;
    expect(payload.contour).toBeUndefined();
    expect(payload.runs[0].history.at(-1)!.loss).toBe('NaN');
    expect(payload.runs[0].status).toBe('nonFinite');
    expect(bundle['text/html']).not.toContain('<img src=x');
    expect(bundle['text/html']).toContain('&lt;img');
    expect(bundle['text/html']).toContain('<img alt="optimizer runs"');
  });

  it(
    'keeps payloads lean: a long history is thinned, its lowest loss and last step kept',
    { timeout: 30_000 },
    () => {
      const p = optim.problems.rosenbrock(2);
      const r = minimize(p.f, p.x0, { method: 'gd', lr: 1e-3, maxIter: 3000 });
      const bundle = compareRuns([r], { problem: p.name, bounds: p.bounds }).toMimeBundle();
      const hist = (bundle[MIME.optimizerRun] as OptimizerRunPayload).runs[0].history;
      expect(hist.length).toBeLessThanOrEqual(300);
      expect(hist.at(-1)!.iter).toBe(r.iterations);
      expect(JSON.stringify(bundle).length).toBeLessThan(200_000);
    },
  );

  it('compareRuns rejects an empty list', () => {
    expect(() => compareRuns([])).toThrow('compareRuns: expected a non-empty array');
  });
});
