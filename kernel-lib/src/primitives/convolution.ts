/**
 * Convolution as one primitive, in the style of lax.conv_general_dilated with two spatial axes
 * (1-D convolutions add a size-1 axis): lhs [N, C, H, W], rhs [O, C, KH, KW], output
 * [N, O, H', W'] (NCHW / OIHW, cross-correlation as in every deep-learning library). Params:
 * window strides, padding [lo, hi] per axis (negative crops), lhs dilation (the transposed
 * convolution) and rhs dilation (atrous). The kernel is a host loop in float64, rounded once.
 *
 * Both rules are convolutions again: the JVP is bilinear, the cotangent of lhs is the convolution
 * of the cotangent with the flipped, transposed kernel (lhs dilation = the forward strides), and
 * the cotangent of rhs correlates lhs with the cotangent (rhs dilation = the forward strides).
 */
import { allocate, type TypedArray } from '../core/dtype';
import type { Aval, Primitive } from '../core/primitive';
import { fmt, sizeOf } from '../core/shape';
import type { ConcreteTensor, Tensor } from '../core/tensor';
import { runRoutine } from '../backends/routines';
import type { ConvParams } from '../backends/backend';
import * as ops from '../numpy/ops';
import { addTangents, linear, requireFloat } from './helpers';
import { batchFirst, batchSize } from './batching';
import type { BatchDim } from '../core/primitive';
import { bind1 } from '../core/trace';

/** Static parameters, one entry per spatial axis (two). */
export type { ConvParams };

const dilate = (size: number, d: number) => (size === 0 ? 0 : (size - 1) * d + 1);

/** Output spatial sizes of a convolution. */
export function convOutputShape(
  inSpatial: readonly number[],
  kernel: readonly number[],
  { strides, padding, lhsDilation, rhsDilation }: ConvParams,
): number[] {
  return inSpatial.map((d, i) => {
    const span =
      dilate(d, lhsDilation[i]) + padding[i][0] + padding[i][1] - dilate(kernel[i], rhsDilation[i]);
    return span < 0 ? 0 : Math.floor(span / strides[i]) + 1;
  });
}

function convAval([x, w]: readonly Aval[], p: ConvParams): Aval[] {
  requireFloat('conv', x);
  if (
    x.shape.length !== 4 ||
    w.shape.length !== 4 ||
    x.shape[1] !== w.shape[1] ||
    x.dtype !== w.dtype
  ) {
    throw new Error(
      `conv: expected lhs [N,C,H,W] and rhs [O,C,KH,KW] of one dtype, got ${x.dtype}${fmt(x.shape)} and ${w.dtype}${fmt(w.shape)}`,
    );
  }
  const out = convOutputShape(x.shape.slice(2), w.shape.slice(2), p);
  return [{ shape: [x.shape[0], w.shape[0], ...out], dtype: x.dtype }];
}

/** The device's kernel, else the host loop. */
function convolve(x: ConcreteTensor, w: ConcreteTensor, out: Aval, p: ConvParams): ConcreteTensor {
  return runRoutine('conv', [x, w], [out], p, ([xd, wd]) => [convLoops(xd, x, wd, w, out, p)])[0];
}

function convLoops(
  xd: TypedArray,
  x: Aval,
  wd: TypedArray,
  w: Aval,
  out: Aval,
  p: ConvParams,
): TypedArray {
  const [N, C, H, W] = x.shape;
  const [O, , KH, KW] = w.shape;
  const [, , OH, OW] = out.shape;
  const y = allocate(out.dtype, sizeOf(out.shape));
  const [s0, s1] = p.strides;
  const [l0, l1] = p.lhsDilation;
  const [r0, r1] = p.rhsDilation;
  const [p0, p1] = [p.padding[0][0], p.padding[1][0]];
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          let acc = 0;
          for (let kh = 0; kh < KH; kh++) {
            // Position in the dilated, padded input; only multiples of the dilation hold data.
            const qh = i * s0 + kh * r0 - p0;
            if (qh < 0 || qh % l0 !== 0 || qh / l0 >= H) continue;
            const h = qh / l0;
            for (let kw = 0; kw < KW; kw++) {
              const qw = j * s1 + kw * r1 - p1;
              if (qw < 0 || qw % l1 !== 0 || qw / l1 >= W) continue;
              const col = qw / l1;
              for (let c = 0; c < C; c++)
                acc += xd[((n * C + c) * H + h) * W + col] * wd[((o * C + c) * KH + kh) * KW + kw];
            }
          }
          y[((n * O + o) * OH + i) * OW + j] = acc;
        }
  return y;
}

const conv2 = (x: Tensor, w: Tensor, p: ConvParams) => bind1(conv, [x, w], p);
const swap01 = (t: Tensor) => ops.transpose(t, [1, 0, 2, 3]);

/** ct_lhs: the transposed convolution of ct with the flipped kernel (JAX's lhs padding rule). */
function lhsCotangent(ct: Tensor, x: Tensor, w: Tensor, p: ConvParams): Tensor {
  const inSp = x.shape.slice(2);
  const k = w.shape.slice(2);
  const outSp = ct.shape.slice(2);
  const padding = inSp.map((d, i): [number, number] => {
    const before = dilate(k[i], p.rhsDilation[i]) - p.padding[i][0] - 1;
    const after =
      dilate(d, p.lhsDilation[i]) +
      dilate(k[i], p.rhsDilation[i]) -
      1 -
      dilate(outSp[i], p.strides[i]) -
      before;
    return [before, after];
  });
  const flipped = swap01(ops.flip(w, [2, 3]));
  return conv2(ct, flipped, {
    strides: p.lhsDilation,
    padding,
    lhsDilation: p.strides,
    rhsDilation: p.rhsDilation,
  });
}

/** ct_rhs: lhs correlated with ct, batch and channels exchanged (JAX's rhs padding rule). */
function rhsCotangent(ct: Tensor, x: Tensor, w: Tensor, p: ConvParams): Tensor {
  const inSp = x.shape.slice(2);
  const k = w.shape.slice(2);
  const outSp = ct.shape.slice(2);
  const padding = inSp.map((d, i): [number, number] => {
    const lo = p.padding[i][0];
    const hi =
      dilate(outSp[i], p.strides[i]) -
      dilate(d, p.lhsDilation[i]) +
      dilate(k[i], p.rhsDilation[i]) -
      lo -
      1;
    return [lo, hi];
  });
  const g = conv2(swap01(x), swap01(ct), {
    strides: p.rhsDilation,
    padding,
    lhsDilation: p.lhsDilation,
    rhsDilation: p.strides,
  });
  return swap01(g);
}

/**
 * vmap: shared kernels fold the batch into N. Batched kernels become one block-diagonal kernel
 * over B·C input and B·O output channels (example b's channels only meet example b's kernel),
 * so the whole batch is still a single convolution (B times the multiply-adds of a loop).
 */
function batchConv(
  [x, w]: readonly Tensor[],
  [xDim, wDim]: readonly BatchDim[],
  p: ConvParams,
): [Tensor[], BatchDim[]] {
  const b = batchSize([x, w], [xDim, wDim]);
  const xs = batchFirst(x, xDim, b); // [B, N, C, H, W]
  const [, n, c, h, wd] = xs.shape;
  if (wDim === null) {
    const y = conv2(ops.reshape(xs, [b * n, c, h, wd]), w, p);
    return [[ops.reshape(y, [b, n, ...y.shape.slice(1)])], [0]];
  }
  const ws = batchFirst(w, wDim); // [B, O, C, KH, KW]
  const [, o, , kh, kw] = ws.shape;
  const blocks = ops.mul(
    ops.reshape(ws, [b, o, 1, c, kh, kw]),
    ops.reshape(ops.eye(b, ws.dtype), [b, 1, b, 1, 1, 1]),
  );
  const channels = ops.reshape(ops.transpose(xs, [1, 0, 2, 3, 4]), [n, b * c, h, wd]);
  const y = conv2(channels, ops.reshape(blocks, [b * o, b * c, kh, kw]), p);
  return [[ops.reshape(y, [n, b, o, ...y.shape.slice(2)])], [1]];
}

// y = x ⋆ w is bilinear: dy = dx ⋆ w + x ⋆ dw; ct_x = ct ⋆ᵀ flip(w)ᵀ (a transposed convolution),
// ct_w = x ⋆ ct with batch and channel axes exchanged.
export const conv: Primitive<ConvParams> = {
  name: 'conv_general_dilated',
  abstractEval: (xs, p) => convAval(xs, p),
  impl: ([x, w], p, [out]) => [convolve(x, w, out, p)],
  jvp: ([dx, dw], [x, w], _y, p) => [
    addTangents(
      linear(dx, (t) => conv2(t, w, p)),
      linear(dw, (t) => conv2(x, t, p)),
    ),
  ],
  vjp: ([ct], [x, w], _y, p) => [() => lhsCotangent(ct, x, w, p), () => rhsCotangent(ct, x, w, p)],
  batch: (xs, bdims, p) => batchConv(xs, bdims, p),
  flops: ([, w], [out]) => 2 * sizeOf(out.shape) * sizeOf(w.shape.slice(1)),
};

/** The convolution family, for the registry. */
export const convolutionPrimitives = { conv };
