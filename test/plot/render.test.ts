import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { minimize, optim, plot } from '../../kernel-lib/src';
import { MIME } from '../../kernel-lib/src/jupyter/protocol';
import { renderSvg } from '../../kernel-lib/src/plot/render';
import { vegaLiteSpec, FONT_STACK } from '../../kernel-lib/src/plot/vega-spec';
import { decodePng } from '../helpers/png';

const FIGURES = path.join(__dirname, '..', '..', 'test-results', 'figures');

const hasPdftoppm = (() => {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const losses = plot.line(
  { gd: [1, 0.1, 1e-3, 1e-6], newton: [1, 1e-2, 1e-9, 0] },
  { yScale: 'log', title: '$\\kappa = 10^{3}$', yLabel: 'loss' },
);

describe('static rendering in the kernel', () => {
  it('the synchronous SVG equals what vega.View.toSVG() renders', async () => {
    const style = { panelWidth: 200, panelHeight: 120, fontSize: 9, font: FONT_STACK };
    const ours = renderSvg(losses.payload, style).svg;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vega = require('vega');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vl = require('vega-lite');
    const view = new vega.View(vega.parse(vl.compile(vegaLiteSpec(losses.payload, style)).spec), {
      renderer: 'none',
    });
    // Only the clip-path ids differ: vega numbers them with one global counter.
    const clipIds = (svg: string) => svg.replace(/clip\d+/g, 'clip');
    expect(clipIds(await view.toSVG())).toBe(clipIds(ours));
  });

  it('lays text out with DejaVu Sans advances, not 0.8 em a character', () => {
    renderSvg(losses.payload); // installs the measure on first use
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vega = require('vega') as { textMetrics: { width(i: object, t: string): number } };
    const w = vega.textMetrics.width({ fontSize: 8 }, '10⁻²⁰');
    expect(w).toBeGreaterThan(17);
    expect(w).toBeLessThan(25); // vega's estimate without a canvas: 32
    const bold = vega.textMetrics.width({ fontSize: 8, fontWeight: 'bold' }, 'loss');
    expect(bold).toBeGreaterThan(vega.textMetrics.width({ fontSize: 8 }, 'loss'));
    expect(vega.textMetrics.width({ fontSize: 8, limit: 10 }, 'a long label')).toBe(10);
  });

  it('two panels side by side in one column keep a readable height', () => {
    const two = plot.grid([losses, losses], { columns: 2 });
    const { width, height } = two.toSVG({ width: 'single' });
    expect(width).toBeCloseTo(252, 0);
    expect(height).toBeGreaterThan(105); // 82 pt before (0.72 × 3.5 in / 2, then scaled to fit)
    expect(two.toSVG({ width: 'single', height: 1.5 }).height).toBeLessThan(120);
  });

  it('SVG keeps text as text, with exponents and Greek intact', () => {
    const { svg, width } = losses.toSVG({ width: 'single' });
    expect(svg).toMatch(/<svg[^>]* width="\d+pt"/);
    expect(width).toBeGreaterThan(230);
    expect(width).toBeLessThan(270);
    expect(svg).toContain('>10⁻⁸<');
    expect(svg).toContain('κ = 10³');
  });

  it('every figure bundle carries a PNG fallback and the figure JSON', () => {
    const b = losses.toMimeBundle();
    expect(Object.keys(b).sort()).toEqual([MIME.figure, 'image/png', 'text/plain'].sort());
    const png = Buffer.from(b['image/png'] as string, 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeLessThan(80_000);
  });

  it('save writes PDF, SVG and PNG by extension and rejects others', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adlab-plot-'));
    const pdf = losses.save(path.join(dir, 'f.pdf'));
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(fs.readFileSync(losses.save(path.join(dir, 'f.svg')), 'utf8')).toMatch(/^<\?xml/);
    const png = fs.readFileSync(losses.save(path.join(dir, 'f.png'), { scale: 2 }));
    expect(png.readUInt32BE(16)).toBeGreaterThan(400); // width in pixels at 2 px/pt
    expect(() => losses.save(path.join(dir, 'f.jpg'))).toThrow(/unknown file type '.jpg'/);
  });

  it.skipIf(!hasPdftoppm)(
    'a PDF with an equal-axes contour fills its page (the drawing is scaled to the points size)',
    () => {
      // Legends over both panels: the first rendering is too tall, so the square contour
      // narrows and the drawing ends up about 10 % smaller than the page in pixels.
      const p = optim.problems.rosenbrock();
      const runs = [
        minimize(p.f, p.x0, { method: 'lbfgs', name: 'L-BFGS' }),
        minimize(p.f, p.x0, { method: 'newton', name: 'Newton' }),
      ];
      const fig = plot.grid(
        [plot.line(runs), plot.contour(p.f, { xRange: [-2, 2], yRange: [-1, 3], paths: runs })],
        { columns: 2 },
      );
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adlab-plot-'));
      const pdf = fig.save(path.join(dir, 'eq.pdf'), { width: 'double' });
      execFileSync('pdftoppm', ['-png', '-r', '40', '-singlefile', pdf, path.join(dir, 'eq')]);
      const img = decodePng(fs.readFileSync(path.join(dir, 'eq.png')));
      // The colour bar ends near the right edge and the x axis labels near the bottom.
      let right = 0;
      let bottom = 0;
      for (let y = 0; y < img.height; y++)
        for (let x = 0; x < img.width; x++) {
          const o = (y * img.width + x) * 4;
          if (img.rgba[o]! < 200 || img.rgba[o + 1]! < 200 || img.rgba[o + 2]! < 200) {
            right = Math.max(right, x);
            bottom = Math.max(bottom, y);
          }
        }
      expect(right / img.width).toBeGreaterThan(0.9);
      expect(bottom / img.height).toBeGreaterThan(0.9);
    },
  );

  it('a 60-point contour prints smooth bands in a small PDF, with log levels and a colour bar', () => {
    const p = optim.problems.rosenbrock();
    const fig = plot.contour(p.f, { xRange: [-2, 2], yRange: [-1, 3], title: 'Rosenbrock' });
    fs.mkdirSync(FIGURES, { recursive: true });
    const pdf = fig.save(path.join(FIGURES, 'contour-60.pdf'));
    fig.save(path.join(FIGURES, 'contour-60.svg'));
    expect(fs.statSync(pdf).size).toBeLessThan(300_000);
    const { svg } = fig.toSVG();
    // Bands are a few curved paths (one per level), not hundreds of grid rectangles.
    const paths = svg.match(/<path [^>]*d="M[^"]*"/g) ?? [];
    const curved = paths.filter((d) => (d.match(/L/g) ?? []).length > 40);
    const g = fig.payload.panels[0]!.series[0] as { levels: number[] };
    expect(curved.length).toBeGreaterThanOrEqual(g.levels.length - 1);
    expect(paths.length).toBeLessThan(60); // a painted 60 × 60 grid had hundreds of cells
    expect(svg).toContain('>10⁻²<');
  });
});
