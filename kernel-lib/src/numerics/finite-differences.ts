/**
 * Finite differences: forward, central and Richardson-extrapolated derivatives, along a direction
 * or for every input element, and a step-size sweep that shows the classic V: truncation error
 * falls as h shrinks (O(h), O(h²), O(h⁴)) until round-off, ~ε|f|/h, takes over.
 */
import { allocate } from '../core/dtype';
import { Tensor } from '../core/tensor';
import { tensorFromHost } from '../backends';
import { asTensor, astype } from '../numpy/convert';
import { add, div, mul, sub } from '../numpy/math';
import { jvp } from '../transforms/jvp';
import { machineEpsilon, type FloatDType } from './precision';

/** A difference formula: forward O(h), central O(h²), Richardson (central extrapolated) O(h⁴). */
export type FdMethod = 'forward' | 'central' | 'richardson';

/** Options of the finite-difference functions. */
export interface FdOptions {
  /** Formula (default 'central'). */
  method?: FdMethod;
  /** Step (default: the theoretical best for the method and the input's dtype). */
  h?: number;
}

type TensorFn = (x: Tensor) => Tensor;

/**
 * The step that balances truncation and round-off for a function of unit scale: ε^(1/2) forward,
 * ε^(1/3) central, ε^(1/5) Richardson.
 * @example optimalStep('central', 'float64') // ≈ 6.1e-6
 */
export function optimalStep(method: FdMethod = 'central', dtype: FloatDType = 'float64'): number {
  const order = method === 'forward' ? 1 : method === 'central' ? 2 : 4;
  return machineEpsilon(dtype) ** (1 / (order + 1));
}

const floatDType = (x: Tensor): FloatDType => (x.dtype === 'float32' ? 'float32' : 'float64');

/**
 * The directional derivative J(x) v of `f` by finite differences, computed in x's dtype.
 * @example finiteDifferenceJvp((x: Tensor) => np.sum(np.exp(x)), x, np.onesLike(x), { method: 'central', h: 1e-5 })
 */
export function finiteDifferenceJvp(
  f: TensorFn,
  x: Tensor,
  v: Tensor,
  options: FdOptions = {},
): Tensor {
  const method = options.method ?? 'central';
  const dtype = floatDType(x);
  const xt = astype(x, dtype);
  const vt = astype(v, dtype);
  const h = options.h ?? optimalStep(method, dtype);
  const at = (s: number) => f(add(xt, mul(vt, s)));
  const central = (step: number) => div(sub(at(step), at(-step)), 2 * step);
  if (method === 'forward') return div(sub(at(h), f(xt)), h);
  if (method === 'central') return central(h);
  // Richardson: D(h) = f' + c h² + O(h⁴), so (4 D(h/2) - D(h)) / 3 = f' + O(h⁴).
  return div(sub(mul(central(h / 2), 4), central(h)), 3);
}

/**
 * The gradient of a scalar `f` by finite differences: one directional derivative per element.
 * @example finiteDifferenceGrad((x: Tensor) => np.sum(np.sin(x)), np.array([0.1, 0.2], 'float64'))
 */
export function finiteDifferenceGrad(f: TensorFn, x: Tensor, options: FdOptions = {}): Tensor {
  const dtype = floatDType(x);
  const out = allocate(dtype, x.size);
  for (let i = 0; i < x.size; i++) {
    const e = allocate(dtype, x.size);
    e[i] = 1;
    const d = finiteDifferenceJvp(f, x, tensorFromHost(e, x.shape, dtype), options);
    if (d.size !== 1)
      throw new Error(`finiteDifferenceGrad: f must return a scalar, got shape [${d.shape}]`);
    out[i] = d.item();
  }
  return tensorFromHost(out, x.shape, dtype);
}

/** Options of {@link stepSizeSweep}. */
export interface SweepOptions {
  /** Formula (default 'central'). */
  method?: FdMethod;
  /** Steps to try (default 10^0 down to 10^-16, four per decade). */
  hs?: readonly number[];
  /** Precisions to sweep (default both). */
  dtypes?: readonly FloatDType[];
  /** Direction (default all ones); the exact J v comes from forward-mode AD in float64. */
  direction?: Tensor;
}

/** One precision's curve in a {@link StepSweep}. */
export interface SweepCurve {
  dtype: FloatDType;
  /** Relative error max|fd - exact| / max|exact| at each h. */
  errors: number[];
  /** The step with the smallest error (on the curve's upper envelope over ±2 steps), and that error. */
  bestH: number;
  bestError: number;
  /** The step theory predicts ({@link optimalStep}). */
  theoryH: number;
}

/** The result of {@link stepSizeSweep}. */
export interface StepSweep {
  method: FdMethod;
  hs: number[];
  curves: SweepCurve[];
}

/**
 * Error of a finite-difference derivative against the exact (AD) one over a range of steps, in
 * float32 and float64: the truncation vs round-off V-curve and the best h of each precision.
 * @example stepSizeSweep((x: Tensor) => np.exp(x), np.array(1, 'float64')).curves[1].bestH // ≈ 1e-5
 */
export function stepSizeSweep(f: TensorFn, x: Tensor, options: SweepOptions = {}): StepSweep {
  const method = options.method ?? 'central';
  const hs = options.hs ? [...options.hs] : Array.from({ length: 65 }, (_, k) => 10 ** (-k / 4));
  const x64 = astype(asTensor(x), 'float64');
  const v64 = options.direction
    ? astype(options.direction, 'float64')
    : astype(add(mul(x64, 0), 1), 'float64');
  const exact = Array.from((jvp(f as never, [x64], [v64])[1] as Tensor).dataSync());
  const scale = Math.max(...exact.map(Math.abs), Number.MIN_VALUE);
  const curves = (options.dtypes ?? ['float32', 'float64']).map((dtype) => {
    const xd = astype(x64, dtype);
    const vd = astype(v64, dtype);
    const errors = hs.map((h) => {
      const got = finiteDifferenceJvp(f, xd, vd, { method, h }).dataSync();
      let err = 0;
      exact.forEach((w, i) => (err = Math.max(err, Math.abs(got[i] - w))));
      return Number.isNaN(err) ? Infinity : err / scale;
    });
    // Round-off makes the left branch of the V noisy and a lucky cancellation can dip far below
    // it; the best step is taken on the upper envelope (the max over ±2 neighbouring steps).
    const envelope = errors.map((_, i) => Math.max(...errors.slice(Math.max(0, i - 2), i + 3)));
    let best = 0;
    envelope.forEach((e, i) => e < envelope[best] && (best = i));
    return {
      dtype,
      errors,
      bestH: hs[best],
      bestError: envelope[best],
      theoryH: optimalStep(method, dtype),
    };
  });
  return { method, hs, curves };
}
