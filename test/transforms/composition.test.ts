/** Transforms composed with each other, on pytrees, with custom rules. */
import { describe, expect, it } from 'vitest';
import {
  customJvp,
  customVjp,
  grad,
  hessian,
  hvp,
  jacfwd,
  jacrev,
  jvp,
  linearize,
  makeGraph,
  np,
  stopGradient,
  Tensor,
  valueAndGrad,
  vjp,
} from '../../kernel-lib/src';
import { expectClose, randn } from '../helpers/tensors';

const x3 = () => np.array([0.3, -1.2, 2.0], 'float64');
const cubic = (x: Tensor) => np.sum(np.mul(np.pow(x, 3), np.sin(x)));

describe('higher order', () => {
  it('grad of grad of grad to third order', () => {
    const f = (x: Tensor) => np.mul(np.pow(x, 4), np.exp(x));
    const x = np.array(0.7, 'float64');
    // d³/dx³ x⁴eˣ = eˣ (x⁴ + 12x³ + 36x² + 24x)
    const v = 0.7;
    const want = Math.exp(v) * (v ** 4 + 12 * v ** 3 + 36 * v ** 2 + 24 * v);
    expectClose(grad(grad(grad(f)))(x), want, 1e-12);
  });

  it('jacfwd equals jacrev for R^3 -> R^2 and has shape out ++ in', () => {
    const f = (x: Tensor) => np.stack([np.sum(np.sin(x)), np.prod(x)]);
    const jf = jacfwd(f)(x3());
    const jr = jacrev(f)(x3());
    expect(jf.shape).toEqual([2, 3]);
    expectClose(jf, jr, 1e-12);
  });

  it('jacobians of matrix functions have shape out.shape ++ in.shape', () => {
    const w = randn(1, [2, 3]);
    const f = (x: Tensor) => np.tanh(np.matmul(x, w));
    const x = randn(2, [4, 2]);
    const jf = jacfwd(f)(x);
    expect(jf.shape).toEqual([4, 3, 4, 2]);
    expectClose(jf, jacrev(f)(x), 1e-12);
  });

  it('jacobians with a zero-size output or input keep the dtype of the nonempty case', () => {
    const empty = (x: Tensor) => np.mul(x.get('0:0'), 2); // float64 [0]
    for (const jac of [jacfwd, jacrev]) {
      const j = jac(empty)(x3());
      expect([j.shape, j.dtype]).toEqual([[0, 3], 'float64']);
      const k = jac((x: Tensor) => np.stack([np.sum(x), np.sum(x)]))(np.zeros([0], 'float64'));
      expect([k.shape, k.dtype]).toEqual([[2, 0], 'float64']);
    }
  });

  it('hessian is symmetric and equals jacfwd(jacrev)', () => {
    const h = hessian(cubic)(x3());
    expect(h.shape).toEqual([3, 3]);
    expectClose(h, h.T, 1e-12);
    expectClose(h, jacfwd(jacrev(cubic))(x3()), 1e-12);
    const mixed = (x: Tensor) => np.sum(np.mul(np.sin(x), np.flip(x)));
    const hm = hessian(mixed)(x3());
    expectClose(hm, hm.T, 1e-12);
  });

  it('hvp equals hessian times v for both strategies', () => {
    const v = np.array([1, -2, 0.5], 'float64');
    const want = np.matmul(hessian(cubic)(x3()), v);
    expectClose(hvp(cubic, [x3()], [v]), want, 1e-12);
    expectClose(hvp(cubic, [x3()], [v], { mode: 'rev-rev' }), want, 1e-12);
  });

  it('hvp forward-over-reverse needs no dense Hessian: its graph has no n x n node', () => {
    const n = 50;
    const x = randn(3, [n]);
    const f = (y: Tensor) => np.sum(np.mul(np.tanh(y), y));
    const g = makeGraph((y: Tensor) => hvp(f, [y], [np.onesLike(y)]))(x);
    expect(g.nodes.every((node) => node.shape.length <= 1)).toBe(true);
  });

  it('linearize gives the same JVP as jvp', () => {
    const [y, fJvp] = linearize((x: Tensor) => np.sin(x), x3());
    expectClose(y, np.sin(x3()));
    expectClose(fJvp(np.onesLike(x3())), np.cos(x3()), 1e-12);
  });

  it('vjp pullback satisfies the adjoint identity with jvp', () => {
    const f = (x: Tensor) => np.matmul(np.tanh(x), randn(4, [3, 2]));
    const x = randn(5, [4, 3]);
    const u = randn(6, [4, 3]);
    const w = randn(7, [4, 2]);
    const [, ju] = jvp(f, [x], [u]);
    const [, pullback] = vjp(f, [x]);
    const [jtw] = pullback(w) as Tensor[];
    expectClose(np.vdot(w, ju as Tensor), np.vdot(jtw, u), 1e-12);
  });
});

describe('pytrees, argnums and hasAux', () => {
  const params = () => ({ W: randn(1, [3, 2]), b: np.array([0.1, -0.2], 'float64') });
  const X = randn(2, [5, 3]);
  const loss = (p: { W: Tensor; b: Tensor }, x: Tensor) =>
    np.mean(np.square(np.add(np.matmul(x, p.W), p.b)));

  it('grad returns the structure of the argument', () => {
    const g = grad(loss as never)(params(), X) as { W: Tensor; b: Tensor };
    expect(g.W.shape).toEqual([3, 2]);
    expect(g.b.shape).toEqual([2]);
    // dL/db = mean over rows of 2 (XW + b) / 2 columns
    const p = params();
    const r = np.add(np.matmul(X, p.W), p.b);
    expectClose(g.b, np.div(np.sum(np.mul(r, 2), 0), 10), 1e-12);
  });

  it('argnums selects several arguments; hasAux passes aux through', () => {
    const f = (a: Tensor, b: Tensor) => [np.sum(np.mul(a, b)), { note: np.add(a, 1) }];
    const [[value, aux], [ga, gb]] = valueAndGrad(f as never, { argnums: [0, 1], hasAux: true })(
      x3(),
      np.onesLike(x3()),
    ) as [[Tensor, { note: Tensor }], Tensor[]];
    expectClose(value, np.sum(x3()));
    expectClose(aux.note, np.add(x3(), 1));
    expectClose(ga, np.onesLike(x3()));
    expectClose(gb, x3());
    const [g2, aux2] = grad(f as never, { hasAux: true })(x3(), np.onesLike(x3())) as [
      Tensor,
      { note: Tensor },
    ];
    expectClose(g2, np.onesLike(x3()));
    expectClose(aux2.note, np.add(x3(), 1));
  });

  it('jacrev over a pytree input gives a tree of blocks', () => {
    const f = (p: { a: Tensor; b: Tensor }) => np.mul(p.a, np.sum(p.b));
    const j = jacrev(f as never)({ a: x3(), b: np.array([1, 2], 'float64') }) as {
      a: Tensor;
      b: Tensor;
    };
    expect(j.a.shape).toEqual([3, 3]);
    expect(j.b.shape).toEqual([3, 2]);
    expectClose(j.a, np.mul(np.eye(3, 'float64'), 3));
  });
});

describe('stopGradient and custom rules', () => {
  it('stopGradient blocks derivatives in every mode', () => {
    const f = (x: Tensor) => np.sum(np.mul(stopGradient(x), x));
    expectClose(grad(f)(x3()), x3());
    expectClose(jvp(f, [x3()], [np.onesLike(x3())])[1] as Tensor, np.sum(x3()));
  });

  it('customJvp is honoured by jvp, grad, jacrev and hessian', () => {
    // A deliberately "wrong" rule (2x the true derivative) proves the rule is used.
    const f = customJvp(
      (x: Tensor) => np.sin(x),
      ([x], [dx]) => [np.sin(x), np.mul(np.mul(np.cos(x), dx), 2)],
    );
    const twiceCos = np.mul(np.cos(x3()), 2);
    expectClose(jvp(f, [x3()], [np.onesLike(x3())])[1] as Tensor, twiceCos, 1e-12);
    expectClose(grad((x: Tensor) => np.sum(f(x)))(x3()), twiceCos, 1e-12);
    expectClose(np.diagonal(jacrev(f)(x3())), twiceCos, 1e-12);
    expectClose(
      np.diagonal(hessian((x: Tensor) => np.sum(f(x)))(x3())),
      np.mul(np.sin(x3()), -2),
      1e-12,
    );
  });

  it('customVjp is honoured by vjp, grad, jvp and hvp', () => {
    // A deliberately "wrong" (but linear) backward rule: 5 ct instead of the true 3 ct.
    let bwdCalls = 0;
    const scaled = customVjp(
      (x: Tensor) => np.mul(x, 3),
      (x: Tensor) => [np.mul(x, 3), null],
      (_r, ct) => {
        bwdCalls++;
        return [np.mul(ct as Tensor, 5)];
      },
    );
    const g = grad((x: Tensor) => np.sum(np.mul(scaled(x), 0.1)))(x3());
    expectClose(g, [0.5, 0.5, 0.5], 1e-12);
    expect(bwdCalls).toBe(1);
    const [, dy] = jvp(scaled, [x3()], [np.array([0.1, 1, -1], 'float64')]);
    expectClose(dy as Tensor, [0.5, 5, -5], 1e-12);
    const quadratic = (x: Tensor) => np.sum(np.square(scaled(x)));
    // d/dx sum((3x)²) through the custom rule: 5 * 2 * 3x = 30x; its Hessian is 30 I.
    expectClose(grad(quadratic)(x3()), np.mul(x3(), 30), 1e-12);
    expectClose(hvp(quadratic, [x3()], [np.onesLike(x3())]), [30, 30, 30], 1e-12);
  });
});

describe('graph capture', () => {
  it('records primitives with shapes, FLOPs and bytes', () => {
    const w = randn(1, [3, 4]);
    const g = makeGraph((x: Tensor) => np.sum(np.tanh(np.matmul(x, w))))(randn(2, [2, 3]));
    const mm = g.nodes.find((n) => n.primitive === 'matmul')!;
    expect(mm.shape).toEqual([2, 4]);
    expect(mm.flops).toBe(2 * 2 * 4 * 3);
    expect(mm.bytes).toBe(2 * 4 * 8);
    expect(g.outputs).toHaveLength(1);
    expect(g.primitiveCounts()).toMatchObject({ matmul: 1, tanh: 1, reduce_sum: 1 });
  });

  it('makeGraph(grad(f)) shows the backward pass', () => {
    const g = makeGraph(grad((x: Tensor) => np.sum(np.tanh(x))))(x3());
    const phases = new Set(g.nodes.map((n) => n.phase));
    expect(phases).toEqual(new Set(['forward', 'backward']));
    expect(g.nodes.filter((n) => n.phase === 'backward').some((n) => n.primitive === 'mul')).toBe(
      true,
    );
    const bundle = g.toMimeBundle();
    expect(Object.keys(bundle)).toEqual([
      'application/vnd.adlab.graph.v1+json',
      'image/png',
      'text/plain',
    ]);
  });

  it('records constant-only operations and spends no work on cotangents of constants', () => {
    const a = np.ones([5, 3], 'float64');
    const g = makeGraph(grad((x: Tensor) => np.sum(np.matmul(a, x))))(np.ones([3, 4], 'float64'));
    const matmuls = g.nodes.filter((n) => n.primitive === 'matmul');
    // forward A @ X and backward Aᵀ @ ct; no matmul for the cotangent of the constant A
    expect(matmuls.map((n) => n.shape)).toEqual([
      [5, 4],
      [3, 4],
    ]);
    expect(g.outputs).toEqual([matmuls[1].id]);
    expect(g.nodes.filter((n) => n.primitive === 'constant')).toHaveLength(2);
  });

  it('value summaries are optional', () => {
    const g = makeGraph((x: Tensor) => np.log(x), { summaries: true })(np.array([0, 1], 'float64'));
    expect(g.nodes[1].summary).toMatchObject({ min: 0, max: 0, mean: 0, nonFinite: 1 });
    const plain = makeGraph((x: Tensor) => np.log(x), { summaries: false })(
      np.array([1], 'float64'),
    );
    expect(plain.nodes[1].summary).toBeUndefined();
  });
});
