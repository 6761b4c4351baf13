import { describe, expect, it } from 'vitest';
import { compareRuns, minimize, MIME, np, optim, Tensor } from '../../kernel-lib/src';
import type { OptimizerRunPayload } from '../../kernel-lib/src/jupyter/protocol';

const VEGA = 'application/vnd.vegalite.v5+json';

describe('optimizer-run display', () => {
  it('a 2-D comparison carries adlab JSON, Vega-Lite with a log loss axis and a contour, HTML and text', () => {
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
    const spec = bundle[VEGA] as { hconcat: { encoding?: { y: { scale: { type: string } } } }[] };
    expect(spec.hconcat).toHaveLength(2);
    expect(spec.hconcat[0].encoding!.y.scale.type).toBe('log');
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
    expect(bundle['text/html']).not.toContain('<img');
    expect(bundle['text/html']).toContain('&lt;img');
    const spec = bundle[VEGA] as { mark: unknown };
    expect(spec.mark).toBeDefined();
  });

  it('compareRuns rejects an empty list', () => {
    expect(() => compareRuns([])).toThrow('compareRuns: expected a non-empty array');
  });
});
