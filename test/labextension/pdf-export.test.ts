import './setup';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The PDF helper's libraries load lazily; here the helper itself is stubbed, and the download too.
const pdfMock = vi.hoisted(() => ({
  svgToPdfBlob: vi.fn((_svg: string, _w: number, _h: number) =>
    Promise.resolve(new Blob(['%PDF-1.3'], { type: 'application/pdf' })),
  ),
  svgPagesToPdfBlob: vi.fn(
    (
      _pages: {
        svg: string;
        x: number;
        y: number;
        width: number;
        height: number;
        footer?: string;
      }[],
      _page: { width: number; height: number },
    ) => Promise.resolve(new Blob(['%PDF-1.3'], { type: 'application/pdf' })),
  ),
  downloadBlob: vi.fn(),
}));
vi.mock('../../labextension/src/view/pdf', () => ({
  svgToPdfBlob: pdfMock.svgToPdfBlob,
  svgPagesToPdfBlob: pdfMock.svgPagesToPdfBlob,
}));
vi.mock('../../labextension/src/view/download', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../labextension/src/view/download')>()),
  downloadBlob: pdfMock.downloadBlob,
}));

import { renderGraph } from '../../labextension/src/renderers/graph';
import {
  renderOptimizer,
  svgFromDataUrl,
  type PlotlyLike,
} from '../../labextension/src/renderers/optimizer';
import { gradGraph, rosenbrockRuns } from './graph-optimizer-fixtures';

const noViz = (): Promise<never> => Promise.reject(new Error('no wasm in jsdom'));

afterEach(() => {
  pdfMock.svgToPdfBlob.mockClear();
  pdfMock.svgPagesToPdfBlob.mockClear();
  pdfMock.downloadBlob.mockClear();
});

describe('PDF export', () => {
  it('the graph view has a PDF button that converts the light export SVG', async () => {
    const { node, view } = renderGraph(gradGraph(), noViz);
    await view!.layout();
    const buttons = [...node.querySelectorAll('.adlab-graph-button')].map((b) => b.textContent);
    expect(buttons.slice(-3)).toEqual(['SVG', 'PNG', 'PDF']);
    const pdf = node.querySelector<HTMLButtonElement>('.adlab-graph-export-pdf')!;
    expect(pdf.classList.contains('adlab-graph-button')).toBe(true);
    pdf.click();
    await vi.waitFor(() => expect(pdfMock.downloadBlob).toHaveBeenCalledTimes(1));
    const [pages, page] = pdfMock.svgPagesToPdfBlob.mock.calls[0]!;
    // A small graph: one landscape A4 page, the export SVG scaled to fit inside the margins.
    expect(page).toEqual({ width: 841.89, height: 595.28 });
    expect(pages).toHaveLength(1);
    const [{ svg: svgText, x, y, width: w, height: h, footer }] = pages;
    const svg = view!.exportSvg()!;
    expect(svgText).toContain('<svg');
    expect(svgText).toContain('>log<');
    expect(svgText).toContain('fill="#ffffff"');
    const scale = w / Number(svg.getAttribute('width'));
    expect(scale).toBeGreaterThanOrEqual(0.5);
    expect(scale).toBeLessThanOrEqual(1);
    expect(h / Number(svg.getAttribute('height'))).toBeCloseTo(scale, 6);
    expect(x + w).toBeLessThanOrEqual(841.89 - 24 + 1e-6);
    expect(y + h).toBeLessThanOrEqual(595.28 - 24 + 1e-6);
    expect(footer).toBe('grad_f');
    expect(pdfMock.downloadBlob.mock.calls[0]![1]).toBe('grad_f.pdf');
  });

  it('a failed graph PDF export shows a message and does not throw', async () => {
    const { node, view } = renderGraph(gradGraph(), noViz);
    await view!.layout();
    pdfMock.svgPagesToPdfBlob.mockRejectedValueOnce(new Error('chunk failed'));
    await view!.exportPdf();
    expect(node.querySelector('.adlab-graph-search-count')!.textContent).toBe('PDF export failed');
    expect(pdfMock.downloadBlob).not.toHaveBeenCalled();
  });

  it('the optimizer view converts plotly’s light SVG of the current tab', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="500"><rect fill="#fff"/></svg>';
    const toImage = vi.fn(() => Promise.resolve(`data:image/svg+xml,${encodeURIComponent(svg)}`));
    const plotly = {
      react: vi.fn(() => Promise.resolve()),
      downloadImage: vi.fn(),
      toImage,
      purge: vi.fn(),
      Plots: { resize: vi.fn() },
    } as unknown as PlotlyLike;
    const { node, view } = renderOptimizer(rosenbrockRuns(), () => Promise.resolve(plotly));
    const buttons = [...node.querySelectorAll('.adlab-opt-button:not(.adlab-opt-tab)')];
    expect(buttons.map((b) => b.textContent)).toEqual(['SVG', 'PNG', 'PDF']);
    await view!.select('iteration');
    node.querySelector<HTMLButtonElement>('.adlab-opt-export-pdf')!.click();
    await vi.waitFor(() => expect(pdfMock.downloadBlob).toHaveBeenCalledTimes(1));
    const [fig, opts] = toImage.mock.calls[0] as unknown as [
      { layout: { paper_bgcolor: string } },
      { format: string; width: number; height: number },
    ];
    // Light print style, one column (3.5 in × 0.72 of it, in points), 8 pt text.
    expect(fig.layout.paper_bgcolor).toBe('#ffffff');
    expect(opts).toEqual({ format: 'svg', width: 252, height: 181 });
    expect((fig.layout as unknown as { font: { size: number } }).font.size).toBe(8);
    expect(pdfMock.svgToPdfBlob).toHaveBeenCalledWith(svg, 252, 181);
    expect(pdfMock.downloadBlob.mock.calls[0]![1]).toBe('Rosenbrock_n_2_-iteration.pdf');

    toImage.mockRejectedValueOnce(new Error('no layout'));
    await view!.exportAs('pdf');
    expect(node.querySelector('.adlab-opt-status')!.textContent).toBe('PDF export failed.');

    // Two columns: 7.16 in wide.
    node.querySelector<HTMLSelectElement>('.adlab-opt-export-width')!.value = 'double';
    node.querySelector<HTMLButtonElement>('.adlab-opt-export-svg')!.click();
    await vi.waitFor(() => expect(pdfMock.downloadBlob).toHaveBeenCalledTimes(2));
    expect((toImage.mock.calls.at(-1) as unknown as unknown[])[1]).toEqual({
      format: 'svg',
      width: 516,
      height: 371,
    });
    expect(pdfMock.downloadBlob.mock.calls[1]![1]).toBe('Rosenbrock_n_2_-iteration.svg');
  });

  it('reads plotly’s SVG data URLs, URL-encoded or base64', () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>x₀ − f*</text></svg>';
    expect(svgFromDataUrl(`data:image/svg+xml,${encodeURIComponent(svg)}`)).toBe(svg);
    const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(svg)));
    expect(svgFromDataUrl(`data:image/svg+xml;base64,${b64}`)).toBe(svg);
    expect(() => svgFromDataUrl('data:image/png;base64,AAAA')).toThrow(/not an SVG/);
  });
});

describe('PDF text', () => {
  it('sets every text in the embedded DejaVu Sans, keeping bold and italic, and drops zero-width marks', async () => {
    const { useEmbeddedFont } = await vi.importActual<
      typeof import('../../labextension/src/view/pdf')
    >('../../labextension/src/view/pdf');
    const doc = new DOMParser().parseFromString(
      '<svg xmlns="http://www.w3.org/2000/svg"><text style="font-family: Arial; font-weight: 700">10\u200b⁻⁴</text>' +
        '<text font-family="Helvetica" font-style="italic"><tspan>κ = 10³</tspan></text></svg>',
      'image/svg+xml',
    );
    const svg = document.importNode(doc.documentElement, true);
    useEmbeddedFont(svg);
    const [a, b] = [...svg.querySelectorAll('text')] as SVGElement[];
    expect(a.style.fontFamily).toBe('"DejaVu Sans"');
    expect(a.style.fontWeight).toBe('bold');
    expect(a.textContent).toBe('10⁻⁴');
    expect(b.getAttribute('font-family')).toBeNull();
    expect(b.style.fontStyle).toBe('italic');
    expect(b.querySelector('tspan')!.style.fontWeight).toBe('normal');
    expect(b.textContent).toBe('κ = 10³');
  });
});
