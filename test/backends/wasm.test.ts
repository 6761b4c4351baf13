/**
 * The WebAssembly SIMD kernels against the TypeScript reference on sizes above the wasm thresholds
 * (the rule harness covers every primitive on small inputs): elementwise results must be
 * bit-identical, matmul and sums within accumulation-order tolerances.
 */
import { describe, expect, it } from 'vitest';
import { jit, np, getBackend, Tensor } from '../../kernel-lib/src';
import type { Backend, Operand } from '../../kernel-lib/src/backends/backend';
import { cpuBackend } from '../../kernel-lib/src/backends/cpu';
import { createWasmBackend, wasmUnavailable } from '../../kernel-lib/src/backends/wasm';
import * as expressionKernels from '../../kernel-lib/src/backends/wasm/expression-kernel';
import { loadKernels, type WasmKernels } from '../../kernel-lib/src/backends/wasm/module';
import { on } from '../helpers/backends';

const wasm = createWasmBackend({ elementwise: 0, matmul: 0 });
const loaded = loadKernels();
const loadedKernels = typeof loaded === 'string' ? undefined : (loaded as WasmKernels);

/** Deterministic values in [-scale, scale), with the special values in front. */
function values(n: number, seed: number, scale: number, specials: number[] = []): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  out.set(specials.slice(0, n));
  return out;
}

const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 1.17e-38, 88.7, 88.8, -87.4];

const bits = (t: Tensor) => Array.from(t.dataSync());

describe.skipIf(!wasm)(`cpu-wasm kernels${wasm ? '' : ` (skipped: ${wasmUnavailable})`}`, () => {
  it('is used by default when built', () => expect(getBackend().name).toBe('cpu-wasm'));

  for (const dtype of ['float32', 'float64'] as const) {
    it(`elementwise ${dtype} results equal the TypeScript kernels bit for bit`, () => {
      const a = values(5003, 1, 10, SPECIALS);
      const b = values(5003, 2, 10, [...SPECIALS].reverse());
      const row = values(7 * 13, 3, 5, [0, -0, NaN]);
      const run = (be: Backend) =>
        on(be, () => {
          const x = np.array(a, dtype);
          const y = np.array(b, dtype);
          const m = np.reshape(np.array(values(11 * 7 * 13, 4, 5), dtype), [11, 7, 13]);
          const r = np.reshape(np.array(row, dtype), [7, 13]);
          return [
            np.add(x, y),
            np.sub(x, y),
            np.mul(x, y),
            np.div(x, y),
            np.maximum(x, y),
            np.minimum(x, y),
            np.sub(2.5, x),
            np.div(x, 3),
            np.maximum(r, m),
            np.sub(r, m),
            np.neg(x),
            np.abs(x),
            np.sqrt(x),
            np.exp(x),
            np.tanh(x),
            np.exp(np.mul(x, 9)),
            np.tanh(np.mul(x, 1e-6)),
          ].map(bits);
        });
      const want = run(cpuBackend);
      const got = run(wasm!);
      got.forEach((g, i) => expect(g, `case ${i}`).toEqual(want[i]));
    });

    it(`matmul ${dtype} (odd shapes, batches, k = 0) matches within tolerance`, () => {
      const tol = dtype === 'float32' ? 1e-5 : 1e-13;
      const cases: [number[], number[]][] = [
        [
          [37, 53],
          [53, 29],
        ],
        [
          [3, 17, 300],
          [300, 9],
        ],
        [
          [2, 1, 5, 6],
          [3, 6, 11],
        ],
        [
          [129, 0],
          [0, 33],
        ],
        [
          [1, 260],
          [260, 1],
        ],
      ];
      for (const [sa, sb] of cases) {
        const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
        const run = (be: Backend) =>
          on(be, () =>
            np.matmul(
              np.reshape(np.array(values(size(sa), 5, 1), dtype), sa),
              np.reshape(np.array(values(size(sb), 6, 1), dtype), sb),
            ),
          );
        const want = run(cpuBackend);
        const got = run(wasm!);
        expect(got.shape).toEqual(want.shape);
        const w = want.dataSync();
        got
          .dataSync()
          .forEach((g, i) =>
            expect(Math.abs(g - w[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(w[i]))),
          );
      }
    });

    it(`sums ${dtype} over contiguous axes match within tolerance`, () => {
      const x = values(6 * 50 * 7, 7, 3);
      for (const axes of [[0], [1], [2], [0, 1], [1, 2], [0, 1, 2]]) {
        const run = (be: Backend) =>
          on(be, () => np.sum(np.reshape(np.array(x, dtype), [6, 50, 7]), axes));
        const want = run(cpuBackend).dataSync();
        const got = run(wasm!).dataSync();
        got.forEach((g, i) =>
          expect(Math.abs(g - want[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[i]))),
        );
      }
    });
  }

  it('matmul split over two threads matches one thread, including buffer growth', async () => {
    const two = createWasmBackend({ elementwise: 0, matmul: 0, threads: 0 })!;
    for (const n of [24, 24, 64, 130, 130]) {
      const a = values(n * n, 9, 1);
      const b = values(n * n, 10, 1);
      const run = (be: Backend) =>
        on(be, () =>
          np.matmul(np.reshape(np.array(a), [n, n]), np.reshape(np.array(b), [n, n])).dataSync(),
        );
      expect(Array.from(run(two))).toEqual(Array.from(run(wasm!)));
      await new Promise((r) => setTimeout(r, 50)); // lets the worker start and take a share
    }
  });

  it('matmul reads operands stored transposed as the materialized transpose, bit for bit', async () => {
    const two = createWasmBackend({ elementwise: 0, matmul: 0, threads: 0 })!;
    on(two, () => np.matmul(np.ones([16, 16]), np.ones([16, 16])).dataSync());
    await new Promise((r) => setTimeout(r, 100)); // the worker starts and takes its share below
    // [batch..., m, k, n]: tile edges, k over one packing block (256), n over one (1024)
    const cases = [
      [[], 5, 7, 9],
      [[], 37, 300, 19],
      [[], 12, 20, 1030],
      [[2, 3], 9, 6, 10],
    ] as const;
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [batch, m, k, n] of cases) {
        // concrete tensors are their backend's operands
        const tensor = (shape: number[], seed: number): Operand =>
          on(wasm!, () => {
            const size = shape.reduce((p, d) => p * d, 1);
            return np.reshape(np.array(values(size, seed, 1), dtype), shape);
          }) as unknown as Operand;
        const a = tensor([...batch, m, k], 11);
        const b = tensor([...batch, k, n], 12);
        const [aT, bT] = on(wasm!, () =>
          [a, b].map((t) => np.matrixTranspose(t as unknown as Tensor) as unknown as Operand),
        );
        const out = [...batch, m, n];
        const want = Array.from(wasm!.readSync(wasm!.matmul(a, b, out)));
        for (const be of [wasm!, two, cpuBackend]) {
          for (const [x, y, t] of [
            [aT, b, { a: true }],
            [a, bT, { b: true }],
            [aT, bT, { a: true, b: true }],
          ] as const) {
            const got = be.readSync(be.matmul(x, y, out, t));
            if (be === cpuBackend) {
              const ref = cpuBackend.readSync(cpuBackend.matmul(a, b, out));
              expect(Array.from(got), `${be.name} ${JSON.stringify(t)}`).toEqual(Array.from(ref));
            } else expect(Array.from(got), `${be.name} ${dtype} ${m}x${k}x${n}`).toEqual(want);
          }
        }
      }
    }
  });

  it('runs a batch of matrix-vector products with one matrix as one matmul, bit for bit', () => {
    const single = createWasmBackend({ elementwise: 0, matmul: 0, threads: Infinity })!;
    for (const dtype of ['float32', 'float64'] as const) {
      const [batch, m, k] = [6, 37, 300];
      const t = (shape: number[], seed: number) =>
        on(single, () => {
          const size = shape.reduce((p, d) => p * d, 1);
          return np.reshape(np.array(values(size, seed, 1), dtype), shape);
        });
      const mat = t([m, k], 13);
      const vecs = t([batch, k, 1], 14); // A @ v_t
      const rows = t([batch, 1, m], 15); // w_t @ A
      const [got, gotRows, gotT] = on(single, () => [
        np.matmul(mat, vecs),
        np.matmul(rows, mat),
        np.matmul(np.matrixTranspose(mat), np.reshape(rows, [batch, m, 1])),
      ]);
      // the matrix stored untransposed, read transposed by the folded product
      const op = (x: Tensor) => x as unknown as Operand;
      const flagged = on(single, () =>
        single.matmul(op(mat), op(np.reshape(rows, [batch, m, 1])), [batch, k, 1], { a: true }),
      );
      expect(Array.from(single.readSync(flagged))).toEqual(Array.from(gotT.dataSync()));
      for (let i = 0; i < batch; i++) {
        const [one, oneRow, oneT] = on(single, () => [
          np.matmul(mat, np.take(vecs, [i], 0)),
          np.matmul(np.take(rows, [i], 0), mat),
          np.matmul(np.matrixTranspose(mat), np.reshape(np.take(rows, [i], 0), [1, m, 1])),
        ]);
        const slice = (x: Tensor, size: number) =>
          Array.from(x.dataSync().slice(i * size, (i + 1) * size));
        expect(slice(got, m), `${dtype} A @ v`).toEqual(Array.from(one.dataSync()));
        expect(slice(gotRows, k), `${dtype} w @ A`).toEqual(Array.from(oneRow.dataSync()));
        expect(slice(gotT, k), `${dtype} Aᵀ @ v`).toEqual(Array.from(oneT.dataSync()));
      }
    }
  });

  it('runs fused float32 chains as SIMD kernels with the JavaScript loop results, bit for bit', () => {
    const n = 4099; // not a multiple of the four lanes
    const [a, b, c] = [values(n, 21, 4, SPECIALS), values(n, 22, 4), values(n, 23, 4, [-0, 0])];
    const chains = (x: Tensor, y: Tensor, z: Tensor, s: Tensor) => [
      // Adam's update, relu's mask forward and backward, comparisons into select, abs/neg/sqrt
      np.sub(x, np.div(np.mul(y, s), np.add(np.sqrt(np.mul(np.abs(z), 1.5)), 1e-8))),
      np.where(np.lessEqual(x, 0), 0, x),
      np.where(np.lessEqual(x, 0), np.zerosLike(y), np.mul(y, z)),
      np.where(np.greater(np.add(x, y), s), np.neg(z), np.sub(y, 2)),
      np.add(x, np.astype(np.equal(y, z), 'float32')), // not compiled: a bool converted
    ];
    const f = jit(chains);
    const args = () =>
      [a, b, c, [0.25]].map((d) => np.array(d, 'float32')) as [Tensor, Tensor, Tensor, Tensor];
    const run = (be: Backend) =>
      on(be, () => {
        expect(
          f
            .trace(...args())
            .steps()
            .every((st) => 'fused' in st),
        ).toBe(true);
        return (f(...args()) as Tensor[]).map(bits);
      });
    const want = run(cpuBackend);
    run(wasm!).forEach((got, i) => expect(got, `chain ${i}`).toEqual(want[i]));
    const { wasmExprKernel } = expressionKernels;
    const fused = on(wasm!, () => f.trace(...args()).steps());
    const compiled = fused.map(
      (st) =>
        'fused' in st &&
        wasmExprKernel(
          loadedKernels!,
          st.expr,
          st.inputs.map(() => false),
        ) !== undefined,
    );
    expect(compiled).toEqual([true, true, true, true, false]);
  });

  it('float32 exp and tanh equal the float64 formula rounded, on 200k values', () => {
    const x = values(200_000, 8, 30, SPECIALS);
    for (const [name, f] of [
      ['exp', Math.exp],
      ['tanh', Math.tanh],
    ] as const) {
      const got = on(wasm!, () => np[name](np.array(x)).dataSync());
      let mismatches = 0;
      for (let i = 0; i < x.length; i++) if (!Object.is(got[i], Math.fround(f(x[i])))) mismatches++;
      expect(mismatches, name).toBe(0);
    }
  });
});
