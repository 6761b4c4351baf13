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
  const { jsPDF, svg2pdf } = await load();
  // svg2pdf.js reads computed styles: render from a hidden, attached copy.
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;left:-100000px;top:0;visibility:hidden;';
  const svg = document.importNode(root, true);
  const walker = document.createTreeWalker(svg, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    t.nodeValue = pdfSafeText(t.nodeValue ?? '');
  }
  host.appendChild(svg);
  document.body.appendChild(host);
  try {
    const pdf = new jsPDF({
      orientation: width >= height ? 'landscape' : 'portrait',
      unit: 'pt',
      format: [width, height],
      compress: true,
    });
    await svg2pdf(svg, pdf, { x: 0, y: 0, width, height });
    return pdf.output('blob');
  } finally {
    host.remove();
  }
}
