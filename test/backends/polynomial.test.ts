/**
 * The float32 polynomials of jit's fused wasm kernels (`transcendentals: 'polynomial'`): their
 * error in float32 ulps of the float64 formulas over sweeps of float32 inputs, the special values,
 * and jit's two policies. `ADLAB_ULP_SWEEP=dense` runs the dense sweep quoted in the README
 * (every float32 in ±[0.25, 4), every 64th float32 elsewhere) and prints the measured bounds.
 */
import { describe, expect, it } from 'vitest';
import { jit, nn, np, Tensor } from '../../kernel-lib/src';
import { opExpr, scalarOps } from '../../kernel-lib/src/backends/expression';
import { wasmUnavailable, wasmBackend } from '../../kernel-lib/src/backends/wasm';
import { wasmExprKernel } from '../../kernel-lib/src/backends/wasm/expression-kernel';
import { WasmArena } from '../../kernel-lib/src/backends/wasm/arena';
import { cpuBackend } from '../../kernel-lib/src/backends/cpu';
import { loadKernels, type WasmKernels } from '../../kernel-lib/src/backends/wasm/module';
import { float32Sweep, maxUlp, ulpError } from '../helpers/ulp';

const loaded = loadKernels();
const kernels = typeof loaded === 'string' ? undefined : (loaded as WasmKernels);
const dense = process.env.ADLAB_ULP_SWEEP === 'dense';

/** The bounds stated in the README, in float32 ulps of the float64 formula. */
const BOUNDS = { exp: 1, tanh: 2, logistic: 3, log: 1 } as const;
type Op = keyof typeof BOUNDS;
/** Where each function is not constant in float32 (beyond, the sweep steps coarsely). */
const RANGES: Record<Op, number> = { exp: 104, tanh: 10, logistic: 104, log: 3e38 };

const arena = kernels && new WasmArena(kernels);
const polynomial = (op: Op, x: Float32Array): Float32Array =>
  wasmExprKernel(kernels!, opExpr(op), [false], 'polynomial')!(
    arena!,
    [{ storage: cpuBackend.fromHost(x), shape: [x.length], dtype: 'float32' }],
    x.length,
  ) as Float32Array;

/** Sweeps over both signs: every `stride`-th float32 up to the range, every 4096th beyond. */
function sweeps(op: Op, stride: number): Float32Array[] {
  const r = RANGES[op];
  const parts = [float32Sweep(0, r, stride), float32Sweep(r, 3e38, 4096)];
  if (dense) parts.push(float32Sweep(0.25, 4, 1));
  return parts.flatMap((p) => [p, p.map((v) => -v)]);
}

describe.skipIf(!kernels)(
  `float32 polynomials${kernels ? '' : ` (skipped: ${wasmUnavailable})`}`,
  () => {
    for (const op of Object.keys(BOUNDS) as Op[]) {
      it(`${op} is within ${BOUNDS[op]} ulp of the float64 formula`, () => {
        const reference = scalarOps[op].cpu as (x: number) => number;
        let worst = { ulps: 0, at: NaN };
        let samples = 0;
        for (const x of sweeps(op, dense ? 64 : 2048)) {
          const got = maxUlp(x, polynomial(op, x), reference);
          samples += x.length;
          if (got.ulps > worst.ulps) worst = got;
        }
        if (dense)
          console.log(`${op}: max ${worst.ulps.toFixed(3)} ulp at ${worst.at}, ${samples} samples`);
        expect(samples).toBeGreaterThan(dense ? 1e7 : 1e6);
        expect(worst.ulps, `${op} at ${worst.at}`).toBeLessThanOrEqual(BOUNDS[op]);
      }, 120_000);
    }

    it('gives the special values of the formulas', () => {
      const x = new Float32Array([
        NaN,
        Infinity,
        -Infinity,
        0,
        -0,
        1e-45,
        -1e-45,
        1e-30,
        -1e-30,
        88.72283,
        88.7229,
        -87.33,
        -100,
        -103.97,
        -104,
        -200,
        9.1,
        -9.1,
        20,
        3e38,
      ]);
      for (const op of Object.keys(BOUNDS) as Op[]) {
        const got = polynomial(op, x);
        const reference = scalarOps[op].cpu as (x: number) => number;
        x.forEach((v, i) => {
          const want = Math.fround(reference(v));
          // exact where the formula's value is a float32 (±0, ±inf, NaN, ±1, tiny x of tanh)
          const tiny = op === 'tanh' && Math.abs(v) < 1e-20;
          if (tiny || !Number.isFinite(want) || Math.abs(want) === 1 || want === 0)
            expect(got[i], `${op}(${v})`).toBe(want);
          else
            expect(ulpError(got[i], reference(v)), `${op}(${v})`).toBeLessThanOrEqual(BOUNDS[op]);
        });
      }
      const l = polynomial('log', new Float32Array([0, -0, -1, 1, Infinity, NaN, 2 ** -149]));
      const log149 = Math.fround(-149 * Math.LN2);
      expect(Array.from(l)).toEqual([-Infinity, -Infinity, NaN, 0, Infinity, NaN, log149]);
      const e = polynomial('exp', new Float32Array([88.72283, 88.7229, -100, -103.2]));
      expect([e[1], e[2] > 0 && e[2] < 2 ** -126, e[3]]).toEqual([Infinity, true, 2 ** -149]);
    });

    it('runs under jit by default; transcendentals: exact keeps eager results bit for bit', () => {
      const n = 4099;
      const x = np.array(
        Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 12),
        'float32',
      );
      const f = (t: Tensor) =>
        np.add(
          np.add(np.mul(np.tanh(t), t), np.sub(np.exp(np.neg(t)), np.mul(2, nn.sigmoid(t)))),
          np.log(np.add(np.abs(t), 0.5)),
        );
      const eager = f(x).dataSync();
      const poly = jit(f);
      const exact = jit(f, { transcendentals: 'exact' });
      expect(Array.from(exact(x).dataSync())).toEqual(Array.from(eager));
      const steps = poly.trace(x).steps(wasmBackend!, 'polynomial');
      expect(steps.map((s) => 'fused' in s)).toEqual([true]);
      const got = poly(x).dataSync();
      let differ = 0;
      for (let i = 0; i < n; i++) {
        expect(Math.abs(got[i] - eager[i])).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(eager[i])),
        );
        if (got[i] !== eager[i]) differ++;
      }
      expect(differ).toBeGreaterThan(0); // the polynomials ran
    });
  },
);
