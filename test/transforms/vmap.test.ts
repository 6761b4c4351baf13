/**
 * vmap: the rule harness under vmap (every primitive's batching rule, or its per-example
 * fallback, against a loop over examples, with each input batched alone, all together, and on a
 * non-leading axis; also the batched JVP and VJP of every differentiable primitive), then the
 * transform's API (inAxes/outAxes pytrees, errors) and its composition with grad.
 */
import { describe, expect, it, vi } from 'vitest';
import { grad, jvp, np, Tensor, valueAndGrad, vjp, vmap } from '../../kernel-lib/src';
import { isFloat } from '../../kernel-lib/src/core/dtype';

import { describeEachCase } from '../rules/each-case';
import { expectClose, expectSameTensors, randn } from '../helpers/tensors';

const BATCH = 3;

/** Example b of a batch: float inputs shifted by 0.01 b (keeps SPD matrices SPD, logs positive). */
const exampleOf = (x: Tensor, b: number) => (isFloat(x.dtype) ? np.add(x, 0.01 * b) : x);

/** A batch of examples of `x`, stacked along `axis`. */
const batchOf = (x: Tensor, axis: number) =>
  np.stack(
    Array.from({ length: BATCH }, (_, b) => exampleOf(x, b)),
    axis,
  );

/** Per-example results of `g`, stacked along 0 leaf by leaf. */
function loop(g: (...xs: Tensor[]) => Tensor[], xs: Tensor[], mapped: boolean[]): Tensor[] {
  const results = Array.from({ length: BATCH }, (_, b) =>
    g(...xs.map((x, i) => (mapped[i] ? exampleOf(x, b) : x))),
  );
  return results[0].map((_, k) =>
    np.stack(
      results.map((r) => r[k]),
      0,
    ),
  );
}

const expectSame = (got: Tensor[], want: Tensor[]) => expectSameTensors(got, want, 1e-12);

describe('vmap runs every primitive as a loop over examples would', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  describeEachCase((c, spec, apply) => {
    const xs = () => c.inputs('float64');
    const n = () => xs().length;

    it(`${c.name}: all inputs batched, then each alone`, () => {
      const inputs = xs();
      const configs = [
        inputs.map(() => true),
        ...inputs.map((_, j) => inputs.map((_, i) => i === j)),
      ];
      for (const mapped of configs) {
        const inAxes = mapped.map((m) => (m ? 0 : null));
        const batched = inputs.map((x, i) => (mapped[i] ? batchOf(x, 0) : x));
        expectSame(vmap(apply, { inAxes })(...batched), loop(apply, inputs, mapped));
      }
    });

    it(`${c.name}: batch axis last in, and out at axis 1 where the output has one`, () => {
      const inputs = xs();
      const inAxes = inputs.map((x) => x.ndim);
      const batched = inputs.map((x) => batchOf(x, x.ndim));
      const want = loop(
        apply,
        inputs,
        inputs.map(() => true),
      );
      const outAxes = want.map((w) => (w.ndim > 1 ? 1 : 0));
      const got = vmap(apply, { inAxes, outAxes })(...batched) as Tensor[];
      const swap01 = (g: Tensor) =>
        np.transpose(g, [1, 0, ...g.shape.slice(2).map((_, k) => k + 2)]);
      const moved = got.map((g, i) => (outAxes[i] === 1 ? swap01(g) : g));
      expectSame(moved, want);
    });

    if (spec.differentiable) {
      it(`${c.name}: batched JVP and VJP equal the per-example ones`, () => {
        const inputs = xs();
        const diff = inputs.map((_, i) => !(spec.integerInputs ?? []).includes(i));
        const tangents = inputs.map((x, i) => (diff[i] ? randn(40 + i, [...x.shape]) : x));
        const jvpOf = (...args: Tensor[]) => {
          const primals = args.slice(0, n());
          const ts = args.slice(n()).map((t, i) => (diff[i] ? t : np.zerosLike(primals[i])));
          return jvp(apply as never, primals, ts)[1] as unknown as Tensor[];
        };
        const all = [...inputs, ...tangents];
        const mapped = all.map(() => true);
        expectSame(vmap(jvpOf)(...all.map((x) => batchOf(x, 0))), loop(jvpOf, all, mapped));

        const outs = apply(...inputs);
        const cts = outs.map((y, k) => randn(60 + k, [...y.shape], y.dtype));
        const vjpOf = (...args: Tensor[]) => {
          const [, pullback] = vjp(apply as never, args.slice(0, n()));
          const got = (pullback as (ct: unknown) => Tensor[])(args.slice(n()));
          return got.filter((_, i) => diff[i]);
        };
        const both = [...inputs, ...cts].filter((x) => isFloat(x.dtype));
        if (both.length === inputs.length + cts.length) {
          expectSame(
            vmap(vjpOf)(...both.map((x) => batchOf(x, 0))),
            loop(
              vjpOf,
              both,
              both.map(() => true),
            ),
          );
        }
      });
    }
  });
  it('says once which primitives fell back to a loop', () => {
    const named = warn.mock.calls.map((call) => String(call[0]));
    // The carriers of user rules loop (their functions are opaque to batching), and so do gathers
    // and scatters whose operand and indices are both batched.
    expect(named.map((m) => m.split(' ')[1]).sort()).toEqual([
      'custom_jvp_call',
      'custom_vjp_call',
      'scatter_add',
      'take',
    ]);
    expect(named.every((m) => m.includes('runs once per example'))).toBe(true);
    expect(new Set(named).size).toBe(named.length);
    warn.mockRestore();
  });
});

describe('vmap API', () => {
  it('maps a dot product over rows', () => {
    const xs = np.array([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const out = vmap((x: Tensor) => np.sum(np.mul(x, x)))(xs);
    expect(out.shape).toEqual([2]);
    expectClose(out, [14, 77]);
  });

  it('takes inAxes per argument and as pytrees, and outAxes as a pytree', () => {
    const w = np.array([1, 2, 3], 'float64');
    const xs = np.array(
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [1, 1, 1],
      ],
      'float64',
    );
    const f = (p: { w: Tensor; b: Tensor }, x: Tensor) => ({
      y: np.add(np.sum(np.mul(p.w, x)), p.b),
      w: p.w,
    });
    const out = vmap(f, { inAxes: [{ w: null, b: null }, 0], outAxes: { y: 0, w: null } })(
      { w, b: np.array(10, 'float64') },
      xs,
    );
    expectClose(out.y, [11, 12, 13, 16]);
    expect(out.w.shape).toEqual([3]);
  });

  it('broadcasts outputs that do not depend on the mapped arguments', () => {
    const out = vmap((_x: Tensor) => np.array([1, 2]))(np.zeros([3])) as Tensor;
    expect(out.shape).toEqual([3, 2]);
    expectClose(out, [1, 2, 1, 2, 1, 2]);
  });

  it('gives per-example gradients: vmap(grad(loss))', () => {
    const w = np.array([0.5, -1, 2], 'float64');
    const xs = randn(1, [5, 3]);
    const ys = randn(2, [5]);
    const loss = (w: Tensor, x: Tensor, y: Tensor) => np.square(np.sub(np.sum(np.mul(w, x)), y));
    const perExample = vmap(grad(loss), { inAxes: [null, 0, 0] })(w, xs, ys) as Tensor;
    expect(perExample.shape).toEqual([5, 3]);
    const rows = Array.from({ length: 5 }, (_, i) =>
      grad(loss)(w, np.take(xs, i, 0), np.take(ys, i, 0)),
    );
    expectClose(perExample, np.stack(rows, 0));
    // Their mean is the gradient of the mean loss.
    const meanLoss = (w: Tensor) => np.mean(vmap(loss, { inAxes: [null, 0, 0] })(w, xs, ys));
    expectClose(np.mean(perExample, 0), grad(meanLoss)(w), 1e-12);
  });

  it('nests: vmap(vmap(f)) maps two axes', () => {
    const x = randn(3, [2, 4, 3]);
    const got = vmap(vmap((v: Tensor) => np.sum(np.exp(v))))(x);
    expectClose(got, np.sum(np.exp(x), 2));
  });

  it('composes under grad and valueAndGrad: grad(sum of vmap(f))', () => {
    const x = randn(4, [6, 2]);
    const f = (v: Tensor) => np.prod(np.sin(v));
    const total = (x: Tensor) => np.sum(vmap(f)(x));
    const [value, g] = valueAndGrad(total)(x);
    const rows = x.toArray() as number[][];
    const want = rows.map(([a, b]) => [Math.cos(a) * Math.sin(b), Math.sin(a) * Math.cos(b)]);
    expectClose(g, want);
    expectClose(
      value,
      rows.reduce((acc, [a, b]) => acc + Math.sin(a) * Math.sin(b), 0),
    );
  });

  it('errors name what is wrong', () => {
    const f = (x: Tensor, y: Tensor) => np.add(x, y);
    expect(() => vmap(f)(np.zeros([3]), np.zeros([4]))).toThrow(
      'vmap: mapped axes have different sizes: [3] axis 0, [4] axis 0',
    );
    expect(() => vmap(f, { inAxes: [null, null] })(np.zeros([3]), np.zeros([3]))).toThrow(
      'vmap: no argument is mapped',
    );
    expect(() => vmap(f, { inAxes: [0] })(np.zeros([3]), np.zeros([3]))).toThrow(
      'vmap: inAxes has 1 entries but the function got 2 arguments',
    );
    expect(() => vmap((x: Tensor) => x.item())(np.zeros([3]))).toThrow(
      'vmap: cannot read the values of a batched tensor (per-example shape [], 3 examples)',
    );
    expect(() => vmap(f, { outAxes: null })(np.zeros([3]), np.zeros([3]))).toThrow(
      'its outAxes entry cannot be null',
    );
  });

  it('axis errors name the spec, the argument or output and its shape', () => {
    const f = (x: Tensor, y: Tensor) => np.add(x, y);
    expect(() => vmap(f, { inAxes: [0, 2] })(np.zeros([3, 2]), np.zeros([3, 2]))).toThrow(
      'vmap: inAxes[1] = 2 is out of bounds for an argument of shape [3,2]',
    );
    expect(() => vmap((x: Tensor, n: number) => np.mul(x, n))(np.zeros([3]), 2)).toThrow(
      'vmap: inAxes[1] = 0 is out of bounds for an argument of shape []',
    );
    expect(() => vmap((x: Tensor) => [x, x], { outAxes: [0, 3] })(np.zeros([3, 2]))).toThrow(
      'vmap: outAxes[1] = 3 is out of bounds for output 1 of shape [3,2] (batch axis included)',
    );
  });
});
