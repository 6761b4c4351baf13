/**
 * Structured control flow under every transform: `whileLoop` with a traced condition (staged as a
 * `while` primitive: one equation under jit, a batched loop under vmap that runs until every
 * example is done, jvp through it, reverse mode refused) and `scan` with no steps (the final
 * carry and the stacked outputs with a leading axis of 0, shapes found by tracing).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { grad, jit, jvp, np, scan, Tensor, vjp, vmap, whileLoop } from '../../kernel-lib/src';
import { expectClose } from '../helpers/tensors';

const f64 = (v: number | number[]) => np.array(v, 'float64');

/** Halves x until it is at most 1: 20 -> 0.625 in 5 steps; d/dx = 2^-steps. */
const halve = (x: Tensor) =>
  whileLoop(
    (v: Tensor) => np.greater(v, 1),
    (v) => np.div(v, 2),
    x,
  );

/** The same loop counting its steps in an int32 carry entry. */
const counted = (x: Tensor) =>
  whileLoop(
    (s: { n: Tensor; x: Tensor }) => np.greater(s.x, 1),
    (s) => ({ n: np.add(s.n, 1), x: np.div(s.x, 2) }),
    { n: np.array(0, 'int32'), x },
  );

describe('whileLoop with a traced condition', () => {
  it('eagerly and under jit: one while equation, replayed for new values', () => {
    expectClose(halve(f64(20)), 0.625);
    const jitted = jit(halve);
    expectClose(jitted(f64(20)), 0.625);
    expectClose(jitted(f64(100)), 0.78125);
    expectClose(jitted(f64(0.5)), 0.5); // the body never runs
    expect(jitted.cacheSize).toBe(1);
    expect(String(jitted.trace(f64(3)))).toMatch(/= while\[condConsts=0 bodyConsts=0\] v0/);
    // The condition is not probed on a traced carry: the while is the program's only equation.
    expect(jitted.trace(f64(3)).equations.map((e) => e.prim.name)).toEqual(['while']);
    const c = jit(counted)(f64(20));
    expect(c.n.dtype).toBe('int32');
    expect(c.n.item()).toBe(5);
  });

  it('under jit, traced values the loop closes over become inputs of the while', () => {
    const doubleUntil = jit((x: Tensor, limit: Tensor) =>
      whileLoop(
        (v: Tensor) => np.less(v, limit),
        (v) => np.mul(v, 2),
        x,
      ),
    );
    expectClose(doubleUntil(f64(1), f64(10)), 16);
    expectClose(doubleUntil(f64(1), f64(100)), 128);
    expect(String(doubleUntil.trace(f64(1), f64(3)))).toMatch(/while\[condConsts=1 bodyConsts=0\]/);
  });

  it('under vmap: runs until every example is done, each keeping its own carry', () => {
    const xs = f64([20, 0.5, 3]);
    expectClose(vmap(halve)(xs), [0.625, 0.5, 0.75]);
    const out = vmap(counted)(xs);
    expect(Array.from(out.n.dataSync())).toEqual([5, 0, 2]);
    expectClose(out.x, [0.625, 0.5, 0.75]);
    // Batched only through the closure: the unbatched carry is broadcast to the batch.
    const doubleUntil = (limit: Tensor) =>
      whileLoop(
        (v: Tensor) => np.less(v, limit),
        (v) => np.mul(v, 2),
        f64(1),
      );
    expectClose(vmap(doubleUntil)(f64([10, 100, 0.5])), [16, 128, 1]);
    // vmap and jit nest both ways round.
    expect(Array.from(jit(vmap(counted))(xs).n.dataSync())).toEqual([5, 0, 2]);
    expect(Array.from(vmap(jit(counted))(xs).n.dataSync())).toEqual([5, 0, 2]);
  });

  it('jvp differentiates through the loop (eagerly, under jit and vmap)', () => {
    // d(halve)/dx = 2^-5 at 20, 2^-2 at 3, 1 at 0.5 (no step).
    expectClose(jvp(halve, [f64(20)], [f64(1)])[1], 1 / 32);
    const [y, dy] = jvp(jit(halve), [f64(20)], [f64(1)]);
    expectClose(y, 0.625);
    expectClose(dy, 1 / 32);
    expectClose(jit((x: Tensor) => jvp(halve, [x], [np.onesLike(x)])[1])(f64(20)), 1 / 32);
    expectClose(jvp(vmap(halve), [f64([20, 3, 0.5])], [f64([1, 1, 1])])[1], [1 / 32, 1 / 4, 1]);
    // Through a closed-over value: v <- v * a while v < 10 from 1: y = a^k, dy/da = k a^(k-1).
    const power = jit((a: Tensor) =>
      whileLoop(
        (v: Tensor) => np.less(v, 10),
        (v) => np.mul(v, a),
        f64(1),
      ),
    );
    const [p, dp] = jvp(power, [f64(3)], [f64(1)]);
    expectClose(p, 27);
    expectClose(dp, 27);
  });

  it('reverse mode through a staged loop is an error naming fori and scan', () => {
    const message = /whileLoop: reverse-mode differentiation .* Use fori or scan/;
    expect(() => grad(jit(halve))(f64(20))).toThrow(message);
    expect(() => grad((x: Tensor) => np.sum(vmap(halve)(x)))(f64([20, 3]))).toThrow(message);
    expect(() => vjp(jit(halve), [f64(20)])[1](f64(1))).toThrow(message);
    // A known condition is a JavaScript loop, which grad follows.
    expectClose(grad(halve)(f64(20)), 1 / 32);
  });

  it('a staged body must keep the carry’s types and its JS numbers', () => {
    const growing = jit((x: Tensor) =>
      whileLoop(
        (v: Tensor) => np.less(np.sum(v), 10),
        (v) => np.concatenate([v, v]),
        x,
      ),
    );
    expect(() => growing(f64([1]))).toThrow(
      "whileLoop: the body must return the carry's structure, shapes and dtypes: got (float64[2]) for (float64[1])",
    );
    const numbered = jit((x: Tensor) =>
      whileLoop(
        (s: { n: number; x: Tensor }) => np.greater(s.x, 1),
        (s) => ({ n: s.n + 1, x: np.div(s.x, 2) }),
        { n: 0, x },
      ),
    );
    expect(() => numbered(f64(20))).toThrow(
      'whileLoop: the body changes the JS number at carry leaf 0 (0 -> 1)',
    );
  });
});

describe('scan with no steps', () => {
  const step = (c: Tensor, x: Tensor): [Tensor, { doubled: Tensor; total: Tensor }] => [
    np.add(c, np.sum(x)),
    { doubled: np.mul(x, 2), total: np.sum(x) },
  ];

  it('returns the initial carry and outputs with a leading axis of 0', () => {
    const [carry, ys] = scan(step, f64(1.5), np.zeros([0, 3], 'float64'));
    expectTypeOf(ys).toEqualTypeOf<{ doubled: Tensor; total: Tensor }>();
    expectClose(carry, 1.5);
    expect(ys.doubled.shape).toEqual([0, 3]);
    expect(ys.doubled.dtype).toBe('float64');
    expect(ys.total.shape).toEqual([0]);
    const [c2, counts] = scan(
      (c: Tensor) => [np.add(c, 1), np.astype(c, 'int32')],
      f64([0, 0]),
      null,
      { length: 0 },
    );
    expectClose(c2, [0, 0]);
    expect(counts.shape).toEqual([0, 2]);
    expect(counts.dtype).toBe('int32');
  });

  it('under jit, vmap and jvp', () => {
    const ys = jit((xs: Tensor) => scan(step, f64(0), xs)[1].doubled)(np.zeros([0, 3], 'float64'));
    expect(ys.shape).toEqual([0, 3]);
    const batched = vmap((xs: Tensor) => scan(step, f64(0), xs)[1].doubled)(
      np.zeros([4, 0, 3], 'float64'),
    );
    expect(batched.shape).toEqual([4, 0, 3]);
    const [c, dc] = jvp(
      (c0: Tensor) => scan(step, c0, np.zeros([0, 2], 'float64'))[0],
      [f64(2)],
      [f64(1)],
    );
    expectClose(c, 2);
    expectClose(dc, 1);
  });
});
