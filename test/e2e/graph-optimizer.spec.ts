/**
 * The graph and optimizer-run renderers in a real JupyterLab, from stored outputs (no kernel
 * needed for rendering): fixtures/graph-optimizer.ipynb, made by fixtures/make-graph-optimizer.cjs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expect, test } from '@jupyterlab/galata';
import { inspectPdf, openUploaded, outputOf, pdfWords, ROOT, shoot } from './helpers';

const NOTEBOOK = path.join(__dirname, 'fixtures', 'graph-optimizer.ipynb');

test.use({ autoGoto: true, serverFiles: 'off' });

test('stored graph and optimizer outputs render as custom views and export', async ({
  page,
  tmpPath,
}) => {
  await openUploaded(page, tmpPath, NOTEBOOK);

  // The graph: laid out by Graphviz-wasm, labels from the payload, non-finite node highlighted.
  const graph = outputOf(page, '// graph').locator('.adlab-graph-output .adlab-graph').first();
  await expect(graph).toBeVisible();
  await expect(graph.locator('.adlab-graph-count')).toContainText('22');
  const svg = graph.locator('svg.adlab-graph-svg');
  await expect(svg).toBeVisible();
  await expect(graph.locator('.adlab-graph-viewport')).toHaveAttribute('data-engine', 'graphviz');
  // 22 nodes, the three scalar constants folded into their readers.
  await expect(svg.locator('g.adlab-graph-node')).toHaveCount(19);
  const labels = await svg.locator('.adlab-graph-label').allTextContents();
  expect(labels).toEqual(expect.arrayContaining(['log', 'tanh', 'input arg 0', 'reduce_sum']));
  await expect(svg.locator('.adlab-graph-backward')).toHaveCount(13);
  await expect(svg.locator('.adlab-graph-first-nonfinite')).toHaveCount(1);
  await expect(graph.locator('.adlab-graph-first-nan')).toContainText('%1 log');
  await expect(outputOf(page, '// graph').locator('.jp-RenderedHTMLCommon')).toHaveCount(0);

  // Search highlights, zoom changes the transform.
  await graph.locator('.adlab-graph-search').fill('tanh');
  await expect(svg.locator('.adlab-graph-match')).toHaveCount(1);
  const zoom = svg.locator('.adlab-graph-zoom');
  const before = await zoom.getAttribute('transform');
  await graph.locator('.adlab-graph-zoom-in').click();
  expect(await zoom.getAttribute('transform')).not.toBe(before);

  // Export: a light SVG and a PNG download.
  const [svgDownload] = await Promise.all([
    page.waitForEvent('download'),
    graph.locator('.adlab-graph-export-svg').click(),
  ]);
  expect(svgDownload.suggestedFilename()).toBe('grad_f.svg');
  const svgText = fs.readFileSync((await svgDownload.path())!, 'utf8');
  expect(svgText).toContain('fill="#ffffff"');
  expect(svgText).toContain('>log<');
  const [pngDownload] = await Promise.all([
    page.waitForEvent('download'),
    graph.locator('.adlab-graph-export-png').click(),
  ]);
  expect(pngDownload.suggestedFilename()).toBe('grad_f.png');
  const png = fs.readFileSync((await pngDownload.path())!);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  // PDF: jsPDF + svg2pdf.js load on the click and turn the same light SVG into a vector PDF.
  const [pdfDownload] = await Promise.all([
    page.waitForEvent('download'),
    graph.locator('.adlab-graph-export-pdf').click(),
  ]);
  expect(pdfDownload.suggestedFilename()).toBe('grad_f.pdf');
  const pdf = fs.readFileSync((await pdfDownload.path())!);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(1000);
  const graphPdf = path.join(ROOT, 'test-results', 'screenshots', 'export-graph.pdf');
  await pdfDownload.saveAs(graphPdf);
  expect(inspectPdf(graphPdf).fonts.every((f) => f.embedded)).toBe(true);
  await expect(graph.locator('.adlab-graph-search-count')).not.toHaveText(/failed/);

  await graph.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-graph.png') });

  // The optimizer comparison: plotly traces over the contour, then loss curves on a log axis.
  const opt = outputOf(page, '// optimizer').locator('.adlab-opt-output .adlab-opt').first();
  await opt.scrollIntoViewIfNeeded();
  await expect(opt.locator('.adlab-opt-table tbody tr')).toHaveCount(3);
  const plot = opt.locator('.adlab-opt-plot.js-plotly-plot');
  await expect(plot).toBeVisible();
  await expect(plot.locator('.contourlayer .contour, .contourlayer > *').first()).toBeAttached();
  await expect(plot.locator('.scatterlayer .trace')).toHaveCount(3);
  await expect(plot.locator('.legendtext').first()).toHaveText('lbfgs');
  // Step ellipses: the image of a small circle under a_k P_k at a few points of each path.
  await expect(opt.locator('.adlab-opt-note')).toBeHidden();
  const ellipses = opt.locator('.adlab-opt-ellipses input');
  await expect(ellipses).not.toBeChecked();
  await ellipses.check();
  await expect(plot.locator('.scatterlayer .trace')).toHaveCount(9);
  await shoot(opt, 'optimizer-step-ellipses-light');
  await ellipses.uncheck();
  await expect(plot.locator('.scatterlayer .trace')).toHaveCount(3);

  // The effective preconditioner: λmax (solid) and λmin (dashed) of a_k P_k per run, log axis.
  await opt.locator('.adlab-opt-tab', { hasText: 'preconditioner' }).click();
  await expect(plot.locator('.scatterlayer .trace')).toHaveCount(6);
  await expect(plot.locator('.ytitle')).toHaveText('eigenvalues of a_k P_k');
  await expect(opt.locator('.adlab-opt-note')).toContainText('SGD: constant lr; Adam:');
  await expect(opt.locator('.adlab-opt-ellipses')).toBeHidden();
  await expect(plot.locator('.legendtext')).toHaveText(['lbfgs', 'newton', 'adam']);
  await shoot(opt, 'optimizer-preconditioner-light');
  const [preSvg] = await Promise.all([
    page.waitForEvent('download'),
    opt.locator('.adlab-opt-export-svg').click(),
  ]);
  expect(preSvg.suggestedFilename()).toMatch(/^Rosenbrock.*-preconditioner\.svg$/);
  expect(fs.readFileSync((await preSvg.path())!, 'utf8')).toContain('eigenvalues of a_k P_k');

  await opt.locator('.adlab-opt-tab', { hasText: 'loss / iteration' }).click();
  await expect(plot.locator('.contourlayer > *')).toHaveCount(0);
  await expect(plot.locator('.scatterlayer .trace')).toHaveCount(3);
  await expect(plot.locator('.ytitle')).toHaveText('loss − f*');
  await opt.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-optimizer.png') });

  const [plotDownload] = await Promise.all([
    page.waitForEvent('download'),
    opt.locator('.adlab-opt-export-svg').click(),
  ]);
  expect(plotDownload.suggestedFilename()).toMatch(/^Rosenbrock.*-iteration\.svg$/);
  const [plotPdf] = await Promise.all([
    page.waitForEvent('download'),
    opt.locator('.adlab-opt-export-pdf').click(),
  ]);
  expect(plotPdf.suggestedFilename()).toMatch(/^Rosenbrock.*-iteration\.pdf$/);
  const plotPdfBytes = fs.readFileSync((await plotPdf.path())!);
  expect(plotPdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect(plotPdfBytes.length).toBeGreaterThan(1000);
  const optimizerPdf = path.join(ROOT, 'test-results', 'screenshots', 'export-optimizer.pdf');
  await plotPdf.saveAs(optimizerPdf);
  // Print-ready: one column wide, DejaVu Sans embedded, log ticks with their exponents as text.
  const report = inspectPdf(optimizerPdf);
  expect(report.fonts.length).toBeGreaterThan(0);
  expect(report.fonts.every((f) => f.embedded)).toBe(true);
  expect(report.text).toMatch(/10⁻[¹²³⁴⁵⁶⁷⁸⁹]/);
  expect(report.text).toContain('loss − f*');
  expect(report.width).toBe(252);
  expect(report.corner).toEqual([255, 255, 255]);
  // A compact legend: the three runs on one row at the top, under 12 % of the height (plotly's
  // own legend wrapped them into two rows and took a quarter).
  const words = pdfWords(optimizerPdf);
  const legend = ['lbfgs', 'newton', 'adam'].map((name) => words.find((w) => w.text === name)!);
  expect(legend.every(Boolean)).toBe(true);
  expect(new Set(legend.map((w) => Math.round(w.y0))).size).toBe(1);
  expect(Math.max(...legend.map((w) => w.y1))).toBeLessThan(0.12 * report.height);
  await expect(opt.locator('.adlab-opt-status')).toHaveText('');

  // The trajectories tab exports too: contour, colour bar and the compact legend, fonts embedded.
  await opt.locator('.adlab-opt-tab', { hasText: 'trajectories' }).click();
  const [trajPdf] = await Promise.all([
    page.waitForEvent('download'),
    opt.locator('.adlab-opt-export-pdf').click(),
  ]);
  const trajectoriesPdf = path.join(ROOT, 'test-results', 'screenshots', 'export-trajectories.pdf');
  await trajPdf.saveAs(trajectoriesPdf);
  const traj = inspectPdf(trajectoriesPdf);
  expect(traj.fonts.every((f) => f.embedded)).toBe(true);
  expect(traj.text).toContain('f − min');
  const trajWords = pdfWords(trajectoriesPdf);
  expect(['lbfgs', 'newton', 'adam'].every((n) => trajWords.some((w) => w.text === n))).toBe(true);
  await opt.locator('.adlab-opt-tab', { hasText: 'loss / iteration' }).click();

  // Dark theme: the plot's paper follows --jp-layout-color0.
  const paper = (): Promise<string> =>
    plot
      .locator('.main-svg')
      .first()
      .evaluate((e) => getComputedStyle(e).backgroundColor);
  const light = await paper();
  await page.theme.setDarkTheme();
  await expect.poll(paper).not.toBe(light);
  await opt.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-optimizer-dark.png') });
  await opt.locator('.adlab-opt-tab', { hasText: 'preconditioner' }).click();
  await expect(plot.locator('.ytitle')).toHaveText('eigenvalues of a_k P_k');
  await shoot(opt, 'optimizer-preconditioner-dark');
  await opt.locator('.adlab-opt-tab', { hasText: 'trajectories' }).click();
  await opt.locator('.adlab-opt-ellipses input').check();
  await expect(plot.locator('.scatterlayer .trace')).toHaveCount(9);
  await shoot(opt, 'optimizer-step-ellipses-dark');
  await page.theme.setLightTheme();
  await expect(page.locator('.adlab-error')).toHaveCount(1);
});

test('a malformed graph payload shows the error box and the page stays usable', async ({
  page,
  tmpPath,
}) => {
  await openUploaded(page, tmpPath, NOTEBOOK);
  const bad = outputOf(page, '// malformed graph');
  await bad.scrollIntoViewIfNeeded();
  await expect(bad.locator('.adlab-error')).toHaveText(
    /^adlab: cannot display graph: nodes\[2\]\.inputs\[0\] refers to node 99, which does not exist$/,
  );
  await expect(bad.locator('img')).toHaveCount(0);
  await expect(bad.locator('.jp-RenderedHTMLCommon')).toHaveCount(0);
  expect(
    await page.evaluate(() => (window as { __adlabPwned?: number }).__adlabPwned),
  ).toBeUndefined();

  // The rest of the page still works: the good graph responds to search.
  const graph = outputOf(page, '// graph').locator('.adlab-graph').first();
  await graph.scrollIntoViewIfNeeded();
  await graph.locator('.adlab-graph-search').fill('mul');
  await expect(graph.locator('.adlab-graph-match')).toHaveCount(9);
  await expect(graph.locator('.adlab-graph-search-count')).toHaveText('9 nodes');
  await bad.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-graph-malformed.png') });
});
