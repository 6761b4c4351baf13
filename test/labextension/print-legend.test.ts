import './setup';
import { describe, expect, it } from 'vitest';
import { layoutEntries, withPrintLegend } from '../../labextension/src/view/print-legend';
import type { Figure } from '../../labextension/src/view/optimizer-figures';

/** DejaVu Sans at about 0.6 em per character: what the tests measure with. */
const measure = (text: string, fs: number) => text.length * fs * 0.6;

function runsFigure(names: string[]): Figure {
  return {
    data: names.map((name, i) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name,
      line: { color: `#00000${i}` },
    })),
    layout: { font: { size: 8 }, margin: { l: 42, r: 10, t: 21, b: 32 }, showlegend: true },
  };
}

/** The labels' boxes in pixels: [left, right, row]. */
function boxes(fig: Figure, fs: number) {
  const notes = fig.layout.annotations as { text: string; xshift: number; yshift: number }[];
  return notes.map((a) => ({
    left: a.xshift,
    right: a.xshift + measure(a.text, fs),
    y: a.yshift,
    text: a.text,
  }));
}

describe('the print legend', () => {
  const width = 252; // one column, 3.5 in
  it('puts three short runs on one row (plotly wrapped them into two)', () => {
    const fig = withPrintLegend(runsFigure(['lbfgs', 'newton', 'adam']), { width }, measure);
    expect(fig.layout.showlegend).toBe(false);
    const b = boxes(fig, 8);
    expect(new Set(b.map((x) => x.y)).size).toBe(1);
    // About one line of text above the plot: under 12 % of a 181 pt figure.
    expect((fig.layout.margin as { t: number }).t).toBeLessThan(0.12 * 181);
    expect((fig.layout.shapes as unknown[]).length).toBe(6); // a line and a dot per run
  });

  for (const n of [2, 3, 5]) {
    it(`wraps ${n} long labels into rows without overlaps, inside the figure`, () => {
      const names = Array.from(
        { length: n },
        (_, i) => `newton-cg (damping=1e-${i + 2}, tol=1e-8) run ${i}`,
      );
      const fig = withPrintLegend(runsFigure(names), { width }, measure);
      const b = boxes(fig, 8);
      expect(b).toHaveLength(n);
      const margin = fig.layout.margin as { l: number; t: number };
      for (const x of b) {
        expect(x.left).toBeGreaterThanOrEqual(-margin.l);
        expect(x.right).toBeLessThanOrEqual(width - margin.l);
        expect(x.y).toBeLessThan(margin.t);
      }
      for (let i = 0; i < b.length; i++)
        for (let j = i + 1; j < b.length; j++)
          if (b[i]!.y === b[j]!.y)
            expect(b[i]!.right <= b[j]!.left || b[j]!.right <= b[i]!.left).toBe(true);
      // Rows are one line high: the margin grows by about 1.35 font sizes a row.
      const rows = new Set(b.map((x) => x.y)).size;
      expect(margin.t).toBeLessThan(8 * (1.5 + 1.35 * rows));
    });
  }

  it('cuts a label longer than the row with an ellipsis', () => {
    const long = 'x'.repeat(200);
    const [p] = layoutEntries([{ name: long, color: '#000', markers: false }], 200, 8, measure);
    expect(p!.label.endsWith('…')).toBe(true);
    expect(measure(p!.label, 8) + 8 * 2.2).toBeLessThanOrEqual(200);
  });

  it('keeps a cut label escaped for plotly (quotes and percent signs too)', () => {
    // Legend names arrive escaped (escapePlotly): the cut one must stay so.
    const name = `&quot;a&quot; 50&#37; &lt;b&gt; ${'y'.repeat(200)}`;
    const [p] = layoutEntries([{ name, color: '#000', markers: false }], 200, 8, measure);
    expect(p!.label.startsWith('&quot;a&quot; 50&#37; &lt;b&gt; y')).toBe(true);
    expect(p!.label).not.toMatch(/["%<>]/);
  });

  it('keeps no legend for a single run', () => {
    const fig = withPrintLegend(runsFigure(['adam']), { width }, measure);
    expect(fig.layout.showlegend).toBe(false);
    expect(fig.layout.annotations).toBeUndefined();
  });
});
