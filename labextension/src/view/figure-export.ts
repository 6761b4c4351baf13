/**
 * Publication export of a plotly figure, shared by the figure, optimizer and spectrum views: the
 * figure is rebuilt in the light print theme (8 pt text, whatever the notebook's theme) at a
 * journal size in points (one column 3.5 in, two columns 7.16 in, as `fig.save` in the kernel),
 * then written as SVG (text stays text), PNG (300 dpi) or a vector PDF with DejaVu Sans embedded.
 */
import { printInches } from 'adlab/plot-style';
import { h } from './dom';
import { downloadBlob } from './download';
import { LIGHT_THEME, type Figure, type FigureTheme } from './optimizer-figures';
import { svgToPdfBlob } from './pdf';
import { svgFromDataUrl, type PlotlyLike } from './plotly';

export type ExportFormat = 'svg' | 'png' | 'pdf';
export type ColumnWidth = 'single' | 'double';

/** The print theme: light, 8 pt text in the embedded font, no title over the plot. */
export const PRINT_THEME: FigureTheme = { ...LIGHT_THEME, fontSize: 8, print: true };

/** PNG resolution: pixels per point (300 dpi). */
const PNG_SCALE = 300 / 72;

/** The print size in points of a figure of `rows` × `cols` panels at a column width. */
export function printSize(
  width: ColumnWidth,
  rows = 1,
  cols = 1,
): { width: number; height: number } {
  const inches = printInches(width, rows, cols);
  return { width: Math.round(inches.width * 72), height: Math.round(inches.height * 72) };
}

/** Decodes a base64 `data:` URL into a blob. */
function dataUrlBlob(url: string, type: string): Blob {
  const comma = url.indexOf(',');
  const bytes = Uint8Array.from(atob(url.slice(comma + 1)), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type });
}

/**
 * Writes `fig` (already built in {@link PRINT_THEME} for `size`) as `name`.svg/.png/.pdf.
 * Rejects when plotly, the PDF libraries or the font cannot load.
 */
export async function exportPlotlyFigure(
  plotly: PlotlyLike,
  fig: Figure,
  format: ExportFormat,
  size: { width: number; height: number },
  name: string,
): Promise<void> {
  const figure = { data: fig.data, layout: { ...fig.layout, ...size } };
  if (format === 'png') {
    const url = await plotly.toImage(figure, { format: 'png', ...size, scale: PNG_SCALE });
    downloadBlob(dataUrlBlob(url, 'image/png'), `${name}.png`);
    return;
  }
  const svg = svgFromDataUrl(await plotly.toImage(figure, { format: 'svg', ...size }));
  if (format === 'svg') {
    downloadBlob(new Blob([svg], { type: 'image/svg+xml' }), `${name}.svg`);
    return;
  }
  downloadBlob(await svgToPdfBlob(svg, size.width, size.height), `${name}.pdf`);
}

/**
 * Runs an export and says how it went in `status`: cleared when the file was written,
 * "PDF export failed." (the cause in the console) when not. Never throws, so a button can call it.
 */
export async function exportReporting(
  format: ExportFormat,
  status: HTMLElement,
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
    status.textContent = '';
  } catch (e) {
    console.warn(`adlab: ${format} export failed`, e);
    status.textContent = `${format.toUpperCase()} export failed.`;
  }
}

/**
 * The export controls: a column-width choice and SVG / PNG / PDF buttons (classes
 * `${prefix}-export-svg` etc., and `${prefix}-button` on each), calling `onExport`.
 */
export function exportControls(
  prefix: string,
  onExport: (format: ExportFormat, width: ColumnWidth) => void,
): HTMLElement {
  const box = h('span', `adlab-export ${prefix}-export`);
  const select = h('select', `adlab-export-width ${prefix}-export-width`);
  select.title = 'width of the exported figure';
  for (const [value, text] of [
    ['single', '1 column (3.5 in)'],
    ['double', '2 columns (7.16 in)'],
  ] as const) {
    const option = h('option', undefined, text);
    option.value = value;
    select.appendChild(option);
  }
  box.appendChild(select);
  const titles: Record<ExportFormat, string> = {
    svg: 'download as SVG (light print style, text as text)',
    png: 'download as PNG (light print style, 300 dpi)',
    pdf: 'download as vector PDF (light print style, fonts embedded)',
  };
  for (const format of ['svg', 'png', 'pdf'] as const) {
    const b = h('button', `${prefix}-button ${prefix}-export-${format}`, format.toUpperCase());
    b.type = 'button';
    b.title = titles[format];
    b.addEventListener('click', () =>
      onExport(format, select.value === 'double' ? 'double' : 'single'),
    );
    box.appendChild(b);
  }
  return box;
}
