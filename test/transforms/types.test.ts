/**
 * The transforms' types: compiled by `npm run typecheck` (each `@ts-expect-error` line must be an
 * error, or the build fails) and run by vitest so the typed calls also give the typed values.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  grad,
  hessian,
  hvp,
  jacfwd,
  jacrev,
  jvp,
  nn,
  np,
  Tensor,
  valueAndGrad,
  vjp,
} from '../../kernel-lib/src';

interface Params {
  w: Tensor;
  b: Tensor;
}
const p0: Params = { w: np.array([0.5, -1], 'float64'), b: np.array(0.25, 'float64') };
const x = np.array([1, 2], 'float64');
const loss = (p: Params, data: Tensor) => np.sum(np.square(np.add(np.mul(p.w, data), p.b)));

describe('typed transforms', () => {
  it('grad(f) takes f’s parameters and returns the differentiated argument’s type', () => {
    const g = grad(loss)(p0, x);
    expectTypeOf(g).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    expect(g.w.shape).toEqual([2]);
    // @ts-expect-error: a pytree gradient is not a Tensor
    const bad: Tensor = grad(loss)(p0, x);
    expect(bad).toBeDefined();
    // Checked by the compiler only (at run time 3 would broadcast as data).
    const misuse = () =>
      // @ts-expect-error: one argument too many
      grad(loss)(p0, 3, 'x');
    expect(typeof misuse).toBe('function');
    const single = grad((t: Tensor) => np.sum(np.sin(t)))(x);
    expectTypeOf(single).toEqualTypeOf<Tensor>();
    expect(single.item).toBeDefined();
  });
  it('argnums picks arguments by position; a list gives a tuple', () => {
    const gData = grad(loss, { argnums: 1 })(p0, x);
    expectTypeOf(gData).toEqualTypeOf<Tensor>();
    const [gp, gx] = grad(loss, { argnums: [0, 1] })(p0, x);
    expectTypeOf(gp).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    expectTypeOf(gx).toEqualTypeOf<Tensor>();
    expect(gx.shape).toEqual([2]);
  });
  it('hasAux returns [grad, aux] with aux’s own type; valueAndGrad returns [value, grad]', () => {
    const withAux = (t: Tensor) => [np.sum(np.square(t)), { norm: 3 }] as const;
    const [g, aux] = grad(withAux, { hasAux: true })(x);
    expectTypeOf(g).toEqualTypeOf<Tensor>();
    expectTypeOf(aux).toEqualTypeOf<{ readonly norm: 3 }>();
    expect(aux.norm).toBe(3);
    const [value, gv] = valueAndGrad(loss)(p0, x);
    expectTypeOf(value).toEqualTypeOf<Tensor>();
    expectTypeOf(gv).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
  });
  it('vjp, jvp, jacobians, hessian and hvp keep structures', () => {
    const [y, pullback] = vjp(loss, [p0, x]);
    expectTypeOf(y).toEqualTypeOf<Tensor>();
    const [gp, gx] = pullback(np.onesLike(y));
    expectTypeOf(gp).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    expectTypeOf(gx).toEqualTypeOf<Tensor>();
    const [out, tangent] = jvp(nn.softmax, [x], [np.onesLike(x)]);
    expectTypeOf(out).toEqualTypeOf<Tensor>();
    expectTypeOf(tangent).toEqualTypeOf<Tensor>();
    expectTypeOf(jacfwd(nn.softmax)(x)).toEqualTypeOf<Tensor>();
    expectTypeOf(jacrev(loss)(p0, x)).toEqualTypeOf<{ w: Tensor; b: Tensor }>();
    const h = hessian((t: Tensor) => np.sum(np.pow(t, 3)))(x);
    expectTypeOf(h).toEqualTypeOf<Tensor>();
    expect(h.shape).toEqual([2, 2]);
    const hv = hvp((t: Tensor) => np.sum(np.pow(t, 3)), [x], [x]);
    expectTypeOf(hv).toEqualTypeOf<Tensor>();
    expect(hv.toArray()).toEqual([6, 24]);
  });
});
