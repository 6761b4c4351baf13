/** What the browser specs share: the repo root, a cell's output area, opening an uploaded notebook. */
import * as path from 'path';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { expect, type Locator } from '@playwright/test';

export type Page = IJupyterLabPageFixture;

export const ROOT = path.resolve(__dirname, '../..');

/** The output area of the code cell whose source contains `text`. */
export function outputOf(page: Page, text: string): Locator {
  return page
    .locator('.jp-Notebook .jp-CodeCell')
    .filter({ has: page.locator('.jp-InputArea-editor', { hasText: text }) })
    .locator('.jp-OutputArea');
}

/**
 * Uploads `file` into Galata's temporary folder (removed after each test, so the committed
 * notebooks are never modified) and opens it.
 */
export async function openUploaded(page: Page, tmpPath: string, file: string): Promise<void> {
  const name = path.basename(file);
  await page.contents.uploadFile(file, `${tmpPath}/${name}`);
  await page.notebook.openByPath(`${tmpPath}/${name}`);
  await page.notebook.activate(name);
}

/** Opens an uploaded notebook and waits for its kernel, "TypeScript (adlab)" (from its metadata). */
export async function openWithKernel(page: Page, tmpPath: string, file: string): Promise<void> {
  await openUploaded(page, tmpPath, file);
  await expect(page.locator('.jp-Notebook-toolbarKernelName, .jp-KernelName').first()).toHaveText(
    /TypeScript \(adlab\)/,
    { timeout: 60_000 },
  );
}
