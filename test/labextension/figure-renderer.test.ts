import './setup';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { MIME, type FigurePayload } from 'adlab/protocol';
import { colorAt } from 'adlab/plot-style';
import { plot } from '../../kernel-lib/src/plot';
import extensions, { ADLAB_RANK, figureExtension } from '../../labextension/src';
import { parseFigurePayload } from '../../labextension/src/model/figure-model';
import { fallbackPng, renderFigure } from '../../labextension/src/renderers/figure';
import { DEFAULT_PALETTE, readPalette } from '../../labextension/src/view/heatmap';
import { LIGHT_THEME } from '../../labextension/src/view/optimizer-figures';
import { figureToPlotly, slackWidth } from '../../labextension/src/view/plotly-figure';
import type { PlotlyLike } from '../../labextension/src/view/plotly';

type Trace = Record<string, unknown>;
type Axis = { type: string; range: number[]; tickvals?: number[]; ticktext?: string[] };

const SIZE = { width: 600, height: 340 };
const PNG = 'iVBORw0KGgoAAAANSUhEUg==';

/** Figures from the real plotting API (the payload the kernel displays). */
const rosenbrock = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
function figures(): Record<string, FigurePayload> {
  const losses = Array.from({ length: 40 }, (_, k) => 10 ** (-k / 4));
  return {
    line: plot.line(
      { sgd: losses, adam: losses.map((l) => l / 3) },
      { yScale: 'log', title: 'loss, $\\kappa$ = 100' },
    ).payload,
    contour: plot.contour(rosenbrock, { xRange: [-2, 2], yRange: [-1, 3], grid: 24 }).payload,
    heatmap: plot.heatmap([
      [1, 2, 3],
      [4, 5, 6],
    ]).payload,
    hist: plot.hist([0.1, 0.2, 0.2, 0.5, 0.9, 1.3, 1.4]).payload,
    spectrum: plot.spectrum([-0.5, 0.1, 2, 40]).payload,
  };
}

function parsed(p: FigurePayload): FigurePayload {
  const r = parseFigurePayload(JSON.parse(JSON.stringify(p)));
  if (!r.ok) throw new Error(r.error);
  return r.model;
}

function fakePlotly() {
  const calls = {
    react: vi.fn((root: HTMLElement, data: Trace[], layout: Trace) => {
      root.dataset.traces = String(data.length);
      root.dataset.paper = String(layout.paper_bgcolor);
      return Promise.resolve(root);
    }),
    toImage: vi.fn(() => Promise.resolve('data:image/svg+xml,%3Csvg%2F%3E')),
    downloadImage: vi.fn(),
    purge: vi.fn(),
    Plots: { resize: vi.fn() },
  };
  return { plotly: calls as unknown as PlotlyLike, calls };
}

describe('figure extension declaration', () => {
  it('registers a safe JSON renderer for the figure MIME type, ranked above its PNG', () => {
    expect(extensions).toContain(figureExtension);
    expect(figureExtension.rendererFactory.mimeTypes).toEqual([MIME.figure]);
    expect(figureExtension.rendererFactory.safe).toBe(true);
    expect(figureExtension.rank).toBe(ADLAB_RANK);
  });
});

describe('figure payload to plotly', () => {
  it('every figure kind of the plotting API validates', () => {
    for (const [kind, p] of Object.entries(figures())) {
      const r = parseFigurePayload(JSON.parse(JSON.stringify(p)));
      expect(r.ok, `${kind}: ${r.ok ? '' : r.error}`).toBe(true);
    }
  });

  it('a log axis keeps the kernel ticks with exponents, in log10 range units', () => {
    const fig = figureToPlotly(parsed(figures().line), LIGHT_THEME, SIZE);
    const y = fig.layout.yaxis as Axis;
    expect(y.type).toBe('log');
    expect(y.ticktext).toContain('10⁻⁴');
    expect(y.tickvals).toContain(1e-4);
    expect(y.range[0]).toBeLessThan(-9);
    expect(y.range[1]).toBeGreaterThan(0);
    expect(y.range[1]).toBeLessThan(1);
    const traces = fig.data;
    expect(traces.map((t) => (t.line as { color: string }).color)).toEqual([
      colorAt(0),
      colorAt(1),
    ]);
    expect(traces.map((t) => t.showlegend)).toEqual([true, true]);
    const title = (fig.layout.annotations as { text: string }[])[0]!.text;
    expect(title).toBe('loss, κ = 100');
  });

  it('reads title, legend, plot from the top on a single panel (legend under the title)', () => {
    const fig = figureToPlotly(parsed(figures().line), LIGHT_THEME, SIZE);
    const legend = fig.layout.legend as { y: number; yanchor: string; yref: string };
    const yd = (fig.layout.yaxis as { domain: [number, number] }).domain;
    // The legend stands on the plot's top edge...
    expect([legend.yref, legend.yanchor, legend.y]).toEqual(['paper', 'bottom', yd[1]]);
    // ...and the panel title is lifted above it, inside the top margin.
    const t = (fig.layout.annotations as { y: number; yshift: number }[])[0]!;
    const m = fig.layout.margin as { t: number };
    expect(t.y).toBe(yd[1]);
    expect(t.yshift).toBeGreaterThan(12 * 1.9);
    expect(t.yshift + 12 * 1.3).toBeLessThanOrEqual(m.t);
  });

  it('contours fill the kernel’s log-spaced levels, with a colour bar in decades', () => {
    const payload = parsed(figures().contour);
    const grid = payload.panels[0]!.series[0]!;
    if (grid.kind !== 'contour') throw new Error('expected a contour');
    expect(grid.logLevels).toBe(true);
    const fig = figureToPlotly(payload, LIGHT_THEME, SIZE);
    const c = fig.data.find((t) => t.type === 'contour')!;
    const contours = c.contours as { start: number; end: number; size: number };
    expect(contours.start).toBeCloseTo(Math.log10(grid.levels[0]!));
    expect(contours.end).toBeCloseTo(Math.log10(grid.levels.at(-1)!));
    expect(contours.size * (grid.levels.length - 1)).toBeCloseTo(contours.end - contours.start);
    const bar = c.colorbar as { tickvals: number[]; ticktext: string[] };
    expect(bar.ticktext).toEqual(grid.colorbar!.labels);
    expect(bar.tickvals).toEqual(grid.colorbar!.values.map(Math.log10));
    // z in log10 too, row-major rows as plotly wants them.
    const z = c.z as number[][];
    expect(z).toHaveLength(grid.ys.length);
    expect(z[0]![0]).toBeCloseTo(Math.log10(grid.z[0]!));
  });

  it('gives a contour of a 2-D function equal axis units, its colour bar beside it, titled on top', () => {
    const payload = parsed(figures().contour);
    expect(payload.panels[0]!.equalAspect).toBe(true);
    const fig = figureToPlotly(payload, LIGHT_THEME, SIZE);
    const m = fig.layout.margin as { l: number; r: number; t: number; b: number };
    const xd = (fig.layout.xaxis as { domain: [number, number] }).domain;
    const yd = (fig.layout.yaxis as { domain: [number, number] }).domain;
    const pxPerUnitX = ((xd[1] - xd[0]) * (SIZE.width - m.l - m.r)) / 4; // x in [-2, 2]
    const pxPerUnitY = ((yd[1] - yd[0]) * (SIZE.height - m.t - m.b)) / 4; // y in [-1, 3]
    expect(pxPerUnitX).toBeCloseTo(pxPerUnitY, 6);
    const c = fig.data.find((t) => t.type === 'contour')!;
    const bar = c.colorbar as {
      x: number;
      xpad: number;
      ypad: number;
      y: number;
      len: number;
      title: { side: string };
    };
    // Right beside the plot (half a font size, no 10 px pad), as tall as the plot.
    const gapPx = (bar.x - xd[1]) * (SIZE.width - m.l - m.r) + bar.xpad;
    expect(gapPx).toBeGreaterThan(0);
    expect(gapPx).toBeLessThanOrEqual(8);
    expect(bar.ypad).toBe(0);
    expect(bar.y - bar.len / 2).toBeCloseTo(yd[0], 6);
    expect(bar.y + bar.len / 2).toBeCloseTo(yd[1], 6);
    expect(bar.title.side).toBe('top');
    const print = figureToPlotly(payload, { ...LIGHT_THEME, fontSize: 8 }, SIZE);
    const printBar = print.data.find((t) => t.type === 'contour')!.colorbar as {
      title: { font: { size: number } };
    };
    expect(printBar.title.font.size).toBe(8);
    // A heatmap's axes (rows and columns) keep the cell's shape.
    expect(parsed(figures().heatmap).panels[0]!.equalAspect).toBeUndefined();
  });

  it('a lone contour exported two columns wide narrows its page to the plot and colour bar', () => {
    const payload = parsed(figures().contour);
    const theme = { ...LIGHT_THEME, fontSize: 8 };
    const size = { width: 516, height: 372 };
    const wide = figureToPlotly(payload, theme, size);
    const slack = slackWidth(wide);
    expect(slack).toBeGreaterThan(50); // height-bound: a square plot in a 516 × 372 box
    const narrow = figureToPlotly(payload, theme, { ...size, width: size.width - slack });
    expect(slackWidth(narrow)).toBeLessThan(1);
    // The plot keeps its size in points.
    const plotPx = (f: typeof wide, w: number) => {
      const m = f.layout.margin as { l: number; r: number };
      const d = (f.layout.xaxis as { domain: [number, number] }).domain;
      return (d[1] - d[0]) * (w - m.l - m.r);
    };
    expect(plotPx(narrow, size.width - slack)).toBeCloseTo(plotPx(wide, size.width), 0);
    expect(slackWidth(figureToPlotly(parsed(figures().line), theme, size))).toBe(0);
  });

  it('histograms become bars spanning their bins; spectra stems with markers', () => {
    const f = figures();
    const bars = figureToPlotly(parsed(f.hist), LIGHT_THEME, SIZE).data[0]!;
    expect(bars.type).toBe('bar');
    const series = parsed(f.hist).panels[0]!.series[0]!;
    if (series.kind !== 'bars') throw new Error('expected bars');
    expect(bars.width).toEqual(series.lo.map((l, i) => series.hi[i]! - l));
    const stems = figureToPlotly(parsed(f.spectrum), LIGHT_THEME, SIZE).data;
    expect(stems.map((t) => t.mode)).toEqual(['lines', 'markers']);
    expect((stems[0]!.y as (number | null)[]).slice(0, 3)).toEqual([0, -0.5, null]);
  });

  it('small multiples get one pair of axes per panel and one legend entry per name', () => {
    const a = plot.line({ sgd: [3, 2, 1], adam: [3, 1, 0.5] }, { title: 'A' });
    const b = plot.line({ sgd: [1, 2], adam: [2, 1] }, { title: 'B' });
    const fig = figureToPlotly(parsed(plot.grid([a, b]).payload), LIGHT_THEME, SIZE);
    expect(fig.layout.xaxis2).toBeDefined();
    expect(fig.data.map((t) => t.xaxis)).toEqual(['x', 'x', 'x2', 'x2']);
    expect(fig.data.map((t) => t.showlegend)).toEqual([true, true, false, false]);
  });

  it('escapes payload text, and rejects malformed payloads with a reason', () => {
    const p = figures().line;
    p.panels[0]!.title = '<img src=x onerror=alert(1)>';
    const fig = figureToPlotly(parsed(p), LIGHT_THEME, SIZE);
    expect(JSON.stringify(fig)).not.toMatch(/<img/);
    const bad = JSON.parse(JSON.stringify(figures().line));
    bad.panels[0].series[0].y = [1, 'x'];
    const r = parseFigurePayload(bad);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(/panels\[0\]\.series\[0\]\.y\[1\] is not a finite number/);
    const log = JSON.parse(JSON.stringify(figures().line));
    log.panels[0].y.range = [0, 1];
    expect(parseFigurePayload(log).ok).toBe(false);
  });
});

describe('figure view', () => {
  it('shows the kernel PNG until plotly draws, then follows the theme', async () => {
    const { plotly, calls } = fakePlotly();
    const { node, view } = renderFigure(figures().line, PNG, () => Promise.resolve(plotly));
    document.body.appendChild(node);
    expect(node.querySelector<HTMLImageElement>('.adlab-figure-fallback')!.src).toBe(
      `data:image/png;base64,${PNG}`,
    );
    // jsdom has no layout: give the view a width so it draws.
    Object.defineProperty(node, 'clientWidth', { value: 600 });
    node.style.setProperty('--jp-layout-color0', '#111111');
    await view!.draw();
    expect(calls.react).toHaveBeenCalledTimes(1);
    expect(view!.plotNode.dataset.paper).toBe('#111111');
    expect(node.querySelector('.adlab-figure-fallback')).toBeNull();
    node.style.setProperty('--jp-layout-color0', '#ffffff');
    await view!.draw();
    expect(view!.plotNode.dataset.paper).toBe('#ffffff');
    view!.dispose();
    node.remove();
  });

  it('keeps the PNG and says why when plotly cannot load; never draws at width 0', async () => {
    const { plotly, calls } = fakePlotly();
    const hidden = renderFigure(figures().line, PNG, () => Promise.resolve(plotly));
    await hidden.view!.draw();
    expect(calls.react).not.toHaveBeenCalled();
    const offline = renderFigure(figures().line, PNG, () => Promise.reject(new Error('offline')));
    Object.defineProperty(offline.node, 'clientWidth', { value: 600 });
    await offline.view!.draw();
    expect(offline.node.querySelector('.adlab-figure-fallback')).not.toBeNull();
    expect(offline.node.querySelector('.adlab-figure-status')!.textContent).toMatch(
      /static image from the kernel/,
    );
  });

  it('a malformed payload gives the error box, with payload text kept as text', () => {
    const { node, view } = renderFigure({ panels: '<b>x</b>' }, PNG);
    expect(view).toBeUndefined();
    expect(node.classList.contains('adlab-error')).toBe(true);
    expect(node.textContent).toMatch(/cannot display figure: panels must be an array/);
    expect(node.querySelector('b')).toBeNull();
    expect(fallbackPng('"><script>')).toBeUndefined();
  });

  it('exports light, 8 pt, at one or two column widths', async () => {
    const { plotly, calls } = fakePlotly();
    const { node, view } = renderFigure(figures().line, PNG, () => Promise.resolve(plotly));
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    URL.createObjectURL ??= () => 'blob:x';
    URL.revokeObjectURL ??= () => undefined;
    await view!.exportAs('svg', 'double');
    const [fig, opts] = calls.toImage.mock.calls[0] as unknown as [
      { layout: { paper_bgcolor: string; font: { size: number; family: string } } },
      { width: number; height: number },
    ];
    expect(fig.layout.paper_bgcolor).toBe('#ffffff');
    expect(fig.layout.font.size).toBe(8);
    expect(fig.layout.font.family).toMatch(/^'DejaVu Sans'/);
    expect(opts).toMatchObject({ width: 516, height: 371 });
    expect(node.querySelector('.adlab-figure-status')!.textContent).toBe('');
    click.mockRestore();
  });
});

describe('one house style', () => {
  it('the probes’ grids and heatmaps use the palette’s first two colours', () => {
    const css = readFileSync(path.join(__dirname, '../../labextension/style/buttons.css'), 'utf8');
    expect(css).toContain(`--adlab-plot-positive: ${colorAt(0).toLowerCase()};`);
    expect(css).toContain(`--adlab-plot-negative: ${colorAt(1).toLowerCase()};`);
    const hex = (rgb: number[]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
    expect(hex(DEFAULT_PALETTE.high)).toBe(colorAt(0).toLowerCase());
    expect(hex(readPalette(document.body).low)).toBe(colorAt(1).toLowerCase());
  });
});
