import { describe, expect, it } from 'vitest';
import { np, optim, minimize, plot } from '../../kernel-lib/src';
import {
  colorAt,
  formatNumber,
  logLevels,
  logTicks,
  PALETTE,
} from '../../kernel-lib/src/plot/style';
import { contourBands } from '../../kernel-lib/src/plot/contour-bands';
import { legendColumns, seriesLegend } from '../../kernel-lib/src/plot/legend-layout';
import { estimatedLabelWidth as labelWidth } from '../../kernel-lib/src/plot/style';
import { FONT_STACK, vegaLiteSpec } from '../../kernel-lib/src/plot/vega-spec';
import type { FigureGridPayload, FigureLinePayload } from '../../kernel-lib/src/jupyter/protocol';

describe('log ticks', () => {
  it('are powers of ten labelled with superscript exponents', () => {
    const t = logTicks(1e-9, 10);
    expect(t.values).toEqual([1e-8, 1e-6, 1e-4, 1e-2, 1]);
    expect(t.labels).toEqual(['10⁻⁸', '10⁻⁶', '10⁻⁴', '10⁻²', '1']);
    expect(logTicks(1e-16, 1e2).labels).toEqual(['10⁻¹⁶', '10⁻¹²', '10⁻⁸', '10⁻⁴', '1']);
    expect(logTicks(1e-3, 1).labels).toEqual(['10⁻³', '10⁻²', '10⁻¹', '1']);
    // One power of ten in range is no scale: 1, 2, 5 times powers instead (a lone '1' before).
    expect(logTicks(1, 2)).toEqual({ values: [1, 2], labels: ['1', '2'] });
    expect(logTicks(0.3, 3).labels).toEqual(['0.5', '1', '2']);
    expect(logTicks(2e-7, 3e-6).labels).toEqual(['2×10⁻⁷', '5×10⁻⁷', '10⁻⁶', '2×10⁻⁶']);
    expect(logTicks(0.9, 1.5).values).toEqual([0.9, 1.5]);
  });

  it('of a line plot reach the payload, and zeros are clipped to the smallest positive value', () => {
    const fig = plot.line({ a: [1, 1e-4, 1e-8], b: [1, 0, 0] }, { yScale: 'log' });
    const panel = fig.payload.panels[0];
    expect(panel.y.scale).toBe('log');
    expect(panel.y.ticks!.labels).toContain('10⁻⁸');
    const b = panel.series[1] as FigureLinePayload;
    expect(b.y).toEqual([1, 1e-8, 1e-8]);
    expect(panel.notes).toEqual(['2 values ≤ 0 drawn at 10⁻⁸ on the log y axis']);
  });
});

describe('colours per run', () => {
  it('come from the Okabe-Ito palette by index, the same on every figure', () => {
    const p = optim.problems.rosenbrock();
    const runs = [
      minimize(p.f, p.x0, { method: 'lbfgs', maxIter: 30 }),
      minimize(p.f, p.x0, { method: 'newton', maxIter: 30 }),
    ];
    const loss = plot.line(runs);
    const traj = plot.contour(p.f, { xRange: [-2, 2], yRange: [-1, 3], grid: 12, paths: runs });
    const lossColors = loss.payload.panels[0].series.map((s) => (s as FigureLinePayload).color);
    const trajColors = traj.payload.panels[0].series
      .filter((s) => s.kind === 'line')
      .map((s) => (s as FigureLinePayload).color);
    expect(lossColors).toEqual([PALETTE[0], PALETTE[1]]);
    expect(trajColors).toEqual(lossColors);
    expect(colorAt(PALETTE.length)).toBe(PALETTE[0]);
  });
});

describe('contour levels', () => {
  it('are log-spaced when values span decades: a constant ratio between neighbours', () => {
    const levels = logLevels(1e-3, 1e3, 7);
    const ratios = levels.slice(1).map((l, i) => l / levels[i]);
    for (const r of ratios) expect(r).toBeCloseTo(10, 10);
    const p = optim.problems.rosenbrock();
    const fig = plot.contour(p.f, { xRange: [-2, 2], yRange: [-1, 3], grid: 20 });
    const g = fig.payload.panels[0].series[0] as FigureGridPayload;
    expect(g.logLevels).toBe(true);
    const r = g.levels.slice(1).map((l, i) => Math.log10(l / g.levels[i]));
    for (const d of r) expect(d).toBeCloseTo(r[0], 4);
    expect(g.colorbar!.labels.every((l) => /^(1|10|10[⁻⁰-⁹¹²³]+)$/.test(l))).toBe(true);
  });

  const square = (lo: number, hi: number) => ({
    label: '',
    scale: 'linear' as const,
    range: [lo, hi] as [number, number],
  });
  /** A band's rings in data units, for a 200 × 200 area over [lo, hi]². */
  const ringsOf = (g: FigureGridPayload, lo: number, hi: number) =>
    contourBands(g, { width: 200, height: 200, x: square(lo, hi), y: square(lo, hi) }).map((b) => ({
      v: b.properties.v,
      rings: b.geometry.coordinates
        .flat()
        .map((ring) =>
          ring.map(([px, py]) => [lo + ((hi - lo) * px) / 200, hi - ((hi - lo) * py) / 200]),
        ),
    }));

  it('fills bands with smooth polygons: the hole of {x² + y² ≥ 1} is the unit circle', () => {
    const xs = Array.from({ length: 21 }, (_, i) => -2 + i * 0.2);
    const z = xs.flatMap((y) => xs.map((x) => x * x + y * y));
    const g = { kind: 'contour', name: 'f', xs, ys: xs, z, levels: [1], logLevels: false };
    const [band] = ringsOf(g as FigureGridPayload, -2, 2);
    expect(band!.v).toBe(1);
    const inside = band!.rings.filter((r) => r.every(([x, y]) => Math.hypot(x, y) < 1.5));
    expect(inside).toHaveLength(1);
    const circle = inside[0]!;
    expect(circle.length).toBeGreaterThan(20);
    for (const [x, y] of circle) expect(Math.hypot(x, y)).toBeCloseTo(1, 1);
    // Cut along cell edges, not painted per cell: most edges of the ring are slanted (a stair-step has none).
    const aligned = circle
      .slice(1)
      .filter(
        ([x, y], i) => Math.abs(x - circle[i]![0]) < 1e-9 || Math.abs(y - circle[i]![1]) < 1e-9,
      );
    expect(aligned.length).toBeLessThan(circle.length * 0.3);
  });

  it('traces log-spaced bands on log10 of the values', () => {
    // z = 10^(2x + 2) on x in [-1, 1]: the level 10^{2.5} lies at x = 0.25 in log units (0.44 if
    // the edge were interpolated linearly in z between the samples at 0 and 0.5).
    const xs = [-1, -0.5, 0, 0.5, 1];
    const z = xs.flatMap(() => xs.map((x) => 10 ** (2 * x + 2)));
    const g = { kind: 'contour', name: 'f', xs, ys: xs, z, levels: [10 ** 2.5], logLevels: true };
    const [band] = ringsOf(g as FigureGridPayload, -1, 1);
    const edge = band!.rings[0]!.filter(([x, y]) => Math.abs(y) < 0.9 && x < 0.9);
    expect(edge.length).toBeGreaterThan(0);
    for (const [x] of edge) expect(x).toBeCloseTo(0.25, 6);
  });
});

describe('axes', () => {
  const p = optim.problems.rosenbrock(2);
  const runs = [minimize(p.f, p.x0, { method: 'lbfgs' }), minimize(p.f, p.x0, { method: 'adam' })];
  const f = (x: number, y: number) => x * x + 3 * y * y;

  it('label optimizer runs by what is drawn: loss or gradient norm against the iteration', () => {
    const loss = plot.line(runs).payload.panels[0]!;
    expect([loss.x.label, loss.y.label]).toEqual(['iteration', 'loss']);
    const g = plot.line(runs, { quantity: 'gradNorm' }).payload.panels[0]!;
    expect([g.x.label, g.y.label, g.y.scale]).toEqual(['iteration', 'gradient norm', 'log']);
    const first = g.series[0] as FigureLinePayload;
    expect(first.y[0]).toBeCloseTo(runs[0]!.history[0]!.gradNorm, 3);
    expect(() => plot.line([1, 2, 3], { quantity: 'gradNorm' })).toThrow(/optimizer runs/);
  });

  it('name an index axis "index" and a single named series on y, never a bare x or y', () => {
    const panel = plot.line({ y: [3, 2, 1], name: 'residual' }).payload.panels[0]!;
    expect([panel.x.label, panel.y.label]).toEqual(['index', 'residual']);
    const xy = plot.line({ x: [1, 2], y: [3, 4] }, { xLabel: 'step', yLabel: 'r' }).payload;
    expect([xy.panels[0]!.x.label, xy.panels[0]!.y.label]).toEqual(['step', 'r']);
  });

  it('are equal in units for a 2-D function’s contours, unless opted out or far from square', () => {
    const box = { xRange: [-2, 2], yRange: [-1, 3] } as const;
    expect(plot.contour(f, box).payload.panels[0]!.equalAspect).toBe(true);
    expect(
      plot.contour(f, { ...box, equalAxes: false }).payload.panels[0]!.equalAspect,
    ).toBeUndefined();
    const flat = plot.contour(f, { xRange: [0, 100], yRange: [0, 1] }).payload.panels[0]!;
    expect(flat.equalAspect).toBeUndefined();
    const grid = {
      xs: [0, 1],
      ys: [0, 1],
      z: [
        [1, 2],
        [3, 4],
      ],
    };
    expect(plot.contour(grid).payload.panels[0]!.equalAspect).toBeUndefined();
    expect(plot.contour(grid, { equalAxes: true }).payload.panels[0]!.equalAspect).toBe(true);
  });

  it('keep a unit as long on x as on y in the kernel’s picture (Vega-Lite panel size)', () => {
    const box = { panelWidth: 300, panelHeight: 200, fontSize: 10, font: FONT_STACK };
    const size = (xRange: [number, number], yRange: [number, number]) => {
      const spec = vegaLiteSpec(plot.contour(f, { xRange, yRange }).payload, box);
      return [spec.width, spec.height];
    };
    expect(size([-2, 2], [-1, 1])).toEqual([300, 150]);
    expect(size([-1, 1], [-2, 2])).toEqual([100, 200]);
  });
});

describe('inputs and errors', () => {
  it('takes tensors directly and names the operation and shape in errors', () => {
    const fig = plot.line(np.array([3, 2, 1]));
    expect((fig.payload.panels[0].series[0] as FigureLinePayload).y).toEqual([3, 2, 1]);
    expect(() => plot.line(np.zeros([2, 2, 2]))).toThrow(
      /plot\.line: y must be 1-D, got a tensor of shape \[2,2,2\]/,
    );
    expect(() => plot.heatmap(np.zeros([3]))).toThrow(/plot\.heatmap: matrix must be 2-D/);
    expect(() => plot.contour((x: number, y: number) => x + y)).toThrow(/needs xRange and yRange/);
    expect(() => plot.grid([])).toThrow(/plot\.grid/);
  });

  it('thins long series but keeps the extremes and the last point', () => {
    const y = Array.from({ length: 10_000 }, (_, i) => (i === 5000 ? 100 : Math.exp(-i / 1000)));
    const s = plot.line(y).payload.panels[0].series[0] as FigureLinePayload;
    expect(s.y.length).toBeLessThanOrEqual(600);
    expect(s.y).toContain(100);
    expect(s.x[s.x.length - 1]).toBe(9999);
  });

  it('formats numbers without breaking them', () => {
    expect(formatNumber(2.5021e-13)).toBe('2.502×10⁻¹³');
    expect(formatNumber(-0.25)).toBe('−0.25');
    expect(formatNumber(1e-20)).toBe('10⁻²⁰');
    expect(plot.mathText('$\\kappa = 10^{3}$, $\\|\\nabla f\\|$, $x_1$')).toBe('κ = 10³, ‖∇f‖, x₁');
  });

  it('spectrum says indefinite when eigenvalues of both signs occur', () => {
    expect(plot.spectrum([-1, 2, 3]).payload.panels[0].notes[0]).toMatch(/^indefinite/);
    expect(plot.spectrum([1, 2, 4]).payload.panels[0].notes[0]).toMatch(/κ = 4$/);
  });
});

describe('the static legend', () => {
  const fs8 = 8;
  it('puts three short runs on one row of a one-column panel, as line samples', () => {
    expect(legendColumns(['lbfgs', 'newton', 'adam'], 190, fs8)).toBe(3);
    const legend = seriesLegend(['lbfgs', 'newton', 'adam'], 190, fs8);
    expect(legend.symbolType).toBe('stroke');
    expect(legend.offset).toBeLessThanOrEqual(fs8);
  });

  for (const n of [2, 3, 5]) {
    it(`fits ${n} long labels in columns that stay inside the panel`, () => {
      const labels = Array.from({ length: n }, (_, i) => `newton-cg (damping=1e-${i + 2}) ${i}`);
      const width = 190;
      const c = legendColumns(labels, width, fs8);
      expect(c).toBeGreaterThanOrEqual(1);
      // Every row, each column as wide as its widest label, fits the width.
      let total = (c - 1) * 1.2 * fs8;
      for (let k = 0; k < c; k++) {
        const w = Math.max(...labels.filter((_, i) => i % c === k).map((l) => labelWidth(l, fs8)));
        total += 2 * fs8 + w;
      }
      if (c > 1) expect(total).toBeLessThanOrEqual(width);
      const legend = seriesLegend(labels, width, fs8);
      expect(legend.labelLimit).toBeLessThanOrEqual(width);
    });
  }

  it('lets an equal-axes contour’s legend use the colour bar’s room, not cut at the plot', () => {
    const names = ['L-BFGS (memory=10, wolfe)', 'Newton (damped)', 'Adam lr=0.05'];
    const paths = names.map((name, i) => ({ x: [0, 1], y: [i, 0], name }));
    const fig = plot.contour((x: number, y: number) => x * x + y * y + 1, {
      xRange: [-2, 2],
      yRange: [-1, 3],
      grid: 12,
      paths,
    });
    const style = { panelWidth: 180, panelHeight: 120, fontSize: 8, font: FONT_STACK };
    const legend = JSON.stringify(vegaLiteSpec(fig.payload, style));
    const limit = Number(/"labelLimit":([\d.]+)/.exec(legend)![1]);
    // The square plot is 120 pt wide; the labels need more than that less the line sample.
    for (const n of names) expect(labelWidth(n, 8)).toBeLessThan(limit);
  });

  it('leaves no blank subtitle line under a panel title without notes', () => {
    const style = { panelWidth: 150, panelHeight: 100, fontSize: 8, font: FONT_STACK };
    const plain = vegaLiteSpec(plot.line([1, 2, 3], { title: 'T' }).payload, style);
    expect(plain.title).toEqual({ text: 'T', offset: 4 });
    const noted = vegaLiteSpec(plot.line([1, 0, 2], { yScale: 'log', title: 'T' }).payload, style);
    expect((noted.title as { subtitle: string[] }).subtitle[0]).toMatch(/≤ 0 drawn at/);
  });

  it('is drawn once, over all panels, for small multiples of the same runs', () => {
    const a = plot.line({ sgd: [3, 2, 1], adam: [3, 1, 0.5] }, { title: 'A' });
    const b = plot.line({ sgd: [1, 2], adam: [2, 1] }, { title: 'B' });
    const style = { panelWidth: 150, panelHeight: 100, fontSize: 8, font: FONT_STACK };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vl = require('vega-lite') as { compile(s: object): { spec: object } };
    const legends = (spec: object) => {
      const out: { orient: string; stroke?: string }[] = [];
      const walk = (o: unknown): void => {
        if (Array.isArray(o)) o.forEach(walk);
        else if (o && typeof o === 'object') {
          for (const [k, v] of Object.entries(o)) {
            if (k === 'legends' && Array.isArray(v)) out.push(...v);
            else walk(v);
          }
        }
      };
      walk(vl.compile(spec).spec);
      return out;
    };
    expect(legends(vegaLiteSpec(plot.grid([a, b], { columns: 2 }).payload, style))).toHaveLength(1);
    // Different runs in each panel, one colour each: still one legend, with all four names.
    const c = plot.line({ newton: [1, 0.1], lbfgs: [1, 0.5] });
    const d = plot.line([
      { y: [1, 2], name: 'adam', colorIndex: 2 },
      { y: [2, 1], name: 'sgd', colorIndex: 3 },
    ]);
    const spec = vegaLiteSpec(plot.grid([c, d], { columns: 2 }).payload, style);
    expect(legends(spec)).toHaveLength(1);
    expect(JSON.stringify(spec)).toContain('"domain":["newton","lbfgs","adam","sgd"]');
  });
});
