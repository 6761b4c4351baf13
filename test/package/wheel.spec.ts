/**
 * JupyterLab served from a venv holding only the adlab wheel, its root a temporary project folder
 * outside the checkout: the tour notebook, uploaded into Galata's folder there, opens with the
 * "TypeScript (adlab)" kernel, runs, and its tensors show in the extension's renderer.
 */
import * as path from 'path';
import { expect, test } from '@jupyterlab/galata';

const ROOT = path.resolve(__dirname, '../..');
const TOUR = path.join(ROOT, 'notebooks', '00-tour.ipynb');

test.use({ autoGoto: true, serverFiles: 'off' });

test('the installed wheel runs the tour with adlab’s renderer', async ({ page, tmpPath }) => {
  const name = path.basename(TOUR);
  await page.contents.uploadFile(TOUR, `${tmpPath}/${name}`);
  await page.notebook.openByPath(`${tmpPath}/${name}`);
  await page.notebook.activate(name);
  await expect(page.locator('.jp-Notebook-toolbarKernelName, .jp-KernelName').first()).toHaveText(
    /TypeScript \(adlab\)/,
    { timeout: 60_000 },
  );
  await page.notebook.run();

  const view = page.locator('.adlab-tensor-output .adlab-tensor').first();
  await expect(view).toBeVisible();
  await expect(view.locator('.adlab-shape')).toContainText('[');
  await expect(view.locator('canvas.adlab-heatmap-canvas')).toBeVisible();
  await expect(page.locator('.adlab-error')).toHaveCount(0);
  expect(await page.locator('.adlab-tensor-output').count()).toBeGreaterThanOrEqual(5);
  await view.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'screenshots', 'wheel-tour.png') });
});
