/** Shape manipulation and indexing, after jax.numpy. */
import { fmt, normalizeAxes, normalizeAxis, shapesEqual, sizeOf } from '../core/shape';
import { bind1, ConcretizationError } from '../core/trace';
import type { Axis, Tensor, TensorLike } from '../core/tensor';
import * as P from '../primitives/shape';
import { asTensor, astype, promote } from './convert';
import { onesLike } from './creation';
import { add, less, mul, sub, where } from './math';

/** Same values in a new shape; one entry may be -1. @example np.reshape(x, [2, -1]) */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(x);
  const known = shape.filter((d) => d !== -1);
  if (shape.length - known.length > 1 || known.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`reshape: invalid target shape ${fmt(shape)}`);
  }
  const resolved = shape.map((d) => (d === -1 ? t.size / Math.max(1, sizeOf(known)) : d));
  if (!resolved.every(Number.isInteger) || sizeOf(resolved) !== t.size) {
    throw new Error(
      `reshape: cannot reshape ${fmt(t.shape)} (${t.size} elements) into ${fmt(shape)}`,
    );
  }
  return shapesEqual(resolved, t.shape) ? t : bind1(P.reshape, [t], { shape: resolved });
}

/** Broadcasts to `shape` with NumPy rules. @example np.broadcastTo(b, [4, 3]) */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = asTensor(x);
  return shapesEqual(t.shape, shape) ? t : bind1(P.broadcastTo, [t], { shape: [...shape] });
}

/** Inserts a size-1 axis at `axis`. @example np.expandDims(v, 0) */
export function expandDims(x: TensorLike, axis: number): Tensor {
  const t = asTensor(x);
  const a = normalizeAxis('expandDims', axis, t.ndim + 1);
  const shape = [...t.shape];
  shape.splice(a, 0, 1);
  return reshape(t, shape);
}

/** Removes size-1 axes (all of them when `axis` is undefined). */
export function squeeze(x: TensorLike, axis?: Axis): Tensor {
  const t = asTensor(x);
  const axes =
    axis === undefined
      ? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes('squeeze', axis, t.ndim);
  for (const a of axes) {
    if (t.shape[a] !== 1)
      throw new Error(`squeeze: axis ${a} has size ${t.shape[a]}, not 1, in shape ${fmt(t.shape)}`);
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

/** Permutes axes; reverses them when `axes` is undefined. @example np.transpose(x, [0, 2, 1]) */
export function transpose(x: TensorLike, axes?: readonly number[]): Tensor {
  const t = asTensor(x);
  const perm =
    axes === undefined
      ? t.shape.map((_, i) => t.ndim - 1 - i)
      : axes.map((a) => normalizeAxis('transpose', a, t.ndim));
  if (perm.length !== t.ndim || new Set(perm).size !== perm.length) {
    throw new Error(
      `transpose: axes ${JSON.stringify(axes)} are not a permutation of the ${t.ndim} axes of ${fmt(t.shape)}`,
    );
  }
  return perm.every((p, i) => p === i) ? t : bind1(P.transpose, [t], { perm });
}

/** Swaps the last two axes (the transpose of a batch of matrices). */
export function matrixTranspose(x: TensorLike): Tensor {
  const t = asTensor(x);
  if (t.ndim < 2) throw new Error(`matrixTranspose: expected at least 2 axes, got ${fmt(t.shape)}`);
  const perm = t.shape.map((_, i) => i);
  [perm[t.ndim - 2], perm[t.ndim - 1]] = [perm[t.ndim - 1], perm[t.ndim - 2]];
  return transpose(t, perm);
}

/** Joins tensors along an existing axis. @example np.concatenate([a, b], 0) */
export function concatenate(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('concatenate: need at least one tensor');
  const ts = promote(...xs);
  const a = normalizeAxis('concatenate', axis, ts[0].ndim);
  return ts.length === 1 ? ts[0] : bind1(P.concatenate, ts, { axis: a });
}

/** Joins tensors along a new axis. @example np.stack([a, b], 1) */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('stack: need at least one tensor');
  const ts = promote(...xs);
  const shape = ts[0].shape;
  for (const t of ts) {
    if (!shapesEqual(t.shape, shape))
      throw new Error(`stack: shapes differ: ${ts.map((u) => fmt(u.shape)).join(', ')}`);
  }
  const a = normalizeAxis('stack', axis, shape.length + 1);
  return concatenate(
    ts.map((t) => expandDims(t, a)),
    a,
  );
}

/**
 * Splits into `sections` equal parts, or at the given indices, along `axis`. Indices are
 * increasing positions in [0, size] (negative or past-the-end ones raise, as in JAX).
 * @example np.split(x, 2); np.split(x, [1, 3], 1)
 */
export function split(x: TensorLike, sections: number | readonly number[], axis = 0): Tensor[] {
  const t = asTensor(x);
  const a = normalizeAxis('split', axis, t.ndim);
  const n = t.shape[a];
  let cuts: number[];
  if (typeof sections === 'number') {
    if (!Number.isInteger(sections) || sections <= 0 || n % sections !== 0) {
      throw new Error(
        `split: axis ${a} of size ${n} does not divide into ${sections} equal sections`,
      );
    }
    cuts = Array.from({ length: sections - 1 }, (_, i) => ((i + 1) * n) / sections);
  } else cuts = [...sections];
  const bounds = [0, ...cuts, n];
  // As JAX: cut points are positions in [0, n], non-decreasing (NumPy would wrap negative ones
  // and clamp the rest, silently giving other pieces than asked for).
  if (bounds.some((c, i) => !Number.isInteger(c) || (i > 0 && c < bounds[i - 1]))) {
    throw new RangeError(
      `split: cut points must be increasing within [0, ${n}] (the size of axis ${a}), got ${fmt(cuts)}`,
    );
  }
  return bounds.slice(1).map((end, i) => {
    const starts = t.shape.map((_, k) => (k === a ? bounds[i] : 0));
    const limits = t.shape.map((d, k) => (k === a ? end : d));
    return sliceStatic(t, { starts, limits, steps: t.shape.map(() => 1) });
  });
}

/** A static slice with positive steps (the `slice` primitive, checked). */
export function sliceStatic(
  x: TensorLike,
  params: { starts: readonly number[]; limits: readonly number[]; steps: readonly number[] },
): Tensor {
  const t = asTensor(x);
  const { starts, limits, steps } = params;
  const ok =
    [starts, limits, steps].every((p) => p.length === t.ndim) &&
    t.shape.every((d, i) => starts[i] >= 0 && limits[i] <= d && steps[i] >= 1);
  if (!ok)
    throw new Error(`slice: bounds ${JSON.stringify(params)} do not fit shape ${fmt(t.shape)}`);
  const full = t.shape.every((d, i) => starts[i] === 0 && limits[i] === d && steps[i] === 1);
  return full
    ? t
    : bind1(P.slice, [t], { starts: [...starts], limits: [...limits], steps: [...steps] });
}

/** Zero padding with `lo` before, `hi` after and `interior` between elements on each axis. */
export function padStatic(
  x: TensorLike,
  params: { lo: readonly number[]; hi: readonly number[]; interior: readonly number[] },
): Tensor {
  const t = asTensor(x);
  if (
    params.lo.every((v) => v === 0) &&
    params.hi.every((v) => v === 0) &&
    params.interior.every((v) => v === 0)
  )
    return t;
  return bind1(P.pad, [t], {
    lo: [...params.lo],
    hi: [...params.hi],
    interior: [...params.interior],
  });
}

/**
 * Pads with a constant: `padWidth` is [before, after] per axis (or one pair for all).
 * @example np.pad(x, [[1, 1], [0, 2]])
 */
export function pad(
  x: TensorLike,
  padWidth: readonly (readonly [number, number])[] | readonly [number, number],
  constantValue = 0,
): Tensor {
  const t = asTensor(x);
  const pairs = (
    typeof padWidth[0] === 'number' ? t.shape.map(() => padWidth) : padWidth
  ) as readonly (readonly [number, number])[];
  if (
    pairs.length !== t.ndim ||
    pairs.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))
  ) {
    throw new Error(
      `pad: padWidth ${JSON.stringify(padWidth)} must give [before, after] >= 0 for each of the ${t.ndim} axes`,
    );
  }
  const params = {
    lo: pairs.map((p) => p[0]),
    hi: pairs.map((p) => p[1]),
    interior: pairs.map(() => 0),
  };
  const padded = padStatic(t, params);
  if (constantValue === 0) return padded;
  // Add the constant only where the padding is: 1 - pad(ones) is 1 there and 0 on the data.
  const inside = padStatic(onesLike(t), params);
  return add(padded, mul(sub(1, inside), constantValue));
}

/** Reverses the order of elements along `axis` (all axes when undefined). */
export function flip(x: TensorLike, axis?: Axis): Tensor {
  const t = asTensor(x);
  const axes = normalizeAxes('flip', axis, t.ndim);
  return axes.length === 0 ? t : bind1(P.flip, [t], { axes });
}

/**
 * Elements at integer `indices` along `axis` (over the flattened tensor when undefined); negative
 * indices count from the end. @example np.take(x, [2, 0], 1)
 */
export function take(x: TensorLike, indices: TensorLike, axis?: number): Tensor {
  let t = asTensor(x);
  if (axis === undefined) {
    t = reshape(t, [-1]);
    axis = 0;
  }
  const a = normalizeAxis('take', axis, t.ndim);
  let idx = astype(asTensor(indices, 'int32'), 'int32');
  const n = t.shape[a];
  // Indices known here are checked; traced ones (under jit) are not known until the program runs.
  for (const i of knownValues(idx) ?? []) {
    if (i < -n || i >= n)
      throw new RangeError(`take: index ${i} is out of bounds for axis ${a} with size ${n}`);
  }
  idx = where(less(idx, 0), add(idx, n), idx);
  return takeIndices(t, idx, a);
}

/**
 * The values of `t` where they are known here, else undefined (a traced value under jit or vmap,
 * or a result on a GPU, which is read asynchronously).
 */
export function knownValues(t: Tensor): Iterable<number> | undefined {
  try {
    const c = t.concrete();
    return c.readableSync ? c.readSync() : undefined;
  } catch (err) {
    if (err instanceof ConcretizationError) return undefined;
    throw err;
  }
}

/** `take` with int32 indices already in range (the primitive). */
export function takeIndices(x: Tensor, indices: Tensor, axis: number): Tensor {
  return bind1(P.take, [x, indices], { axis });
}

/** Adds rows of `ct` into zeros of `shape` at `indices` along `axis` (the transpose of take). */
export function scatterAddIndices(
  ct: Tensor,
  indices: Tensor,
  axis: number,
  shape: readonly number[],
): Tensor {
  return bind1(P.scatterAdd, [ct, indices], { axis, shape: [...shape] });
}

/**
 * NumPy basic indexing with numbers, slice strings ('1:3', '::2', '::-1', ':'), `null` for a new
 * axis and '...' for the remaining axes. @example np.index(x, 0, '1:')  // x[0, 1:]
 */
export function index(x: TensorLike, spec: readonly (number | string | null)[]): Tensor {
  const t = asTensor(x);
  const ellipsis = spec.indexOf('...');
  const used = spec.filter((s) => s !== null && s !== '...').length;
  if (used > t.ndim) throw new Error(`index: too many indices (${used}) for shape ${fmt(t.shape)}`);
  const expanded =
    ellipsis < 0
      ? [...spec, ...Array<string>(t.ndim - used).fill(':')]
      : [
          ...spec.slice(0, ellipsis),
          ...Array<string>(t.ndim - used).fill(':'),
          ...spec.slice(ellipsis + 1),
        ];
  const starts: number[] = [];
  const limits: number[] = [];
  const steps: number[] = [];
  const flips: number[] = [];
  const outShape: number[] = [];
  let axis = 0;
  for (const s of expanded) {
    if (s === null) {
      outShape.push(1);
      continue;
    }
    const d = t.shape[axis];
    if (typeof s === 'number') {
      if (!Number.isInteger(s) || s < -d || s >= d) {
        throw new RangeError(`index: index ${s} is out of bounds for axis ${axis} with size ${d}`);
      }
      const i = s < 0 ? s + d : s;
      starts.push(i);
      limits.push(i + 1);
      steps.push(1);
    } else {
      const r = parseSlice(s, d, axis);
      starts.push(r.start);
      limits.push(r.limit);
      steps.push(r.step);
      outShape.push(r.length);
      if (r.flip) flips.push(starts.length - 1);
    }
    axis++;
  }
  let out = sliceStatic(t, { starts, limits, steps });
  if (flips.length) out = flip(out, flips);
  return reshape(out, outShape);
}

/** A parsed slice: a positive-step slice of the same elements, flipped afterwards if `flip`. */
interface ParsedSlice {
  start: number;
  limit: number;
  step: number;
  length: number;
  flip: boolean;
}

/** Parses 'start:stop:step' for an axis of size d, with NumPy's clamping and negative indices. */
function parseSlice(s: string, d: number, axis: number): ParsedSlice {
  const parts = s.split(':');
  const num = (p: string | undefined) =>
    p === undefined || p.trim() === '' ? undefined : Number(p);
  const [a, b, c] = [num(parts[0]), num(parts[1]), num(parts[2])];
  const step = c ?? 1;
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    !Number.isInteger(step) ||
    step === 0 ||
    [a, b].some((v) => v !== undefined && !Number.isInteger(v))
  ) {
    throw new Error(
      `index: cannot parse ${JSON.stringify(s)} as a slice for axis ${axis} (use 'start:stop:step')`,
    );
  }
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const wrapNeg = (v: number) => (v < 0 ? v + d : v);
  if (step > 0) {
    const start = clamp(wrapNeg(a ?? 0), 0, d);
    const stop = clamp(wrapNeg(b ?? d), start, d);
    return { start, limit: stop, step, length: Math.ceil((stop - start) / step), flip: false };
  }
  const first = a === undefined ? d - 1 : clamp(wrapNeg(a), -1, d - 1);
  const stop = b === undefined ? -1 : clamp(wrapNeg(b), -1, d - 1);
  const length = Math.max(0, Math.ceil((stop - first) / step));
  if (length === 0) return { start: 0, limit: 0, step: 1, length: 0, flip: false };
  const last = first + (length - 1) * step;
  return { start: last, limit: first + 1, step: -step, length, flip: true };
}
