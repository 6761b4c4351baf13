import { beforeAll, describe, expect, it } from 'vitest';
import { grad, makeGraph, np, type Tensor } from '../../kernel-lib/src';
import { LIGHT_PALETTE } from '../../kernel-lib/src/jupyter/graph-layout';
import {
  graphPicture,
  PICTURE_MAX_SIDE,
  preloadGraphviz,
} from '../../kernel-lib/src/jupyter/graph-image';
import { countColor, decodePng } from '../helpers/png';

const W = np.mul(np.eye(3, undefined, 'float64'), 0.5);
/** grad of a small function with a constant matrix: every kind of box. */
const small = () =>
  makeGraph(grad((x: Tensor) => np.sum(np.tanh(np.matmul(W, np.sin(x))))))(
    np.array([0.5, 2, -1], 'float64'),
  );
/** grad of a recurrence run `steps` times: 13 nodes a step. */
const rnn = (steps: number) =>
  makeGraph(
    grad((x: Tensor) => {
      let h = x;
      for (let i = 0; i < steps; i++) h = np.tanh(np.add(np.matmul(W, h), x));
      return np.sum(h);
    }),
  )(np.ones([3], 'float64'));

beforeAll(() => preloadGraphviz());

describe('graph picture', () => {
  it('is a PNG of real size in the bundle, in place of the HTML table', () => {
    const g = small();
    const b = g.toMimeBundle();
    expect(b['text/html']).toBeUndefined();
    const png = Buffer.from(b['image/png'] as string, 'base64');
    const img = decodePng(png);
    const p = graphPicture(g);
    expect([img.width, img.height]).toEqual([p.width, p.height]);
    expect(img.width).toBeGreaterThan(400);
    expect(img.height).toBeGreaterThan(300);
    expect(p.engine).toBe('graphviz');
    expect(b['text/plain']).toMatch(/^Computational graph of grad/);
    expect(b['text/plain']).toContain(`${g.nodes.length} nodes`);
  });

  it('paints forward, backward, input and constant boxes in the export palette', () => {
    const img = decodePng(graphPicture(small()).png);
    for (const kind of ['forward', 'backward', 'input', 'constant'] as const) {
      // Box interiors (and legend swatches) in the exact fill: hundreds of pixels each.
      expect(countColor(img, LIGHT_PALETTE[kind].fill), kind).toBeGreaterThan(500);
    }
    expect(countColor(img, LIGHT_PALETTE.nonFiniteFill)).toBe(0);
  });

  it('marks the first non-finite value in red and names it in the caption', () => {
    const g = makeGraph(
      grad((x: Tensor) => np.sum(np.log(x))),
      { nanOrigin: true },
    )(np.array([-1, 2], 'float64'));
    const p = graphPicture(g);
    expect(p.caption).toContain('First non-finite value: %');
    expect(countColor(decodePng(p.png), LIGHT_PALETTE.nonFiniteFill)).toBeGreaterThan(200);
  });

  it('draws a big gradient graph folded, bounded in pixels and bytes', () => {
    const g = rnn(200);
    expect(g.nodes.length).toBeGreaterThan(2000);
    const p = graphPicture(g);
    expect(p.boxes).toBeLessThan(40);
    expect(p.caption).toMatch(
      /Folded view as the graph view opens it: \d+ boxes \(\d+ repeated blocks/,
    );
    expect(Math.max(p.width, p.height)).toBeLessThanOrEqual(PICTURE_MAX_SIDE);
    expect(p.png.length).toBeLessThan(300_000);
    const img = decodePng(p.png);
    expect(countColor(img, LIGHT_PALETTE.backward.fill)).toBeGreaterThan(500);
  });

  it('is drawn once per graph and escapes the names it prints', () => {
    const g = makeGraph((x: Tensor) => np.sum(np.exp(x)), { name: '<f & g>' })(np.ones([2]));
    expect(graphPicture(g)).toBe(graphPicture(g));
    const b = g.toMimeBundle();
    expect(typeof b['image/png']).toBe('string');
    expect(b['text/plain']).toContain('Computational graph of <f & g>');
  });
});
