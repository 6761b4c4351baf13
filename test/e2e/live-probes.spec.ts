/**
 * Live probes against the real kernel: fixtures/live-probes.ipynb runs, then the widgets ask the
 * kernel (comm target adlab.live) for J v, Jᵀ w, a moved point x, H v with a chosen step, Lanczos
 * with a chosen k and columns of a 300 x 1000 Jacobian on demand; every product is checked against
 * values the notebook computes independently (jacfwd / hessian). A malformed reply shows an error
 * box; a kernel restart leaves the stored data with the one-line notice. Screenshots in light and
 * dark themes, and the measured round trip of a probe request, go to test-results/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { expect, test } from '@jupyterlab/galata';
import type { Locator } from '@playwright/test';
import { openUploaded, outputOf, ROOT, type Page, shoot } from './helpers';

const NOTEBOOK = path.join(__dirname, 'fixtures', 'live-probes.ipynb');

test.use({ autoGoto: true, serverFiles: 'off' });

async function expected(page: Page, marker: string): Promise<unknown> {
  const text = await outputOf(page, marker).locator('.jp-OutputArea-output').first().textContent();
  return JSON.parse(text!.trim().replace(/^'|'$/g, ''));
}

function expectClose(actual: number[], want: number[], tol = 1e-9): void {
  expect(actual).toHaveLength(want.length);
  actual.forEach((a, i) =>
    expect(Math.abs(a - want[i]!)).toBeLessThan(tol * (1 + Math.abs(want[i]!))),
  );
}

async function values(result: Locator): Promise<number[]> {
  await expect(result).toHaveAttribute('data-values', /\[/);
  return JSON.parse((await result.getAttribute('data-values'))!) as number[];
}

test('live probes: J v, Jᵀ w, moved x, H v, Lanczos, columns on demand, malformed reply, restart', async ({
  page,
  tmpPath,
}) => {
  await openUploaded(page, tmpPath, NOTEBOOK);
  await page.notebook.run();
  const want = (await expected(page, '// expected: J v')) as {
    jv: number[];
    jtw: number[];
    jv1: number[];
  };

  // Jacobian probe: J v for a typed v, Jᵀ w for a typed w, with the measured round trip.
  const jac = outputOf(page, '// jacobian live').locator('.adlab-jacobian-probe');
  await expect(jac.locator('.adlab-live-status')).toHaveText('');
  await jac.locator('.adlab-probe-jv textarea').fill('1, -2, 0.5, 3');
  const t0 = Date.now();
  await jac.locator('.adlab-probe-jv .adlab-probe-compute').click();
  expectClose(await values(jac.locator('.adlab-probe-result-jvp')), want.jv);
  const pageRoundTrip = Date.now() - t0;
  const status = jac.locator('.adlab-live-status');
  await expect(status).toHaveText(/^jvp: [\d.]+ ms in the kernel, [\d.]+ ms round trip$/);
  const roundTripMs = Number(await status.getAttribute('data-round-trip-ms'));
  await jac.locator('.adlab-probe-jtw textarea').fill('[0.5 1 -1]');
  await jac.locator('.adlab-probe-jtw .adlab-probe-compute').click();
  expectClose(await values(jac.locator('.adlab-probe-result-vjp')), want.jtw);
  await jac.locator('.adlab-probe-jtw .adlab-probe-random').click();
  await expect(jac.locator('.adlab-probe-result-vjp')).not.toHaveAttribute(
    'data-values',
    JSON.stringify(want.jtw),
  );
  // A typo is an input error, not a request.
  await jac.locator('.adlab-probe-jv textarea').fill('1, 2');
  await jac.locator('.adlab-probe-jv .adlab-probe-compute').click();
  await expect(jac.locator('.adlab-probe-jv .adlab-probe-input-error')).toHaveText(
    'v needs 4 numbers, got 2',
  );
  await jac.locator('th[data-col="1"]').click();
  await expect(jac.locator('td[data-source="jvp"]')).toHaveCount(3);
  await shoot(jac, 'live-jacobian-light');

  // Move x, then J v again at the new point.
  await jac.locator('.adlab-probe-x textarea').fill('0, 0.1, -0.3, 0.2');
  await jac.locator('.adlab-probe-x .adlab-probe-compute').click();
  await expect(jac.locator('.adlab-probe-x textarea')).toHaveValue('0, 0.1, -0.3, 0.2');
  await expect(jac.locator('.adlab-live-status')).toHaveText(/^setX: /);
  await jac.locator('.adlab-probe-jv textarea').fill('1 -2 0.5 3');
  await jac.locator('.adlab-probe-jv .adlab-probe-compute').click();
  expectClose(await values(jac.locator('.adlab-probe-result-jvp')), want.jv1);

  // HVP probe: H v for a typed v and step against hessian(q)·v; Lanczos with k = 3.
  const hv = outputOf(page, '// hvp live').locator('.adlab-hvp-probe');
  await hv.scrollIntoViewIfNeeded();
  await hv.locator('.adlab-probe-hv textarea').fill('0.5, -1, 0.25, 2');
  await hv.locator('.adlab-probe-h-input').fill('0.001');
  await hv.locator('.adlab-probe-hv .adlab-probe-compute').click();
  await expect(hv.locator('.adlab-probe-h .adlab-field-value')).toHaveText('0.001');
  const wantHv = (await expected(page, '// expected hv')) as number[];
  const gotHv = JSON.parse(
    (await hv.locator('.adlab-probe-vectors-scroll').getAttribute('data-hvp'))!,
  );
  expectClose(gotHv, wantHv);
  await expect(hv.locator('.adlab-probe-definiteness .adlab-field-value')).toHaveText('indefinite');
  await expect(hv.locator('.adlab-probe-condition .adlab-field-value')).toHaveText(
    /^not defined: eigenvalues from -/,
  );
  await expect(hv.locator('.adlab-probe-spectrum-plot')).toHaveAttribute('data-drawn', '4');
  await hv.locator('.adlab-probe-k-input').fill('3');
  await hv.locator('.adlab-probe-lanczos-run').click();
  await expect(hv.locator('.adlab-probe-spectrum-plot')).toHaveAttribute('data-drawn', '3');
  await expect(hv.locator('.adlab-probe-spectrum .adlab-probe-subtitle').first()).toHaveText(
    /Lanczos, 3 Ritz values/,
  );
  await shoot(hv, 'live-hvp-light');

  // A 300 x 1000 Jacobian: nothing sent up front; a column by one JVP on click; the grid scrolls.
  const big = outputOf(page, '// big jacobian').locator('.adlab-jacobian-probe');
  await big.scrollIntoViewIfNeeded();
  await expect(big.locator('td.adlab-cell-hidden')).toHaveCount(20 * 12);
  await big.locator('.adlab-probe-grid-scroll').evaluate((e) => (e.scrollLeft = 84 * 3));
  await big.locator('th[data-col="7"]').click();
  await expect(big.locator('td[data-source="jvp"]')).toHaveCount(20);
  const col7 = (await expected(page, '// expected big')) as number[];
  const shown = await big
    .locator('td[data-source="jvp"]')
    .evaluateAll((tds) => tds.map((t) => Number(t.getAttribute('title'))));
  expectClose(shown, col7.slice(0, 20), 1e-8);
  await shoot(big, 'live-jacobian-large-light');

  // A malformed reply: an error box in the widget, no markup run, the page still works.
  const bad = outputOf(page, '// malformed live').locator('.adlab-jacobian-probe');
  await bad.scrollIntoViewIfNeeded();
  await bad.locator('.adlab-probe-jv textarea').fill('1, 1, 1, 1');
  await bad.locator('.adlab-probe-jv .adlab-probe-compute').click();
  await expect(bad.locator('.adlab-live-error')).toHaveText(
    'adlab: malformed reply to jvp: result.values must be an array, got a string',
  );
  await expect(bad.locator('img')).toHaveCount(0);
  expect(
    await page.evaluate(() => (window as { __adlabPwned?: number }).__adlabPwned),
  ).toBeUndefined();
  await bad.locator('th[data-col="0"]').click();
  await expect(bad.locator('td[data-source="jvp"]')).toHaveCount(3);

  // The gradient of a parameter dict: a collapsible tree; a leaf expands to its tensor view.
  const tree = outputOf(page, '// pytree').locator('.adlab-pytree');
  await tree.scrollIntoViewIfNeeded();
  await expect(tree.locator('.adlab-pytree-totals')).toHaveText('2 tensor leaves · 6 entries');
  const w = tree.locator('.adlab-pytree-leaf').first();
  await expect(w.locator('.adlab-pytree-tensor')).toHaveText(/^\[2, 2\] float64 · min /);
  await w.locator('summary').click();
  await expect(w.locator('.adlab-tensor td.adlab-value')).toHaveCount(4);
  await shoot(tree, 'pytree-light');

  // Dark theme.

  await page.theme.setDarkTheme();
  await shoot(hv, 'live-hvp-dark');
  await shoot(jac, 'live-jacobian-dark');
  await shoot(tree, 'pytree-dark');
  await page.theme.setLightTheme();

  // Restart the kernel: the stored grid stays, one line says live controls need that kernel.
  await page.menu.clickMenuItem('Kernel>Restart Kernel…');
  const accept = page.locator('.jp-Dialog .jp-mod-accept');
  if (await accept.isVisible({ timeout: 5000 }).catch(() => false)) await accept.click();
  await expect(jac.locator('.adlab-live-status')).toHaveText(
    /^Live controls need the kernel that made this output/,
  );
  await expect(jac.locator('.adlab-probe-jv .adlab-probe-compute')).toBeDisabled();
  await expect(jac.locator('td.adlab-cell')).toHaveCount(12);
  await expect(hv.locator('.adlab-live-status')).toHaveText(/^Live controls need the kernel/);
  await expect(hv.locator('.adlab-probe-vectors tbody tr')).toHaveCount(4);
  await shoot(jac, 'live-jacobian-kernel-gone');

  fs.writeFileSync(
    path.join(ROOT, 'test-results', 'probe-latency.json'),
    JSON.stringify({ roundTripMs, clickToResultMs: pageRoundTrip }, null, 1),
  );
  console.log(
    `probe request round trip: ${roundTripMs.toFixed(1)} ms (click to checked result ${pageRoundTrip} ms)`,
  );
});
