/**
 * Pictures of figures made in the kernel, without a browser: the Vega-Lite spec is compiled and
 * rendered headless by `vega` to SVG (text kept as text), rasterized to PNG by `@resvg/resvg-js`
 * and drawn into a PDF with embedded fonts by `pdfkit` + `svg-to-pdfkit`. The libraries are
 * loaded on first use (Node only), so the rest of adlab stays usable in a browser.
 *
 * Fonts: DejaVu Sans from Debian's `fonts-dejavu-core` (listed in scripts/apt-packages.txt); it
 * covers Greek, super/subscript digits, the minus sign and the math operators labels use.
 */
import * as fs from 'node:fs';
import type { FigurePayload } from '../jupyter/protocol';
import { FONT_STACK, vegaLiteSpec, type VegaStyle } from './vega-spec';

/** Where the fonts are looked for (Debian first; ADLAB_FONT_DIR overrides). */
const FONT_DIRS = [
  process.env.ADLAB_FONT_DIR,
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu',
].filter((d): d is string => typeof d === 'string' && d.length > 0);

/** The regular and bold DejaVu Sans files. */
export function fontFiles(): { regular: string; bold: string } {
  for (const dir of FONT_DIRS) {
    const regular = `${dir}/DejaVuSans.ttf`;
    const bold = `${dir}/DejaVuSans-Bold.ttf`;
    if (fs.existsSync(regular) && fs.existsSync(bold)) return { regular, bold };
  }
  throw new Error(
    'figure export: DejaVu Sans not found (install the Debian package fonts-dejavu-core, or set ADLAB_FONT_DIR to a folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf)',
  );
}

/** The libraries, loaded once. */
interface Libs {
  vega: typeof import('vega');
  vegaLite: typeof import('vega-lite');
}
let libs: Libs | undefined;
function load(): Libs {
  if (libs) return libs;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  libs = { vega: require('vega'), vegaLite: require('vega-lite') };
  measureWithFont(libs.vega);
  return libs;
}

/** A text mark as vega's text metrics see it. */
interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/**
 * Makes vega lay out text with DejaVu Sans' real advances (read by pdfkit's font engine) instead
 * of its canvas-less estimate of 0.8 em per character, which placed axis titles a label's width
 * away from their tick labels (`10⁻²⁰` was counted as 32 pt at 8 pt; it is 21).
 */
function measureWithFont(vega: typeof import('vega')): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const PDFDocument = require('pdfkit') as new (o: object) => {
    registerFont(name: string, file: string): void;
    font(name: string): { fontSize(s: number): { widthOfString(t: string): number } };
  };
  const f = fontFiles();
  const doc = new PDFDocument({ autoFirstPage: false });
  doc.registerFont('regular', f.regular);
  doc.registerFont('bold', f.bold);
  const cache = new Map<string, number>();
  // vega-scenegraph's textMetrics (re-exported by vega, not in its type declarations).
  const metrics = (
    vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }
  ).textMetrics;
  metrics.width = (item, text) => {
    const s = text == null ? '' : String(text).trim();
    const size = item.fontSize ?? 11;
    if (!s || size <= 0) return 0;
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    const key = `${bold ? 'b' : 'r'}${size} ${s}`;
    let w = cache.get(key);
    if (w === undefined) {
      w = doc
        .font(bold ? 'bold' : 'regular')
        .fontSize(size)
        .widthOfString(s);
      cache.set(key, w);
    }
    return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
  };
}

/** The parts of a vega View the synchronous render reads (pinned vega 5.33.1; see below). */
interface ViewInternals {
  _viewWidth: number;
  _viewHeight: number;
  _origin: [number, number];
}

/**
 * The figure as an SVG document (light style) and its size in points.
 *
 * Rendering is synchronous because a display bundle is built synchronously. vega's dataflow runs
 * synchronously when no data is loaded from a URL (ours is inline), so after `runAsync()` has
 * been called the scenegraph is complete; the headless SVG renderer is then sized exactly as
 * vega's own `toSVG()` does (test/plot checks that both give the same document).
 */
export function renderSvg(
  figure: FigurePayload,
  style: Partial<VegaStyle> = {},
): { svg: string; width: number; height: number } {
  const { vega, vegaLite } = load();
  const full: VegaStyle = {
    panelWidth: 300,
    panelHeight: 200,
    fontSize: 10,
    font: FONT_STACK,
    ...style,
  };
  const spec = vegaLite.compile(vegaLiteSpec(figure, full) as never, {}).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  void view.runAsync();
  const internals = view as unknown as ViewInternals;
  const pad = view.padding() as { left: number; right: number; top: number; bottom: number };
  const width = Math.ceil(internals._viewWidth + pad.left + pad.right);
  const height = Math.ceil(internals._viewHeight + pad.top + pad.bottom);
  const Headless = (vega.renderModule as unknown as (t: string) => { headless: unknown })('svg')
    .headless as unknown as new (loader: unknown) => {
    initialize(
      el: null,
      w: number,
      h: number,
      origin: [number, number],
      scale: number,
    ): {
      background(c: string): unknown;
    };
    render(scene: unknown): unknown;
    svg(): string;
  };
  const renderer = new Headless(view.loader());
  renderer
    .initialize(
      null,
      width,
      height,
      [pad.left + internals._origin[0], pad.top + internals._origin[1]],
      1,
    )
    .background('#ffffff');
  renderer.render((view.scenegraph() as unknown as { root: unknown }).root);
  const svg = renderer.svg();
  view.finalize();
  return { svg, width, height };
}

/**
 * The SVG with its size in points (`width="252pt"`), so it prints at the intended size; the
 * viewBox keeps the rendering's pixels. `unit: ''` gives bare numbers (read as points by the PDF
 * writer, which would convert `pt` once more).
 */
export function sizedInPoints(svg: string, width: number, height: number, unit = 'pt'): string {
  return svg.replace(
    /^<svg([^>]*?) width="[\d.]+" height="[\d.]+"/,
    `<svg$1 width="${width}${unit}" height="${height}${unit}"`,
  );
}

/** Rasterizes an SVG at `scale` pixels per point, on white, with the embedded-font set. */
export function svgToPng(svg: string, scale = 2): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js');
  const f = fontFiles();
  const r = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: scale },
    font: {
      fontFiles: [f.regular, f.bold],
      loadSystemFonts: false,
      defaultFontFamily: 'DejaVu Sans',
    },
  });
  return r.render().asPng();
}

/** The part of pdfkit's document we use (pdfkit ships no type declarations). */
type PdfKitConstructor = new (options: {
  size: [number, number];
  margin: number;
  info: Record<string, string>;
}) => {
  registerFont(name: string, file: string): void;
  end(): void;
  read(): Buffer | null;
};

/**
 * Draws an SVG into a one-page PDF of `width` × `height` points with DejaVu Sans embedded (as a
 * subset, Unicode-mapped, so `pdftotext` reads `10⁻³` back). pdfkit writes into its stream
 * synchronously; reading the buffered chunks after `end()` gives the whole file.
 */
export function svgToPdf(svg: string, width: number, height: number, title = ''): Buffer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const PDFDocument = require('pdfkit') as PdfKitConstructor;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const svgToPdfKit = require('svg-to-pdfkit') as (
    doc: unknown,
    svg: string,
    x: number,
    y: number,
    o: object,
  ) => void;
  const f = fontFiles();
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    info: { Title: title, Creator: 'adlab' },
  });
  doc.registerFont('DejaVu Sans', f.regular);
  doc.registerFont('DejaVu Sans Bold', f.bold);
  svgToPdfKit(doc, svg, 0, 0, {
    width,
    height,
    assumePt: true,
    fontCallback: (_family: string, bold: boolean) => (bold ? 'DejaVu Sans Bold' : 'DejaVu Sans'),
  });
  doc.end();
  const chunks: Buffer[] = [];
  for (let c = doc.read() as Buffer | null; c !== null; c = doc.read() as Buffer | null)
    chunks.push(c);
  return Buffer.concat(chunks);
}
