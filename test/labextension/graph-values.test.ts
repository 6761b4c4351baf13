import './setup';
import { describe, expect, it } from 'vitest';
import { grad, jvp, makeGraph, np, type Tensor } from '../../kernel-lib/src';
import { graphValues } from '../../kernel-lib/src/jupyter/graph-display';
import { liveHandleBytes } from '../../kernel-lib/src/jupyter/live';
import { LiveChannel, setLiveChannel } from '../../labextension/src/kernel/live-channel';
import { parseGraphValues } from '../../labextension/src/model/graph-values';
import { renderGraph } from '../../labextension/src/renderers/graph';
import { memoryKernel, type MemoryKernel } from './live-kernel';

const noViz = (): Promise<never> => Promise.reject(new Error('no wasm in jsdom'));
const x = np.array([0.5, -1, 2], 'float64');
const f = (v: Tensor) => np.sum(np.mul(np.tanh(v), v));

function useKernel(): MemoryKernel {
  const mk = memoryKernel();
  setLiveChannel(new LiveChannel({ kernelFor: () => mk.kernel, watch: () => () => undefined }));
  return mk;
}

async function fetched(node: HTMLElement, what: string): Promise<number[]> {
  for (let i = 0; i < 100; i++) {
    const row = node.querySelector<HTMLElement>(`.adlab-graph-values-${what}`);
    if (row) return JSON.parse(row.dataset.values!) as number[];
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no ${what} row`);
}

describe('fetch values in the graph inspector', () => {
  it('shows a node’s value and cotangent from the kernel, equal to values computed apart', async () => {
    useKernel();
    const graph = makeGraph(grad(f))(x);
    const { node, view } = renderGraph(graph.toPayload(), noViz);
    document.body.appendChild(node);
    await view!.layout();
    const tanh = graph.nodes.find((n) => n.primitive === 'tanh' && n.phase === 'forward')!;
    view!.inspect(tanh.id);
    node.querySelector<HTMLButtonElement>('.adlab-graph-fetch')!.click();
    const value = await fetched(node, 'value');
    const want = Array.from(np.tanh(x).dataSync());
    value.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
    // d/d tanh(x) of sum(tanh(x) * x) is x: the cotangent of the tanh node.
    const cot = await fetched(node, 'cotangent');
    expect(cot).toEqual([0.5, -1, 2]);
    expect(node.querySelector('.adlab-graph-values .adlab-graph-note')!.textContent).toBe(
      'first 3 of 3 entries (row-major, shape [3]), from the kernel',
    );
    node.remove();
  });

  it('shows a jvp’s tangents', async () => {
    useKernel();
    const g = makeGraph((v: Tensor) =>
      jvp((u: Tensor) => np.exp(u), [v], [np.ones([3], 'float64')]),
    )(x);
    const { node, view } = renderGraph(g.toPayload(), noViz);
    await view!.layout();
    const exp = g.nodes.find((n) => n.primitive === 'exp')!;
    view!.inspect(exp.id);
    node.querySelector<HTMLButtonElement>('.adlab-graph-fetch')!.click();
    const t = await fetched(node, 'tangent');
    const want = Array.from(np.exp(x).dataSync());
    t.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
  });

  it('a malformed reply shows an error box; the inspector keeps working', async () => {
    const mk = useKernel();
    mk.rewrite = (reply) => ({ ...reply, result: { node: 0, shape: 'x' } });
    const graph = makeGraph(grad(f))(x);
    const { node, view } = renderGraph(graph.toPayload(), noViz);
    await view!.layout();
    view!.inspect(1);
    node.querySelector<HTMLButtonElement>('.adlab-graph-fetch')!.click();
    for (let i = 0; i < 100 && node.querySelector<HTMLElement>('.adlab-live-error')!.hidden; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(node.querySelector('.adlab-live-error')!.textContent).toBe(
      'adlab: malformed reply to values: result.node is not %1',
    );
    expect(node.querySelector('.adlab-graph-values')).toBeNull();
    view!.inspect(2);
    expect(node.querySelector('.adlab-graph-inspector-body')!.getAttribute('data-node')).toBe('2');
  });

  it('validates replies strictly', () => {
    const ok = { node: 3, shape: [2], size: 2, value: [1, 'NaN'] };
    expect(parseGraphValues(ok, 3).value).toEqual([1, NaN]);
    expect(() => parseGraphValues({ ...ok, size: 3 }, 3)).toThrow(/size does not match/);
    expect(() => parseGraphValues({ ...ok, value: [1, 2, 3] }, 3)).toThrow(/more than the value/);
    expect(() => parseGraphValues({ ...ok, cotangent: ['x'] }, 3)).toThrow(
      /result.cotangent\[0\] is not a number/,
    );
  });
});

describe('graphValues (kernel side)', () => {
  it('names the node it cannot serve', () => {
    const g = makeGraph(grad(f))(x);
    expect(() => graphValues(g, { node: 10_000 })).toThrow(
      `values: node must be an id in [0, ${g.nodes.length}), got 10000`,
    );
    const none = makeGraph(grad(f), { values: false })(x);
    expect(() => graphValues(none, { node: 1 })).toThrow(/was not kept/);
    const some = graphValues(g, { node: 0, count: 2 });
    expect(some.value).toEqual([0.5, -1]);
    expect(some.size).toBe(3);
  });

  it('counts the bytes a graph keeps against the live handles’ shared budget', () => {
    const g = makeGraph(grad(f))(x);
    // Far under the budget: every node's value is kept, and the cotangents besides.
    const values = g.nodes.reduce((s, n) => s + n.bytes, 0);
    expect(g.keptBytes).toBeGreaterThan(values);
    expect(g.keptBytes % 8).toBe(0);
    expect(makeGraph(grad(f), { values: false })(x).keptBytes).toBe(0);
    const before = liveHandleBytes();
    g.toPayload();
    expect(liveHandleBytes() - before).toBe(g.keptBytes);
    g.toPayload(); // one handle per graph, however often it is shown
    expect(liveHandleBytes() - before).toBe(g.keptBytes);
  });
});
