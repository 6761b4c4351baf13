import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plot } from '../../kernel-lib/src';
import { MIME } from '../../kernel-lib/src/jupyter/protocol';
import { renderSvg } from '../../kernel-lib/src/plot/render';
import { vegaLiteSpec, FONT_STACK } from '../../kernel-lib/src/plot/vega-spec';

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
});
