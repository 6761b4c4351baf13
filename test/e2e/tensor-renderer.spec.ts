/**
 * The tensor renderer in a real JupyterLab with the real adlab kernel.
 * Notebooks are uploaded into Galata's temporary folder under notebooks/ (removed after each test),
 * so the committed notebooks are never modified.
 */
import * as path from 'path';
import { expect, test } from '@jupyterlab/galata';
import { openWithKernel, outputOf, ROOT } from './helpers';

const TOUR = path.join(ROOT, 'notebooks', '00-tour.ipynb');
const MALFORMED = path.join(__dirname, 'fixtures', 'malformed.ipynb');
const STORED = path.join(__dirname, 'fixtures', 'stored.ipynb');

test.use({ autoGoto: true, serverFiles: 'off' });

test('the tour runs and tensors show in adlab’s renderer', async ({ page, tmpPath }) => {
  await openWithKernel(page, tmpPath, TOUR);
  await page.notebook.run();

  const out = outputOf(page, 'const a = np.array([[1, 2, 3], [4, 5, 6]]);');
  const view = out.locator('.adlab-tensor-output .adlab-tensor');
  await expect(view).toBeVisible();
  await expect(view.locator('.adlab-shape')).toContainText('[2, 3]');
  await expect(view.locator('.adlab-dtype')).toContainText('float32');
  await expect(view.locator('td.adlab-value')).toHaveText(['1', '2', '3', '4', '5', '6']);
  await expect(view.locator('canvas.adlab-heatmap-canvas')).toBeVisible();
  // Our renderer won over the text/html fallback: the fallback is not in the output.
  await expect(out.locator('.jp-RenderedHTMLCommon')).toHaveCount(0);
  await expect(page.locator('.adlab-error')).toHaveCount(0);
  // Several tensors in the tour use the custom view.
  expect(await page.locator('.adlab-tensor-output').count()).toBeGreaterThanOrEqual(5);

  await view.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-tour.png') });

  // The view follows the dark theme (colors from --jp-* variables, heatmap redrawn).
  await page.theme.setDarkTheme();
  await expect(page.locator('body')).toHaveAttribute('data-jp-theme-light', 'false');
  await expect(view.locator('canvas.adlab-heatmap-canvas')).toBeVisible();
  const color = await view
    .locator('.adlab-tensor-title')
    .evaluate((e) => getComputedStyle(e).color);
  expect(color).not.toBe('rgb(0, 0, 0)');
  await view.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-tour-dark.png') });
  await page.theme.setLightTheme();
});

test('a malformed payload shows the error box and the notebook stays usable', async ({
  page,
  tmpPath,
}) => {
  await openWithKernel(page, tmpPath, MALFORMED);

  // The stored output (trusted or not: the renderer is safe) shows the error box, not HTML.
  const stored = outputOf(page, 'stored output: a malformed tensor payload');
  await expect(stored.locator('.adlab-error')).toHaveText(
    /^adlab: cannot display tensor: dtype must be one of/,
  );
  await expect(stored.locator('img')).toHaveCount(0);
  expect(
    await page.evaluate(() => (window as { __adlabPwned?: number }).__adlabPwned),
  ).toBeUndefined();

  // A malformed payload sent live by the kernel.
  await page.notebook.runCell(2);
  const live = outputOf(page, 'A malformed payload sent live by the kernel');
  await expect(live.locator('.adlab-error')).toHaveText(
    /^adlab: cannot display tensor: view\.values has 3 entries, expected 4/,
  );

  // The page still works: the next cell executes and renders a tensor.
  await page.notebook.runCell(3);
  const next = outputOf(page, 'np.array([[1, 2], [3, 4]])');
  await expect(next.locator('.adlab-tensor .adlab-shape')).toContainText('[2, 2]');
  await expect(next.locator('td.adlab-value')).toHaveText(['1', '2', '3', '4']);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-malformed.png') });
});

test('stored tensor outputs render without a kernel, heatmap painted', async ({
  page,
  tmpPath,
}) => {
  await openWithKernel(page, tmpPath, STORED);

  const small = outputOf(page, '// small');
  await expect(small.locator('.adlab-tensor .adlab-shape')).toContainText('[2, 3]');
  await expect(small.locator('td.adlab-value')).toHaveText([
    '-2.5',
    '-1.5',
    '-0.5',
    '0.5',
    '1.5',
    '2.5',
  ]);
  await expect(small.locator('table.fallback')).toHaveCount(0);

  const big = outputOf(page, '// big');
  await expect(big.locator('.adlab-truncated')).toBeVisible();
  await expect(big.locator('thead th')).toHaveText(['', '0', '1', '2', '…', '997', '998', '999']);
  const canvas = big.locator('canvas.adlab-heatmap-canvas');
  await expect(canvas).toBeVisible();
  await expect(big.locator('.adlab-heatmap-note')).toContainText('block-averaged to 64x64');
  // The canvas was painted (opaque pixels, more than one color).
  const colors = await canvas.evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set<string>();
    let transparent = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] !== 255) transparent++;
      seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    }
    return { distinct: seen.size, transparent };
  });
  expect(colors.transparent).toBe(0);
  expect(colors.distinct).toBeGreaterThan(10);

  const nd = outputOf(page, '// nd');
  await expect(nd.locator('.adlab-block-label')).toHaveText([
    '[0, :, :]',
    '[1, :, :]',
    '[2, :, :]',
    '[3, :, :]',
    '[4, :, :]',
  ]);
  await expect(nd.locator('.adlab-heatmap')).toHaveCount(0);

  const nonfinite = outputOf(page, '// nonfinite');
  await expect(nonfinite.locator('td.adlab-nonfinite')).toHaveText([
    'NaN',
    'Infinity',
    '-Infinity',
  ]);
  await expect(page.locator('.adlab-error')).toHaveCount(0);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-stored.png') });
});
