/**
 * jit folds transposes into matmuls that read their operands transposed (on backends that declare
 * `matmulTransposes`), and the matmul gradient reads stored transposes (matmul's flags) eagerly
 * too, with results bit-identical to materialized transposes.
 */
import { describe, expect, it } from 'vitest';
import { grad, jit, nn, np, vjp } from '../../kernel-lib/src';
import { setEvalObserver } from '../../kernel-lib/src/core/trace';
import type { Program, Tensor } from '../../kernel-lib/src';
import type { Backend } from '../../kernel-lib/src/backends/backend';
import { cpuBackend } from '../../kernel-lib/src/backends/cpu';
import { createWasmBackend } from '../../kernel-lib/src/backends/wasm';
import { on } from '../helpers/backends';

const wasm = createWasmBackend({ elementwise: 0, matmul: 0 });

const seq = (n: number, scale: number) =>
  Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + 0.3) * scale);

const loss = (w: { w1: Tensor; w2: Tensor }, x: Tensor) =>
  np.sum(np.matmul(nn.relu(np.matmul(x, w.w1)), w.w2));

function inputs() {
  return {
    w: {
      w1: np.reshape(np.array(seq(6 * 5, 0.5), 'float32'), [6, 5]),
      w2: np.reshape(np.array(seq(5 * 3, 0.7), 'float32'), [5, 3]),
    },
    x: np.reshape(np.array(seq(4 * 6, 1), 'float32'), [4, 6]),
  };
}

/** A matmul equation that reads an operand stored transposed (its own params say so). */
const flagged = (s: { prim: { name: string }; params: unknown }) =>
  s.prim.name === 'matmul' && Object.keys(s.params as object).length > 0;

/** The kinds of step a jitted function's program runs on `backend` (`matmulT`: reads transposes). */
const kinds = (backend: Backend, f: { trace: (...a: never[]) => Program }, ...args: unknown[]) =>
  on(backend, () =>
    (f.trace as (...a: unknown[]) => Program)(...args)
      .steps()
      .map((s) =>
        'transposedMatmul' in s || ('prim' in s && flagged(s))
          ? 'matmulT'
          : 'prim' in s
            ? (s.prim as { name: string }).name
            : 'fused',
      ),
  );

describe.skipIf(!wasm)('transposes folded into matmuls under jit', () => {
  it('drops the gradient transposes and gives eager results bit for bit', () => {
    const { w, x } = on(wasm!, inputs);
    const g = jit(grad(loss));
    const steps = kinds(wasm!, g, w, x);
    expect(steps).toContain('matmulT');
    expect(steps).not.toContain('transpose');
    const eager = on(wasm!, () => grad(loss)(w, x));
    const jitted = on(wasm!, () => g(w, x)) as typeof eager;
    expect(Array.from(jitted.w1.dataSync())).toEqual(Array.from(eager.w1.dataSync()));
    expect(Array.from(jitted.w2.dataSync())).toEqual(Array.from(eager.w2.dataSync()));
  });

  it('materializes the transposes for tensors on a backend that cannot read them (placement)', () => {
    const { w, x } = on(cpuBackend, inputs); // tensors of the TypeScript backend
    const g = jit(grad(loss));
    expect(kinds(wasm!, g, w, x)).toContain('matmulT'); // the plan of the active backend
    const jitted = on(wasm!, () => g(w, x)) as { w1: Tensor; w2: Tensor };
    const eager = on(cpuBackend, () => grad(loss)(w, x));
    // constants of the trace live on the active backend, so some kernels run there: float32
    // accumulation orders differ, transposes ignored would differ by far more
    for (const k of ['w1', 'w2'] as const) {
      const want = eager[k].dataSync();
      jitted[k].dataSync().forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThan(1e-5));
    }
  });

  it('keeps a transpose that something else reads, and folds nothing where the backend cannot', () => {
    const { w } = on(wasm!, inputs);
    const f = jit((a: Tensor) => {
      const t = np.matrixTranspose(a);
      return [np.matmul(t, a), np.exp(t)];
    });
    expect(kinds(wasm!, f, w.w1)).toEqual(['transpose', 'matmulT', 'exp']);
    const [p, e] = on(wasm!, () => f(w.w1)) as Tensor[];
    const eager = on(wasm!, () => np.matmul(np.matrixTranspose(w.w1), w.w1));
    expect(Array.from(p.dataSync())).toEqual(Array.from(eager.dataSync()));
    expect(e.shape).toEqual([5, 6]);
    // the gradient's own products read stored transposes (matmul's flags) on every backend; a
    // backend that cannot read them keeps a user's transpose as a copy
    expect(kinds(cpuBackend, jit(grad(loss)), w, on(wasm!, inputs).x)).not.toContain('transpose');
    expect(kinds(cpuBackend, f, w.w1)).toEqual(['transpose', 'matmul', 'exp']);
  });
});

describe.skipIf(!wasm)('eager matmul gradients read stored transposes', () => {
  it('run no transpose kernel and equal the products of materialized transposes bit for bit', () =>
    on(wasm!, () => {
      const a = np.reshape(np.array(seq(6 * 5, 0.5), 'float32'), [6, 5]);
      const b = np.reshape(np.array(seq(5 * 3, 0.7), 'float32'), [5, 3]);
      const ct = np.reshape(np.array(seq(6 * 3, 0.9), 'float32'), [6, 3]);
      const ran: string[] = [];
      const previous = setEvalObserver((prim) => ran.push(prim.name));
      let cts: Tensor[];
      try {
        const [, pullback] = vjp((x: Tensor, y: Tensor) => np.matmul(x, y), [a, b]);
        cts = (pullback as (c: Tensor) => Tensor[])(ct);
      } finally {
        setEvalObserver(previous);
      }
      expect(ran).not.toContain('transpose');
      const want = [np.matmul(ct, np.matrixTranspose(b)), np.matmul(np.matrixTranspose(a), ct)];
      cts.forEach((c, i) =>
        expect(Array.from(c.dataSync())).toEqual(Array.from(want[i].dataSync())),
      );
    }));
});
