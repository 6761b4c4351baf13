/**
 * The optimizer API's types: compiled by `npm run typecheck` (each `@ts-expect-error` line must be
 * an error, or the build fails) and run by vitest so the typed calls also give the typed values.
 * A transformation's state, updates and P_k follow the parameters: a Tensor gives Tensors, a
 * `{ w, b }` gives `{ w, b }`.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  compareDTypes,
  hessianOperator,
  minimize,
  np,
  optim,
  Tensor,
  treeMap,
  type LinearOperator,
} from '../../kernel-lib/src';

interface Params {
  w: Tensor;
  b: Tensor;
}
const x = np.array([1, -2], 'float64');
const p0: Params = { w: np.array([0.5, -1], 'float64'), b: np.array(0.25, 'float64') };
const loss = (p: Params) => np.sum(np.square(np.add(p.w, p.b)));

describe('typed gradient transformations', () => {
  it('a Tensor gives Tensor updates, moments and preconditioner diagonal', () => {
    const opt = optim.adam(0.1);
    const s0 = opt.init(x);
    expectTypeOf(s0).toEqualTypeOf<optim.AdamState<Tensor>>();
    expectTypeOf(s0.nu).toEqualTypeOf<Tensor>();
    const [u, s1] = opt.update(x, s0, x);
    expectTypeOf(u).toEqualTypeOf<Tensor>();
    expect(u.shape).toEqual([2]);
    const P = opt.preconditioner!(s1);
    expectTypeOf(P).toEqualTypeOf<optim.Preconditioner<Tensor>>();
    expectTypeOf(P.diagonal).toEqualTypeOf<Tensor | undefined>();
    expectTypeOf(P.apply(x)).toEqualTypeOf<Tensor>();
    // diag(P_1) = 1 / (|g| + eps) for the first update with g = x.
    expect(P.diagonal!.toArray()).toEqual([1 / (1 + 1e-8), 1 / (2 + 1e-8)]);
    expectTypeOf(optim.applyUpdates(x, u)).toEqualTypeOf<Tensor>();
  });

  it('a pytree keeps its structure in the state, the updates and P_k', () => {
    const opt = optim.momentum(0.1);
    const s0 = opt.init(p0);
    expectTypeOf(s0.trace).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    const [u, s1] = opt.update({ w: x, b: np.array(1, 'float64') }, s0, p0);
    expectTypeOf(u).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    expect(u.b.item()).toBeCloseTo(-0.1);
    const next: Params = optim.applyUpdates(p0, u);
    expect(next.w.toArray()).toEqual([0.5 - 0.1, -1 + 0.2]);
    expectTypeOf(opt.preconditioner!(s1).apply(u)).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    // A number leaf becomes a scalar tensor in every tree the optimizer makes.
    expectTypeOf(optim.rmsprop(0.1).init({ w: x, lr: 3 }).nu).toEqualTypeOf<{
      w: Tensor;
      lr: Tensor;
    }>();
  });

  it('mismatched trees and wrong result types do not compile', () => {
    const opt = optim.adam(0.1);
    const s = opt.init(p0);
    const misuse = () => {
      // @ts-expect-error: the state was made for { w, b }, the gradient is a Tensor
      opt.update(x, s);
      // @ts-expect-error: the updates of { w, b } are not a Tensor
      const u: Tensor = opt.update(p0, s)[0];
      // @ts-expect-error: adam's state has no velocity
      return [u, s.trace];
    };
    expect(typeof misuse).toBe('function');
    // @ts-expect-error: P_k of a Tensor state acts on Tensors, not on { w, b }
    const wrong = () => opt.preconditioner!(opt.init(x)).apply(p0);
    expect(typeof wrong).toBe('function');
  });

  it('chain and applyIfFinite type their parts’ states', () => {
    const c = optim.chain(optim.clipByGlobalNorm(1), optim.adam(1e-3));
    const s = c.init(x);
    expectTypeOf(s[1].mu).toEqualTypeOf<Tensor>();
    expect(s).toHaveLength(2);
    const [u, s1] = c.update(x, s);
    expectTypeOf(u).toEqualTypeOf<Tensor>();
    expectTypeOf(c.preconditioner!(s1).diagonal).toEqualTypeOf<Tensor | undefined>();
    const safe = optim.applyIfFinite(optim.adagrad(0.1));
    const ss = safe.init(p0);
    expectTypeOf(ss.inner.sumSq).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    expectTypeOf(safe.update(p0, ss)[0]).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
  });

  it('a loop over different transformations types each step by the parameters', () => {
    const steps: Tensor[] = [];
    for (const opt of [optim.sgd(0.1), optim.nesterov(0.1), optim.adam(0.1)]) {
      const [u, s] = opt.update(x, opt.init(x), x);
      expectTypeOf(u).toEqualTypeOf<Tensor>();
      const P = opt.preconditioner!(s);
      if (P.diagonal) expectTypeOf(P.diagonal).toEqualTypeOf<Tensor>();
      steps.push(u);
    }
    expect(steps.map((u) => u.shape)).toEqual([[2], [2], [2]]);
    // Any transformation is a GradientTransformation; its state is then opaque but still typed.
    const opts: optim.GradientTransformation[] = [optim.adamw(0.1), optim.chain(optim.scale(-1))];
    const [u] = opts[0].update(x, opts[0].init(x), x);
    expectTypeOf(u).toEqualTypeOf<Tensor>();
  });
  it('a transformation written by hand needs no kind and runs in minimize', () => {
    const ascend: optim.GradientTransformation = {
      name: 'ascend',
      hyperparameters: {},
      init: () => ({ count: 0 }),
      update: (g, s) => [treeMap(g, (leaf) => np.mul(leaf, 2)), s],
    };
    const [u] = ascend.update(x, ascend.init(x));
    expectTypeOf(u).toEqualTypeOf<Tensor>();
    expect(u.toArray()).toEqual([2, -4]);
    const r = minimize((t: Tensor) => np.sum(np.square(t)), x, { method: ascend, maxIter: 1 });
    expect(r.iterations).toBe(1);
  });
});

describe('typed minimize, compareDTypes and operators', () => {
  it('minimize returns the iterate with x0’s structure; P_k acts on the flat vector', () => {
    const r = minimize(loss, p0, { method: 'adam', maxIter: 2 });
    expectTypeOf(r.x).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    expect(r.x.w.shape).toEqual([2]);
    expectTypeOf(r.preconditioner!.diagonal).toEqualTypeOf<Tensor | undefined>();
    expect(r.preconditioner!.diagonal!.shape).toEqual([3]);
    const rq = minimize((t: Tensor) => np.sum(np.square(t)), x, { method: 'lbfgs' });
    expectTypeOf(rq.x).toEqualTypeOf<Tensor>();
    expectTypeOf(rq.preconditioner!.memory!.s).toEqualTypeOf<Tensor[]>();
    const misuse = () =>
      // @ts-expect-error: x0 must be what f takes
      minimize(loss, x);
    expect(typeof misuse).toBe('function');
  });

  it('compareDTypes returns f’s output type and checks the arguments', () => {
    const cmp = compareDTypes((t: Tensor) => np.sum(np.square(t)), [x]);
    expectTypeOf(cmp.float32).toEqualTypeOf<Tensor>();
    expect(cmp.float32.dtype).toBe('float32');
    expect(cmp.float64.item()).toBe(5);
    const pair = compareDTypes((t: Tensor) => [t, 2] as const, [x]);
    expectTypeOf(pair.float64).toEqualTypeOf<readonly [Tensor, 2]>();
    const misuse = () =>
      // @ts-expect-error: f takes one Tensor
      compareDTypes((t: Tensor) => t, [x, x]);
    expect(typeof misuse).toBe('function');
  });

  it('hessianOperator takes f and its arguments without a cast', () => {
    const H = hessianOperator(loss, [p0]);
    expectTypeOf(H).toEqualTypeOf<LinearOperator>();
    expect(H.shape).toEqual([3, 3]);
    const misuse = () =>
      // @ts-expect-error: the primals must be f's arguments
      hessianOperator(loss, [x]);
    expect(typeof misuse).toBe('function');
  });
});
