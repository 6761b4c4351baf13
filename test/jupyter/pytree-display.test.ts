import { describe, expect, it } from 'vitest';
import { grad, MIME, np, pytreeMimeBundle, Tensor, valueAndGrad } from '../../kernel-lib/src';
import type { PytreePayload } from '../../kernel-lib/src/jupyter/protocol';

const params = {
  w: np.array(
    [
      [1, -2],
      [0.5, 3],
    ],
    'float64',
  ),
  b: np.array([0.1, -0.1], 'float64'),
};
const loss = (p: typeof params) => np.sum(np.pow(np.add(np.matmul(p.w, p.b), 1), 2));

describe('pytreeMimeBundle', () => {
  it('gives a dict of gradients a tree payload with each leaf and statistics', () => {
    const g = grad(loss)(params) as Record<string, Tensor>;
    const b = pytreeMimeBundle(g)!;
    const p = b[MIME.pytree] as PytreePayload;
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    expect(p.leaves).toBe(2);
    expect(p.size).toBe(6);
    expect(p.root.kind).toBe('dict');
    if (p.root.kind !== 'dict') throw new Error('unreachable');
    expect(p.root.entries.map((e) => e.key)).toEqual(['w', 'b']);
    const w = p.root.entries[0].node;
    expect(w.kind === 'tensor' && w.tensor.shape).toEqual([2, 2]);
    expect(w.kind === 'tensor' && w.tensor.stats!.max).toBe(Math.max(...g.w.dataSync()));
    expect(b['text/plain']).toMatch(
      /^pytree: 2 tensor leaves, 6 entries\n\{\n {2}w: Tensor \[2, 2\] float64 · min /,
    );
  });

  it('covers valueAndGrad results, escapes keys in HTML, and leaves non-trees alone', () => {
    const b = pytreeMimeBundle(valueAndGrad(loss)(params))!;
    const p = b[MIME.pytree] as PytreePayload;
    expect(p.root.kind).toBe('list');
    expect(p.leaves).toBe(3);
    const html = pytreeMimeBundle({ '<img src=x>': np.ones([2]) })!['text/html'] as string;
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).not.toContain('<img');
    expect(pytreeMimeBundle({ a: 1, b: [2, 3] })).toBeUndefined();
    expect(pytreeMimeBundle(np.ones([2]))).toBeUndefined();
    expect(pytreeMimeBundle('text')).toBeUndefined();
  });
});
