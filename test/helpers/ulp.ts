/**
 * Errors of float32 results in units in the last place of the float64 reference, and float32
 * samples for sweeps (every k-th float32 between two values, so all binades are visited).
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The spacing of float32 values at the float64 value `y` (2^-149 below the normal range). */
function ulp32(y: number): number {
  f64[0] = y;
  const e = ((u32[1] >>> 20) & 0x7ff) - 1023; // floor(log2 |y|) for normal float64 y
  return 2 ** (Math.max(e, -126) - 23);
}

/**
 * |got - want| in float32 ulps of the float64 `want`; 0 for matching NaN or infinities, and
 * Infinity when `got` is NaN or infinite where the rounded reference is not (and vice versa).
 */
export function ulpError(got: number, want: number): number {
  const rounded = Math.fround(want);
  if (Number.isNaN(want) || !Number.isFinite(rounded) || !Number.isFinite(got))
    return Object.is(got, rounded) ? 0 : Infinity;
  return Math.abs(got - want) / ulp32(want);
}

/** Bit pattern of a float32. */
const bitsOf = (x: number) => ((f32[0] = x), i32[0]);

/**
 * Every `stride`-th float32 from `from` to `to` of one sign (`from` the smaller magnitude), as a
 * Float32Array.
 */
export function float32Sweep(from: number, to: number, stride: number): Float32Array {
  const [lo, hi] = [bitsOf(from) & 0x7fffffff, bitsOf(to) & 0x7fffffff];
  const negative = to < 0 || Object.is(to, -0);
  const n = Math.floor((hi - lo) / stride) + 1;
  const out = new Float32Array(n);
  const view = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) view[i] = (lo + i * stride) | (negative ? 0x80000000 : 0);
  return out;
}

/** The largest ulp error of `got` against `reference` of `x`, and the input where it occurs. */
export function maxUlp(
  x: Float32Array,
  got: Float32Array,
  reference: (x: number) => number,
): { ulps: number; at: number } {
  let worst = { ulps: 0, at: NaN };
  for (let i = 0; i < x.length; i++) {
    const e = ulpError(got[i], reference(x[i]));
    if (!(e <= worst.ulps)) worst = { ulps: e, at: x[i] };
  }
  return worst;
}
