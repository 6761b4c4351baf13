import { describe, expect, it } from 'vitest';
import { answerLiveRequest } from '../../kernel-lib/src/jupyter/live';
import { compareRuns } from '../../kernel-lib/src/jupyter/optimizer-display';
import type { OptimizerLivePayload } from '../../kernel-lib/src/jupyter/protocol';
import { minimize, startMinimize } from '../../kernel-lib/src/optim/minimize';
import * as problems from '../../kernel-lib/src/optim/problems';

const rosen = problems.rosenbrock(2);

describe('startMinimize', () => {
  it('steps to the same result as minimize', () => {
    const opts = { method: 'lbfgs' as const, maxIter: 200 };
    const run = startMinimize(rosen.f, rosen.x0, opts);
    let steps = 0;
    while (run.step()) steps++;
    const a = run.result();
    const b = minimize(rosen.f, rosen.x0, opts);
    expect(a.iterations).toBe(b.iterations);
    expect(a.fun).toBe(b.fun);
    expect(a.status).toBe(b.status);
    expect(steps).toBe(a.iterations - 1);
    expect(run.step()).toBe(false);
  });

  it('keeps the history when stopped from outside and says where', () => {
    const run = startMinimize(rosen.f, rosen.x0, { method: 'adam', lr: 0.01, maxIter: 1000 });
    for (let k = 0; k < 7; k++) run.step();
    run.stop();
    expect(run.done).toBe(true);
    expect(run.step()).toBe(false);
    const r = run.result();
    expect(r.status).toBe('stopped');
    expect(r.iterations).toBe(7);
    expect(r.termination).toMatch(/^stopped at iteration 7\b/);
  });
});

describe('a live comparison whose loop stopped turning', () => {
  it('answers stop with running: false (an interrupted cell sends no final update)', async () => {
    const { LiveComparison } = await import('../../kernel-lib/src/jupyter/live-runs');
    const live = new LiveComparison([startMinimize(rosen.f, rosen.x0, { method: 'sgd' })], {});
    expect(await answerLiveRequest({ id: 'a', handle: live.handle, op: 'stop' })).toMatchObject({
      ok: true,
      result: { stopping: true, running: true },
    });
    live.beat -= 10_000;
    expect(await answerLiveRequest({ id: 'b', handle: live.handle, op: 'stop' })).toMatchObject({
      ok: true,
      result: { stopping: false, running: false },
    });
  });
});

describe('compareRuns.live', () => {
  it('rejects an empty list with a message that names the live form', () => {
    expect(() => compareRuns([])).toThrow(/compareRuns\.live/);
    return expect(compareRuns.live([])).rejects.toThrow(/non-empty array of runs/);
  });

  it('updates while the runs proceed, rate-limited, and ends done', async () => {
    const updates: OptimizerLivePayload[] = [];
    const iterations: number[] = [];
    const cmp = await compareRuns.live(
      [
        { f: rosen.f, x0: rosen.x0, method: 'adam', lr: 0.02, maxIter: 1500, name: 'adam' },
        { f: rosen.f, x0: rosen.x0, method: 'lbfgs', name: 'lbfgs' },
      ],
      {
        problem: 'Rosenbrock',
        display: false,
        updatesPerSecond: 50,
        onUpdate: (c, live) => {
          updates.push(live);
          iterations.push(c.runs[0]!.iterations);
        },
      },
    );
    expect(cmp.runs.map((r) => r.name)).toEqual(['adam', 'lbfgs']);
    expect(cmp.runs[0]!.iterations).toBe(1500);
    expect(updates.at(-1)!.state).toBe('done');
    expect(updates.slice(0, -1).every((u) => u.state === 'running')).toBe(true);
    // Increasing counts between updates; no more than the rate allows (+ the final update).
    for (let i = 1; i < iterations.length; i++)
      expect(iterations[i]).toBeGreaterThanOrEqual(iterations[i - 1]!);
    const seconds = updates.at(-1)!.elapsedMs / 1000;
    expect(updates.length).toBeLessThanOrEqual(Math.ceil(seconds * 50) + 2);
  }, 60_000);

  it('stops between iterations on the handle’s stop op and keeps the partial histories', async () => {
    let handle = '';
    let stopSentAt = -1;
    const run = compareRuns.live(
      [{ f: rosen.f, x0: rosen.x0, method: 'sgd', lr: 1e-4, maxIter: 1_000_000, tol: 0 }],
      {
        display: false,
        updatesPerSecond: 100,
        onUpdate: (c, live) => {
          handle = live.handle;
          if (live.updates === 3 && stopSentAt < 0) {
            stopSentAt = c.runs[0]!.iterations;
            // As the widget does: a request arriving on the comm while the loop runs.
            setTimeout(() => void answerLiveRequest({ id: 's', handle, op: 'stop' }), 0);
          }
        },
      },
    );
    const cmp = await run;
    const r = cmp.runs[0]!;
    expect(r.status).toBe('stopped');
    expect(r.iterations).toBeGreaterThanOrEqual(stopSentAt);
    expect(r.iterations).toBeLessThan(1_000_000);
    expect(r.history.length).toBe(r.iterations + 1);
    expect(r.termination).toBe(
      `stopped at iteration ${r.iterations} (Stop pressed; ${r.iterations} of at most 1000000 iterations kept)`,
    );
    // The handle still answers after the run ended (a late Stop is harmless).
    expect(await answerLiveRequest({ id: 't', handle, op: 'stop' })).toMatchObject({
      ok: true,
      result: { stopping: false, running: false },
    });
  }, 60_000);

  it('sends running bundles without the static picture, the final one with it', async () => {
    const bundles: string[] = [];
    const { setDisplayHook } = await import('../../kernel-lib/src/jupyter/display');
    setDisplayHook((bundle, options) => {
      const payload = bundle['application/vnd.adlab.optimizer-run.v1+json'] as {
        live: OptimizerLivePayload;
      };
      bundles.push(
        `${options.update ? 'update' : 'display'}:${payload.live.state}:${String(bundle['text/html']).includes('<img') ? 'img' : 'noimg'}:${options.displayId}`,
      );
    });
    try {
      await compareRuns.live(
        [{ f: rosen.f, x0: rosen.x0, method: 'adam', lr: 0.02, maxIter: 400 }],
        { updatesPerSecond: 1000, bounds: [-2, 2, -1, 3], grid: 12 },
      );
    } finally {
      setDisplayHook(undefined);
    }
    expect(bundles[0]).toMatch(/^display:running:noimg:adlab-live-runs-/);
    expect(bundles.at(-1)).toMatch(/^update:done:img:/);
    const ids = new Set(bundles.map((b) => b.split(':')[3]));
    expect(ids.size).toBe(1);
  }, 60_000);
});
