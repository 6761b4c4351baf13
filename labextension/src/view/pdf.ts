/**
 * PDF export: an SVG document string becomes a one-page vector PDF sized to the figure, drawn by
 * svg2pdf.js onto a jsPDF document. Both libraries load on first use (a lazy chunk), so they cost
 * nothing until a PDF button is clicked.
 */
import type { jsPDF as JsPdf } from 'jspdf';
import type { Svg2pdfOptions } from 'svg2pdf.js';

/** The two entry points we call. */
export interface PdfLibs {
  jsPDF: typeof JsPdf;
  svg2pdf(element: Element, pdf: JsPdf, options?: Svg2pdfOptions): Promise<JsPdf>;
}

let libsPromise: Promise<PdfLibs> | undefined;

/** Loads jsPDF and svg2pdf.js once. */
export function loadPdfLibs(): Promise<PdfLibs> {
  libsPromise ??= Promise.all([import('jspdf'), import('svg2pdf.js')]).then(([j, s]) => ({
    jsPDF: j.jsPDF,
    svg2pdf: s.svg2pdf,
  }));
  libsPromise.catch(() => {
    libsPromise = undefined;
  });
  return libsPromise;
}

/** Characters the PDF standard fonts (WinAnsi) lack, with plain stand-ins. */
const SUBSTITUTES: Record<string, string> = {
  '\u2212': '-', // minus sign (plotly's exponents, 'loss − f*')
  '\u207b': '-',
  '\u2016': '||', // ‖gradient‖
  '\u2192': '->',
  '\u2264': '<=',
  '\u2265': '>=',
};
/** Windows-1252 characters above U+00FF, which the standard fonts do have. */
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * Text as the PDF standard fonts can show it: zero-width characters dropped, sub- and superscript
 * digits as digits, a few symbols spelled out, anything else outside Windows-1252 as '?'.
 */
export function pdfSafeText(s: string): string {
  let out = '';
  for (const c of s.replace(/[\u200b-\u200d\ufeff]/g, '')) {
    const code = c.codePointAt(0)!;
    if (code >= 0x2080 && code <= 0x2089) out += String(code - 0x2080);
    else if (
      code >= 0x2070 &&
      code <= 0x2079 &&
      code !== 0x2071 &&
      code !== 0x2072 &&
      code !== 0x2073
    ) {
      out += String(code - 0x2070);
    } else if (SUBSTITUTES[c] !== undefined) out += SUBSTITUTES[c];
    else if (code <= 0xff || CP1252_EXTRA.has(c)) out += c;
    else out += '?';
  }
  return out;
}

/**
 * Converts an SVG document string to a PDF blob of `width` × `height` points (one SVG pixel per
 * point). Rejects when the SVG does not parse or the libraries cannot load.
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
  const { jsPDF, svg2pdf } = await load();
  const orientation = page.width >= page.height ? 'landscape' : 'portrait';
  const pdf = new jsPDF({
    orientation,
    unit: 'pt',
    format: [page.width, page.height],
    compress: true,
  });
  // svg2pdf.js reads computed styles: render from a hidden, attached copy.
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:-100000px;top:0;visibility:hidden;';
  document.body.appendChild(host);
  try {
    for (let i = 0; i < pages.length; i++) {
      const p = pages[i]!;
      if (i > 0) pdf.addPage([page.width, page.height], orientation);
      const svg = document.importNode(roots[i]!, true);
      const walker = document.createTreeWalker(svg, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode(); t; t = walker.nextNode()) {
        t.nodeValue = pdfSafeText(t.nodeValue ?? '');
      }
      host.textContent = '';
      host.appendChild(svg);
      await svg2pdf(svg, pdf, { x: p.x, y: p.y, width: p.width, height: p.height });
      if (p.footer) {
        pdf.setFontSize(8);
        pdf.setTextColor(90);
        pdf.text(pdfSafeText(p.footer), p.x, page.height - 10);
      }
    }
    return pdf.output('blob');
  } finally {
    host.remove();
  }
}
