/**
 * The graph view at scale against the real kernel (fixtures/graph-worker.ipynb, a 5,000-node grad
 * graph): layouts run in the Web Worker and the page handles a click while one runs; forward and
 * backward side by side; "fetch values" shows the input's value and cotangent from the kernel,
 * checked against values the notebook computes apart from the graph; exports of the expanded graph
 * have printable sizes (a PNG near a landscape aspect, a PDF of landscape A4 pages whose labels are
 * text). Screenshots (light and dark) and the PDF's pages as PNG go to test-results/screenshots/,
 * the timings to test-results/graph-worker.json.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { openWithKernel, outputOf, ROOT, SHOTS, shoot } from './helpers';

const NOTEBOOK = path.join(__dirname, 'fixtures', 'graph-worker.ipynb');

test.use({ autoGoto: true, serverFiles: 'off' });

function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

/**
 * Starts a layout by clicking `trigger` in the page and, on the next turn of the event loop, clicks
 * the zoom-in button: returns when the click was handled and when the layout finished (page
 * clock).
 */
async function clickDuringLayout(graph: Locator, trigger: string) {
  return graph.evaluate(async (root, selector) => {
    const vp = root.querySelector<HTMLElement>('.adlab-graph-viewport')!;
    const zoomIn = root.querySelector<HTMLButtonElement>('.adlab-graph-zoom-in')!;
    const zoomOf = () => root.querySelector('.adlab-graph-zoom')?.getAttribute('transform') ?? '';
    let doneAt = -1;
    const done = new Promise<void>((resolve) => {
      const obs = new MutationObserver(() => {
        if (vp.dataset.layoutState === 'done') {
          doneAt = performance.now();
          obs.disconnect();
          resolve();
        }
      });
      obs.observe(vp, { attributes: true, attributeFilter: ['data-layout-state'] });
    });
    const startAt = performance.now();
    root.querySelector<HTMLElement>(selector)!.click();
    const running = vp.dataset.layoutState === 'running';
    let clickAt = -1;
    let zoomChanged = false;
    setTimeout(() => {
      const before = zoomOf();
      zoomIn.click();
      clickAt = performance.now();
      zoomChanged = zoomOf() !== before;
    }, 0);
    await done;
    return {
      running,
      clickMs: clickAt - startAt,
      layoutMs: doneAt - startAt,
      clickBeforeDone: clickAt >= 0 && clickAt < doneAt,
      zoomChanged,
      thread: vp.dataset.layoutThread ?? '',
      engine: vp.dataset.engine ?? '',
      boxes: Number(vp.dataset.boxes),
    };
  }, trigger);
}

test('5,000-node graph: worker layout, a click during layout, side by side, fetch values, printable exports', async ({
  page,
  tmpPath,
}) => {
  await openWithKernel(page, tmpPath, NOTEBOOK);
  // The longest stall of the page's thread from running the cell to the laid-out graph (parsing
  // and grouping 5,000 nodes run here; the layout runs in the worker).
  await page.evaluate(() => {
    const w = window as unknown as { __stall: { max: number; last: number; timer: number } };
    w.__stall = { max: 0, last: performance.now(), timer: 0 };
    w.__stall.timer = window.setInterval(() => {
      const now = performance.now();
      w.__stall.max = Math.max(w.__stall.max, now - w.__stall.last);
      w.__stall.last = now;
    }, 5);
  });
  const t0 = Date.now();
  await page.notebook.runCell(1);
  const graph = outputOf(page, '// big worker').locator('.adlab-graph').first();
  const viewport = graph.locator('.adlab-graph-viewport');
  await expect(viewport).toHaveAttribute('data-layout-state', 'done', { timeout: 120_000 });
  const firstMs = Date.now() - t0;
  const firstStallMs = await page.evaluate(() => {
    const w = window as unknown as { __stall: { max: number; timer: number } };
    clearInterval(w.__stall.timer);
    return w.__stall.max;
  });
  await expect(viewport).toHaveAttribute('data-layout-thread', 'worker');
  const grouped = {
    boxes: Number(await viewport.getAttribute('data-boxes')),
    layoutMs: Number(await viewport.getAttribute('data-layout-ms')),
    engine: await viewport.getAttribute('data-engine'),
  };
  expect(grouped.engine).toBe('graphviz');

  // Side by side (Graphviz in the worker): the zoom click is handled while the layout runs.
  const side = await clickDuringLayout(graph, '.adlab-graph-side-by-side');
  expect(side.running).toBe(true);
  expect(side.thread).toBe('worker');
  expect(side.clickBeforeDone).toBe(true);
  expect(side.zoomChanged).toBe(true);
  await expect(graph.locator('.adlab-graph-side-by-side')).toHaveAttribute('aria-pressed', 'true');
  const xs = async (cls: string) =>
    graph
      .locator(`g.adlab-graph-node.${cls} rect`)
      .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('x'))));
  const fwdX = await xs('adlab-graph-forward');
  const bwdX = await xs('adlab-graph-backward');
  expect(Math.min(...bwdX)).toBeGreaterThan(Math.max(...fwdX));
  await graph.locator('.adlab-graph-fit').click();
  await shoot(graph, 'graph-side-by-side-light');

  // Back to one column; expand the forward repeat (a layered layout of a few hundred boxes).
  await graph.locator('.adlab-graph-side-by-side').click();
  await expect(graph.locator('.adlab-graph-side-by-side')).toHaveAttribute('aria-pressed', 'false');
  const repeat = graph.locator('g.adlab-graph-repeat').first();
  await repeat.dispatchEvent('pointerdown', { button: 0 });
  await repeat.dispatchEvent('pointerup', { button: 0 });
  await expect(graph.locator('g.adlab-graph-iteration').first()).toBeVisible();
  await expect(viewport).toHaveAttribute('data-layout-state', 'done');
  const expanded = {
    boxes: Number(await viewport.getAttribute('data-boxes')),
    layoutMs: Number(await viewport.getAttribute('data-layout-ms')),
    engine: await viewport.getAttribute('data-engine'),
    thread: await viewport.getAttribute('data-layout-thread'),
  };
  expect(expanded.boxes).toBeGreaterThan(grouped.boxes + 150);
  expect(expanded.thread).toBe('worker');

  // Fetch values: the input's value and cotangent from the kernel, against values computed apart.
  const input = graph.locator('g.adlab-graph-input').first();
  const clickMs = await input.evaluate((g) => {
    const t = performance.now();
    g.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, button: 0 }));
    g.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, button: 0 }));
    if (!g.closest('.adlab-graph')!.querySelector('.adlab-graph-inspector-body')) throw new Error();
    return performance.now() - t;
  });
  const inspector = graph.locator('.adlab-graph-inspector');
  const t1 = Date.now();
  await inspector.locator('.adlab-graph-fetch').click();
  const valueRow = inspector.locator('.adlab-graph-values-value');
  await expect(valueRow).toHaveAttribute('data-values', /\[/);
  const fetchMs = Date.now() - t1;
  const got = {
    value: JSON.parse((await valueRow.getAttribute('data-values'))!) as number[],
    cotangent: JSON.parse(
      (await inspector.locator('.adlab-graph-values-cotangent').getAttribute('data-values'))!,
    ) as number[],
  };
  await page.notebook.runCell(2);
  const text = await outputOf(page, '// expected: the input')
    .locator('.jp-OutputArea-output')
    .first()
    .textContent();
  const expected = JSON.parse(text!.trim().replace(/^'|'$/g, '')) as typeof got;
  expect(got.value).toEqual(expected.value);
  expect(got.cotangent).toHaveLength(16);
  got.cotangent.forEach((c, i) =>
    expect(Math.abs(c - expected.cotangent[i]!)).toBeLessThan(1e-6 * (1 + Math.abs(c))),
  );
  await expect(inspector.locator('.adlab-live-status')).toHaveText(
    /^values: [\d.]+ ms in the kernel/,
  );
  await shoot(inspector, 'graph-fetch-values-light');

  // Exports of the expanded graph: a PNG near a landscape aspect; a PDF of landscape A4 pages.
  const [pngDownload] = await Promise.all([
    page.waitForEvent('download'),
    graph.locator('.adlab-graph-export-png').click(),
  ]);
  const png = fs.readFileSync((await pngDownload.path())!);
  const [pw, ph] = pngSize(png);
  expect(pw / ph).toBeGreaterThan(0.7);
  expect(pw / ph).toBeLessThan(3);
  expect(Math.max(pw, ph)).toBeLessThanOrEqual(8192);
  await pngDownload.saveAs(path.join(SHOTS, 'graph-expanded-export.png'));
  const [pdfDownload] = await Promise.all([
    page.waitForEvent('download'),
    graph.locator('.adlab-graph-export-pdf').click(),
  ]);
  const pdfPath = path.join(SHOTS, 'graph-expanded-export.pdf');
  await pdfDownload.saveAs(pdfPath);
  const info = execFileSync('pdfinfo', [pdfPath]).toString();
  const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
  expect(pages).toBeGreaterThan(1);
  expect(pages).toBeLessThan(40);
  const sizes = execFileSync('pdfinfo', ['-f', '1', '-l', String(pages), pdfPath]).toString();
  const pageSizes = [...sizes.matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
  ]);
  expect(pageSizes).toHaveLength(pages);
  for (const [w, h] of pageSizes) {
    expect(w).toBeCloseTo(841.89, 0);
    expect(h).toBeCloseTo(595.28, 0);
  }
  const words = execFileSync('pdftotext', ['-f', '1', '-l', '1', pdfPath, '-']).toString();
  expect(words).toMatch(/iteration \d+/);
  expect(words).toMatch(new RegExp(`page 1 of ${pages}`));
  execFileSync('pdftoppm', [
    '-f',
    '1',
    '-l',
    '2',
    '-r',
    '60',
    '-png',
    pdfPath,
    path.join(SHOTS, 'graph-expanded-pdf-page'),
  ]);

  await page.theme.setDarkTheme();
  await shoot(inspector, 'graph-fetch-values-dark');
  await graph.locator('.adlab-graph-side-by-side').click();
  await expect(graph.locator('.adlab-graph-side-by-side')).toHaveAttribute('aria-pressed', 'true');
  await expect(viewport).toHaveAttribute('data-layout-state', 'done');
  await graph.locator('.adlab-graph-fit').click();
  await shoot(graph, 'graph-side-by-side-dark');
  await page.theme.setLightTheme();

  const report = {
    firstDisplayToLaidOutMs: firstMs,
    firstRenderMaxStallMs: firstStallMs,
    parseAndGroupMs: Number(await graph.getAttribute('data-parse-ms')),
    grouped,
    sideBySide: side,
    expanded,
    clickToInspectorMs: clickMs,
    fetchValuesMs: fetchMs,
    png: [pw, ph],
    pdfPages: pages,
  };
  fs.writeFileSync(
    path.join(ROOT, 'test-results', 'graph-worker.json'),
    JSON.stringify(report, null, 1),
  );
  console.log(`graph worker: ${JSON.stringify(report)}`);
});
