import './setup';
import { describe, expect, it } from 'vitest';
import { grad, makeGraph, np, type Tensor } from '../../kernel-lib/src';
import {
  parseGraphPayload,
  setExpanded,
  type GraphModel,
} from '../../labextension/src/model/graph-model';
import {
  arrangeBands,
  boxSize,
  boxText,
  cutBands,
  exportLayout,
  exportPages,
  layeredLayout,
  layoutBoxes,
  MIN_PRINT_SCALE,
  PAGE_MARGIN,
  toDot,
  type GraphLayout,
  type LayoutBox,
} from 'adlab/graph-layout';
import { layoutOffThread } from '../../labextension/src/view/graph-layout-client';
import { buildGraphSvg } from '../../labextension/src/view/graph-svg';

/** grad of a recurrence run `steps` times, every group expanded: a tall column. */
function expandedModel(steps: number): GraphModel {
  const W = np.mul(np.eye(3, undefined, 'float64'), 0.5);
  const f = (x: Tensor) => {
    let h = x;
    for (let i = 0; i < steps; i++) h = np.tanh(np.add(np.matmul(W, h), x));
    return np.sum(h);
  };
  const r = parseGraphPayload(makeGraph(grad(f))(np.ones([3], 'float64')).toPayload());
  if (!r.ok) throw new Error(r.error);
  for (const b of [...r.model.boxes]) if (b.group) setExpanded(r.model, b.key, true);
  return r.model;
}

function layered(model: GraphModel, sideBySide = false): GraphLayout {
  const sizes = new Map(model.boxes.map((b) => [b.key, boxSize(boxText(b, model))] as const));
  return layeredLayout(layoutBoxes(model), sizes, { sideBySide });
}

describe('export layouts of a tall graph', () => {
  const model = expandedModel(60);
  const tall = layered(model);

  it('the expanded graph is a tall column to begin with', () => {
    expect(tall.height / tall.width).toBeGreaterThan(5);
  });

  it('cuts bands between rows, covering every box once', () => {
    const bands = cutBands(tall, 1000);
    expect(bands.length).toBeGreaterThan(3);
    for (const [t, b] of bands) expect(b - t).toBeLessThanOrEqual(1000 + 1e-9);
    for (const box of tall.boxes.values()) {
      const inside = bands.filter(([t, b]) => box.y - box.h / 2 >= t && box.y + box.h / 2 <= b);
      expect(inside).toHaveLength(1);
    }
  });

  it('a PNG/SVG export sets bands side by side near a landscape aspect', () => {
    const out = exportLayout(tall);
    const aspect = out.width / out.height;
    expect(aspect).toBeGreaterThan(0.8);
    expect(aspect).toBeLessThan(2.5);
    expect(out.boxes.size).toBe(tall.boxes.size);
    // Every edge either kept whole or cut into one stub out and one stub in.
    const cut = out.edges.filter((e) => e.cut);
    expect(out.edges.length - cut.length + cut.length / 2).toBe(tall.edges.length);
    expect(cut.filter((e) => e.cut === 'out')).toHaveLength(cut.length / 2);
    // Boxes stay inside the picture and do not overlap.
    const boxes = [...out.boxes.values()];
    for (const b of boxes) {
      expect(b.x - b.w / 2).toBeGreaterThanOrEqual(-1e-9);
      expect(b.x + b.w / 2).toBeLessThanOrEqual(out.width + 1e-9);
      expect(b.y + b.h / 2).toBeLessThanOrEqual(out.height + 1e-9);
    }
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const c = boxes[j]!;
        const apart =
          Math.abs(a.x - c.x) >= (a.w + c.w) / 2 - 1e-9 ||
          Math.abs(a.y - c.y) >= (a.h + c.h) / 2 - 1e-9;
        expect(apart).toBe(true);
      }
    // The SVG draws the stubs dashed, the stub out without an arrowhead.
    const svg = buildGraphSvg(model, out);
    const stubs = svg.querySelectorAll('path.adlab-graph-edge-cut');
    expect(stubs).toHaveLength(cut.length);
    expect([...stubs].filter((p) => !p.hasAttribute('marker-end'))).toHaveLength(cut.length / 2);
  });

  it('a PDF export prints labels at 6 pt or more, on as many landscape A4 pages as needed', () => {
    const { scale, pages, page } = exportPages(tall);
    expect(page).toEqual({ width: 841.89, height: 595.28 });
    expect(scale).toBeGreaterThanOrEqual(MIN_PRINT_SCALE);
    expect(pages.length).toBeGreaterThan(1);
    let boxes = 0;
    for (const p of pages) {
      expect((p.width + 16) * scale).toBeLessThanOrEqual(page.width - 2 * PAGE_MARGIN + 1e-6);
      expect((p.height + 16) * scale).toBeLessThanOrEqual(page.height - 2 * PAGE_MARGIN + 1e-6);
      boxes += p.boxes.size;
    }
    expect(boxes).toBe(tall.boxes.size);
  });

  it('a small graph stays on one page, unchanged', () => {
    const small: GraphLayout = {
      width: 300,
      height: 200,
      boxes: new Map([['n0', { x: 150, y: 100, w: 60, h: 38 }]]),
      edges: [],
      engine: 'layered',
    };
    expect(exportLayout(small)).toBe(small);
    const { pages, scale } = exportPages(small);
    expect(pages).toEqual([small]);
    expect(scale).toBe(1);
    expect(arrangeBands(small, cutBands(small, 1e9), 1)[0]!.boxes.get('n0')).toEqual({
      x: 150,
      y: 100,
      w: 60,
      h: 38,
    });
  });
});

describe('forward and backward side by side', () => {
  const model = expandedModel(4);

  it('the layered layout puts every backward box right of every forward box', () => {
    const lay = layered(model, true);
    const boxes = layoutBoxes(model);
    const right = (k: string) => lay.boxes.get(k)!.x + lay.boxes.get(k)!.w / 2;
    const left = (k: string) => lay.boxes.get(k)!.x - lay.boxes.get(k)!.w / 2;
    const fwd = boxes.filter((b) => b.phase === 'forward').map((b) => b.key);
    const bwd = boxes.filter((b) => b.phase === 'backward').map((b) => b.key);
    expect(bwd.length).toBeGreaterThan(0);
    expect(Math.min(...bwd.map(left))).toBeGreaterThan(Math.max(...fwd.map(right)));
    // Side by side it is wider and shorter than one column.
    const column = layered(model, false);
    expect(lay.height).toBeLessThan(column.height);
    expect(lay.width).toBeGreaterThan(column.width);
  });

  it('DOT puts the passes in two clusters, edges between them not ranking', () => {
    const boxes: LayoutBox[] = [
      { key: 'n0', inputs: [], phase: 'forward' },
      { key: 'n1', inputs: ['n0'], phase: 'forward' },
      { key: 'n2', inputs: ['n1', 'n0'], phase: 'backward' },
    ];
    const sizes = new Map(boxes.map((b) => [b.key, { w: 72, h: 36 }]));
    const dot = toDot(boxes, sizes, { sideBySide: true });
    expect(dot).toContain('subgraph cluster_forward {');
    expect(dot).toContain('subgraph cluster_backward {');
    expect(dot).toContain('n1 -> n2 [constraint=false];');
    expect(dot).toContain('n0 -> n1;');
    expect(toDot(boxes, sizes)).not.toContain('cluster');
  });
});

describe('layout off the main thread', () => {
  it('without a Worker (jsdom) lays out here, the same as layoutGraph', async () => {
    const model = expandedModel(3);
    const sizes = new Map(model.boxes.map((b) => [b.key, boxSize(boxText(b, model))] as const));
    const { layout, thread } = await layoutOffThread(layoutBoxes(model), sizes, {}, () =>
      Promise.reject(new Error('no wasm')),
    );
    expect(thread).toBe('main');
    expect(layout.boxes.size).toBe(model.boxes.length);
    expect(layout.engine).toBe('layered');
  });
});
