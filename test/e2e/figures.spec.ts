/**
 * The plotting API's figures in a real JupyterLab, from stored outputs (fixtures/figures.ipynb,
 * made by fixtures/make-figures.cjs; no kernel needed): each kind draws with plotly over its PNG,
 * follows the dark theme on screen, and exports light print-ready PDFs (fonts embedded, `10⁻ⁿ`
 * ticks and `κ` as text), checked with poppler. Screenshots and renderings go to
 * test-results/screenshots/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expect, test } from '@jupyterlab/galata';
import { inspectPdf, openUploaded, outputOf, ROOT, type Page } from './helpers';

const NOTEBOOK = path.join(__dirname, 'fixtures', 'figures.ipynb');
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const KINDS = ['line', 'contour', 'heatmap', 'hist', 'spectrum', 'grid'] as const;

test.use({ autoGoto: true, serverFiles: 'off' });

function figureOf(page: Page, kind: string) {
  return outputOf(page, `// ${kind}`).locator('.adlab-figure').first();
}

/** The background colour of a figure's plotly paper. */
function paper(page: Page, kind: string): Promise<string> {
  return figureOf(page, kind)
    .locator('.main-svg')
    .first()
    .evaluate((e) => getComputedStyle(e).backgroundColor);
}

async function shootAll(page: Page, theme: string): Promise<void> {
  for (const kind of KINDS) {
    const fig = figureOf(page, kind);
    await fig.scrollIntoViewIfNeeded();
    await expect(fig.locator('.adlab-figure-plot')).toHaveAttribute('data-drawn', 'true');
    await fig.screenshot({ path: path.join(SHOTS, `figure-${kind}-${theme}.png`) });
  }
}

async function download(page: Page, kind: string, format: string, width = 'single') {
  const fig = figureOf(page, kind);
  await fig.scrollIntoViewIfNeeded();
  await fig.locator('.adlab-figure-export-width').selectOption(width);
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    fig.locator(`.adlab-figure-export-${format}`).click(),
  ]);
  const target = path.join(SHOTS, `export-${kind}-${width}.${format}`);
  await file.saveAs(target);
  await expect(fig.locator('.adlab-figure-status')).toHaveText('');
  return { name: file.suggestedFilename(), target };
}

test('every figure kind draws with plotly, follows the dark theme, exports light', async ({
  page,
  tmpPath,
}) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  await openUploaded(page, tmpPath, NOTEBOOK);

  // Light theme: each kind drawn by plotly (the kernel PNG removed once drawn), no static HTML.
  await shootAll(page, 'light');
  for (const kind of KINDS) {
    const out = outputOf(page, `// ${kind}`);
    await expect(out.locator('.adlab-figure-fallback')).toHaveCount(0);
    await expect(out.locator('.js-plotly-plot')).toHaveCount(1);
  }
  const line = figureOf(page, 'line');
  await expect(line.locator('.scatterlayer .trace')).toHaveCount(2);
  const yTicks = await line.locator('.ytick text').allTextContents();
  expect(yTicks).toEqual(expect.arrayContaining(['10⁻⁴', '10⁻⁸']));
  await expect(line.locator('.annotation-text').first()).toContainText('κ');
  await expect(line.locator('.legendtext')).toHaveText(['κ = 1', 'κ = 100']);
  await expect(figureOf(page, 'contour').locator('.contourlayer .contour')).toHaveCount(1);
  await expect(figureOf(page, 'contour').locator('.colorbar')).toHaveCount(1);
  await expect(figureOf(page, 'heatmap').locator('.heatmaplayer image, .hm image')).toHaveCount(1);
  await expect(figureOf(page, 'hist').locator('.barlayer .point').first()).toBeVisible();
  await expect(figureOf(page, 'grid').locator('.subplot.x2y2')).toHaveCount(1);

  // Dark theme: every plot re-styled on the change (paper from --jp-layout-color0).
  const lightPaper = await paper(page, 'line');
  expect(lightPaper).toBe('rgb(255, 255, 255)');
  await page.theme.setDarkTheme();
  for (const kind of KINDS) await expect.poll(() => paper(page, kind)).not.toBe(lightPaper);
  await shootAll(page, 'dark');
  const tickColor = await line
    .locator('.ytick text')
    .first()
    .evaluate((e) => getComputedStyle(e).fill);
  expect(tickColor).not.toBe('rgb(0, 0, 0)');

  // Exports, from the dark theme: light print style, journal sizes, fonts embedded.
  const pdf = await download(page, 'line', 'pdf');
  expect(pdf.name).toMatch(/\.pdf$/);
  const report = inspectPdf(pdf.target);
  expect(report.fonts.length).toBeGreaterThan(0);
  expect(report.fonts.every((f) => f.embedded)).toBe(true);
  expect(report.fonts.map((f) => f.name).join(' ')).toMatch(/DejaVu ?Sans/);
  expect(report.text).toContain('10⁻⁴');
  expect(report.text).toContain('κ');
  expect(report.text).not.toMatch(/10-4|\?/);
  expect(report.width).toBe(252);
  expect(report.height).toBe(181);
  expect(report.corner).toEqual([255, 255, 255]);
  expect(report.meanBrightness).toBeGreaterThan(220);

  const wide = inspectPdf((await download(page, 'contour', 'pdf', 'double')).target);
  // A lone square contour is height-bound: the page narrows to the plot and its colour bar
  // (no blank third on the right), and the plot then fills the width.
  expect(wide.width).toBeLessThan(516);
  expect(wide.width).toBeGreaterThan(300);
  expect(wide.rightmostInk).toBeGreaterThan(0.9);
  expect(wide.fonts.every((f) => f.embedded)).toBe(true);
  expect(wide.text).toMatch(/10⁻[¹²³⁴⁵⁶⁷⁸⁹]/);
  for (const kind of ['grid', 'spectrum', 'hist', 'heatmap']) {
    const r = inspectPdf((await download(page, kind, 'pdf')).target);
    expect(r.fonts.every((f) => f.embedded)).toBe(true);
    expect(r.corner).toEqual([255, 255, 255]);
  }

  const svg = fs.readFileSync((await download(page, 'line', 'svg')).target, 'utf8');
  expect(svg).toContain('10⁻⁴');
  expect(svg).toContain('DejaVu Sans');
  expect(svg).toMatch(/fill: ?rgb\(255, 255, 255\)|background: ?(white|rgb\(255, 255, 255\))/);
  const png = fs.readFileSync((await download(page, 'line', 'png')).target);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  // 3.5 in at 300 dpi.
  expect(png.readUInt32BE(16)).toBe(1050);
  await page.theme.setLightTheme();
});

test('a malformed figure shows the error box and the page stays usable', async ({
  page,
  tmpPath,
}) => {
  await openUploaded(page, tmpPath, NOTEBOOK);
  const bad = outputOf(page, '// malformed figure');
  await bad.scrollIntoViewIfNeeded();
  await expect(bad.locator('.adlab-error')).toHaveText(
    /^adlab: cannot display figure: panels\[0\]\.series\[0\]\.x and y|^adlab: cannot display figure: panels\[0\]\.series\[0\]\.y must be an array/,
  );
  await expect(bad.locator('.jp-RenderedHTMLCommon')).toHaveCount(0);
  expect(
    await page.evaluate(() => (window as { __adlabPwned?: number }).__adlabPwned),
  ).toBeUndefined();
  const line = figureOf(page, 'line');
  await line.scrollIntoViewIfNeeded();
  await expect(line.locator('.adlab-figure-plot')).toHaveAttribute('data-drawn', 'true');
});
