/**
 * conv_general_dilated on the device (NCHW input, OIHW kernel, two spatial axes): a direct
 * convolution, one thread per output element, summing over the kernel window and the input
 * channels in the CPU loop's order (kh, kw, c) with the same window arithmetic (strides, padding
 * lo (negative crops), lhs dilation: only multiples of it hold data, rhs dilation). The sum is
 * in float32 where the CPU sums in float64 and rounds once: within float32 rounding of
 * C·KH·KW partial sums of |products|.
 */
import type { ConvParams } from '../backend';
import { sizeOf } from '../../core/shape';
import type { GpuStorage } from './memory';
import { groupsFor, WORKGROUP, type Runtime } from './runtime';
import { ENTRY, flatIndex } from './wgsl';

/** `out` [N, O, OH, OW] = x [N, C, H, W] ⋆ w [O, C, KH, KW] under `p` (float32). */
export function conv(
  rt: Runtime,
  x: GpuStorage,
  xShape: readonly number[],
  w: GpuStorage,
  wShape: readonly number[],
  outShape: readonly number[],
  p: ConvParams,
  out: GpuStorage,
): void {
  const total = sizeOf(outShape);
  if (total === 0) return;
  const [, C, H, W] = xShape;
  const [, , KH, KW] = wShape;
  const [, O, OH, OW] = outShape;
  const groups = groupsFor(total, WORKGROUP, rt.context.limits.maxDispatch);
  if (C === 0 || sizeOf(xShape) === 0 || sizeOf(wShape) === 0) {
    rt.clear(out.buffer, total * 4);
    return;
  }
  // Position q along a spatial axis of the dilated, padded input: `var name = -1` unless it holds data.
  const tap = (name: string, out: string, k: string, axis: number, size: number) => {
    const [s, r, l, pad] = [
      p.strides[axis],
      p.rhsDilation[axis],
      p.lhsDilation[axis],
      p.padding[axis][0],
    ];
    return `let q${name} = i32(${out}) * ${s} + i32(${k}) * ${r} ${pad > 0 ? `- ${pad}` : `+ ${-pad}`};
      if (q${name} < 0 || q${name} % ${l} != 0 || q${name} / ${l} >= ${size}) { continue; }
      let ${name} = u32(q${name} / ${l});`;
  };
  const code = `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
${ENTRY} {
  ${flatIndex(groups[0], 'e')}
  if (e >= ${total}u) { return; }
  let j = e % ${OW}u;
  let i = (e / ${OW}u) % ${OH}u;
  let o = (e / ${OW * OH}u) % ${O}u;
  let n = e / ${OW * OH * O}u;
  var acc: f32 = 0.0;
  for (var kh: u32 = 0u; kh < ${KH}u; kh++) {
    ${tap('h', 'i', 'kh', 0, H)}
    for (var kw: u32 = 0u; kw < ${KW}u; kw++) {
      ${tap('col', 'j', 'kw', 1, W)}
      for (var c: u32 = 0u; c < ${C}u; c++) {
        acc = acc + x[((n * ${C}u + c) * ${H}u + h) * ${W}u + col] * w[((o * ${C}u + c) * ${KH}u + kh) * ${KW}u + kw];
      }
    }
  }
  y[e] = acc;
}`;
  rt.run(code, [x.buffer, w.buffer, out.buffer], groups);
}
