import './setup';
import { describe, expect, it, vi } from 'vitest';
import { MIME, type GraphNodePayload, type GraphPayload } from 'adlab/protocol';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import extensions, { ADLAB_RANK, graphExtension } from '../../labextension/src/index';
import { formatBytes, formatCount, GROUP_THRESHOLD } from 'adlab/graph-layout';
import {
  MAX_LAYOUT_BOXES,
  parseGraphPayload,
  searchNodes,
  type GraphModel,
} from '../../labextension/src/model/graph-model';
import {
  boxSize,
  boxText,
  GRAPHVIZ_BUDGET,
  graphvizCost,
  layeredLayout,
  parseGraphvizJson,
  toDot,
} from 'adlab/graph-layout';
import { layoutGraph } from '../../labextension/src/view/graph-layout';
import { fitZoom, zoomAt } from '../../labextension/src/view/graph-svg';
import { GraphRenderer, renderGraph } from '../../labextension/src/renderers/graph';
import { gradGraph } from './graph-optimizer-fixtures';

const noViz = (): Promise<never> => Promise.reject(new Error('no wasm in jsdom'));

function model(data: unknown): GraphModel {
  const r = parseGraphPayload(data);
  if (!r.ok) throw new Error(r.error);
  return r.model;
}

function node(
  id: number,
  primitive: string,
  inputs: number[],
  extra: Partial<GraphNodePayload> = {},
) {
  return {
    id,
    primitive,
    params: {},
    inputs,
    shape: [4],
    dtype: 'float32' as const,
    flops: 4,
    bytes: 16,
    ...extra,
  };
}

/** A chain input -> op1 -> ... -> op(n-1) (elementwise), output the last. */
function chain(n: number): GraphPayload {
  const nodes = [node(0, 'input', [], { flops: 0 })];
  // Distinct primitive names: no repeated structure, so only chain collapsing applies.
  for (let i = 1; i < n; i++) nodes.push(node(i, `op${i}`, [i - 1]));
  return {
    name: 'chain',
    nodes,
    inputs: [0],
    outputs: [n - 1],
    totals: { nodes: n, flops: 4 * (n - 1), bytes: 16 * n },
  };
}

function sizes(m: GraphModel): Map<string, { w: number; h: number }> {
  return new Map(m.boxes.map((b) => [b.key, boxSize(boxText(b, m))]));
}

describe('graph extension declaration', () => {
  it('registers a safe JSON renderer for the graph MIME type, ranked above text/html', () => {
    expect(extensions).toContain(graphExtension);
    expect(graphExtension.rendererFactory.mimeTypes).toEqual([MIME.graph]);
    expect(graphExtension.rendererFactory.safe).toBe(true);
    expect(graphExtension.dataType).toBe('json');
    expect(graphExtension.rank).toBe(ADLAB_RANK);
    expect(ADLAB_RANK).toBeLessThan(50);
  });
});

describe('graph model', () => {
  it('builds the view model of a real gradient graph', () => {
    const m = model(gradGraph());
    expect(m.name).toBe('grad_f');
    expect(m.nodes).toHaveLength(22);
    expect(m.totals.nodes).toBe(22);
    expect(m.phases.forward).toBe(6);
    expect(m.phases.backward).toBe(16);
    expect(m.byId.get(0)!.kind).toBe('input');
    expect(m.byId.get(6)!.kind).toBe('constant');
    expect(m.byId.get(21)!.isOutput).toBe(true);
    expect(m.firstNonFinite).toBe(1);
    expect(m.byId.get(m.firstNonFinite!)!.primitive).toBe('log');
    expect(m.grouped).toBe(false);
    // The three scalar constants (the seed 1 and two literals) fold into their readers.
    expect(m.folded).toBe(3);
    expect(m.boxes).toHaveLength(19);
  });

  it('treats a node without phase as forward', () => {
    const m = model(chain(3));
    expect(m.nodes.every((n) => n.phase === 'forward')).toBe(true);
  });

  it.each([
    ['not an object', 'x', /payload must be an object/],
    ['missing nodes', { ...chain(3), nodes: undefined }, /nodes must be an array/],
    [
      'bad id',
      { ...chain(3), nodes: [node(-1, 'input', [])] },
      /id must be a non-negative integer/,
    ],
    [
      'duplicate id',
      { ...chain(2), nodes: [node(0, 'input', []), node(0, 'tanh', [])] },
      /appears twice/,
    ],
    [
      'dangling input',
      { ...chain(2), nodes: [node(0, 'input', []), node(1, 'tanh', [7])] },
      /refers to node 7, which does not exist/,
    ],
    [
      'cycle',
      {
        ...chain(3),
        nodes: [node(0, 'input', []), node(1, 'add', [0, 2]), node(2, 'tanh', [1])],
        outputs: [2],
      },
      /cycle/,
    ],
    [
      'wrong dtype',
      { ...chain(2), nodes: [node(0, 'input', [], { dtype: 'f16' as never })] },
      /dtype/,
    ],
    [
      'string flops',
      { ...chain(2), nodes: [node(0, 'input', [], { flops: '3' as never })] },
      /flops/,
    ],
    ['bad output id', { ...chain(2), outputs: [5] }, /outputs\[0\] refers to node 5/],
    [
      'bad phase',
      { ...chain(2), nodes: [{ ...node(0, 'input', []), phase: 'sideways' }] },
      /phase/,
    ],
    [
      'bad summary',
      { ...chain(2), nodes: [node(0, 'input', [], { summary: { min: 'x' } as never })] },
      /summary\.min/,
    ],
    ['wrong totals', { ...chain(3), totals: { nodes: 9, flops: 0, bytes: 0 } }, /totals\.nodes/],
  ])('rejects a payload with %s', (_what, data, error) => {
    const r = parseGraphPayload(data);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });

  it('rejects a payload beyond the node limit without building it', () => {
    const r = parseGraphPayload({ ...chain(2), nodes: { length: 1e9 } });
    expect(r.ok).toBe(false);
    const huge = parseGraphPayload({ ...chain(2), nodes: new Array(200_000).fill(0) });
    expect(huge.ok).toBe(false);
    if (!huge.ok) expect(huge.error).toMatch(/exceed the limit/);
  });

  it('collapses linear chains in large graphs', () => {
    const m = model(chain(GROUP_THRESHOLD + 50));
    expect(m.grouped).toBe(true);
    // The input, then one box for the whole chain (the output is its last member).
    expect(m.boxes.map((b) => b.members.length)).toEqual([1, GROUP_THRESHOLD + 49]);
    expect(m.boxes[1]!.inputs).toEqual([m.boxes[0]!.key]);
    expect(boxText(m.boxes[1]!, m).title).toBe(`op1 → … → op${GROUP_THRESHOLD + 49}`);
    expect(boxText(m.boxes[1]!, m).subtitle).toMatch(/^349 ops · f32\[4\]$/);
  });

  it('keeps at most MAX_LAYOUT_BOXES boxes when grouping is not enough', () => {
    // Many independent inputs, none can be grouped.
    const n = MAX_LAYOUT_BOXES + 100;
    const nodes = Array.from({ length: n }, (_, i) => node(i, 'input', [], { shape: [i] }));
    const m = model({ name: 'wide', nodes, inputs: [], outputs: [0] });
    expect(m.boxes).toHaveLength(MAX_LAYOUT_BOXES);
    expect(m.hiddenBoxes).toBe(100);
    expect(searchNodes(m, 'input').size).toBe(n);
  });

  it('keeps HTML in names, primitives and labels as text', () => {
    const evil = '<img src=x onerror="window.__pwned=1">';
    const p = chain(3);
    p.name = evil;
    p.nodes[1]!.primitive = evil;
    p.nodes[0]!.label = evil;
    const m = model(p);
    expect(m.name).toBe(evil);
    const { node: root, view } = renderGraph(p, noViz);
    expect(root.querySelector('img')).toBeNull();
    expect(root.querySelector('.adlab-graph-name')!.textContent).toBe(evil);
    return view!.layout().then(() => {
      expect(root.querySelector('img')).toBeNull();
      const labels = [...root.querySelectorAll('.adlab-graph-label')].map((e) => e.textContent);
      expect(labels).toContain(evil);
      expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    });
  });

  it('searches primitives and labels case-insensitively', () => {
    const m = model(gradGraph());
    expect([...searchNodes(m, 'LOG')]).toEqual([1]);
    expect(searchNodes(m, 'mul').size).toBe(9);
    expect(searchNodes(m, 'arg 0').size).toBe(1);
    expect(searchNodes(m, '  ').size).toBe(0);
  });
});

describe('graph layout', () => {
  it('writes DOT with box keys and sizes only', () => {
    const p = chain(3);
    p.nodes[1]!.primitive = 'evil"];x[label="pwn';
    const m = model(p);
    const dot = toDot(m.boxes, sizes(m));
    expect(dot).not.toContain('evil');
    expect(dot).toContain('n0 -> n1;');
    expect(dot).toContain('n1 -> n2;');
  });

  it('reads Graphviz json0 output (y flipped, inches to pixels)', () => {
    const layout = parseGraphvizJson({
      bb: '0,0,100,200',
      objects: [
        { _gvid: 0, name: 'n0', pos: '50,180', width: '1', height: '0.5' },
        { _gvid: 1, name: 'n1', pos: '50,20', width: '1', height: '0.5' },
      ],
      edges: [{ tail: 0, head: 1, pos: 'e,50,40 50,160 50,120 50,80 50,50' }],
    });
    expect(layout.boxes.get('n0')).toEqual({ x: 50, y: 20, w: 72, h: 36 });
    expect(layout.boxes.get('n1')!.y).toBe(180);
    expect(layout.edges[0]!.kind).toBe('spline');
    expect(layout.edges[0]!.points.at(-1)).toEqual([50, 160]);
  });

  it('places every box with the layered fallback, inputs above readers', () => {
    const m = model(gradGraph());
    const layout = layeredLayout(m.boxes, sizes(m));
    expect(layout.boxes.size).toBe(19);
    for (const b of m.boxes) {
      for (const i of b.inputs) {
        expect(layout.boxes.get(i)!.y).toBeLessThan(layout.boxes.get(b.key)!.y);
      }
    }
  });

  it('estimates dot virtual nodes and skips Graphviz above the budget', async () => {
    // A long chain costs its boxes; an input read at the far end adds a long edge.
    const p = chain(50);
    expect(graphvizCost(model(p).boxes)).toBe(50);
    p.nodes[49]!.inputs = [48, 0];
    expect(graphvizCost(model(p).boxes)).toBe(50 + 48);
    const wide = chain(GRAPHVIZ_BUDGET + 10);
    const m = model(wide);
    const load = vi.fn(() => Promise.reject(new Error('not called')));
    // Grouped into 2 boxes: cheap, Graphviz is asked.
    await layoutGraph(m.boxes, sizes(m), load);
    expect(load).toHaveBeenCalledTimes(1);
    const ladder = chain(GROUP_THRESHOLD);
    for (let i = 2; i < ladder.nodes.length; i++) ladder.nodes[i]!.inputs = [i - 1, 0];
    const lm = model(ladder);
    expect(graphvizCost(lm.boxes)).toBeGreaterThan(GRAPHVIZ_BUDGET);
    const skipped = vi.fn(() => Promise.reject(new Error('not called')));
    expect((await layoutGraph(lm.boxes, sizes(lm), skipped)).engine).toBe('layered');
    expect(skipped).not.toHaveBeenCalled();
  });

  it('uses Graphviz when it loads, the layered layout when it does not', async () => {
    const m = model(chain(3));
    const fake = {
      renderString: () =>
        JSON.stringify({
          bb: '0,0,100,300',
          objects: m.boxes.map((b, i) => ({
            _gvid: i,
            name: b.key,
            pos: `50,${250 - 100 * i}`,
            width: '1',
            height: '0.5',
          })),
          edges: [],
        }),
    };
    expect((await layoutGraph(m.boxes, sizes(m), () => Promise.resolve(fake))).engine).toBe(
      'graphviz',
    );
    expect((await layoutGraph(m.boxes, sizes(m), noViz)).engine).toBe('layered');
  });
});

describe('graph view', () => {
  it('builds the header, toolbar and SVG with labels, classes and highlights', async () => {
    const { node: root, view } = renderGraph(gradGraph(), noViz);
    expect(root.querySelector('.adlab-error')).toBeNull();
    expect(root.querySelector('.adlab-graph-count')!.textContent).toContain('22');
    expect(root.querySelector('.adlab-graph-flops')).not.toBeNull();
    expect(root.querySelector('.adlab-graph-bytes')).not.toBeNull();
    expect(root.querySelector('.adlab-graph-first-nan')!.textContent).toContain('%1 log');
    await view!.layout();
    const svg = root.querySelector('svg.adlab-graph-svg')!;
    expect(svg).not.toBeNull();
    expect(svg.querySelectorAll('g.adlab-graph-node')).toHaveLength(19);
    expect(svg.querySelectorAll('.adlab-graph-edge').length).toBeGreaterThan(20);
    expect(svg.querySelectorAll('.adlab-graph-backward')).toHaveLength(13);
    expect(svg.querySelectorAll('.adlab-graph-input')).toHaveLength(1);
    expect(svg.querySelectorAll('.adlab-graph-constant')).toHaveLength(0);
    expect(svg.querySelectorAll('.adlab-graph-is-output')).toHaveLength(1);
    expect(svg.querySelector('.adlab-graph-first-nonfinite')!.getAttribute('data-key')).toBe('n1');
    const labels = [...svg.querySelectorAll('.adlab-graph-label')].map((e) => e.textContent);
    expect(labels).toContain('log');
    expect(labels).toContain('input arg 0');
    expect([...svg.querySelectorAll('.adlab-graph-type')].map((e) => e.textContent)).toContain(
      'f32[3]',
    );
    expect(svg.querySelector('[data-key="n1"] title')!.textContent).toMatch(/non-finite/);
  });

  it('highlights search matches and counts them', async () => {
    const { node: root, view } = renderGraph(gradGraph(), noViz);
    await view!.layout();
    expect(view!.search('tanh')).toBe(1);
    expect(root.querySelectorAll('.adlab-graph-match')).toHaveLength(1);
    const input = root.querySelector<HTMLInputElement>('.adlab-graph-search')!;
    input.value = 'mul';
    input.dispatchEvent(new Event('input'));
    expect(root.querySelectorAll('.adlab-graph-match')).toHaveLength(9);
    expect(root.querySelector('.adlab-graph-search-count')!.textContent).toBe('9 nodes');
    input.value = '';
    input.dispatchEvent(new Event('input'));
    expect(root.querySelectorAll('.adlab-graph-match')).toHaveLength(0);
  });

  it('zooms with the buttons and exports a light, self-contained SVG', async () => {
    const { node: root, view } = renderGraph(gradGraph(), noViz);
    await view!.layout();
    const zoom = root.querySelector('.adlab-graph-zoom')!;
    const before = zoom.getAttribute('transform');
    root.querySelector<HTMLButtonElement>('.adlab-graph-zoom-in')!.click();
    expect(zoom.getAttribute('transform')).not.toBe(before);
    const svg = view!.exportSvg()!;
    expect(svg.getAttribute('viewBox')).toMatch(/^0 0 /);
    expect(svg.querySelector('rect')!.getAttribute('fill')).toBe('#ffffff');
    expect(svg.querySelector('[data-key="n1"] rect')!.getAttribute('stroke')).toBe('#d32f2f');
    expect(new XMLSerializer().serializeToString(svg)).toContain('>log<');
  });

  it('zoom arithmetic keeps the focus point fixed and fits within the viewport', () => {
    const s = zoomAt({ k: 1, x: 10, y: 20 }, 2, 100, 100);
    expect(s.k).toBe(2);
    // The graph point under (100, 100) stays under it.
    expect((100 - s.x) / s.k).toBeCloseTo((100 - 10) / 1);
    expect((100 - s.y) / s.k).toBeCloseTo((100 - 20) / 1);
    expect(zoomAt({ k: 1, x: 0, y: 0 }, 1e9, 0, 0).k).toBe(8);
    const fit = fitZoom(2000, 1000, 500, 400);
    // Never below MIN_FIT_ZOOM (no hairlines): a large graph shows from its top-left corner.
    expect(fit).toEqual({ k: 0.35, x: 0, y: 25 });
    expect(fitZoom(100, 100, 500, 400).k).toBe(1);
    expect(fitZoom(100, 100, 0, 400)).toEqual({ k: 1, x: 0, y: 0 });
  });

  it('formats counts and bytes', () => {
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1234567)).toBe('1.23 M');
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(2048)).toBe('2 KiB');
  });

  it('notes grouping for a large graph and still lays it out', async () => {
    const { node: root, view } = renderGraph(chain(1000), noViz);
    expect(root.querySelector('.adlab-graph-note')!.textContent).toMatch(/1000 nodes in 2 boxes/);
    await view!.layout();
    expect(root.querySelectorAll('g.adlab-graph-node')).toHaveLength(2);
    expect(root.querySelectorAll('.adlab-graph-group.adlab-graph-is-output')).toHaveLength(1);
  });

  it('the widget shows an error box for malformed payloads and a view for good ones', async () => {
    const renderer = graphExtension.rendererFactory.createRenderer({
      mimeType: MIME.graph,
    } as unknown as IRenderMime.IRendererOptions) as GraphRenderer;
    Widget.attach(renderer, document.body);
    const mime = (data: unknown): IRenderMime.IMimeModel => ({
      trusted: false,
      data: { [MIME.graph]: data } as never,
      metadata: {},
      setData: () => undefined,
    });
    await renderer.renderModel(mime({ nodes: 'nope' }));
    expect(renderer.node.querySelector('.adlab-error')!.textContent).toBe(
      'adlab: cannot display graph: name must be a string',
    );
    await renderer.renderModel(mime(gradGraph()));
    expect(renderer.node.querySelector('.adlab-error')).toBeNull();
    expect(renderer.node.querySelector('svg.adlab-graph-svg')).not.toBeNull();
    Widget.detach(renderer);
    renderer.dispose();
  });
});
