import './setup';
import { describe, expect, it, vi } from 'vitest';
import { MIME } from 'adlab/protocol';
import { setDisplayHook } from '../../kernel-lib/src/jupyter/display';
import { compareRuns } from '../../kernel-lib/src/jupyter/optimizer-display';
import { startMinimize } from '../../kernel-lib/src/optim/minimize';
import * as problems from '../../kernel-lib/src/optim/problems';
import { LiveChannel, setLiveChannel } from '../../labextension/src/kernel/live-channel';
import { parseOptimizerPayload } from '../../labextension/src/model/optimizer-model';
import {
  liveStatusText,
  renderOptimizer,
  type PlotlyLike,
} from '../../labextension/src/renderers/optimizer';
import { memoryKernel } from './live-kernel';

function fakePlotly(): PlotlyLike {
  return {
    react: vi.fn((root: HTMLElement) => Promise.resolve(root)),
    downloadImage: vi.fn(),
    toImage: vi.fn(),
    purge: vi.fn(),
    Plots: { resize: vi.fn() },
  } as unknown as PlotlyLike;
}

const rosen = problems.rosenbrock(2);

describe('a live optimizer run in the widget', () => {
  it('updates one view in place, and Stop ends the run in the kernel keeping the histories', async () => {
    const mk = memoryKernel();
    setLiveChannel(new LiveChannel({ kernelFor: () => mk.kernel, watch: () => () => undefined }));
    const payloads: unknown[] = [];
    setDisplayHook((bundle) => payloads.push(bundle[MIME.optimizerRun]));
    let view: ReturnType<typeof renderOptimizer>['view'];
    let stopClicked = -1;
    const run = compareRuns.live(
      [
        {
          f: rosen.f,
          x0: rosen.x0,
          method: 'sgd',
          lr: 1e-4,
          maxIter: 1_000_000,
          tol: 0,
          name: 'sgd',
        },
        {
          f: rosen.f,
          x0: rosen.x0,
          method: 'adam',
          lr: 1e-3,
          maxIter: 1_000_000,
          tol: 0,
          name: 'adam',
        },
      ],
      {
        updatesPerSecond: 100,
        onUpdate: () => {
          // The display hook has the bundle only after onUpdate returns: render on the next turn.
          setTimeout(() => {
            const data = payloads.at(-1);
            if (!view) {
              const dom = renderOptimizer(data, () => Promise.resolve(fakePlotly()));
              document.body.appendChild(dom.node);
              view = dom.view;
            } else {
              const parsed = parseOptimizerPayload(data);
              if (parsed.ok) void view.update(parsed.model);
            }
            if (view!.model.live!.updates >= 12 && stopClicked < 0) {
              stopClicked = Number(
                view!.node.querySelector<HTMLElement>('.adlab-opt-live')!.dataset.iterations,
              );
              view!.node.querySelector<HTMLButtonElement>('.adlab-opt-stop')!.click();
            }
          }, 0);
        },
      },
    );
    const cmp = await run;
    setDisplayHook(undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect(stopClicked).toBeGreaterThan(0);
    for (const r of cmp.runs) {
      expect(r.status).toBe('stopped');
      expect(r.iterations).toBeGreaterThanOrEqual(stopClicked);
      expect(r.history).toHaveLength(r.iterations + 1);
    }
    // The same view shows the final state: stopped, Stop hidden, the kept iterations.
    const bar = view!.node.querySelector<HTMLElement>('.adlab-opt-live')!;
    expect(bar.dataset.state).toBe('stopped');
    expect(Number(bar.dataset.updates)).toBeGreaterThanOrEqual(13);
    expect(view!.node.querySelector<HTMLButtonElement>('.adlab-opt-stop')!.hidden).toBe(true);
    expect(bar.textContent).toContain(
      `stopped at iteration ${cmp.runs.map((r) => r.iterations).join(', ')}`,
    );
    expect(document.querySelectorAll('.adlab-opt')).toHaveLength(1);
    view!.node.remove();
  }, 60_000);

  it('keeps the tab across updates and says when the kernel is gone', async () => {
    const payload = (state: string, updates: number) => ({
      problem: 'p',
      runs: [
        {
          method: 'adam',
          hyperparameters: {},
          termination: '',
          history: Array.from({ length: updates }, (_, i) => ({
            iter: i,
            loss: 1 / (i + 1),
            gradNorm: 1,
            stepSize: 0.1,
            evals: { f: i, grad: i, hvp: 0 },
            timeMs: i,
          })),
        },
      ],
      live: { handle: 'nokernel-0', state, updates, elapsedMs: 1000, itPerSec: 5 },
    });
    setLiveChannel(new LiveChannel({ kernelFor: () => null, watch: () => () => undefined }));
    const dom = renderOptimizer(payload('running', 3), () => Promise.resolve(fakePlotly()));
    const view = dom.view!;
    await view.select('gradient');
    const parsed = parseOptimizerPayload(payload('running', 5));
    if (!parsed.ok) throw new Error(parsed.error);
    await view.update(parsed.model);
    expect(view.tab).toBe('gradient');
    expect(liveStatusText(view.model)).toBe(
      'running · iteration adam 4 · 5.00 it/s · 1.0 s · update 5',
    );
    await view.stop();
    expect(view.node.textContent).toContain('Live controls need the kernel that made this output');
  });

  it('says so when Stop finds the run no longer running (an interrupted cell)', async () => {
    const mk = memoryKernel();
    setLiveChannel(new LiveChannel({ kernelFor: () => mk.kernel, watch: () => () => undefined }));
    const { LiveComparison } = await import('../../kernel-lib/src/jupyter/live-runs');
    const live = new LiveComparison([startMinimize(rosen.f, rosen.x0, { method: 'sgd' })], {});
    live.beat -= 10_000;
    const dom = renderOptimizer(
      (live.bundle('running', undefined) as Record<string, unknown>)[MIME.optimizerRun],
      () => Promise.resolve(fakePlotly()),
    );
    await dom.view!.stop();
    expect(dom.node.querySelector<HTMLButtonElement>('.adlab-opt-stop')!.hidden).toBe(true);
    expect(dom.node.querySelector('.adlab-opt-live-status')!.textContent).toMatch(
      /the run no longer runs in the kernel \(interrupted\?\): this is its last update$/,
    );
  });

  it('shows an error box for a malformed live part', () => {
    const bad = {
      problem: '',
      runs: [{ method: 'a', hyperparameters: {}, termination: '', history: [] }],
      live: { handle: 'h', state: 'exploded', updates: 1, elapsedMs: 0, itPerSec: 0 },
    };
    const dom = renderOptimizer(bad);
    expect(dom.view).toBeUndefined();
    expect(dom.node.textContent).toBe(
      'adlab: cannot display optimizer run: live.state must be running, stopped or done',
    );
    const dom2 = renderOptimizer({
      ...bad,
      live: { ...bad.live, state: 'stopped', stoppedAt: [1, 2] },
    });
    expect(dom2.node.textContent).toMatch(/live.stoppedAt/);
  });
});
