/**
 * Shape primitives: all linear, so each reverse rule is the transpose of the forward map
 * (reshape <-> reshape, broadcast <-> sum, slice <-> pad, take <-> scatter-add).
 */
import type { Primitive } from '../core/primitive';
import {
  broadcastShapes,
  broadcastStrides,
  fmt,
  shapesEqual,
  sizeOf,
  stridesOf,
} from '../core/shape';
import { ConcreteTensor } from '../core/tensor';
import * as ops from '../numpy/ops';
import { batchFirst, batchShiftingAxes, batchSize, perExample, shiftAxes } from './batching';
import { linear, unbroadcast, wrap } from './helpers';

// d reshape(x) = reshape(dx)
export const reshape: Primitive<{ shape: readonly number[] }> = {
  name: 'reshape',
  abstractEval: ([x], { shape }) => {
    if (sizeOf(shape) !== sizeOf(x.shape)) {
      throw new Error(
        `reshape: cannot reshape ${fmt(x.shape)} (${sizeOf(x.shape)} elements) into ${fmt(shape)}`,
      );
    }
    return [{ shape, dtype: x.dtype }];
  },
  // Tensors are immutable, so the new shape can share the storage.
  impl: ([x], _p, [out]) => [new ConcreteTensor(x.storage, out.shape, out.dtype)],
  jvp: ([dx], _x, _y, { shape }) => [linear(dx, (t) => ops.reshape(t, shape))],
  vjp: ([ct], [x]) => [ops.reshape(ct, x.shape)],
  batch: ([x], [bdim], { shape }) => {
    const xb = batchFirst(x, bdim);
    return [[ops.reshape(xb, [xb.shape[0], ...shape])], [0]];
  },
};

// d broadcast(x) = broadcast(dx); its transpose sums over the broadcast axes.
export const broadcastTo: Primitive<{ shape: readonly number[] }> = {
  name: 'broadcast_to',
  abstractEval: ([x], { shape }) => {
    const out = broadcastShapes('broadcastTo', x.shape, shape);
    if (!shapesEqual(out, shape))
      throw new Error(`broadcastTo: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
    return [{ shape, dtype: x.dtype }];
  },
  impl: ([x], _p, [out]) => [
    wrap(
      x.backend.readStrided(
        x,
        { offset: 0, strides: broadcastStrides(x.shape, out.shape) },
        out.shape,
      ),
      out,
    ),
  ],
  jvp: ([dx], _x, _y, { shape }) => [linear(dx, (t) => ops.broadcastTo(t, shape))],
  vjp: ([ct], [x]) => [unbroadcast(ct, x.shape)],
  // Size-1 axes after the batch axis line x up with the target's trailing axes first.
  batch: ([x], [bdim], { shape }) => {
    const [size, ...s] = batchFirst(x, bdim).shape;
    const ones = new Array<number>(shape.length - s.length).fill(1);
    const aligned = ops.reshape(batchFirst(x, bdim), [size, ...ones, ...s]);
    return [[ops.broadcastTo(aligned, [size, ...shape])], [0]];
  },
};

// d transpose(x) = transpose(dx); the transpose rule applies the inverse permutation.
export const transpose: Primitive<{ perm: readonly number[] }> = {
  name: 'transpose',
  abstractEval: ([x], { perm }) => [{ shape: perm.map((p) => x.shape[p]), dtype: x.dtype }],
  impl: ([x], { perm }, [out]) => {
    const strides = stridesOf(x.shape);
    return [
      wrap(
        x.backend.readStrided(x, { offset: 0, strides: perm.map((p) => strides[p]) }, out.shape),
        out,
      ),
    ];
  },
  jvp: ([dx], _x, _y, { perm }) => [linear(dx, (t) => ops.transpose(t, perm))],
  vjp: ([ct], _x, _y, { perm }) => [ops.transpose(ct, inversePermutation(perm))],
  batch: batchShiftingAxes(({ perm }) => ({ perm: [0, ...shiftAxes(perm)] })),
};

function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

type SliceParams = {
  starts: readonly number[];
  limits: readonly number[];
  steps: readonly number[];
};

/** Length of `range(start, limit, step)` for a positive step. */
const rangeLength = (start: number, limit: number, step: number) =>
  Math.max(0, Math.ceil((limit - start) / step));

// d slice(x) = slice(dx); its transpose pads the cotangent back into zeros.
export const slice: Primitive<SliceParams> = {
  name: 'slice',
  abstractEval: ([x], { starts, limits, steps }) => [
    { shape: x.shape.map((_, i) => rangeLength(starts[i], limits[i], steps[i])), dtype: x.dtype },
  ],
  impl: ([x], { starts, steps }, [out]) => {
    const strides = stridesOf(x.shape);
    const offset = starts.reduce((acc, s, i) => acc + s * strides[i], 0);
    return [
      wrap(
        x.backend.readStrided(
          x,
          { offset, strides: strides.map((s, i) => s * steps[i]) },
          out.shape,
        ),
        out,
      ),
    ];
  },
  jvp: ([dx], _x, _y, params) => [linear(dx, (t) => ops.sliceStatic(t, params))],
  vjp: ([ct], [x], _y, { starts, steps }) => [
    ops.padStatic(ct, {
      lo: starts,
      hi: x.shape.map(
        (d, i) =>
          d - (ct.shape[i] === 0 ? starts[i] : starts[i] + (ct.shape[i] - 1) * steps[i] + 1),
      ),
      interior: steps.map((s) => s - 1),
    }),
  ],
  batch: ([x], [bdim], { starts, limits, steps }) => {
    const xb = batchFirst(x, bdim);
    const params = {
      starts: [0, ...starts],
      limits: [xb.shape[0], ...limits],
      steps: [1, ...steps],
    };
    return [[ops.sliceStatic(xb, params)], [0]];
  },
};

type PadParams = { lo: readonly number[]; hi: readonly number[]; interior: readonly number[] };

// d pad(x) = pad(dx) (zero padding is linear); its transpose slices the interior back out.
export const pad: Primitive<PadParams> = {
  name: 'pad',
  abstractEval: ([x], { lo, hi, interior }) => [
    {
      shape: x.shape.map((d, i) => lo[i] + hi[i] + d + Math.max(0, d - 1) * interior[i]),
      dtype: x.dtype,
    },
  ],
  impl: ([x], { lo, interior }, [out]) => {
    const strides = stridesOf(out.shape);
    const view = {
      offset: lo.reduce((acc, l, i) => acc + l * strides[i], 0),
      strides: strides.map((s, i) => s * (interior[i] + 1)),
    };
    return [wrap(x.backend.writeStrided([{ x, view }], out.shape, out.dtype), out)];
  },
  jvp: ([dx], _x, _y, params) => [linear(dx, (t) => ops.padStatic(t, params))],
  vjp: ([ct], [x], _y, { lo, interior }) => [
    ops.sliceStatic(ct, {
      starts: lo,
      limits: x.shape.map((d, i) => lo[i] + (d === 0 ? 0 : (d - 1) * (interior[i] + 1) + 1)),
      steps: interior.map((s) => s + 1),
    }),
  ],
  batch: batchShiftingAxes(({ lo, hi, interior }) => ({
    lo: [0, ...lo],
    hi: [0, ...hi],
    interior: [0, ...interior],
  })),
};

// d concat(xs) = concat(dxs); its transpose slices the cotangent into pieces.
export const concatenate: Primitive<{ axis: number }> = {
  name: 'concatenate',
  abstractEval: (xs, { axis }) => {
    const first = xs[0];
    for (const x of xs) {
      if (
        x.dtype !== first.dtype ||
        x.shape.length !== first.shape.length ||
        x.shape.some((d, i) => i !== axis && d !== first.shape[i])
      ) {
        throw new Error(
          `concatenate: shapes must agree except on axis ${axis}: ${xs.map((a) => `${a.dtype}${fmt(a.shape)}`).join(', ')}`,
        );
      }
    }
    const shape = [...first.shape];
    shape[axis] = xs.reduce((acc, x) => acc + x.shape[axis], 0);
    return [{ shape, dtype: first.dtype }];
  },
  impl: (xs, { axis }, [out]) => {
    const strides = stridesOf(out.shape);
    let at = 0;
    const parts = xs.map((x) => {
      const part = { x, view: { offset: at * strides[axis], strides } };
      at += x.shape[axis];
      return part;
    });
    return [wrap(xs[0].backend.writeStrided(parts, out.shape, out.dtype), out)];
  },
  jvp: (dxs, xs, _y, { axis }) => [
    ops.concatenate(
      dxs.map((t, i) => t ?? ops.zerosLike(xs[i])),
      axis,
    ),
  ],
  vjp: ([ct], xs, _y, { axis }) => {
    let at = 0;
    return xs.map((x) => {
      const starts = ct.shape.map((_, i) => (i === axis ? at : 0));
      at += x.shape[axis];
      const limits = ct.shape.map((d, i) => (i === axis ? at : d));
      return ops.sliceStatic(ct, { starts, limits, steps: ct.shape.map(() => 1) });
    });
  },
  batch: (xs, bdims, { axis }) => {
    const size = batchSize(xs, bdims);
    return [
      [
        ops.concatenate(
          xs.map((x, i) => batchFirst(x, bdims[i], size)),
          axis + 1,
        ),
      ],
      [0],
    ];
  },
};

// d flip(x) = flip(dx); flipping is its own transpose.
export const flip: Primitive<{ axes: readonly number[] }> = {
  name: 'flip',
  abstractEval: ([x]) => [x],
  impl: ([x], { axes }, [out]) => {
    const strides = stridesOf(x.shape);
    let offset = 0;
    const flipped = strides.map((s, i) => {
      if (!axes.includes(i) || x.shape[i] === 0) return s;
      offset += (x.shape[i] - 1) * s;
      return -s;
    });
    return [wrap(x.backend.readStrided(x, { offset, strides: flipped }, out.shape), out)];
  },
  jvp: ([dx], _x, _y, { axes }) => [linear(dx, (t) => ops.flip(t, axes))],
  vjp: ([ct], _x, _y, { axes }) => [ops.flip(ct, axes)],
  batch: batchShiftingAxes(({ axes }) => ({ axes: shiftAxes(axes) })),
};

/** Output shape of take: the indices' shape replaces `axis`. */
const takeShape = (x: readonly number[], idx: readonly number[], axis: number) => [
  ...x.slice(0, axis),
  ...idx,
  ...x.slice(axis + 1),
];

// d take(x, i) = take(dx, i); its transpose scatter-adds the cotangent back (repeats accumulate).
export const take: Primitive<{ axis: number }> = {
  name: 'take',
  abstractEval: ([x, idx], { axis }) => {
    if (idx.dtype !== 'int32') throw new TypeError(`take: indices must be int32, got ${idx.dtype}`);
    return [{ shape: takeShape(x.shape, idx.shape, axis), dtype: x.dtype }];
  },
  impl: ([x, idx], { axis }, [out]) => {
    const n = x.shape[axis];
    // Indices a GPU computed cannot be read synchronously; its kernel reads 0 out of range.
    for (const i of idx.readableSync ? idx.readSync() : []) {
      if (i < 0 || i >= n)
        throw new RangeError(`take: index ${i} is out of bounds for axis ${axis} with size ${n}`);
    }
    return [wrap(x.backend.take(x, idx, axis, out.shape), out)];
  },
  jvp: ([dx], [, idx], _y, { axis }) => [linear(dx, (t) => ops.takeIndices(t, idx, axis))],
  vjp: ([ct], [x, idx], _y, { axis }) => [ops.scatterAddIndices(ct, idx, axis, x.shape), null],
  // Batched indices into a shared x put the batch axis where the indices go; both batched: a loop.
  batch: ([x, idx], [xDim, idxDim], params, prim) => {
    if (idxDim === null) return [[ops.takeIndices(batchFirst(x, xDim), idx, params.axis + 1)], [0]];
    if (xDim === null) return [[ops.takeIndices(x, idx, params.axis)], [params.axis + idxDim]];
    return [perExample(prim, [x, idx], [xDim, idxDim], params), [0]];
  },
};

// scatterAdd is linear in the cotangent; its transpose is take.
export const scatterAdd: Primitive<{ axis: number; shape: readonly number[] }> = {
  name: 'scatter_add',
  abstractEval: ([ct], { shape }) => [{ shape, dtype: ct.dtype }],
  impl: ([ct, idx], { axis }, [out]) => [
    wrap(ct.backend.scatterAdd(ct, idx, axis, out.shape), out),
  ],
  jvp: ([dct], [, idx], _y, { axis, shape }) => [
    linear(dct, (t) => ops.scatterAddIndices(t, idx, axis, shape)),
  ],
  vjp: ([ct], [, idx], _y, { axis }) => [ops.takeIndices(ct, idx, axis), null],
  batch: ([ct, idx], [ctDim, idxDim], params, prim) => {
    if (idxDim !== null) return [perExample(prim, [ct, idx], [ctDim, idxDim], params), [0]];
    const cb = batchFirst(ct, ctDim);
    return [[ops.scatterAddIndices(cb, idx, params.axis + 1, [cb.shape[0], ...params.shape])], [0]];
  },
};

/** The shape family, for the registry. */
export const shapePrimitives = {
  reshape,
  broadcastTo,
  transpose,
  slice,
  pad,
  concatenate,
  flip,
  take,
  scatterAdd,
};
