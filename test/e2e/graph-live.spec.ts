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
  await page.notebook.run();
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
