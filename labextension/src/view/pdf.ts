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
    t.nodeValue = (t.nodeValue ?? '').replace(/[\u200b-\u200d\ufeff]/g, '');
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
 * fit), its text set in the embedded DejaVu Sans. Rejects when the SVG does not parse or the libraries cannot load.
 */
export async function svgToPdfBlob(
  svgText: string,
  width: number,
  height: number,
  load: () => Promise<PdfLibs> = loadPdfLibs,
): Promise<Blob> {
  if (!(width > 0 && height > 0)) throw new Error('the figure has no size');
  const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const root = parsed.documentElement;
  if (root.nodeName !== 'svg' || parsed.getElementsByTagName('parsererror').length > 0) {
    throw new Error('the SVG could not be parsed');
  }
  const { jsPDF, svg2pdf, fonts } = await load();
  // svg2pdf.js reads computed styles: render from a hidden, attached copy.
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:-100000px;top:0;visibility:hidden;';
  const svg = document.importNode(root, true);
  useEmbeddedFont(svg);
  host.appendChild(svg);
  document.body.appendChild(host);
  try {
    const pdf = new jsPDF({
      orientation: width >= height ? 'landscape' : 'portrait',
      unit: 'pt',
      format: [width, height],
      compress: true,
      putOnlyUsedFonts: true,
    });
    embedFonts(pdf, fonts);
    await svg2pdf(svg, pdf, { x: 0, y: 0, width, height });
    return standardCidOrdering(pdf.output());
  } finally {
    host.remove();
  }
}
