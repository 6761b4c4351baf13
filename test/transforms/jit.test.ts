/**
 * jit: the rule harness under jit (every primitive's value replayed from a traced program equals
 * the eager value bit for bit; its JVP and VJP traced inside jit, and jit inside jvp and vjp,
 * equal the eager ones), then caching, static arguments, composition with grad/vmap/hvp, custom
 * rules, structured control flow, and the errors for data-dependent Python-style control flow.
 */
import { describe, expect, it } from 'vitest';
import {
  ConcretizationError,
  cond,
  customJvp,
  evalShape,
  fori,
  grad,
  hessian,
  hvp,
  jit,
  jvp,
  makeGraph,
  nn,
  np,
  scan,
  Tensor,
  vjp,
  vmap,
  whileLoop,
} from '../../kernel-lib/src';
import { bind } from '../../kernel-lib/src/core/trace';
import { cpuBackend } from '../../kernel-lib/src/backends/cpu';
import { wasmBackend } from '../../kernel-lib/src/backends/wasm';
import { isFloat } from '../../kernel-lib/src/core/dtype';
import { primitives } from '../../kernel-lib/src/primitives';
import { on } from '../helpers/backends';
import { describeEachCase } from '../rules/each-case';
import { expectClose, expectSameTensors, randn } from '../helpers/tensors';

const expectSame = expectSameTensors;

describe('jit replays every primitive as eager execution computes it', () => {
  describeEachCase((c, spec, apply) => {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${c.name} ${dtype}: value, traced once, replayed twice`, () => {
        const xs = c.inputs(dtype);
        const jitted = jit(apply);
        expectSame(jitted(...xs) as Tensor[], apply(...xs));
        expectSame(jitted(...xs) as Tensor[], apply(...xs));
        expect(jitted.cacheSize).toBe(1);
      });
    }
    if (spec.differentiable) {
      it(`${c.name}: jit(jvp), jvp(jit), jit(vjp) and vjp(jit) equal the eager ones`, () => {
        const xs = c.inputs('float64');
        const diff = xs.map((x, i) => isFloat(x.dtype) && !(spec.integerInputs ?? []).includes(i));
        const ts = xs.map((x, i) => (diff[i] ? randn(30 + i, [...x.shape]) : np.zerosLike(x)));
        const tangentOf =
          (g: typeof apply) =>
          (...args: Tensor[]) =>
            jvp(
              g as never,
              args.slice(0, xs.length),
              args.slice(xs.length),
            )[1] as unknown as Tensor[];
        const eagerJvp = tangentOf(apply)(...xs, ...ts);
        expectSame(jit(tangentOf(apply))(...xs, ...ts) as Tensor[], eagerJvp, 1e-12);
        expectSame(tangentOf(jit(apply) as typeof apply)(...xs, ...ts), eagerJvp, 1e-12);

        const outs = apply(...xs);
        const cts = outs.map((y, k) => randn(50 + k, [...y.shape], y.dtype));
        const pull =
          (g: typeof apply) =>
          (...args: Tensor[]) => {
            const [, pullback] = vjp(g as never, args.slice(0, xs.length));
            const got = (pullback as (ct: unknown) => (Tensor | null)[])(args.slice(xs.length));
            return got.filter((_, i) => diff[i]) as Tensor[];
          };
        const eagerVjp = pull(apply)(...xs, ...cts);
        expectSame(jit(pull(apply))(...xs, ...cts) as Tensor[], eagerVjp, 1e-12);
        expectSame(pull(jit(apply) as typeof apply)(...xs, ...cts), eagerVjp, 1e-12);
      });
    }
  });
});

const mlpLoss = (p: { w1: Tensor; w2: Tensor }, x: Tensor, y: Tensor) => {
  const h = np.tanh(np.matmul(x, p.w1));
  return np.mean(np.square(np.sub(np.matmul(h, p.w2), y)));
};
const params = () => ({ w1: randn(1, [4, 8]), w2: randn(2, [8, 1]) });

describe('jit API', () => {
  it('traces once per signature and replays', () => {
    let traces = 0;
    const f = jit((x: Tensor) => {
      traces += 1;
      return np.sum(np.exp(x));
    });
    f(np.array([1, 2], 'float64'));
    f(np.array([3, 4], 'float64'));
    expect(traces).toBe(1);
    f(np.array([1, 2, 3], 'float64')); // new shape
    f(np.array([1, 2], 'float32')); // new dtype
    expect(traces).toBe(3);
    expect(f.cacheSize).toBe(3);
    expectClose(f(np.array([0, 1], 'float64')), 1 + Math.E, 1e-15);
  });

  it('keys static arguments by value and traces numbers as scalars', () => {
    let traces = 0;
    const f = jit(
      (x: Tensor, n: number, mode: string) => {
        traces += 1;
        return mode === 'sum' ? np.mul(np.sum(x), n) : np.mul(np.max(x), n);
      },
      { staticArgnums: [1, 2] },
    );
    const x = np.array([1, 5, 2], 'float64');
    expectClose(f(x, 2, 'sum'), 16);
    expectClose(f(x, 2, 'max'), 10);
    expectClose(f(x, 3, 'max'), 15);
    expect(traces).toBe(3);
    f(x, 3, 'max');
    expect(traces).toBe(3);
  });

  it('tells apart static values that JSON would merge (non-finite numbers, functions, undefined)', () => {
    const x = np.array([1, 2], 'float64');
    const bound = jit((x: Tensor, b: number) => np.minimum(x, b), { staticArgnums: 1 });
    expectClose(bound(x, Infinity), [1, 2]);
    expectClose(bound(x, -Infinity), [-Infinity, -Infinity]);
    expectClose(bound(x, NaN), [NaN, NaN]);
    expect(bound.cacheSize).toBe(3);
    const act = jit((x: Tensor, o: { act: (t: Tensor) => Tensor }) => o.act(x), {
      staticArgnums: 1,
    });
    expectClose(act(x, { act: np.tanh }), np.tanh(x));
    expectClose(act(x, { act: np.exp }), np.exp(x));
    const marker = jit((x: Tensor, s: unknown) => (s === undefined ? np.exp(x) : np.tanh(x)), {
      staticArgnums: 1,
    });
    expectClose(marker(x, undefined), np.exp(x));
    expectClose(marker(x, '<undefined>'), np.tanh(x));
    expectClose(marker(x, { a: undefined }), np.tanh(x));
    expectClose(marker(x, {}), np.tanh(x));
    expect(marker.cacheSize).toBe(4);
  });

  it('shows its program as text and as a graph', () => {
    const f = jit((x: Tensor) => np.mul(np.sin(x), 2));
    const program = f.trace(np.array([1, 2, 3]));
    const text = String(program);
    expect(text).toContain('sin');
    expect(text).toContain('v0:f32[3]');
    expect(program.equations.map((e) => e.prim.name)).toEqual(['sin', 'mul']);
    const graph = makeGraph(f)(np.array([1, 2, 3]));
    expect(graph.primitiveCounts()).toMatchObject({ sin: 1, mul: 1 });
  });

  it('composes both ways with grad, with vmap, and with hvp', () => {
    const p = params();
    const x = randn(3, [16, 4]);
    const y = randn(4, [16, 1]);
    const eager = grad(mlpLoss)(p, x, y);
    const outer = jit(grad(mlpLoss));
    expectClose(outer(p, x, y).w1, eager.w1, 1e-12);
    expectClose(grad(jit(mlpLoss))(p, x, y).w2, eager.w2, 1e-12);
    const perExample = jit(vmap(grad(mlpLoss), { inAxes: [null, 0, 0] }));
    const g = perExample(p, x, y);
    expect(g.w1.shape).toEqual([16, 4, 8]);
    expectClose(np.mean(g.w1, 0), eager.w1, 1e-12);
    const v = { w1: randn(5, [4, 8]), w2: randn(6, [8, 1]) };
    const hv = hvp((q: typeof p) => mlpLoss(q, x, y), [p], [v]);
    const hvJit = jit((q: typeof p, u: typeof p) =>
      hvp((r: typeof p) => mlpLoss(r, x, y), [q], [u]),
    );
    expectClose(hvJit(p, v).w1, hv.w1, 1e-12);
    expect(outer.lastCompileMs).toBeGreaterThan(0);
  });

  it('maps a jitted function and jits a dense Hessian', () => {
    const f = jit((x: Tensor) => np.sum(np.sin(x)));
    const xs = np.array(
      [
        [1, 2],
        [3, 4],
      ],
      'float64',
    );
    expect(Array.from((vmap(f)(xs) as Tensor).dataSync())).toEqual([
      Math.sin(1) + Math.sin(2),
      Math.sin(3) + Math.sin(4),
    ]);
    const h = jit(hessian((x: Tensor) => np.sum(np.pow(x, 3))));
    expect(Array.from((h(np.array([1, 2], 'float64')) as Tensor).dataSync())).toEqual([
      6, 0, 0, 12,
    ]);
  });

  it('gives custom rules real shape rules: customJvp under jit', () => {
    const safeLog = customJvp(
      (x: Tensor) => np.log(x),
      ([x], [dx]) => [np.log(x), np.div(dx, x)],
    );
    const f = jit((x: Tensor) => np.sum(safeLog(x)));
    expectClose(f(np.array([1, Math.E], 'float64')), 1, 1e-15);
    expectClose(grad(f)(np.array([2, 4], 'float64')), [0.5, 0.25], 1e-15);
    expect(evalShape((x) => np.matmul(x, x), [{ shape: [3, 3], dtype: 'float32' }])).toEqual([
      { shape: [3, 3], dtype: 'float32' },
    ]);
  });

  it('works with negative take indices, known or traced', () => {
    const x = np.array([10, 20, 30], 'float64');
    expectClose(jit((x: Tensor) => np.take(x, [-1, 0]))(x), [30, 10]);
    expectClose(jit((x: Tensor, i: Tensor) => np.take(x, i))(x, np.array([-2], 'int32')), [20]);
  });

  it('names the value when a function branches on data, and offers cond', () => {
    const branchy = (x: Tensor) => (np.sum(x).item() > 0 ? np.log(x) : x);
    expect(() => jit(branchy)(np.array([1, 2]))).toThrow(ConcretizationError);
    expect(() => jit(branchy)(np.array([1, 2]))).toThrow(
      'jit: the value of a traced tensor (float32[]) is not known while tracing',
    );
    const withCond = jit((x: Tensor) =>
      cond(
        np.greater(np.sum(x), 0),
        (v: Tensor) => np.log(v),
        (v: Tensor) => v,
        x,
      ),
    );
    expectClose(withCond(np.array([1, Math.E], 'float64')), [0, 1], 1e-15);
    expectClose(withCond(np.array([-1, -2], 'float64')), [-1, -2]);
    // A numeric predicate means `pred != 0`, traced as eagerly (not where's bool-only error).
    const numeric = (x: Tensor) => cond(np.sum(x), (v: Tensor) => np.mul(v, 2), np.neg, x);
    expectClose(jit(numeric)(np.array([1, 2], 'float64')), numeric(np.array([1, 2], 'float64')));
    expectClose(jit(numeric)(np.array([1, -1], 'float64')), [-1, 1]);
    // Eagerly, only the chosen branch runs (so its gradient is the branch's).
    expectClose(
      grad((x: Tensor) => np.sum(cond(np.greater(x.sum(), 0), np.exp, np.sin, x)))(
        np.array([0.5], 'float64'),
      ),
      [Math.exp(0.5)],
      1e-15,
    );
    expect(() =>
      cond(
        np.greater(np.sum(np.array([1])), 0),
        () => np.zeros([2]),
        () => np.zeros([3]),
      ),
    ).not.toThrow();
  });

  it('checks that cond branches agree under jit', () => {
    const bad = jit((x: Tensor) =>
      cond(
        np.greater(np.sum(x), 0),
        () => np.zeros([2]),
        () => np.zeros([3]),
      ),
    );
    expect(() => bad(np.array([1]))).toThrow(
      'cond: the branches return different types: (float32[2]) and (float32[3])',
    );
  });

  it('loops: fori and scan unroll under jit, whileLoop is staged', () => {
    const powers = jit((x: Tensor) =>
      fori(0, 3, (_i, acc: Tensor) => np.mul(acc, x), np.onesLike(x)),
    );
    expectClose(powers(np.array([2, 3], 'float64')), [8, 27]);
    const [total, partial] = scan(
      (c: Tensor, x: Tensor) => [np.add(c, x), c],
      np.array(0, 'float64'),
      np.array([1, 2, 3], 'float64'),
    );
    expectClose(total, 6);
    expectClose(partial, [0, 1, 3]);
    const cumsum = jit(
      (xs: Tensor) =>
        scan(
          (c: Tensor, x: Tensor) => [np.add(c, x), np.add(c, x)],
          np.zerosLike(np.take(xs, 0)),
          xs,
        )[1],
    );
    expectClose(cumsum(np.array([1, 2, 3, 4], 'float64')), [1, 3, 6, 10]);
    expect(() => scan((c: Tensor) => [c, c], np.array(0), null)).toThrow(
      'scan: xs is null, so pass the number of steps as { length }',
    );
    const halvings = whileLoop(
      (s: { n: number; x: Tensor }) => np.greater(s.x, 1),
      (s) => ({ n: s.n + 1, x: np.div(s.x, 2) }),
      { n: 0, x: np.array(20, 'float64') },
    );
    expect(halvings.n).toBe(5);
    const traced = jit((x: Tensor) =>
      whileLoop(
        (v: Tensor) => np.greater(v, 1),
        (v) => np.div(v, 2),
        x,
      ),
    );
    // A traced condition stages the loop as one while primitive (test/transforms/control-flow.test.ts).
    expectClose(traced(np.array(20)), 0.625);
  });

  it('prints traced values instead of failing', () => {
    let printed = '';
    jit((x: Tensor) => {
      printed = String(x);
      return x;
    })(np.zeros([2, 3]));
    expect(printed).toBe('Traced<float32[2,3]>');
  });
});

describe('jit fuses elementwise chains', () => {
  const chain = (x: Tensor) => np.add(np.mul(np.tanh(x), x), np.exp(np.neg(x)));
  const onCpu = <T>(fn: () => T): T => on(cpuBackend, fn);
  for (const dtype of ['float32', 'float64'] as const) {
    it(`tanh(x)*x + exp(-x) in ${dtype}: one fused step on cpu, bit-identical to eager`, () => {
      const x = randn(7, [5000], dtype);
      // x lies on the default backend (wasm: float32 polynomials under jit's default policy)
      const f = jit(chain, { transcendentals: 'exact' });
      onCpu(() => {
        const steps = f.trace(x).steps();
        expect(steps.length).toBe(1);
        expect(steps[0]).toMatchObject({ fused: true, size: 5 });
        expect(Array.from((f(x) as Tensor).dataSync())).toEqual(Array.from(chain(x).dataSync()));
      });
      expect(Array.from((f(x) as Tensor).dataSync())).toEqual(Array.from(chain(x).dataSync()));
    });
  }

  it('leaves the ops a backend runs natively (wasm SIMD exp, tanh) to its kernels', () => {
    if (!wasmBackend) return;
    const steps = on(wasmBackend, () =>
      jit(chain)
        .trace(randn(7, [5000], 'float32'))
        .steps(),
    );
    // mul folds into add; tanh, exp (native) and neg (read by exp, native) stay kernels.
    const kind = (s: (typeof steps)[number]) =>
      'fused' in s ? `fused${s.size}` : 'prim' in s ? s.prim.name : 'matmulT';
    expect(steps.map(kind)).toEqual(['tanh', 'neg', 'exp', 'fused2']);
  });

  it('fuses pairs of every elementwise primitive as eager computes them', () => {
    const names = [
      'exp',
      'log',
      'log1p',
      'expm1',
      'sin',
      'cos',
      'tan',
      'tanh',
      'logistic',
      'sqrt',
      'abs',
      'neg',
      'sign',
      'floor',
    ];
    const x = randn(8, [64], 'float32');
    const byName = Object.fromEntries(Object.values(primitives).map((p) => [p.name, p]));
    for (const a of names) {
      for (const b of names) {
        const g = (v: Tensor) =>
          np.mul(bind(byName[b], [bind(byName[a], [v])[0]])[0], np.add(v, 0.5));
        const steps = jit(g).trace(x).steps();
        expect(steps.filter((s) => 'fused' in s).length, `${a} then ${b}`).toBe(1);
        expect(Array.from((jit(g)(x) as Tensor).dataSync()), `${a} then ${b}`).toEqual(
          Array.from(g(x).dataSync()),
        );
      }
    }
  });

  it('keeps values that are read twice or returned, broadcasts inputs, and selects with where', () => {
    const x = randn(9, [3, 4]);
    const b = randn(10, [4]);
    const f = (x: Tensor, b: Tensor) => {
      const y = np.exp(np.add(x, b)); // read three times below: materialized (add folds in)
      const z = np.where(np.greater(x, 0), np.mul(y, y), np.sub(y, 1));
      return [np.sin(z), np.mul(np.sin(z), 2)];
    };
    const jf = jit(f);
    const steps = onCpu(() => jf.trace(x, b).steps());
    // exp(add); where(greater, mul, sub) with the bool folded in; sin is read twice
    expect(steps.filter((s) => 'fused' in s).map((s) => (s as { size: number }).size)).toEqual([
      2, 4, 2,
    ]);
    const got = jf(x, b) as Tensor[];
    const want = f(x, b);
    got.forEach((g, i) => expect(Array.from(g.dataSync())).toEqual(Array.from(want[i].dataSync())));
  });

  it("recomputes relu's mask in each reader, forward and backward, instead of storing it", () => {
    const x = randn(12, [5, 7], 'float32');
    const w = randn(13, [7, 7], 'float32');
    const f = (v: Tensor) => np.sum(np.mul(nn.relu(np.matmul(x, v)), 1.5));
    const g = jit(grad(f));
    const names = onCpu(() =>
      g
        .trace(w)
        .steps()
        .map((s) => ('prim' in s ? s.prim.name : 'fused')),
    );
    expect(names).not.toContain('less_equal');
    expect(Array.from((g(w) as Tensor).dataSync())).toEqual(Array.from(grad(f)(w).dataSync()));
  });

  it('rounds each fused value to its own dtype (a float32 sum compared as float32)', () => {
    // 1 + 1e-8 is 1 in float32: the comparison must not see the float64 sum
    const a = np.array([1, 1, 2], 'float32');
    const b = np.array([1e-8, 1, -1e-8], 'float32');
    const f = (p: Tensor, q: Tensor) => np.greater(np.add(p, q), 1); // a bool chain
    const jf = jit(f);
    expect(onCpu(() => jf.trace(a, b).steps()).every((s) => 'fused' in s)).toBe(true);
    expect(Array.from((jf(a, b) as Tensor).dataSync())).toEqual([0, 1, 1]);
    expect(Array.from(f(a, b).dataSync())).toEqual([0, 1, 1]);
  });

  it('runs the unfused equations under transforms (makeGraph sees every primitive)', () => {
    const x = randn(11, [6]);
    expect(makeGraph(jit(chain))(x).primitiveCounts()).toMatchObject({
      tanh: 1,
      mul: 1,
      neg: 1,
      exp: 1,
      add: 1,
    });
    expectClose(
      grad((v: Tensor) => np.sum(jit(chain)(v) as Tensor))(x),
      grad((v: Tensor) => np.sum(chain(v)))(x),
      1e-15,
    );
  });
});
