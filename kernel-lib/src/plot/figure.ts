/**
 * `Figure`: what every plotting function returns. It displays as the adlab figure MIME type
 * (plotly in JupyterLab, following the theme) with a PNG made in the kernel as the static
 * fallback, and saves print-ready PDF, SVG or PNG files in a light style.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  MIME,
  type FigurePayload,
  type MimeBundle,
  type MimeBundleProvider,
} from '../jupyter/protocol';
import { renderSvg, sizedInPoints, svgToPdf, svgToPng } from './render';
import { COLUMN_WIDTH, printInches, type PrintWidth } from './style';

export { COLUMN_WIDTH };

/** Options of {@link Figure.save}. */
export interface SaveOptions {
  /** Width in inches, or 'single' (3.5 in) / 'double' (7.16 in) column (default 'single'). */
  width?: PrintWidth;
  /** Height in inches (default: 0.72 of the width per row of panels). */
  height?: number;
  /** Base font size in points (default 8, journal body text is 9 to 10). */
  fontSize?: number;
  /** PNG only: pixels per point (default 300 dpi: 300/72). */
  scale?: number;
}

/**
 * The display PNG: small sizes in points drawn at 1.6 pixels per point, so the picture shows at a
 * screen size (text about 14 px) and stays sharp (bundles carry no metadata to halve a 2x image).
 */
const DISPLAY_STYLE = { panelWidth: 250, panelHeight: 165, fontSize: 8.5 };
const DISPLAY_SCALE = 1.6;

/** The least height of a printed row of panels, and the room above them, in points. */
const PRINT_ROW_MIN = 110;
const PRINT_TOP = 40;

/**
 * A figure of one or several panels.
 * @example const fig = plot.line(losses, { yScale: 'log' }); fig.save('loss.pdf', { width: 'single' });
 */
export class Figure implements MimeBundleProvider {
  constructor(
    /** The payload of `application/vnd.adlab.figure.v1+json`. */
    readonly payload: FigurePayload,
  ) {}

  /** Number of rows of panels. */
  get rows(): number {
    return Math.ceil(this.payload.panels.length / this.payload.columns);
  }

  /** The same figure with a title over all panels. */
  withTitle(title: string): Figure {
    return new Figure({ ...this.payload, title });
  }

  /** The light-style SVG document at a print size (points); text stays text. */
  toSVG(options: SaveOptions = {}): { svg: string; width: number; height: number } {
    const out = this.print(options);
    return {
      svg: sizedInPoints(out.svg, out.width, out.height),
      width: out.width,
      height: out.height,
    };
  }

  /**
   * Writes the figure to `file` (.pdf, .svg or .png by its extension) in the light style, and
   * returns the absolute path. PDFs embed their fonts; sizes are in inches.
   * @example fig.save('fig.pdf', { width: 'double', height: 2.5, fontSize: 9 })
   */
  save(file: string, options: SaveOptions = {}): string {
    const ext = path.extname(file).toLowerCase();
    if (ext !== '.pdf' && ext !== '.svg' && ext !== '.png') {
      throw new TypeError(
        `Figure.save: unknown file type '${ext || file}' (use .pdf, .svg or .png)`,
      );
    }
    const out = this.print(options);
    let bytes: Buffer | string;
    if (ext === '.svg') {
      bytes = `<?xml version="1.0" encoding="UTF-8"?>\n${sizedInPoints(out.svg, out.width, out.height)}`;
    } else if (ext === '.png') {
      bytes = svgToPng(out.svg, ((options.scale ?? 300 / 72) * out.width) / out.pixelWidth);
    } else {
      const title = this.payload.title || this.payload.panels[0]?.title || '';
      // In points, so the viewBox (pixels) is scaled to the page when they differ (equal axes).
      bytes = svgToPdf(
        sizedInPoints(out.svg, out.width, out.height, ''),
        out.width,
        out.height,
        title,
      );
    }
    const target = path.resolve(file);
    fs.writeFileSync(target, bytes);
    return target;
  }

  /**
   * The SVG (in pixels) for a print size: rendered once, the panels widened or narrowed by what
   * the axes and legends took beyond the estimate, rendered again; the last few points of
   * difference are absorbed by scaling (`width` / `pixelWidth`, close to 1).
   */
  private print(options: SaveOptions) {
    const layout = this.layout(options);
    const cols = Math.min(this.payload.columns, this.payload.panels.length);
    let out = renderSvg(this.payload, layout);
    const dx = (layout.targetWidth - out.width) / cols;
    const dy = (layout.targetHeight - out.height) / this.rows;
    if (Math.abs(dx) > 2 || Math.abs(dy) > 2) {
      out = renderSvg(this.payload, {
        ...layout,
        panelWidth: Math.max(40, layout.panelWidth + dx),
        panelHeight: Math.max(30, layout.panelHeight + dy),
      });
    }
    const width = Math.round(layout.targetWidth * 100) / 100;
    return {
      svg: out.svg,
      pixelWidth: out.width,
      width,
      height: Math.round(out.height * (width / out.width) * 100) / 100,
    };
  }

  /** The display bundle: the figure JSON for the extension, a PNG fallback and a text summary. */
  toMimeBundle(): MimeBundle {
    const bundle: MimeBundle = { [MIME.figure]: this.payload, 'text/plain': this.toString() };
    try {
      const { svg } = renderSvg(this.payload, DISPLAY_STYLE);
      bundle['image/png'] = svgToPng(svg, DISPLAY_SCALE).toString('base64');
      return bundle;
    } catch (err) {
      // The widget still renders; only the static picture is missing, and the text says why.
      bundle['text/plain'] = `${this.toString()}\n(no static image: ${(err as Error).message})`;
      return bundle;
    }
  }

  /** One line per panel: its title and series. */
  toString(): string {
    const head = this.payload.title ? `${this.payload.title}\n` : '';
    return (
      head +
      this.payload.panels
        .map(
          (p) =>
            `Figure panel${p.title ? ` "${p.title}"` : ''}: ${p.series.map((s) => `${s.kind} ${s.name}`).join(', ')}`,
        )
        .join('\n')
    );
  }

  private layout(options: SaveOptions) {
    const cols = Math.min(this.payload.columns, this.payload.panels.length);
    const size = printInches(options.width, this.rows, cols, options.height);
    const inches = size.width;
    // Panels side by side in one column would be a strip too flat to read (1.26 in for two):
    // each row keeps PRINT_ROW_MIN points, plus the title and legend, unless a height is given.
    const heightIn =
      options.height ?? Math.max(size.height, (this.rows * PRINT_ROW_MIN + PRINT_TOP) / 72);
    if (!(inches > 0 && inches < 100))
      throw new RangeError(`Figure.save: width must be in inches (0 to 100), got ${options.width}`);
    const fontSize = options.fontSize ?? 8;
    // Room for axis labels, titles and a colour bar, estimated from the font size.
    const hasBar = this.payload.panels.some((p) =>
      p.series.some((s) => s.kind === 'contour' || s.kind === 'heatmap'),
    );
    const chromeW = fontSize * (5 + (hasBar ? 6 : 0));
    const chromeH = fontSize * 6;
    return {
      panelWidth: Math.max(40, (inches * 72) / cols - chromeW),
      panelHeight: Math.max(30, (heightIn * 72) / this.rows - chromeH),
      fontSize,
      targetWidth: inches * 72,
      targetHeight: heightIn * 72,
    };
  }
}
