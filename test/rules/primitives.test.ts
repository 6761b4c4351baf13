/**
 * The rule-checking harness: for every primitive in the registry and every case of its spec row,
 * in float32 and float64: the value against a float64 reference (float32 elementwise results must
 * equal the float64 formula rounded once), then in float64 the JVP against central differences
 * and the VJP against the JVP through <w, J u> = <Jᵀ w, u>, to second order. Everything runs on
 * both CPU kernel paths: `cpu` (TypeScript, the reference) and `cpu-wasm` (WebAssembly SIMD, with
 * its size thresholds at 0 so every case reaches the wasm kernels); wasm is skipped visibly when
 * dist/kernels.wasm is not built.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGrads, getBackend, jvp, np, setBackend, Tensor } from '../../kernel-lib/src';
import type { Backend } from '../../kernel-lib/src/backends/backend';
import { cpuBackend } from '../../kernel-lib/src/backends/cpu';
import { createWasmBackend, wasmUnavailable } from '../../kernel-lib/src/backends/wasm';
import { bind } from '../../kernel-lib/src/core/trace';
import { primitives, type PrimitiveKey } from '../../kernel-lib/src/primitives';
import { specs } from './specs';

const keys = Object.keys(primitives) as PrimitiveKey[];

describe('registry', () => {
  it('every primitive has a spec row', () => {
    const missing = keys.filter((k) => !(k in specs));
    expect(missing).toEqual([]);
  });
  it('every spec row names a primitive', () => {
    expect(Object.keys(specs).filter((k) => !(k in primitives))).toEqual([]);
  });
});

const wasm = createWasmBackend({ elementwise: 0, matmul: 0 });
const backends: [string, Backend | undefined][] = [
  ['cpu', cpuBackend],
  ['cpu-wasm', wasm],
];

describe.each(backends)('backend %s', (name, backend) => {
  if (!backend) {
    it.skip(`${name} unavailable: ${wasmUnavailable}`, () => {});
    return;
  }
  let previous: Backend;
  beforeAll(() => {
    previous = getBackend();
    setBackend(backend);
  });
  afterAll(() => setBackend(previous));
  it('is the active backend', () => expect(np.array([1]).concrete().backend.name).toBe(name));
  for (const key of keys) describePrimitive(key);
});

function describePrimitive(key: PrimitiveKey): void {
  const spec = specs[key];
  const prim = primitives[key];
  describe(`primitive ${key}`, () => {
    for (const c of spec.cases) {
      const params = c.params ?? {};
      const apply = (...xs: Tensor[]) => bind(prim, xs, params);

      for (const dtype of ['float32', 'float64'] as const) {
        it(`${c.name} ${dtype}: value matches the float64 reference`, () => {
          const xs = c.inputs(dtype);
          const outs = apply(...xs);
          const x64 = xs.map((x) => (x.dtype === 'float32' ? np.astype(x, 'float64') : x));
          if (spec.scalar) {
            const out = outs[0];
            const args = x64.map((x) => Array.from(np.broadcastTo(x, out.shape).dataSync()));
            const want = Array.from({ length: out.size }, (_, i) =>
              spec.scalar!(...args.map((a) => a[i])),
            );
            const rounded = out.dtype === 'float32' ? want.map(Math.fround) : want;
            expect(Array.from(out.dataSync())).toEqual(
              rounded.map((v) => (out.dtype === 'bool' ? +!!v : v)),
            );
          } else if (spec.reference) {
            const want = spec.reference(x64, params);
            const got = spec.actual
              ? spec.actual(
                  outs.map((o) => np.astype(o, 'float64')),
                  x64,
                )
              : outs.flatMap((o) => Array.from(o.dataSync()));
            const tol = dtype === 'float32' ? 1e-4 : 1e-10;
            expect(got.length).toBe(want.length);
            got.forEach((g, i) =>
              expect(Math.abs(g - want[i])).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]))),
            );
          }
        });
      }

      if (spec.differentiable) {
        it(`${c.name}: JVP vs finite differences and VJP vs JVP, also on its jvp and vjp (float64)`, () => {
          const xs = c.inputs('float64');
          const report = checkGrads(apply, xs, { order: 2, rtol: 1e-5, atol: 1e-7, eps: c.eps });
          expect(report.map((r) => `${r.of} ${r.mode}`)).toEqual([
            'f fwd',
            'f rev',
            'jvp(f) fwd',
            'jvp(f) rev',
            'vjp(f) fwd',
            'vjp(f) rev',
          ]);
        });
      } else {
        it(`${c.name}: derivative is zero`, () => {
          const xs = c.inputs('float64');
          const [, dys] = jvp(
            apply as never,
            xs,
            xs.map((x) => np.onesLike(x)),
          );
          for (const dy of dys as unknown as Tensor[])
            expect(Array.from(dy.dataSync()).every((v) => v === 0)).toBe(true);
        });
      }
    }
  });
}
