/** nn.conv: 1-D and 2-D convolutions after lax.conv_general_dilated (NCH[W] inputs, OIH[W] kernels). */
import { isFloat } from '../core/dtype';
import { fmt } from '../core/shape';
import { bind1 } from '../core/trace';
import type { Tensor, TensorLike } from '../core/tensor';
import * as P from '../primitives/convolution';
import { astype, promote } from './convert';
import { reshape } from './shape';

/** Options of {@link conv}; each list has one entry per spatial axis (a number applies to all). */
export interface ConvOptions {
  /** Window strides (default 1). */
  strides?: number | readonly number[];
  /** 'VALID' (default, no padding), 'SAME' (output size ceil(in / stride)), or [lo, hi] per axis. */
  padding?: 'SAME' | 'VALID' | readonly (readonly [number, number])[];
  /** Input dilation: inserts zeros between input elements (a transposed convolution). */
  lhsDilation?: number | readonly number[];
  /** Kernel dilation (atrous convolution). */
  rhsDilation?: number | readonly number[];
}

function perAxis(
  op: string,
  name: string,
  v: number | readonly number[] | undefined,
  rank: number,
): number[] {
  const list =
    v === undefined
      ? Array<number>(rank).fill(1)
      : typeof v === 'number'
        ? Array<number>(rank).fill(v)
        : [...v];
  if (list.length !== rank || list.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`${op}: ${name} must be ${rank} positive integer(s), got ${JSON.stringify(v)}`);
  }
  return list;
}

/**
 * Cross-correlation of lhs [N, C, L] (or [N, C, H, W]) with kernels rhs [O, C, K] (or
 * [O, C, KH, KW]), giving [N, O, L'] (or [N, O, H', W']), as lax.conv_general_dilated with its
 * default layouts. Differentiable in both operands (the rules are transposed convolutions).
 * @example nn.conv(images, kernels, { strides: 2, padding: 'SAME' })
 */
export function conv(lhs: TensorLike, rhs: TensorLike, options: ConvOptions = {}): Tensor {
  let [x, w] = promote(lhs, rhs);
  if (!isFloat(x.dtype)) [x, w] = [astype(x, 'float32'), astype(w, 'float32')];
  const rank = x.ndim - 2;
  if ((rank !== 1 && rank !== 2) || w.ndim !== x.ndim || x.shape[1] !== w.shape[1]) {
    throw new Error(
      `conv: expected lhs [N,C,L] or [N,C,H,W] and rhs [O,C,K] or [O,C,KH,KW] with equal C, got ${fmt(x.shape)} and ${fmt(w.shape)}`,
    );
  }
  const strides = perAxis('conv', 'strides', options.strides, rank);
  const lhsDilation = perAxis('conv', 'lhsDilation', options.lhsDilation, rank);
  const rhsDilation = perAxis('conv', 'rhsDilation', options.rhsDilation, rank);
  const inSp = x.shape.slice(2);
  const k = w.shape.slice(2);
  const pad = options.padding ?? 'VALID';
  let padding: [number, number][];
  if (pad === 'VALID') padding = inSp.map(() => [0, 0]);
  else if (pad === 'SAME') {
    // As JAX's padtype_to_pads: output ceil(in / stride), the extra padding after.
    padding = inSp.map((d, i) => {
      const size = (d - 1) * lhsDilation[i] + 1;
      const out = Math.ceil(size / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + (k[i] - 1) * rhsDilation[i] + 1 - size);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  } else {
    if (
      !Array.isArray(pad) ||
      pad.length !== rank ||
      pad.some((pr) => pr.length !== 2 || pr.some((v: number) => !Number.isInteger(v)))
    ) {
      throw new Error(
        `conv: padding must be 'SAME', 'VALID' or ${rank} [lo, hi] integer pair(s), got ${JSON.stringify(pad)}`,
      );
    }
    padding = pad.map((pr) => [pr[0], pr[1]]);
  }
  const params: P.ConvParams = { strides, padding, lhsDilation, rhsDilation };
  if (rank === 2) return bind1(P.conv, [x, w], params);
  // 1-D: a height-1 2-D convolution.
  const two = (l: number[]) => [1, ...l];
  const y = bind1(
    P.conv,
    [
      reshape(x, [x.shape[0], x.shape[1], 1, inSp[0]]),
      reshape(w, [w.shape[0], w.shape[1], 1, k[0]]),
    ],
    {
      strides: two(strides),
      padding: [[0, 0], padding[0]],
      lhsDilation: two(lhsDilation),
      rhsDilation: two(rhsDilation),
    },
  );
  return reshape(y, [y.shape[0], y.shape[1], y.shape[3]]);
}
