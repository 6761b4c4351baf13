/**
 * Rearranging elements, after jax.numpy: tile, repeat, meshgrid, tril/triu, diag, moveaxis,
 * swapaxes, ravel, roll, hstack/vstack, takeAlongAxis. All are composites of the shape
 * primitives (reshape, broadcast, slice, pad, concatenate, take), so they are differentiable.
 */
import { broadcastShapes, fmt, normalizeAxis, stridesOf } from '../core/shape';
import type { Tensor, TensorLike } from '../core/tensor';
import { tensorFromHost } from '../backends';
import { asTensor, astype, promote } from './convert';
import { arange, zerosLike } from './creation';
import { add, greaterEqual, less, lessEqual, mul, sub, where } from './math';
import {
  broadcastTo,
  concatenate,
  expandDims,
  knownValues,
  padStatic,
  reshape,
  scatterAddIndices,
  sliceStatic,
  takeIndices,
  transpose,
} from './shape';

/** Flattens to one axis (a reshape, no copy). @example np.ravel(x) */
export function ravel(x: TensorLike): Tensor {
  return reshape(x, [-1]);
}

function checkCounts(op: string, counts: readonly number[]): void {
  if (counts.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new RangeError(
      `${op}: repetitions must be non-negative integers, got ${JSON.stringify(counts)}`,
    );
  }
}

/**
 * Repeats the whole tensor `reps` times along each axis (NumPy's rule: missing leading axes are
 * size 1). @example np.tile(np.array([1, 2]), [2, 2])  // [[1,2,1,2],[1,2,1,2]]
 */
export function tile(x: TensorLike, reps: number | readonly number[]): Tensor {
  const r = typeof reps === 'number' ? [reps] : [...reps];
  checkCounts('tile', r);
  let t = asTensor(x);
  const rank = Math.max(t.ndim, r.length);
  t = reshape(t, [...Array<number>(rank - t.ndim).fill(1), ...t.shape]);
  const counts = [...Array<number>(rank - r.length).fill(1), ...r];
  // [d0, d1] -> [1, d0, 1, d1] -> broadcast [r0, d0, r1, d1] -> [r0 d0, r1 d1]
  const interleaved = t.shape.flatMap((d) => [1, d]);
  const target = t.shape.flatMap((d, i) => [counts[i], d]);
  return reshape(
    broadcastTo(reshape(t, interleaved), target),
    t.shape.map((d, i) => d * counts[i]),
  );
}

/**
 * Repeats each element `repeats` times (a number, or one count per element) along `axis` (over
 * the flattened tensor when undefined). @example np.repeat(np.array([1, 2]), 2)  // [1,1,2,2]
 */
export function repeat(x: TensorLike, repeats: number | readonly number[], axis?: number): Tensor {
  let t = asTensor(x);
  if (axis === undefined) {
    t = ravel(t);
    axis = 0;
  }
  const a = normalizeAxis('repeat', axis, t.ndim);
  const n = t.shape[a];
  if (typeof repeats === 'number') {
    checkCounts('repeat', [repeats]);
    const spread = [...t.shape.slice(0, a + 1), 1, ...t.shape.slice(a + 1)];
    const target = [...t.shape.slice(0, a + 1), repeats, ...t.shape.slice(a + 1)];
    const out = t.shape.map((d, i) => (i === a ? d * repeats : d));
    return reshape(broadcastTo(reshape(t, spread), target), out);
  }
  checkCounts('repeat', repeats);
  if (repeats.length !== n) {
    throw new Error(
      `repeat: ${repeats.length} counts for axis ${a} of size ${n} in shape ${fmt(t.shape)}`,
    );
  }
  const idx = repeats.flatMap((r, i) => Array<number>(r).fill(i));
  return takeIndices(t, tensorFromHost(Int32Array.from(idx), [idx.length], 'int32'), a);
}

/**
 * Coordinate grids from 1-D vectors: 'xy' (default, Cartesian: the first two outputs have shape
 * [len(y), len(x)]) or 'ij' (matrix indexing). @example const [X, Y] = np.meshgrid(xs, ys)
 */
export function meshgrid(...args: (TensorLike | { indexing?: 'xy' | 'ij' })[]): Tensor[] {
  const last = args[args.length - 1];
  const hasOptions =
    typeof last === 'object' && last !== null && !Array.isArray(last) && !('shape' in last);
  const indexing = hasOptions ? ((last as { indexing?: 'xy' | 'ij' }).indexing ?? 'xy') : 'xy';
  if (indexing !== 'xy' && indexing !== 'ij') {
    throw new Error(`meshgrid: indexing must be 'xy' or 'ij', got ${JSON.stringify(indexing)}`);
  }
  const xs = (hasOptions ? args.slice(0, -1) : args).map((v) => ravel(v as TensorLike));
  const shape = xs.map((v) => v.size);
  if (indexing === 'xy' && xs.length >= 2) [shape[0], shape[1]] = [shape[1], shape[0]];
  return xs.map((v, i) => {
    const axis = indexing === 'xy' && i < 2 && xs.length >= 2 ? 1 - i : i;
    const s = shape.map((_, k) => (k === axis ? v.size : 1));
    return broadcastTo(reshape(v, s), shape);
  });
}

/** Mask of the last two axes: true where column - row compares with k. */
function triangleMask(op: string, t: Tensor, k: number, lower: boolean): Tensor {
  if (t.ndim < 2) throw new Error(`${op}: expected at least 2 axes, got ${fmt(t.shape)}`);
  if (!Number.isInteger(k)) throw new TypeError(`${op}: k must be an integer, got ${k}`);
  const [n, m] = t.shape.slice(-2);
  const offset = sub(expandDims(arange(m), 0), expandDims(arange(n), 1));
  return lower ? lessEqual(offset, k) : greaterEqual(offset, k);
}

/** The lower triangle (on and below the k-th diagonal) of the last two axes; zeros elsewhere. */
export function tril(x: TensorLike, k = 0): Tensor {
  const t = asTensor(x);
  return where(triangleMask('tril', t, k, true), t, zerosLike(t));
}

/** The upper triangle (on and above the k-th diagonal) of the last two axes. @example np.triu(A, 1) */
export function triu(x: TensorLike, k = 0): Tensor {
  const t = asTensor(x);
  return where(triangleMask('triu', t, k, false), t, zerosLike(t));
}

/**
 * From a vector, the square matrix with it on the k-th diagonal; from a matrix, its k-th diagonal.
 * @example np.diag(np.array([1, 2]))  // [[1,0],[0,2]]
 */
export function diag(v: TensorLike, k = 0): Tensor {
  const t = asTensor(v);
  if (!Number.isInteger(k)) throw new TypeError(`diag: k must be an integer, got ${k}`);
  if (t.ndim === 1) {
    const m = t.size;
    // Each entry followed by m zeros, cut to m² entries, is the m x m diagonal matrix.
    const spaced = padStatic(reshape(t, [m, 1]), { lo: [0, 0], hi: [0, m], interior: [0, 0] });
    const square = reshape(
      sliceStatic(ravel(spaced), { starts: [0], limits: [m * m], steps: [1] }),
      [m, m],
    );
    const s = Math.abs(k);
    return padStatic(square, {
      lo: k >= 0 ? [0, s] : [s, 0],
      hi: k >= 0 ? [s, 0] : [0, s],
      interior: [0, 0],
    });
  }
  if (t.ndim !== 2) throw new Error(`diag: expected a vector or a matrix, got ${fmt(t.shape)}`);
  const [n, m] = t.shape;
  const length = Math.max(0, k >= 0 ? Math.min(n, m - k) : Math.min(n + k, m));
  if (length === 0)
    return reshape(sliceStatic(ravel(t), { starts: [0], limits: [0], steps: [1] }), [0]);
  const start = k >= 0 ? k : -k * m;
  return sliceStatic(ravel(t), {
    starts: [start],
    limits: [start + (length - 1) * (m + 1) + 1],
    steps: [m + 1],
  });
}

function axisList(op: string, axes: number | readonly number[], rank: number): number[] {
  const list = typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => normalizeAxis(op, a, rank));
  if (new Set(out).size !== out.length)
    throw new Error(`${op}: repeated axis in ${JSON.stringify(axes)}`);
  return out;
}

/** Moves axes to new positions, keeping the order of the others. @example np.moveaxis(x, 0, -1) */
export function moveaxis(
  x: TensorLike,
  source: number | readonly number[],
  destination: number | readonly number[],
): Tensor {
  const t = asTensor(x);
  const src = axisList('moveaxis', source, t.ndim);
  const dst = axisList('moveaxis', destination, t.ndim);
  if (src.length !== dst.length) {
    throw new Error(
      `moveaxis: ${src.length} source axes but ${dst.length} destinations for ${fmt(t.shape)}`,
    );
  }
  const rest = t.shape.map((_, i) => i).filter((i) => !src.includes(i));
  const perm = new Array<number>(t.ndim).fill(-1);
  dst.forEach((d, i) => (perm[d] = src[i]));
  for (let i = 0, r = 0; i < t.ndim; i++) if (perm[i] < 0) perm[i] = rest[r++];
  return transpose(t, perm);
}

/** Exchanges two axes. @example np.swapaxes(x, 0, 1) */
export function swapaxes(x: TensorLike, axis1: number, axis2: number): Tensor {
  const t = asTensor(x);
  const [a, b] = [
    normalizeAxis('swapaxes', axis1, t.ndim),
    normalizeAxis('swapaxes', axis2, t.ndim),
  ];
  const perm = t.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return transpose(t, perm);
}

/**
 * Shifts elements by `shift` along `axis` (over the flattened tensor when undefined), wrapping
 * around. @example np.roll(np.array([1, 2, 3]), 1)  // [3,1,2]
 */
export function roll(
  x: TensorLike,
  shift: number | readonly number[],
  axis?: number | readonly number[],
): Tensor {
  const t = asTensor(x);
  if (axis === undefined) return reshape(roll(ravel(t), shift, 0), t.shape);
  const axes = typeof axis === 'number' ? [axis] : [...axis];
  const shifts = typeof shift === 'number' ? axes.map(() => shift) : [...shift];
  if (shifts.length !== axes.length || shifts.some((s) => !Number.isInteger(s))) {
    throw new Error(
      `roll: need one integer shift per axis, got shift ${JSON.stringify(shift)} for axes ${JSON.stringify(axis)}`,
    );
  }
  let out = t;
  axes.forEach((ax, i) => {
    const a = normalizeAxis('roll', ax, t.ndim);
    const n = t.shape[a];
    const s = n === 0 ? 0 : ((shifts[i] % n) + n) % n;
    if (s === 0) return;
    const part = (start: number, limit: number) =>
      sliceStatic(out, {
        starts: out.shape.map((_, k) => (k === a ? start : 0)),
        limits: out.shape.map((d, k) => (k === a ? limit : d)),
        steps: out.shape.map(() => 1),
      });
    out = concatenate([part(n - s, n), part(0, n - s)], a);
  });
  return out;
}

/** Joins along the second axis (the first for 1-D inputs). @example np.hstack([a, b]) */
export function hstack(xs: readonly TensorLike[]): Tensor {
  const ts = promote(...xs);
  if (ts.length === 0) throw new Error('hstack: need at least one tensor');
  return concatenate(ts, ts[0].ndim === 1 ? 0 : 1);
}

/** Joins along the first axis; 1-D inputs become rows. @example np.vstack([a, b]) */
export function vstack(xs: readonly TensorLike[]): Tensor {
  const ts = promote(...xs);
  if (ts.length === 0) throw new Error('vstack: need at least one tensor');
  return concatenate(
    ts.map((t) => (t.ndim === 0 ? reshape(t, [1, 1]) : t.ndim === 1 ? expandDims(t, 0) : t)),
    0,
  );
}

/**
 * Flat positions (into x broadcast to the output shape) of `indices` along `axis`: the index
 * computation shared by takeAlongAxis and its transpose, written with tensor arithmetic so it
 * also runs under jit and vmap (known indices are bounds-checked here, traced ones cannot be).
 */
function alongAxis(
  op: string,
  xShape: readonly number[],
  indices: Tensor,
  axis: number,
): { flat: Tensor; outShape: number[]; xTarget: number[] } {
  if (indices.ndim !== xShape.length) {
    throw new Error(
      `${op}: indices ${fmt(indices.shape)} must have as many axes as the array ${fmt(xShape)}`,
    );
  }
  const a = normalizeAxis(op, axis, xShape.length);
  const others = (s: readonly number[]) => s.map((d, i) => (i === a ? 1 : d));
  const base = broadcastShapes(op, others(xShape), others(indices.shape));
  const outShape = base.map((d, i) => (i === a ? indices.shape[a] : d));
  const xTarget = base.map((d, i) => (i === a ? xShape[a] : d));
  const n = xShape[a];
  const idx = broadcastTo(astype(indices, 'int32'), outShape);
  for (const j of knownValues(idx) ?? []) {
    if (j < -n || j >= n)
      throw new RangeError(`${op}: index ${j} is out of bounds for axis ${a} with size ${n}`);
  }
  const strides = stridesOf(xTarget);
  // position = Σ_k coord_k stride_k, with the index itself as the coordinate along `axis`.
  let flat = mul(where(less(idx, 0), add(idx, n), idx), strides[a]);
  outShape.forEach((d, k) => {
    if (k === a || d === 1) return;
    const coord = reshape(
      mul(arange(d), strides[k]),
      outShape.map((_, i) => (i === k ? d : 1)),
    );
    flat = add(flat, coord);
  });
  return { flat: ravel(flat), outShape, xTarget };
}

/**
 * Picks `x`'s elements at `indices` along `axis` (NumPy's take_along_axis; the other axes
 * broadcast). Differentiable in x. @example np.takeAlongAxis(x, np.argsort(x, -1), -1)
 */
export function takeAlongAxis(x: TensorLike, indices: TensorLike, axis: number): Tensor {
  const t = asTensor(x);
  const { flat, outShape, xTarget } = alongAxis(
    'takeAlongAxis',
    t.shape,
    asTensor(indices, 'int32'),
    axis,
  );
  return reshape(takeIndices(ravel(broadcastTo(t, xTarget)), flat, 0), outShape);
}

/**
 * The transpose of takeAlongAxis for a permutation: puts `values` at positions `indices` along
 * `axis` of zeros (repeated positions add up). Internal: sort's reverse rule.
 */
export function putAlongAxis(values: Tensor, indices: Tensor, axis: number): Tensor {
  const { flat } = alongAxis('putAlongAxis', values.shape, indices, axis);
  return reshape(scatterAddIndices(ravel(values), flat, 0, [values.size]), values.shape);
}
