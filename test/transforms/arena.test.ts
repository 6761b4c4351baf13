/**
 * jit's buffer plan and the wasm arena: intermediates get slots by liveness (disjoint lifetimes
 * share, overlapping ones never do), wasm kernels read and write them in place, outputs are
 * copied out of the arena, and results stay bit-identical to eager execution, also when memory
 * grows in the middle of a run and when a program runs inside another's step.
 */
import { describe, expect, it, vi } from 'vitest';
import { jit, nn, np, valueAndGrad, vjp, whileLoop } from '../../kernel-lib/src';
import type { Tensor } from '../../kernel-lib/src';
import type { Aval } from '../../kernel-lib/src/core/primitive';
import { ConcreteTensor } from '../../kernel-lib/src/core/tensor';
import { createWasmBackend, wasmBackend } from '../../kernel-lib/src/backends/wasm';
import { ResidentStorage, WasmArena } from '../../kernel-lib/src/backends/wasm/arena';
import { primitives } from '../../kernel-lib/src/primitives';
import { planBuffers } from '../../kernel-lib/src/transforms/buffer-plan';
import type { Equation } from '../../kernel-lib/src/transforms/program';
import { expectSameTensors, randn } from '../helpers/tensors';
import { describeEachCase } from '../rules/each-case';
import { isFloat } from '../../kernel-lib/src/core/dtype';
import { on } from '../helpers/backends';

const wasm = createWasmBackend({ elementwise: 0, matmul: 0 });
const suite = wasm ? describe : describe.skip;
const arena = wasm?.arena as WasmArena;
/** jit with the exact transcendentals: bit-identical to eager (the polynomial policy is not). */
const exactJit = <F extends (...args: never[]) => unknown>(f: F) =>
  jit(f, { transcendentals: 'exact' });
if (!wasm) console.log('arena tests skipped: dist/kernels.wasm is not built');

const seq = (n: number, scale: number, phase = 0.3) =>
  Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + phase) * scale);
const tensor = (shape: number[], scale = 1, phase = 0.3) =>
  np.reshape(
    np.array(
      seq(
        shape.reduce((a, b) => a * b, 1),
        scale,
        phase,
      ),
      'float32',
    ),
    shape,
  );

/** A pseudo-random generator (a linear congruential one), for reproducible random programs. */
function lcg(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

describe('planBuffers', () => {
  it('gives two intermediates with disjoint lifetimes one slot, overlapping ones two', () => {
    // v1 = exp v0; v2 = exp v1; v3 = exp v2 (output): v1 dies at step 1, v3 is born at step 2
    const avals: Aval[] = [0, 1, 2, 3].map(() => ({ shape: [100], dtype: 'float32' }));
    const eq = (i: number): Equation => ({
      prim: primitives.exp,
      inputs: [{ variable: i }],
      params: {},
      outputs: [i + 1],
    });
    const plan = planBuffers([eq(0), eq(1), eq(2)], [{ variable: 3 }], avals);
    const [s1, s2, s3] = plan.slots;
    expect(s3!.offset).toBe(s1!.offset);
    expect(s2!.offset).not.toBe(s1!.offset);
    expect(s1!.bytes).toBe(400);
    expect(plan.bytes).toBe(800);
  });

  it('never lets values that are alive together overlap, on random programs', () => {
    const sizes = [1, 7, 16, 100, 256, 1000, 5000]; // 5000 floats: inputs read twice are adopted
    let seedsWithAdoption = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const rand = lcg(seed);
      const nIn = 1 + rand(3);
      const nSteps = 5 + rand(30);
      const avals: Aval[] = [];
      for (let v = 0; v < nIn + nSteps; v++)
        avals.push({ shape: [sizes[rand(sizes.length)]], dtype: rand(4) ? 'float32' : 'float64' });
      const steps: Equation[] = [];
      for (let i = 0; i < nSteps; i++) {
        const v = nIn + i;
        const reads = [rand(v), rand(v)];
        steps.push({
          prim: primitives.add,
          inputs: reads.map((r) => ({ variable: r })),
          params: {},
          outputs: [v],
        });
      }
      const outputs = [{ variable: nIn + nSteps - 1 }, { variable: nIn + rand(nSteps) }];
      const plan = planBuffers(steps, outputs, avals);
      const last = new Map<number, number>();
      steps.forEach((s, i) => s.inputs.forEach((a) => 'variable' in a && last.set(a.variable, i)));
      outputs.forEach((a) => last.set(a.variable, nSteps));
      const stepsLive = plan.slots.map((slot, i) => ({
        slot: slot!,
        from: i,
        to: last.get(nIn + i) ?? i,
      }));
      const live = [
        ...plan.adopted.map(({ atom, slot }) => {
          const v = (atom as { variable: number }).variable;
          return { slot, from: 0, to: last.get(v)! };
        }),
        ...stepsLive,
      ];
      seedsWithAdoption += plan.adopted.length > 0 ? 1 : 0;
      for (const a of live) expect(a.slot.offset + a.slot.bytes).toBeLessThanOrEqual(plan.bytes);
      for (let i = 0; i < live.length; i++)
        for (let j = i + 1; j < live.length; j++) {
          const [a, b] = [live[i], live[j]];
          const together = a.from <= b.to && b.from <= a.to;
          const overlap =
            a.slot.offset < b.slot.offset + b.slot.bytes &&
            b.slot.offset < a.slot.offset + a.slot.bytes;
          expect(together && overlap, `seed ${seed}: values ${i} and ${j}`).toBe(false);
        }
    }
    expect(seedsWithAdoption).toBeGreaterThan(0);
  });
});

suite('jit on the wasm arena', () => {
  const mlpLoss = (ps: Tensor[], x: Tensor, y: Tensor) => {
    const [w1, b1, w2, b2] = ps;
    const h = nn.relu(np.add(np.matmul(x, w1), b1));
    return nn.softmaxCrossEntropy(np.add(np.matmul(h, w2), b2), y);
  };
  const step = (ps: Tensor[], x: Tensor, y: Tensor) => {
    const [loss, grads] = valueAndGrad((p: Tensor[]) => mlpLoss(p, x, y))(ps) as [Tensor, Tensor[]];
    return [loss, ps.map((p, i) => np.sub(p, np.mul(grads[i], 0.1)))];
  };
  const mlpInputs = () => {
    const ps = [tensor([20, 16], 0.3), tensor([16], 0.1), tensor([16, 5], 0.4), tensor([5], 0.1)];
    const x = tensor([8, 20], 1, 0.9);
    const y = nn.oneHot(np.array([0, 1, 2, 3, 4, 0, 1, 2], 'int32'), 5);
    return { ps, x, y };
  };
  const flat = (out: unknown) => [
    (out as [Tensor, Tensor[]])[0],
    ...(out as [Tensor, Tensor[]])[1],
  ];

  for (const [label, backend] of [
    ['thresholds 0', wasm],
    ['default thresholds', wasmBackend],
    [
      'every matmul split over two threads',
      createWasmBackend({ elementwise: 0, matmul: 0, threads: 0 }),
    ],
  ] as const)
    it(`an MLP step under jit equals eager bit for bit (${label})`, () =>
      on(backend!, () => {
        const { ps, x, y } = mlpInputs();
        const jitted = exactJit(step);
        const eager = flat(step(ps, x, y));
        expectSameTensors(flat(jitted(ps, x, y)), eager);
        expectSameTensors(flat(jitted(ps, x, y)), eager);
        if (label === 'thresholds 0')
          expect(jitted.trace(ps, x, y).bufferPlan().bytes).toBeGreaterThan(0);
      }));

  it('keeps intermediates in the arena and returns outputs copied out of it', () =>
    on(wasm!, () => {
      const f = exactJit((a: Tensor, b: Tensor) => {
        const t = np.exp(np.matmul(a, b)); // matmul and exp: wasm kernels, t resident
        return [np.add(t, 1), np.reshape(t, [-1])];
      });
      const a = tensor([6, 7]);
      const b = tensor([7, 5], 0.5);
      const results = vi.spyOn(arena, 'result');
      const first = f(a, b) as Tensor[];
      const resident = results.mock.results.filter((r) => r.value instanceof ResidentStorage);
      results.mockRestore();
      expect(resident.length).toBeGreaterThanOrEqual(2); // matmul's and exp's results
      const want = first.map((t) => t.toArray());
      for (const y of first)
        expect((y as ConcreteTensor).storage).not.toBeInstanceOf(ResidentStorage);
      // a second run reuses the frame: the first run's outputs must not change
      f(tensor([6, 7], 2, 1.1), b);
      expect(first.map((t) => t.toArray())).toEqual(want);
      expectSameTensors(first, [
        np.add(np.exp(np.matmul(a, b)), 1),
        np.reshape(np.exp(np.matmul(a, b)), [-1]),
      ]);
    }));

  it('copies an input read by several kernels into the frame once, not once per kernel', () =>
    on(wasm!, () => {
      const x = tensor([64, 128], 0.5);
      const f = exactJit((a: Tensor) => np.add(np.matmul(a, np.matrixTranspose(a)), np.sum(a)));
      expect(f.trace(x).bufferPlan().adopted).toHaveLength(1);
      const puts = vi.spyOn(arena.w, 'put');
      const got = f(x) as Tensor;
      const copies = puts.mock.calls.filter(([d]) => d.length === 64 * 128).length;
      puts.mockRestore();
      expect(copies).toBe(0); // adopted: read in place by the matmul and the sum
      expectSameTensors([got], [np.add(np.matmul(x, np.matrixTranspose(x)), np.sum(x))]);
    }));

  it('re-derives its views when memory grows in the middle of a run', () =>
    on(wasm!, () => {
      const memory = (wasm as unknown as { arena: { w: { memory: { buffer: ArrayBuffer } } } })
        .arena.w.memory;
      const before = memory.buffer.byteLength;
      // `t` is resident when the big operand is copied into scratch, which grows memory
      const n = Math.ceil(before / 4 / 64) + 64;
      const f = exactJit((a: Tensor, big: Tensor) => {
        const t = np.mul(a, 3);
        const u = np.transpose(t); // a TypeScript kernel: reads t through a view, before the growth
        const s = np.sum(np.mul(big, 2), 1);
        // read after the growth by a wasm kernel (exp) and a TypeScript one (transpose)
        return [np.add(np.exp(t), np.reshape(s, [64, 1])), u, np.transpose(t)];
      });
      const a = tensor([64, 4]);
      const big = tensor([64, n], 0.01);
      const got = f(a, big) as Tensor[];
      expect(memory.buffer.byteLength).toBeGreaterThan(before);
      const t = np.mul(a, 3);
      const s = np.reshape(np.sum(np.mul(big, 2), 1), [64, 1]);
      expectSameTensors(got, [np.add(np.exp(t), s), np.transpose(t), np.transpose(t)]);
    }));

  it("runs a program inside another one's step (a staged loop's body) in a frame of its own", () =>
    on(wasm!, () => {
      const w = tensor([6, 6], 0.4);
      type Carry = { i: Tensor; x: Tensor };
      const loop = (x0: Tensor) =>
        whileLoop(
          (s: Carry) => np.less(s.i, 4),
          (s: Carry) => ({ i: np.add(s.i, 1), x: np.tanh(np.matmul(np.mul(s.x, 0.5), w)) }),
          { i: np.array(0), x: np.exp(x0) },
        ).x;
      const f = (x: Tensor) => np.add(loop(x), np.mul(x, 2));
      const x = tensor([3, 6]);
      const jitted = exactJit(f);
      expect(String(jitted.trace(x))).toContain('while');
      expectSameTensors([jitted(x) as Tensor], [f(x)]);
      expectSameTensors([jitted(x) as Tensor], [f(x)]);
    }));

  it('runs a jitted function called from another jitted function', () =>
    on(wasm!, () => {
      const inner = exactJit((a: Tensor) => np.exp(np.matmul(a, a)));
      const outer = exactJit((a: Tensor) =>
        np.add(inner(np.mul(a, 0.3)) as Tensor, inner(a) as Tensor),
      );
      const a = tensor([5, 5], 0.2);
      const eager = np.add(
        np.exp(np.matmul(np.mul(a, 0.3), np.mul(a, 0.3))),
        np.exp(np.matmul(a, a)),
      );
      expectSameTensors([outer(a) as Tensor], [eager]);
    }));
});

suite('the rule harness under jit on the wasm arena (every kernel size on wasm)', () => {
  describeEachCase((c, spec, apply) => {
    it(`${c.name}: value (float32, float64) and jit(vjp) equal eager bit for bit`, () =>
      on(wasm!, () => {
        for (const dtype of ['float32', 'float64'] as const) {
          const xs = c.inputs(dtype);
          const jitted = exactJit(apply);
          expectSameTensors(jitted(...xs) as Tensor[], apply(...xs));
          expectSameTensors(jitted(...xs) as Tensor[], apply(...xs));
        }
        if (!spec.differentiable) return;
        const xs = c.inputs('float32');
        const diff = xs.map((x, i) => isFloat(x.dtype) && !(spec.integerInputs ?? []).includes(i));
        const cts = apply(...xs).map((y, k) => randn(50 + k, [...y.shape], y.dtype));
        const pull = (...args: Tensor[]) => {
          const [, pullback] = vjp(apply as never, args.slice(0, xs.length));
          const got = (pullback as (ct: unknown) => (Tensor | null)[])(args.slice(xs.length));
          return got.filter((_, i) => diff[i]) as Tensor[];
        };
        expectSameTensors(exactJit(pull)(...xs, ...cts) as Tensor[], pull(...xs, ...cts));
      }));
  });
});
