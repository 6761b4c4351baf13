/**
 * Precision helpers: machine epsilon, ulp and nextafter for float32 and float64, and one function
 * evaluated in both precisions side by side.
 */
import { isFloat } from '../core/dtype';
import { flatten, unflatten } from '../core/pytree';
import { Tensor } from '../core/tensor';
import { astype } from '../numpy/convert';
import type { AnyFunction } from '../transforms/types';

/** A floating-point dtype. */
export type FloatDType = 'float32' | 'float64';

/**
 * The gap between 1 and the next representable number: 2^-23 in float32, 2^-52 in float64.
 * @example machineEpsilon('float32') // 1.1920928955078125e-7
 */
export function machineEpsilon(dtype: FloatDType = 'float64'): number {
  return dtype === 'float32' ? 2 ** -23 : 2 ** -52;
}

/**
 * Rounds a JS number to the nearest value of `dtype` (float32: Math.fround).
 * @example roundTo(0.1, 'float32') // 0.10000000149011612
 */
export function roundTo(x: number, dtype: FloatDType = 'float64'): number {
  return dtype === 'float32' ? Math.fround(x) : x;
}

const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/**
 * The next representable `dtype` number after `x` in the direction of `toward` (C's nextafter).
 * @example nextafter(1, 2, 'float32') - 1 // 2^-23
 */
export function nextafter(x: number, toward: number, dtype: FloatDType = 'float64'): number {
  if (Number.isNaN(x) || Number.isNaN(toward)) return NaN;
  const v = roundTo(x, dtype);
  if (v === toward) return toward;
  const smallest = dtype === 'float32' ? 2 ** -149 : Number.MIN_VALUE;
  if (v === 0) return toward > 0 ? smallest : -smallest;
  // For a non-zero float, the integer view is monotone in |x|: one step of it is one ulp.
  const away = toward > v === v > 0;
  if (dtype === 'float32') {
    f32[0] = v;
    i32[0] += away ? 1 : -1;
    return f32[0];
  }
  f64[0] = v;
  u64[0] += away ? 1n : -1n;
  return f64[0];
}

/**
 * The unit in the last place at `x`: the gap from |x| to the next larger `dtype` number.
 * @example ulp(1, 'float64') === 2 ** -52
 */
export function ulp(x: number, dtype: FloatDType = 'float64'): number {
  const a = Math.abs(roundTo(x, dtype));
  if (!Number.isFinite(a)) return NaN;
  return nextafter(a, Infinity, dtype) - a;
}

/** The result of {@link compareDTypes}; `Out` is f's return type. */
export interface DTypeComparison<Out = unknown> {
  /** f evaluated with every float argument cast to float32. */
  float32: Out;
  /** f evaluated with every float argument cast to float64. */
  float64: Out;
  /** max |f32 - f64| / max(|f64|, tiny) over all output elements. */
  maxRelDiff: number;
  /** max |f32 - f64| over all output elements. */
  maxAbsDiff: number;
}

const castTree = <T>(tree: T, dtype: FloatDType): T => {
  const [leaves, def] = flatten(tree);
  return unflatten<T>(
    def,
    leaves.map((l) => (l instanceof Tensor && isFloat(l.dtype) ? astype(l, dtype) : l)),
  );
};

const outputValues = (tree: unknown): number[] =>
  flatten(tree)[0].flatMap((l) => (l instanceof Tensor ? Array.from(l.dataSync()) : [l]));

/**
 * Evaluates `f(...args)` in float32 and in float64 and reports the largest relative difference,
 * a direct measurement of how much precision the function loses in float32.
 * @example compareDTypes((x: Tensor) => np.sub(np.mean(np.square(x)), np.square(np.mean(x))), [x]).maxRelDiff
 */
export function compareDTypes<F extends AnyFunction>(
  f: F,
  args: Parameters<F>,
): DTypeComparison<ReturnType<F>> {
  const lo = f(...castTree(args, 'float32')) as ReturnType<F>;
  const hi = f(...castTree(args, 'float64')) as ReturnType<F>;
  const a = outputValues(lo);
  const b = outputValues(hi);
  let maxRelDiff = 0;
  let maxAbsDiff = 0;
  b.forEach((w, i) => {
    const d = a[i] === w ? 0 : Math.abs(a[i] - w);
    const rel = d === 0 ? 0 : d / Math.max(Math.abs(w), Number.MIN_VALUE);
    maxAbsDiff = Math.max(maxAbsDiff, Number.isNaN(d) ? Infinity : d);
    maxRelDiff = Math.max(maxRelDiff, Number.isNaN(rel) ? Infinity : rel);
  });
  return { float32: lo, float64: hi, maxRelDiff, maxAbsDiff };
}
