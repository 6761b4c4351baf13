/** Sorting, order statistics and histograms after jax.numpy: sort, argsort, topK, quantile, median, histogram. */
import { isFloat } from '../core/dtype';
import { fmt, normalizeAxis } from '../core/shape';
import { bind1 } from '../core/trace';
import type { Tensor, TensorLike } from '../core/tensor';
import { tensorFromHost } from '../backends';
import * as P from '../primitives/sort';
import { asTensor, toFloat } from './convert';
import { add, isnan, mul, sub, where } from './math';
import { any } from './logic';
import { reshape, sliceStatic, squeeze, stack } from './shape';
import { takeAlongAxis } from './layout';

/** Options of sort and argsort. */
export interface SortOptions {
  /** Largest first (ties keep their order; NaN first). Default false. */
  descending?: boolean;
}

function sortInput(op: string, x: TensorLike, axis: number): [Tensor, number] {
  const t = asTensor(x);
  if (t.ndim === 0) throw new Error(`${op}: cannot sort a scalar (shape [])`);
  return [t, normalizeAxis(op, axis, t.ndim)];
}

/**
 * Sorted copy along `axis` (stable; NaN last). Differentiable: the derivative follows each element
 * to its place. @example np.sort(x); np.sort(x, 0, { descending: true })
 */
export function sort(x: TensorLike, axis = -1, options: SortOptions = {}): Tensor {
  const [t, a] = sortInput('sort', x, axis);
  return bind1(P.sort, [t], { axis: a, descending: options.descending ?? false });
}

/** Indices (int32) that sort `x` along `axis`, stable. @example np.takeAlongAxis(x, np.argsort(x), -1) */
export function argsort(x: TensorLike, axis = -1, options: SortOptions = {}): Tensor {
  const [t, a] = sortInput('argsort', x, axis);
  return bind1(P.argsort, [t], { axis: a, descending: options.descending ?? false });
}

/**
 * The `k` largest entries along the last axis and their indices (ties: lower index first), as
 * lax.top_k. Differentiable in the values. @example const [vals, idx] = np.topK(logits, 5)
 */
export function topK(x: TensorLike, k: number): [Tensor, Tensor] {
  const t = asTensor(x);
  const n = t.shape[t.ndim - 1];
  if (t.ndim === 0 || !Number.isInteger(k) || k < 0 || k > n) {
    throw new RangeError(
      `topK: k = ${k} must be an integer in [0, ${n ?? 0}] for shape ${fmt(t.shape)}`,
    );
  }
  const order = argsort(t, -1, { descending: true });
  const idx = sliceStatic(order, {
    starts: t.shape.map(() => 0),
    limits: t.shape.map((d, i) => (i === t.ndim - 1 ? k : d)),
    steps: t.shape.map(() => 1),
  });
  return [takeAlongAxis(t, idx, -1), idx];
}

/** Options of quantile and median. */
export interface QuantileOptions {
  keepdims?: boolean;
}

/**
 * The q-th quantile(s) along `axis` (all axes when undefined), with linear interpolation between
 * order statistics (NumPy's default method); NaN where the data has NaN. An array `q` adds a
 * leading axis. Differentiable in x. @example np.quantile(x, [0.25, 0.75])
 */
export function quantile(
  x: TensorLike,
  q: number | readonly number[],
  axis?: number,
  options: QuantileOptions = {},
): Tensor {
  let t = toFloat(x);
  const qs = typeof q === 'number' ? [q] : [...q];
  if (qs.some((v) => !(v >= 0 && v <= 1))) {
    throw new RangeError(`quantile: q must lie in [0, 1], got ${JSON.stringify(q)}`);
  }
  const shape = t.shape;
  if (axis === undefined) t = reshape(t, [-1]);
  const a = axis === undefined ? 0 : normalizeAxis('quantile', axis, t.ndim);
  const n = t.shape[a];
  if (n === 0) throw new Error(`quantile: axis ${a} of shape ${fmt(t.shape)} is empty`);
  const sorted = sort(t, a);
  const hasNaN = any(isnan(t), a, { keepdims: true });
  const at = (i: number) =>
    sliceStatic(sorted, {
      starts: sorted.shape.map((_, k) => (k === a ? i : 0)),
      limits: sorted.shape.map((d, k) => (k === a ? i + 1 : d)),
      steps: sorted.shape.map(() => 1),
    });
  const results = qs.map((v) => {
    const pos = v * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    const frac = pos - lo;
    const value = frac === 0 ? at(lo) : add(at(lo), mul(sub(at(hi), at(lo)), frac));
    let out = where(hasNaN, NaN, value);
    if (options.keepdims) {
      if (axis === undefined)
        out = reshape(
          out,
          shape.map(() => 1),
        );
    } else out = squeeze(out, a);
    return out;
  });
  return typeof q === 'number' ? results[0] : stack(results, 0);
}

/** The median along `axis` (all axes when undefined): quantile 0.5. @example np.median(x, 0) */
export function median(x: TensorLike, axis?: number, options: QuantileOptions = {}): Tensor {
  return quantile(x, 0.5, axis, options);
}

/** Options of histogram. */
export interface HistogramOptions {
  /** [lo, hi] of the bins (default: the data's min and max). */
  range?: readonly [number, number];
  /** Counts divided by (total count x bin width), so the histogram integrates to 1. */
  density?: boolean;
}

/**
 * Counts of `x` in `bins` equal bins (or between the given increasing edges); the last bin
 * includes its right edge, values outside are dropped (NumPy's rule). Returns [counts, edges]:
 * int32 counts (float with `density`) and float64 edges. Not differentiable.
 * @example const [counts, edges] = np.histogram(x, 20)
 */
export function histogram(
  x: TensorLike,
  bins: number | readonly number[] = 10,
  options: HistogramOptions = {},
): [Tensor, Tensor] {
  const t = asTensor(x);
  const data = Array.from(t.concrete().readSync());
  let edges: number[];
  if (typeof bins === 'number') {
    if (!Number.isInteger(bins) || bins < 1)
      throw new RangeError(`histogram: bins must be a positive integer, got ${bins}`);
    let [lo, hi] = options.range ?? [
      data.reduce((m, v) => Math.min(m, v), Infinity),
      data.reduce((m, v) => Math.max(m, v), -Infinity),
    ];
    if (data.length === 0 && !options.range) [lo, hi] = [0, 1];
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
      throw new RangeError(
        `histogram: range [${lo}, ${hi}] of ${t.dtype}${fmt(t.shape)} is not finite and increasing`,
      );
    }
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    edges = Array.from({ length: bins + 1 }, (_, i) =>
      i === bins ? hi : lo + ((hi - lo) * i) / bins,
    );
  } else {
    edges = [...bins];
    if (edges.length < 2 || edges.some((e, i) => i > 0 && !(e >= edges[i - 1]))) {
      throw new RangeError(`histogram: bin edges must be increasing, got ${JSON.stringify(bins)}`);
    }
  }
  const nb = edges.length - 1;
  const counts = new Float64Array(nb);
  for (const v of data) {
    if (!(v >= edges[0] && v <= edges[nb])) continue;
    // Binary search for the last edge <= v; the right-most edge belongs to the last bin.
    let lo = 0;
    let hi = nb;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= v) lo = mid;
      else hi = mid;
    }
    counts[lo]++;
  }
  const edgeTensor = tensorFromHost(Float64Array.from(edges), [edges.length], 'float64');
  if (!options.density) return [tensorFromHost(Int32Array.from(counts), [nb], 'int32'), edgeTensor];
  const total = counts.reduce((s, c) => s + c, 0);
  const dtype = isFloat(t.dtype) ? t.dtype : 'float64';
  const dens = counts.map((c, i) => c / (total * (edges[i + 1] - edges[i])));
  return [
    tensorFromHost(dtype === 'float32' ? Float32Array.from(dens) : dens, [nb], dtype),
    edgeTensor,
  ];
}
