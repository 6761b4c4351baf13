/**
 * The Jacobian- and HVP-probe renderers in a real JupyterLab, from stored outputs (no kernel
 * needed for rendering): fixtures/probes.ipynb, made by fixtures/make-probes.cjs.
 */
import * as path from 'path';
import { expect, test } from '@jupyterlab/galata';
import { inspectPdf, openUploaded, outputOf, ROOT } from './helpers';

const NOTEBOOK = path.join(__dirname, 'fixtures', 'probes.ipynb');

test.use({ autoGoto: true, serverFiles: 'off' });

test('stored probes render; columns and rows reveal on click; malformed shows the error box', async ({
  page,
  tmpPath,
}) => {
  await openUploaded(page, tmpPath, NOTEBOOK);

  // The Jacobian probe: a hidden 3 x 4 grid, both costs, the name as text.
  const jac = outputOf(page, '// jacobian probe').locator('.adlab-jacobian-probe').first();
  await expect(jac).toBeVisible();
  await expect(jac.locator('td.adlab-cell')).toHaveCount(12);
  await expect(jac.locator('td.adlab-cell-hidden')).toHaveCount(12);
  await expect(jac.locator('.adlab-probe-name .adlab-field-value')).toHaveText(
    'tanh(W z) <b>bold?</b>',
  );
  await expect(jac.locator('b')).toHaveCount(0);
  await expect(jac.locator('.adlab-probe-explain')).toHaveText(
    'forward mode: 4 JVPs, one column each; reverse mode: 3 VJPs, one row each',
  );
  await expect(outputOf(page, '// jacobian probe').locator('.jp-RenderedHTMLCommon')).toHaveCount(
    0,
  );

  await jac.locator('.adlab-probe-next-col').click();
  await expect(jac.locator('td[data-source="jvp"]')).toHaveCount(3);
  await jac.locator('th[data-row="2"]').click();
  await expect(jac.locator('td[data-source="vjp"]')).toHaveCount(3);
  await expect(jac.locator('.adlab-probe-status')).toHaveText(
    '1 of 4 columns, 1 of 3 rows revealed',
  );
  await jac.locator('.adlab-probe-reveal-all').click();
  await expect(jac.locator('td.adlab-cell-hidden')).toHaveCount(0);
  // Revealed cells take theme colors (not the hidden gray).
  const bg = await jac
    .locator('td[data-source="jvp"]')
    .first()
    .evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(bg).not.toBe('rgba(0, 0, 0, 0)');
  await jac.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-jacobian-probe.png') });

  // The HVP probe: vectors side by side, the Hessian heatmap, the spectrum.
  const hv = outputOf(page, '// hvp probe').locator('.adlab-hvp-probe').first();
  await hv.scrollIntoViewIfNeeded();
  await expect(hv.locator('.adlab-probe-vectors tbody tr')).toHaveCount(4);
  await expect(hv.locator('.adlab-probe-hessian td.adlab-cell')).toHaveCount(16);
  await expect(hv.locator('.adlab-probe-spectrum')).toContainText('dense eigh');
  await expect(hv.locator('.adlab-probe-condition')).toBeVisible();
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-hvp-probe.png') });

  // The spectrum goes through the plot layer: palette, ticks and print export of every figure.
  const spectrum = hv.locator('.adlab-probe-spectrum');
  await expect(spectrum.locator('.adlab-probe-spectrum-plot')).toHaveAttribute('data-drawn', '4');
  const shots = path.join(ROOT, 'test-results', 'screenshots');
  await spectrum.screenshot({ path: path.join(shots, 'hvp-spectrum-light.png') });
  const stemColor = await spectrum
    .locator('.scatterlayer .trace path.js-line')
    .first()
    .evaluate((e) => getComputedStyle(e).stroke);
  expect(stemColor).toBe('rgb(0, 114, 178)'); // colorAt(0)
  const [pdf] = await Promise.all([
    page.waitForEvent('download'),
    spectrum.locator('.adlab-probe-export-pdf').click(),
  ]);
  const pdfPath = path.join(shots, 'export-hvp-spectrum.pdf');
  await pdf.saveAs(pdfPath);
  const report = inspectPdf(pdfPath);
  expect(report.fonts.every((f) => f.embedded)).toBe(true);
  expect(report.text).toContain('λmin');
  expect(report.corner).toEqual([255, 255, 255]);
  await page.theme.setDarkTheme();
  await expect
    .poll(() =>
      spectrum
        .locator('.main-svg')
        .first()
        .evaluate((e) => getComputedStyle(e).backgroundColor),
    )
    .not.toBe('rgb(255, 255, 255)');
  await spectrum.screenshot({ path: path.join(shots, 'hvp-spectrum-dark.png') });
  await jac.scrollIntoViewIfNeeded();
  await jac.screenshot({ path: path.join(shots, 'jacobian-probe-dark.png') });
  await page.theme.setLightTheme();

  // The malformed payload: the error box, no markup, no script.
  const bad = outputOf(page, '// malformed probe');
  await bad.scrollIntoViewIfNeeded();
  await expect(bad.locator('.adlab-error')).toHaveText(
    /^adlab: cannot display Jacobian probe: rows has 2 entries, expected 3$/,
  );
  await expect(bad.locator('img')).toHaveCount(0);
  expect(
    await page.evaluate(() => (window as { __adlabPwned?: number }).__adlabPwned),
  ).toBeUndefined();
});
