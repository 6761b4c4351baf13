import { describe, expect, it } from 'vitest';
import {
  grad,
  hessian,
  hvp,
  jacrev,
  jvp,
  makeGraph,
  np,
  valueAndGrad,
  vjp,
  type Tensor,
} from '../../kernel-lib/src';
import { FALLBACK_ROWS, graphHtml } from '../../kernel-lib/src/jupyter/graph-display';
import { graphValueSummary, HISTOGRAM_BINS } from '../../kernel-lib/src/jupyter/value-summary';

const x3 = () => np.array([0.5, 2, -1], 'float64');
const f = (x: Tensor) => np.sum(np.mul(np.tanh(x), x));

describe('graph titles', () => {
  it('names transformed functions after the function', () => {
    expect(makeGraph(grad(f))(x3()).name).toBe('grad(f)');
    expect(makeGraph(valueAndGrad(f))(x3()).name).toBe('valueAndGrad(f)');
    expect(makeGraph(jacrev(f))(x3()).name).toBe('jacrev(f)');
    expect(makeGraph(hessian(f))(x3()).name).toBe('hessian(f)');
    expect(makeGraph(grad(grad(f) as never))(np.array(1, 'float64')).name).toBe('grad(grad(f))');
    expect(makeGraph(f, { name: 'mine' })(x3()).name).toBe('mine');
  });

  it('titles an anonymous function by the first transform it runs', () => {
    const v = np.onesLike(x3());
    expect(makeGraph((x: Tensor) => jvp(f, [x], [v]))(x3()).name).toBe('jvp(f)');
    expect(makeGraph((x: Tensor) => vjp(f, [x])[0])(x3()).name).toBe('vjp(f)');
    // hvp is forward-over-reverse: jvp of grad(f).
    expect(makeGraph((x: Tensor) => hvp(f, [x], [v]))(x3()).name).toBe('jvp(grad(f))');
    expect(makeGraph((x: Tensor) => np.sin(x))(x3()).name).toBe('f');
  });
});

describe('graph value summaries', () => {
  it('summarizes each value with a histogram over [min, max]', () => {
    const s = graphValueSummary([0, 1, 2, 3, NaN, Infinity]);
    expect(s).toMatchObject({ min: 0, max: 3, mean: 1.5, nonFinite: 2 });
    expect(s.histogram).toHaveLength(HISTOGRAM_BINS);
    expect(s.histogram!.reduce((a, b) => a + b)).toBe(4);
    expect(s.histogram![0]).toBe(1);
    expect(s.histogram![HISTOGRAM_BINS - 1]).toBe(1);
    expect(graphValueSummary([2, 2]).histogram![0]).toBe(2);
    expect(graphValueSummary([NaN]).histogram).toBeUndefined();
  });

  it('gives makeGraph(grad(f)) the cotangent of each forward value', () => {
    const g = makeGraph(grad(f))(x3());
    const tanh = g.nodes.find((n) => n.primitive === 'tanh')!;
    // d sum(tanh(x) x) / d tanh(x) = x
    expect(tanh.cotangent).toMatchObject({ min: -1, max: 2, mean: 0.5 });
    const input = g.nodes[g.inputs[0]!]!;
    // the input's cotangent is the gradient tanh(x) + x (1 - tanh²x)
    const expected = [0.5, 2, -1].map((v) => Math.tanh(v) + v * (1 - Math.tanh(v) ** 2));
    expect(input.cotangent!.max).toBeCloseTo(Math.max(...expected), 5);
    expect(input.cotangent!.min).toBeCloseTo(Math.min(...expected), 5);
    expect(g.nodes.filter((n) => n.phase === 'backward').every((n) => !n.cotangent)).toBe(true);
  });

  it('gives makeGraph of a jvp the tangent of each value', () => {
    const v = np.array([1, 0, 0], 'float64');
    const g = makeGraph((x: Tensor) => jvp((y: Tensor) => np.mul(y, y), [x], [v]))(x3());
    const mul = g.nodes.find((n) => n.primitive === 'mul' && n.inputs[0] === n.inputs[1])!;
    // d(x²) = 2 x dx = [1, 0, 0]
    expect(mul.tangent).toMatchObject({ min: 0, max: 1, nonFinite: 0 });
    expect(g.nodes[0]!.tangent).toMatchObject({ min: 0, max: 1 });
  });
});

describe('graph NaN origin', () => {
  it('marks the first primitive that made a non-finite value, with its cause', () => {
    const bad = (x: Tensor) => np.sum(np.mul(np.log(x), np.tanh(np.mul(x, x))));
    const g = makeGraph(grad(bad), { nanOrigin: true })(x3());
    expect(g.nanOrigin).toMatchObject({ primitive: 'log', phase: 'forward', cause: 'log-domain' });
    expect(g.nodes[g.nanOrigin!.node]!.primitive).toBe('log');
    expect(g.toPayload().nanOrigin!.node).toBe(g.nanOrigin!.node);
    expect(g.toMimeBundle()['text/plain']).toContain('First non-finite value: %');
    expect(graphHtml(g)).toContain('first non-finite value');
  });

  it('finds a backward-pass origin (sqrt at 0: finite forward, infinite derivative)', () => {
    const g = makeGraph(
      grad((x: Tensor) => np.sum(np.sqrt(x))),
      { nanOrigin: true },
    )(np.array([0, 1], 'float64'));
    expect(g.nanOrigin!.phase).toBe('backward');
    expect(g.nodes[g.nanOrigin!.node]!.phase).toBe('backward');
    expect(g.nodes[g.nanOrigin!.node]!.summary!.nonFinite).toBeGreaterThan(0);
  });

  it('is absent for a finite graph and without the option', () => {
    expect(makeGraph(grad(f), { nanOrigin: true })(x3()).nanOrigin).toBeUndefined();
    expect(makeGraph(grad(np.log as never))(np.array(-1, 'float64')).nanOrigin).toBeUndefined();
  });
});

describe('graph fallback', () => {
  it('keeps the HTML table and the text short for a large graph', () => {
    const long = (x: Tensor) => {
      let h = x;
      for (let i = 0; i < 300; i++) h = np.tanh(h);
      return h;
    };
    const g = makeGraph(long)(x3());
    const b = g.toMimeBundle();
    const html = graphHtml(g);
    expect(html.match(/<tr>/g)).toHaveLength(FALLBACK_ROWS + 2);
    expect(html).toContain('… 101 more nodes');
    // The listing, headed by the picture's caption (two lines).
    expect((b['text/plain'] as string).split('\n').length).toBeLessThan(FALLBACK_ROWS + 7);
  });
});
