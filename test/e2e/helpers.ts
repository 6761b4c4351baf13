/** What the browser specs share: the repo root, a cell's output area, opening an uploaded notebook. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { IJupyterLabPageFixture } from '@jupyterlab/galata';
import { expect, type Locator } from '@playwright/test';

export type Page = IJupyterLabPageFixture;

export const ROOT = path.resolve(__dirname, '../..');

/** Where the tests put their screenshots and exported files, for a reader to look at. */
export const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

/** A screenshot of one element, scrolled into view, saved as SHOTS/<name>.png. */
export async function shoot(target: Locator, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await target.scrollIntoViewIfNeeded();
  await target.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

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

/** What poppler reads from an exported PDF (see {@link inspectPdf}). */
export interface PdfReport {
  /** pdffonts' rows: font name and whether it is embedded. */
  fonts: { name: string; embedded: boolean }[];
  /** pdftotext's text (Unicode as the PDF maps it). */
  text: string;
  /** Page size in points, from pdfinfo. */
  width: number;
  height: number;
  /** The page rendered by pdftoppm (PNG, 200 dpi), written next to the PDF. */
  png: string;
  /** Mean brightness (0 to 255) of the rendering, and the colour of its top-left pixel. */
  meanBrightness: number;
  corner: [number, number, number];
  /** The rightmost non-white column, as a fraction of the page width (blank margins show). */
  rightmostInk: number;
}

/**
 * Checks an exported PDF with poppler (Debian's poppler-utils): its fonts (pdffonts), its text
 * (pdftotext), its page size (pdfinfo), and its rendering (pdftoppm, a PNG to look at).
 */
/** The words of a PDF's first page with their boxes in points (poppler's `pdftotext -bbox`). */
export function pdfWords(
  pdf: string,
): { text: string; x0: number; y0: number; x1: number; y1: number }[] {
  const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', pdf, '-'], {
    encoding: 'utf8',
  });
  const re =
    /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g;
  return [...html.matchAll(re)].map((m) => ({
    text: m[5]!,
    x0: Number(m[1]),
    y0: Number(m[2]),
    x1: Number(m[3]),
    y1: Number(m[4]),
  }));
}

export function inspectPdf(pdf: string): PdfReport {
  const run = (cmd: string, args: string[]): string =>
    execFileSync(cmd, args, { encoding: 'utf8' });
  const fontLines = run('pdffonts', [pdf]).trim().split('\n').slice(2);
  const fonts = fontLines.map((line) => {
    const cols = line.trim().split(/\s+/);
    // name type [encoding words] emb sub uni object ID: emb is the 5th column from the end.
    // The name is the first column, 36 characters wide (it may contain spaces).
    return { name: line.slice(0, 37).trim(), embedded: cols[cols.length - 5] === 'yes' };
  });
  const text = run('pdftotext', ['-enc', 'UTF-8', pdf, '-']);
  const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(run('pdfinfo', [pdf]));
  const base = pdf.replace(/\.pdf$/, '-pdf');
  run('pdftoppm', ['-png', '-r', '200', '-singlefile', pdf, base]);
  // A small PPM (a header and raw RGB bytes) to measure without a PNG decoder.
  run('pdftoppm', ['-r', '30', '-singlefile', pdf, `${base}-small`]);
  const ppm = fs.readFileSync(`${base}-small.ppm`);
  fs.rmSync(`${base}-small.ppm`);
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'))!;
  const pixels = ppm.subarray(header[0].length);
  let sum = 0;
  for (const b of pixels) sum += b;
  const w = Number(header[1]);
  let right = 0;
  for (let i = 0; i + 2 < pixels.length; i += 3)
    if (pixels[i]! < 235 || pixels[i + 1]! < 235 || pixels[i + 2]! < 235)
      right = Math.max(right, (i / 3) % w);
  return {
    fonts,
    text,
    width: Number(size?.[1]),
    height: Number(size?.[2]),
    png: `${base}.png`,
    meanBrightness: sum / pixels.length,
    corner: [pixels[0]!, pixels[1]!, pixels[2]!],
    rightmostInk: (right + 1) / w,
  };
}
