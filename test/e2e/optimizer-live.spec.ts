/**
 * Live optimizer runs and progress lines against the real kernel (fixtures/optimizer-live.ipynb):
 * `compareRuns.live` updates one widget while two runs proceed (at least 10 updates are seen),
 * Stop halts them between iterations (the iteration count stops increasing) and the result kept in
 * the kernel says "stopped at iteration k" with the same counts the widget shows; a `progress` loop
 * keeps one output line updated in place. Screenshots (light and dark) go to
 * test-results/screenshots/, the measured update rate to test-results/optimizer-live.json.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expect, test } from '@jupyterlab/galata';
import { openWithKernel, outputOf, ROOT, type Page, shoot } from './helpers';

const NOTEBOOK = path.join(__dirname, 'fixtures', 'optimizer-live.ipynb');

test.use({ autoGoto: true, serverFiles: 'off' });

/** Starts cell `index` without waiting for it to finish (it runs until Stop). */
async function startCell(page: Page, index: number): Promise<void> {
  await page.notebook.selectCells(index);
  await page.evaluate(() => {
    const app = (
      window as unknown as { jupyterapp: { commands: { execute(id: string): unknown } } }
    ).jupyterapp;
    void app.commands.execute('notebook:run-cell');
  });
}

test('a live optimizer run updates one widget, Stop halts it and keeps the result; progress updates in place', async ({
  page,
  tmpPath,
}) => {
  await openWithKernel(page, tmpPath, NOTEBOOK);
  await startCell(page, 1);
  const out = outputOf(page, '// live runs');
  const widget = out.locator('.adlab-opt');
  const bar = widget.locator('.adlab-opt-live');
  await expect(bar).toHaveAttribute('data-state', 'running');

  // Watch the widget update: the same node, a growing iteration count, at least 10 updates.
  const seen: { t: number; updates: number; iterations: number }[] = [];
  const t0 = Date.now();
  while (seen.length < 200) {
    // Both attributes in one read: two reads could straddle an update (a payload applied between
    // them pairs update u with the iterations of u + 1, and u + 1 then looks like no progress).
    const [updates, iterations] = await bar.evaluate((el: HTMLElement) => [
      Number(el.dataset.updates),
      Number(el.dataset.iterations),
    ]);
    if (!seen.length || seen.at(-1)!.updates !== updates)
      seen.push({ t: Date.now() - t0, updates, iterations });
    if (seen.length >= 12 && Date.now() - t0 > 1500) break;
    await page.waitForTimeout(50);
  }
  expect(seen.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(10);
  for (let i = 1; i < seen.length; i++)
    expect(seen[i]!.iterations, `update ${i} of ${JSON.stringify(seen)}`).toBeGreaterThan(
      seen[i - 1]!.iterations,
    );
  await expect(out.locator('.jp-OutputArea-output')).toHaveCount(1);
  await expect(widget.locator('.js-plotly-plot')).toHaveCount(1);
  const first = seen[0]!;
  const last = seen.at(-1)!;
  const rate = ((last.updates - first.updates) * 1000) / Math.max(1, last.t - first.t);
  await shoot(widget, 'optimizer-live-running-light');

  // Stop: the run ends between two iterations; the count stops increasing.
  await widget.locator('.adlab-opt-stop').click();
  await expect(bar).toHaveAttribute('data-state', 'stopped', { timeout: 30_000 });
  await expect(widget.locator('.adlab-opt-stop')).toBeHidden();
  const stoppedAt = Number(await bar.getAttribute('data-iterations'));
  await page.waitForTimeout(1000);
  expect(Number(await bar.getAttribute('data-iterations'))).toBe(stoppedAt);
  await expect(widget.locator('.adlab-opt-live-status')).toHaveText(
    /^stopped at iteration \d+, \d+ · kept what was computed/,
  );
  const statusText = (await widget.locator('.adlab-opt-live-status').textContent())!;
  const shownAt = statusText
    .match(/^stopped at iteration (\d+), (\d+)/)!
    .slice(1)
    .map(Number);
  expect(Math.max(...shownAt), statusText).toBe(stoppedAt);
  await expect(out.locator('.jp-OutputArea-output')).toHaveCount(1);
  await shoot(widget, 'optimizer-live-stopped-light');

  // The kernel kept the result: the returned comparison has the partial histories.
  await page.notebook.runCell(2);
  const keptText = await outputOf(page, '// after stop')
    .locator('.jp-OutputArea-output')
    .first()
    .textContent();
  const kept = JSON.parse(keptText!.trim().replace(/^'|'$/g, '')) as [
    string,
    number,
    number,
    string,
  ][];
  expect(
    kept.map((r) => r[0]),
    keptText!,
  ).toEqual(['stopped', 'stopped']);
  expect(
    kept.map((r) => r[1]),
    `${keptText} vs ${statusText}`,
  ).toEqual(shownAt);
  for (const [, iterations, historyLength, termination] of kept) {
    expect(historyLength).toBe(iterations + 1);
    expect(termination).toMatch(new RegExp(`^stopped at iteration ${iterations} `));
  }

  // A progress line: one output, its text changing while the loop runs, 100% at the end.
  await startCell(page, 3);
  const prog = outputOf(page, '// progress');
  const line = prog.locator('.adlab-progress code');
  await expect(line).toHaveText(/^adam +\d+%/);
  const texts = new Set<string>();
  while (!(await line.textContent())!.includes('total')) {
    texts.add((await line.textContent())!);
    expect(await prog.locator('.jp-OutputArea-output').count()).toBe(1);
    await page.waitForTimeout(100);
  }
  expect(texts.size, [...texts].join(' | ')).toBeGreaterThanOrEqual(5);
  await expect(line).toHaveText(
    /^adam 100% 2500\/2500 · loss 4\.00e-4 · \|g\| 8\.00e-4 · \d+ it\/s · \d+:\d\d total$/,
  );
  await expect(prog.locator('.jp-OutputArea-output')).toHaveCount(1);
  await shoot(prog, 'progress-line-light');

  // A malformed live payload: the error box, no markup run, the page still works.
  await page.notebook.runCell(4);
  const bad = outputOf(page, '// malformed live run');
  await expect(bad.locator('.adlab-error')).toHaveText(
    'adlab: cannot display optimizer run: live.state must be running, stopped or done',
  );
  await expect(bad.locator('img')).toHaveCount(0);
  expect(
    await page.evaluate(() => (window as { __adlabPwned?: number }).__adlabPwned),
  ).toBeUndefined();
  await expect(widget.locator('.adlab-opt-live')).toHaveAttribute('data-state', 'stopped');

  await page.theme.setDarkTheme();
  await shoot(widget, 'optimizer-live-stopped-dark');
  await shoot(prog, 'progress-line-dark');
  await page.theme.setLightTheme();

  fs.writeFileSync(
    path.join(ROOT, 'test-results', 'optimizer-live.json'),
    JSON.stringify(
      { updatesSeen: seen.length, updatesPerSecond: rate, stoppedAt: shownAt },
      null,
      1,
    ),
  );
  console.log(
    `live optimizer: ${seen.length} updates seen, ${rate.toFixed(1)} updates/s, stopped at ${shownAt.join(', ')}`,
  );
});
