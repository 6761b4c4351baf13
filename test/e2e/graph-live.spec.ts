/**
 * The graph view against the real kernel: fixtures/graph-live.ipynb (made by
 * fixtures/make-graph-live.cjs) runs in JupyterLab and the specs read the live DOM.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { openWithKernel, outputOf, ROOT } from './helpers';

const NOTEBOOK = path.join(__dirname, 'fixtures', 'graph-live.ipynb');
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

test.use({ autoGoto: true, serverFiles: 'off' });

/** One box of each kind, not highlighted otherwise. */
const KIND_SELECTORS = {
  forward: 'g.adlab-graph-op.adlab-graph-forward',
  backward: 'g.adlab-graph-op.adlab-graph-backward',
  input: 'g.adlab-graph-input',
  constant: 'g.adlab-graph-constant',
} as const;
type Kind = keyof typeof KIND_SELECTORS;

interface KindStyle {
  fill: string;
  stroke: string;
  swatchFill: string;
  swatchStroke: string;
}

/** Computed fill and stroke of a box of each kind, and of its legend swatch. */
function kindStyles(graph: Locator): Promise<Record<Kind, KindStyle>> {
  return graph.evaluate((root, selectors) => {
    const out: Record<string, KindStyle> = {};
    for (const [kind, sel] of Object.entries(selectors)) {
      const rect = root.querySelector(
        `${sel}:not(.adlab-graph-nonfinite):not(.adlab-graph-match) rect`,
      );
      const swatch = root.querySelector(`.adlab-graph-swatch.adlab-graph-${kind}`);
      if (!rect || !swatch) throw new Error(`no ${kind} box or swatch`);
      const r = getComputedStyle(rect);
      const s = getComputedStyle(swatch);
      out[kind] = {
        fill: r.fill,
        stroke: r.stroke,
        swatchFill: s.backgroundColor,
        swatchStroke: s.borderTopColor,
      };
    }
    return out as Record<Kind, KindStyle>;
  }, KIND_SELECTORS);
}

/** `rgb(r, g, b)` or `#rrggbb` to [r, g, b]. */
function rgb(c: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (hex) return [1, 2, 3].map((i) => parseInt(hex[i]!, 16)) as [number, number, number];
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(c);
  if (!m) throw new Error(`not a colour: ${c}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** WCAG contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string): number => {
    const [r, g, bl] = rgb(c).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

function expectDistinct(styles: Record<Kind, KindStyle>): void {
  const fills = Object.values(styles).map((s) => s.fill);
  const strokes = Object.values(styles).map((s) => s.stroke);
  expect(new Set(fills).size).toBe(4);
  expect(new Set(strokes).size).toBe(4);
  for (const s of Object.values(styles)) {
    expect(s.fill).not.toBe('rgb(0, 0, 0)');
    expect(s.swatchFill).toBe(s.fill);
    expect(s.swatchStroke).toBe(s.stroke);
  }
}

test('node kinds have distinct colours matching the legend and the export, light and dark', async ({
  page,
  tmpPath,
}) => {
  await openWithKernel(page, tmpPath, NOTEBOOK);
  await page.notebook.runCell(0);
  const graph = outputOf(page, '// kinds').locator('.adlab-graph-output .adlab-graph').first();
  await expect(graph.locator('svg.adlab-graph-svg g.adlab-graph-node').first()).toBeVisible();
  await expect(graph.locator('.adlab-graph-name')).toHaveText('grad(f)');

  const light = await kindStyles(graph);
  expectDistinct(light);
  expect(light.forward.fill).toBe('rgb(232, 241, 251)');
  expect(light.backward.fill).toBe('rgb(253, 240, 227)');
  expect(light.input.fill).toBe('rgb(230, 244, 234)');
  expect(light.constant.fill).toBe('rgb(242, 242, 242)');

  // The exported SVG inlines the same colours per kind.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    graph.locator('.adlab-graph-export-svg').click(),
  ]);
  const svgText = fs.readFileSync((await download.path())!, 'utf8');
  const exported = await page.evaluate(
    ([text, selectors]) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return Object.fromEntries(
        Object.entries(selectors).map(([kind, sel]) => [
          kind,
          doc.querySelector(`${sel}:not(.adlab-graph-nonfinite) rect`)?.getAttribute('fill'),
        ]),
      );
    },
    [svgText, KIND_SELECTORS] as const,
  );
  for (const kind of Object.keys(KIND_SELECTORS) as Kind[]) {
    expect(`rgb(${rgb(exported[kind] ?? '').join(', ')})`).toBe(light[kind].fill);
  }
  await graph.scrollIntoViewIfNeeded();
  await graph.screenshot({ path: path.join(SHOTS, 'graph-kinds-light.png') });

  await page.theme.setDarkTheme();
  await expect(page.locator('body')).toHaveAttribute('data-jp-theme-light', 'false');
  const dark = await kindStyles(graph);
  expectDistinct(dark);
  for (const kind of Object.keys(KIND_SELECTORS) as Kind[]) {
    expect(dark[kind].fill).not.toBe(light[kind].fill);
    // Labels stay readable on every dark fill.
    const label = await graph
      .locator(`${KIND_SELECTORS[kind]} .adlab-graph-label`)
      .first()
      .evaluate((e) => getComputedStyle(e).fill);
    expect(contrast(label, dark[kind].fill)).toBeGreaterThan(4.5);
  }
  // A search match is readable in dark too.
  await graph.locator('.adlab-graph-search').fill('tanh');
  const match = graph.locator('g.adlab-graph-match').first();
  const matchFill = await match.locator('rect').evaluate((e) => getComputedStyle(e).fill);
  const matchText = await match
    .locator('.adlab-graph-label')
    .evaluate((e) => getComputedStyle(e).fill);
  expect(contrast(matchText, matchFill)).toBeGreaterThan(4.5);
  await graph.screenshot({ path: path.join(SHOTS, 'graph-kinds-dark.png') });
  await page.theme.setLightTheme();
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): [number, number] {
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

test('a 5,000-node grad graph lays out grouped, expands, inspects and exports', async ({
  page,
  tmpPath,
}) => {
  await openWithKernel(page, tmpPath, NOTEBOOK);
  await page.notebook.runCell(1);
  const graph = outputOf(page, '// big').locator('.adlab-graph').first();
  const viewport = graph.locator('.adlab-graph-viewport');
  await expect(viewport).toHaveAttribute('data-layout-ms', /\d+/, { timeout: 120_000 });
  const nodes = Number(
    (await graph.locator('.adlab-graph-count .adlab-field-value').textContent()) ?? 0,
  );
  // About 4,800 since the matmul VJP reads its operands transposed in place (no transpose nodes).
  expect(nodes).toBeGreaterThan(4500);
  const boxes = Number(await viewport.getAttribute('data-boxes'));
  expect(boxes).toBeLessThan(60);
  const layoutMs = Number(await viewport.getAttribute('data-layout-ms'));
  const repeats = graph.locator('g.adlab-graph-repeat');
  await expect(repeats).toHaveCount(2);
  await expect(repeats.first().locator('.adlab-graph-label')).toHaveText(/^×19\d /);
  await expect(graph.locator('.adlab-graph-overview-frame')).toBeVisible();
  await graph.scrollIntoViewIfNeeded();
  await graph.screenshot({ path: path.join(SHOTS, 'graph-5000-grouped.png') });

  // A click on the forward repeat expands it into its iterations.
  await repeats.first().dispatchEvent('pointerdown', { button: 0 });
  await repeats.first().dispatchEvent('pointerup', { button: 0 });
  await expect(graph.locator('g.adlab-graph-iteration').first()).toBeVisible();
  const expandedBoxes = Number(await viewport.getAttribute('data-boxes'));
  expect(expandedBoxes).toBeGreaterThan(boxes + 150);
  const expandMs = Number(await viewport.getAttribute('data-layout-ms'));

  // A click on a forward op shows its value and cotangent summaries; time click -> panel.
  const op = graph.locator('g.adlab-graph-op.adlab-graph-forward:not(.adlab-graph-group)').first();
  const clickMs = await op.evaluate((g) => {
    const t0 = performance.now();
    g.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, button: 0 }));
    g.dispatchEvent(new PointerEvent('pointerup', { bubbles: true, button: 0 }));
    const panel = g.closest('.adlab-graph')!.querySelector('.adlab-graph-summary-cotangent');
    if (!panel) throw new Error('no cotangent row');
    return performance.now() - t0;
  });
  const inspector = graph.locator('.adlab-graph-inspector');
  await expect(inspector.locator('.adlab-graph-summary-value')).toBeVisible();
  await expect(inspector.locator('.adlab-graph-summary-cotangent td').first()).toHaveText(/^-?\d/);
  await expect(
    inspector.locator('.adlab-graph-summary-cotangent .adlab-graph-histogram rect'),
  ).toHaveCount(16);
  await inspector.scrollIntoViewIfNeeded();
  await graph.screenshot({ path: path.join(SHOTS, 'graph-5000-expanded-inspector.png') });

  // Exports of what is expanded: a PNG within the canvas limits, a PDF on an A4 page.
  const [pngDownload] = await Promise.all([
    page.waitForEvent('download'),
    graph.locator('.adlab-graph-export-png').click(),
  ]);
  const png = fs.readFileSync((await pngDownload.path())!);
  const [pw, ph] = pngSize(png);
  expect(Math.max(pw, ph)).toBeLessThanOrEqual(8192);
  expect(pw * ph).toBeLessThanOrEqual(32e6);
  expect(Math.max(pw, ph)).toBeGreaterThan(1000);
  await pngDownload.saveAs(path.join(SHOTS, 'graph-5000-export.png'));
  const [pdfDownload] = await Promise.all([
    page.waitForEvent('download'),
    graph.locator('.adlab-graph-export-pdf').click(),
  ]);
  const pdf = fs.readFileSync((await pdfDownload.path())!);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf.toString('latin1'));
  expect(box).not.toBeNull();
  const [w, h] = [Number(box![1]), Number(box![2])].sort((a, b) => a - b);
  expect(w).toBeLessThanOrEqual(595.3);
  expect(h).toBeLessThanOrEqual(842);
  await pdfDownload.saveAs(path.join(SHOTS, 'graph-5000-export.pdf'));
  await expect(graph.locator('.adlab-graph-search-count')).not.toHaveText(/failed/);
  console.log(
    `5000-node graph: ${nodes} nodes, ${boxes} boxes, layout ${layoutMs} ms; expanded ` +
      `${expandedBoxes} boxes in ${expandMs} ms; click to panel ${clickMs.toFixed(1)} ms; ` +
      `PNG ${pw}x${ph}; PDF ${box![1]}x${box![2]} pt`,
  );
});

test('a graph made with nanOrigin highlights the first non-finite primitive', async ({
  page,
  tmpPath,
}) => {
  await openWithKernel(page, tmpPath, NOTEBOOK);
  await page.notebook.runCell(2);
  const graph = outputOf(page, '// nan').locator('.adlab-graph').first();
  await expect(graph.locator('.adlab-graph-first-nan')).toContainText('log (forward, log-domain)');
  const origin = graph.locator('g.adlab-graph-first-nonfinite');
  await expect(origin).toHaveCount(1);
  await expect(origin.locator('.adlab-graph-label')).toHaveText('log');
  await origin.dispatchEvent('pointerdown', { button: 0 });
  await origin.dispatchEvent('pointerup', { button: 0 });
  await expect(graph.locator('.adlab-graph-inspect-nan')).toContainText('log of zero');
  await graph.scrollIntoViewIfNeeded();
  await graph.screenshot({ path: path.join(SHOTS, 'graph-nan-origin.png') });
});
