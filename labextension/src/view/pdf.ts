/**
 * PDF export: an SVG document string becomes a one-page vector PDF sized to the figure, drawn by
 * svg2pdf.js onto a jsPDF document with DejaVu Sans embedded (a Unicode subset: pdffonts says
 * `emb yes`, and `10⁻⁴`, `κ`, `‖g‖` come out as written, not as `10-4` or `?`). The libraries and
 * the font load on first use (a lazy chunk), so they cost nothing until a PDF button is clicked.
 */
import type { jsPDF as JsPdf } from 'jspdf';
import type { Svg2pdfOptions } from 'svg2pdf.js';
import type { ExportFonts } from './export-fonts';

/** The two entry points we call, and the font to embed. */
export interface PdfLibs {
  jsPDF: typeof JsPdf;
  svg2pdf(element: Element, pdf: JsPdf, options?: Svg2pdfOptions): Promise<JsPdf>;
  fonts: ExportFonts;
}

/** The family every text of an exported PDF is set in. */
export const PDF_FONT_FAMILY = 'DejaVu Sans';

let libsPromise: Promise<PdfLibs> | undefined;

/** Loads jsPDF, svg2pdf.js and the font once. */
export function loadPdfLibs(): Promise<PdfLibs> {
  libsPromise ??= Promise.all([
    import('jspdf'),
    import('svg2pdf.js'),
    import('./export-fonts').then((m) => m.fetchExportFonts()),
  ]).then(([j, s, fonts]) => ({ jsPDF: j.jsPDF, svg2pdf: s.svg2pdf, fonts }));
  libsPromise.catch(() => {
    libsPromise = undefined;
  });
  return libsPromise;
}

/** Zero-width characters (plotly puts them in exponent labels). */
const ZERO_WIDTH = /[\u200b-\u200d\ufeff]/g;

/**
 * Sets every text of `svg` in the embedded family, bold or regular, upright or italic (the four
 * faces registered), and drops zero-width characters (plotly puts them in exponent labels).
 */
export function useEmbeddedFont(svg: Element): void {
  for (const el of svg.querySelectorAll<SVGElement>('text, tspan')) {
    const css = el.style;
    const weight = css.fontWeight || el.getAttribute('font-weight') || 'normal';
    const bold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
    const italic = (css.fontStyle || el.getAttribute('font-style')) === 'italic';
    css.fontFamily = `"${PDF_FONT_FAMILY}"`;
    css.fontWeight = bold ? 'bold' : 'normal';
    css.fontStyle = italic ? 'italic' : 'normal';
    el.removeAttribute('font-family');
  }
  const walker = document.createTreeWalker(svg, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    t.nodeValue = (t.nodeValue ?? '').replace(ZERO_WIDTH, '');
  }
}

/** Registers DejaVu Sans (regular and bold, each also as its slanted style) on `pdf`. */
function embedFonts(pdf: JsPdf, fonts: ExportFonts): void {
  pdf.addFileToVFS('DejaVuSans.ttf', fonts.regular);
  pdf.addFileToVFS('DejaVuSans-Bold.ttf', fonts.bold);
  pdf.addFont('DejaVuSans.ttf', PDF_FONT_FAMILY, 'normal');
  pdf.addFont('DejaVuSans.ttf', PDF_FONT_FAMILY, 'italic');
  pdf.addFont('DejaVuSans-Bold.ttf', PDF_FONT_FAMILY, 'bold');
  pdf.addFont('DejaVuSans-Bold.ttf', PDF_FONT_FAMILY, 'bolditalic');
  pdf.setFont(PDF_FONT_FAMILY, 'normal');
}

/**
 * The PDF as a blob, its CID fonts' `/Ordering` set to the standard `Identity` (jsPDF writes
 * `Identity-H`, which poppler reports as an unknown character collection). The replacement has
 * the same length, so the cross-reference offsets stay right.
 */
function standardCidOrdering(binary: string): Blob {
  const fixed = binary.replaceAll('/Ordering (Identity-H)', '/Ordering (Identity)  ');
  const bytes = new Uint8Array(fixed.length);
  for (let i = 0; i < fixed.length; i++) bytes[i] = fixed.charCodeAt(i);
  return new Blob([bytes], { type: 'application/pdf' });
}

/**
 * Converts an SVG document string to a PDF blob of `width` × `height` points (the SVG scaled to
 * fit), its text set in the embedded DejaVu Sans. Rejects when the SVG does not parse or the
 * libraries cannot load.
 */
export function svgToPdfBlob(
  svgText: string,
  width: number,
  height: number,
  load: () => Promise<PdfLibs> = loadPdfLibs,
): Promise<Blob> {
  return svgPagesToPdfBlob([{ svg: svgText, x: 0, y: 0, width, height }], { width, height }, load);
}

/** One page of {@link svgPagesToPdfBlob}: an SVG drawn into a box (points), and a footer line. */
export interface PdfPage {
  svg: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** A line of text at the bottom left of the page (e.g. "grad(f) · page 2 of 5"). */
  footer?: string;
}

/** The parsed root of an SVG document string; throws when it does not parse. */
function parseSvg(svgText: string): Element {
  const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.nodeName !== 'svg' || parsed.getElementsByTagName('parsererror').length > 0) {
    throw new Error('the SVG could not be parsed');
  }
  return root;
}

/**
 * A PDF of several pages of `page` size (points), each drawing one SVG. Rejects when an SVG does
 * not parse or the libraries cannot load.
 */
export async function svgPagesToPdfBlob(
  pages: readonly PdfPage[],
  page: { width: number; height: number },
  load: () => Promise<PdfLibs> = loadPdfLibs,
): Promise<Blob> {
  if (!(page.width > 0 && page.height > 0) || pages.length === 0)
    throw new Error('the figure has no size');
  for (const p of pages)
    if (!(p.width > 0 && p.height > 0)) throw new Error('the figure has no size');
  const roots = pages.map((p) => parseSvg(p.svg));
  const { jsPDF, svg2pdf, fonts } = await load();
  const orientation = page.width >= page.height ? 'landscape' : 'portrait';
  const pdf = new jsPDF({
    orientation,
    unit: 'pt',
    format: [page.width, page.height],
    compress: true,
    putOnlyUsedFonts: true,
  });
  embedFonts(pdf, fonts);
  // svg2pdf.js reads computed styles: render from a hidden, attached copy.
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:-100000px;top:0;visibility:hidden;';
  document.body.appendChild(host);
  try {
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i]!;
      if (i > 0) pdf.addPage([page.width, page.height], orientation);
      const svg = document.importNode(roots[i]!, true);
      useEmbeddedFont(svg);
      host.textContent = '';
      host.appendChild(svg);
      await svg2pdf(svg, pdf, { x: p.x, y: p.y, width: p.width, height: p.height });
      if (p.footer) {
        pdf.setFont(PDF_FONT_FAMILY, 'normal');
        pdf.setFontSize(8);
        pdf.setTextColor(90);
        pdf.text(p.footer.replace(ZERO_WIDTH, ''), p.x, page.height - 10);
      }
    }
    return standardCidOrdering(pdf.output());
  } finally {
    host.remove();
  }
}
