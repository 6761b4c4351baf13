/**
 * Functional indexed updates in the spirit of JAX's `x.at[idx].set(v)`: `np.at(x, idx, axis)`
 * returns an updater whose `set`, `add`, `mul`, `min`, `max` and `get` give a new tensor (x is
 * never modified). Indices pick whole slices along `axis` (0 by default); negative indices count
 * from the end. Built from take and scatter-add, so every update is differentiable in x and v.
 *
 * Repeated indices: `add` and `mul` apply every update (as JAX); `set` keeps the last one (as
 * NumPy; JAX leaves the order unspecified); `min`/`max` combine them all.
 */
import { fmt, normalizeAxis } from '../core/shape';
import type { Tensor, TensorLike } from '../core/tensor';
import { tensorFromHost } from '../backends';
import { asTensor, astype } from './convert';
import { add, maximum, minimum, mul, where } from './math';
import { broadcastTo, reshape, scatterAddIndices, takeIndices } from './shape';

/** What `np.at(x, indices)` returns: each method gives the updated copy of x. */
export interface IndexUpdater {
  /** x with the indexed slices replaced by v (broadcast). @example np.at(x, [0, 2]).set(0) */
  set(v: TensorLike): Tensor;
  /** x with v added at the indices (repeats accumulate). */
  add(v: TensorLike): Tensor;
  /** x with the indexed slices multiplied by v. */
  mul(v: TensorLike): Tensor;
  /** x with the indexed slices replaced by min(slice, v). */
  min(v: TensorLike): Tensor;
  /** x with the indexed slices replaced by max(slice, v). */
  max(v: TensorLike): Tensor;
  /** The indexed slices themselves (like np.take). */
  get(): Tensor;
}

/**
 * An updater for the slices of `x` at `indices` along `axis`.
 * @example np.at(x, 1).add(10); x.at([0, 0]).add(1)  // adds 2 to x[0]
 */
export function at(x: TensorLike, indices: TensorLike, axis = 0): IndexUpdater {
  const t = asTensor(x);
  if (t.ndim === 0) throw new Error('at: cannot index a scalar (shape [])');
  const a = normalizeAxis('at', axis, t.ndim);
  const n = t.shape[a];
  const raw = asTensor(indices, 'int32');
  if (raw.dtype !== 'int32' && raw.dtype !== 'float32' && raw.dtype !== 'float64') {
    throw new TypeError(`at: indices must be integers, got ${raw.dtype}${fmt(raw.shape)}`);
  }
  const values = Array.from(raw.concrete().readSync(), (i) => {
    if (!Number.isInteger(i) || i < -n || i >= n) {
      throw new RangeError(
        `at: index ${i} is out of bounds for axis ${a} with size ${n} of shape ${fmt(t.shape)}`,
      );
    }
    return i < 0 ? i + n : i;
  });
  const idx = tensorFromHost(Int32Array.from(values), raw.shape, 'int32');
  const sliceShape = [...t.shape.slice(0, a), ...raw.shape, ...t.shape.slice(a + 1)];
  const updates = (v: TensorLike): Tensor => {
    const u = astype(asTensor(v, t.dtype), t.dtype);
    try {
      return broadcastTo(u, sliceShape);
    } catch {
      throw new Error(
        `at: update of shape ${fmt(u.shape)} does not broadcast to the indexed slices ${fmt(sliceShape)} of ${fmt(t.shape)}`,
      );
    }
  };
  // Rounds of distinct indices: round r holds each index's r-th occurrence, in order.
  const rounds: number[][] = [];
  const seen = new Map<number, number>();
  values.forEach((target, position) => {
    const r = seen.get(target) ?? 0;
    seen.set(target, r + 1);
    (rounds[r] ??= []).push(position);
  });
  const flatShape = [...t.shape.slice(0, a), values.length, ...t.shape.slice(a + 1)];
  const combine = (v: TensorLike, f: (old: Tensor, update: Tensor) => Tensor): Tensor => {
    const u = reshape(updates(v), flatShape);
    let out = t;
    for (const positions of rounds) {
      const pos = tensorFromHost(Int32Array.from(positions), [positions.length], 'int32');
      const targets = positions.map((p) => values[p]);
      const scattered = scatterAddIndices(
        takeIndices(u, pos, a),
        tensorFromHost(Int32Array.from(targets), [targets.length], 'int32'),
        a,
        t.shape,
      );
      const hit = new Uint8Array(n);
      for (const j of targets) hit[j] = 1;
      const mask = tensorFromHost(
        hit,
        t.shape.map((d, i) => (i === a ? d : 1)),
        'bool',
      );
      out = where(mask, f(out, scattered), out);
    }
    return out;
  };
  return {
    set: (v) => combine(v, (_old, u) => u),
    add: (v) => add(t, scatterAddIndices(updates(v), idx, a, t.shape)),
    mul: (v) => combine(v, (old, u) => mul(old, u)),
    min: (v) => combine(v, (old, u) => minimum(old, u)),
    max: (v) => combine(v, (old, u) => maximum(old, u)),
    get: () => takeIndices(t, idx, a),
  };
}
