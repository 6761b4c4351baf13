import './setup';
import { describe, expect, it } from 'vitest';
import { grad, makeGraph, np, type Tensor } from '../../kernel-lib/src';
import { findRepeats } from 'adlab/graph-layout';
import {
  parseGraphPayload,
  setExpanded,
  type GraphModel,
} from '../../labextension/src/model/graph-model';
import { pngScale, renderGraph } from '../../labextension/src/renderers/graph';

const noViz = (): Promise<never> => Promise.reject(new Error('no wasm in jsdom'));

/** grad of a recurrence run `steps` times: forward and backward loop bodies repeat. */
function loopGraph(steps: number) {
  const W = np.mul(np.eye(4, undefined, 'float64'), 0.5);
  const f = (x: Tensor) => {
    let h = x;
    for (let i = 0; i < steps; i++) h = np.tanh(np.add(np.matmul(W, h), np.mul(x, 0.1)));
    return np.sum(np.mul(h, h));
  };
  return makeGraph(grad(f))(np.ones([4], 'float64'));
}

function model(data: unknown): GraphModel {
  const r = parseGraphPayload(data);
  if (!r.ok) throw new Error(r.error);
  return r.model;
}

describe('repeat detection', () => {
  it('finds tandem repeats greedily from the left, with the smallest period', () => {
    expect(findRepeats([9, 1, 2, 3, 1, 2, 3, 1, 2, 3, 8])).toEqual([[1, 3, 3]]);
    expect(findRepeats([1, 2, 1, 2])).toEqual([]);
    expect(findRepeats([5, 5, 5, 5, 5, 5])).toEqual([[0, 2, 3]]);
    expect(findRepeats([1, 2, 3, 4])).toEqual([]);
  });

  it('groups a loop body repeated 180 times into one box per pass, with its count', () => {
    const g = loopGraph(180);
    const m = model(g.toPayload());
    expect(m.totals.nodes).toBe(g.nodes.length);
    expect(m.totals.nodes).toBeGreaterThan(2000);
    // Literals (0.1, the seed) fold into their readers instead of one box each.
    expect(m.folded).toBeGreaterThanOrEqual(180);
    const repeats = m.boxes.filter((b) => b.group?.kind === 'repeat');
    expect(repeats.length).toBe(2);
    const phases = repeats.map((b) => m.byId.get(b.members[0]!)!.phase).sort();
    expect(phases).toEqual(['backward', 'forward']);
    for (const r of repeats) expect(r.group!.count).toBeGreaterThanOrEqual(178);
    expect(m.boxes.length).toBeLessThan(40);

    // Expanding a repeat shows its iterations; expanding one iteration shows its nodes.
    const fwd = repeats.find((b) => m.byId.get(b.members[0]!)!.phase === 'forward')!;
    setExpanded(m, fwd.key, true);
    const iterations = m.boxes.filter((b) => b.group?.kind === 'iteration');
    expect(iterations).toHaveLength(fwd.group!.count!);
    setExpanded(m, iterations[1]!.key, true);
    const inside = m.boxes.filter((b) => iterations[1]!.members.includes(b.members[0]!));
    expect(inside.map((b) => m.byId.get(b.members[0]!)!.primitive)).toContain('tanh');
    expect(inside.every((b) => b.members.length === 1)).toBe(true);
    // Every edge joins drawn boxes.
    const keys = new Set(m.boxes.map((b) => b.key));
    for (const b of m.boxes) for (const i of b.inputs) expect(keys.has(i)).toBe(true);
    setExpanded(m, fwd.key, false);
    expect(m.expanded.size).toBe(0);
    expect(m.boxes.filter((b) => b.group?.kind === 'repeat')).toHaveLength(2);
  });
});

describe('node inspector', () => {
  it('shows primitive, type, cost and the value and cotangent summaries of a clicked node', async () => {
    const g = loopGraph(4);
    const { node: root, view } = renderGraph(g.toPayload(), noViz);
    await view!.layout();
    const tanh = g.nodes.find((n) => n.primitive === 'tanh' && n.phase === 'forward')!;
    view!.inspect(tanh.id);
    const panel = root.querySelector('.adlab-graph-inspector')!;
    expect(panel.querySelector('.adlab-graph-inspector-title')!.textContent).toBe(
      `%${tanh.id} = tanh`,
    );
    expect(panel.querySelector('.adlab-graph-inspect-type')!.textContent).toContain('f64[4]');
    const rows = [...panel.querySelectorAll('.adlab-graph-summary')].map((r) => r.className);
    expect(rows.join(' ')).toMatch(/summary-value.*summary-cotangent/);
    const ct = panel.querySelector('.adlab-graph-summary-cotangent')!;
    expect(ct.querySelectorAll('td')[0]!.textContent).toBe(String(Number(tanh.cotangent!.min)));
    expect(ct.querySelectorAll('.adlab-graph-histogram rect')).toHaveLength(16);
  });

  it('shows the NaN origin with its cause and rejects a malformed one', () => {
    const bad = (x: Tensor) => np.sum(np.mul(np.log(x), np.tanh(x)));
    const g = makeGraph(grad(bad), { nanOrigin: true })(np.array([1, -1], 'float64'));
    const m = model(g.toPayload());
    expect(m.firstNonFinite).toBe(g.nanOrigin!.node);
    const { node: root, view } = renderGraph(g.toPayload(), noViz);
    expect(root.querySelector('.adlab-graph-first-nan')!.textContent).toContain('log-domain');
    view!.inspect(g.nanOrigin!.node);
    expect(root.querySelector('.adlab-graph-inspect-nan')!.textContent).toMatch(/log of zero/);
    const broken = { ...g.toPayload(), nanOrigin: { node: 10_000 } };
    const r = parseGraphPayload(broken);
    expect(r.ok).toBe(false);
  });
});

describe('export sizes', () => {
  it('caps the PNG canvas', () => {
    expect(pngScale(800, 600)).toBe(2);
    const s = pngScale(14400, 9756);
    expect(14400 * s).toBeLessThanOrEqual(8192);
    expect(14400 * s * 9756 * s).toBeLessThanOrEqual(32e6);
    // The canvas rounds each side: still within the budget (an exported wrapped graph's size).
    const t = pngScale(6395 / 2, 5004 / 2);
    expect(Math.round((6395 / 2) * t) * Math.round((5004 / 2) * t)).toBeLessThanOrEqual(32e6);
  });
});
