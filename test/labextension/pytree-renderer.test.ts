import './setup';
import { describe, expect, it } from 'vitest';
import { MIME } from 'adlab/protocol';
import { grad, np, pytreeMimeBundle } from '../../kernel-lib/src';
import { renderPytree } from '../../labextension/src/renderers/pytree';

const params = {
  w: np.array(
    [
      [1, -2],
      [0.5, 3],
    ],
    'float64',
  ),
  b: np.array([0.1, NaN], 'float64'),
};
const payload = (): unknown =>
  JSON.parse(
    JSON.stringify(
      pytreeMimeBundle(grad((p: typeof params) => np.sum(np.mul(p.w, p.b)))(params))![MIME.pytree],
    ),
  );

describe('pytree renderer', () => {
  it('draws a collapsible tree; a leaf shows shape, dtype, stats, and its tensor view on expand', () => {
    const { node } = renderPytree(payload());
    const keys = [...node.querySelectorAll('.adlab-pytree-leaf > summary .adlab-pytree-key')].map(
      (e) => e.textContent,
    );
    expect(keys).toEqual(['w', 'b']);
    const w = node.querySelector<HTMLDetailsElement>('.adlab-pytree-leaf')!;
    expect(w.querySelector('.adlab-pytree-tensor')!.textContent).toMatch(
      /^\[2, 2\] float64 · min /,
    );
    expect(w.querySelector('.adlab-pytree-summary')!.classList.contains('adlab-warn')).toBe(true);
    expect(w.querySelector('.adlab-tensor')).toBeNull();
    w.open = true;
    w.dispatchEvent(new Event('toggle'));
    expect(w.querySelectorAll('.adlab-tensor td.adlab-value')).toHaveLength(4);
  });

  it('shows an error box for a malformed tree', () => {
    const bad = payload() as { root: { entries: { node: unknown }[] } };
    bad.root.entries[1]!.node = { kind: 'tensor', tensor: { shape: 'nope' } };
    expect(renderPytree(bad).node.textContent).toBe(
      'adlab: cannot display pytree: root.b: shape must be an array, got a string',
    );
    expect(renderPytree({ root: { kind: 'weird' } }).node.className).toBe('adlab-error');
  });
});
