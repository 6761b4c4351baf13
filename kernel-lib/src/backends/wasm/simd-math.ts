/**
 * float32 exp, tanh, logistic and log on four f32x4 lanes, emitted as WebAssembly code for the fused
 * expression kernels (jit's `transcendentals: 'polynomial'`). Each is a range reduction and a
 * polynomial fitted for this library (near-minimax on Chebyshev nodes, coefficients rounded to
 * float32), evaluated in float32. Error against the float64 formulas, in float32 ulps, measured
 * over 1e8 float32 inputs each (test/backends/polynomial.test.ts, README "Fusion and the float32
 * policy"): exp 0.96, tanh 1.44, logistic 2.40, log 0.95; stated bounds 1, 2, 3 and 1 ulp. ±inf, NaN, -0,
 * overflow to inf and gradual underflow to subnormals follow the float64 formulas rounded.
 */

/** Where the emitted code keeps values: fresh v128 locals, and constants splatted once per call. */
export interface SimdScratch {
  /** A fresh v128 local. */
  local(): number;
  /** A v128 local holding `value` in four float32 lanes. */
  f32(value: number): number;
  /** A v128 local holding `value` in four int32 lanes. */
  i32(value: number): number;
}

/** The unsigned LEB128 encoding of `n`. */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** SIMD opcodes (after the 0xfd prefix). */
export const V = {
  and: 0x4e,
  or: 0x50,
  bitselect: 0x52,
  f32Eq: 0x41,
  f32Lt: 0x43,
  f32Gt: 0x44,
  f32Ge: 0x46,
  nearest: 0x6a,
  i32Shl: 0xab,
  i32ShrS: 0xac,
  i32ShrU: 0xad,
  i32Add: 0xae,
  i32Sub: 0xb1,
  abs: 0xe0,
  neg: 0xe1,
  add: 0xe4,
  sub: 0xe5,
  mul: 0xe6,
  div: 0xe7,
  min: 0xe8,
  max: 0xe9,
  truncSat: 0xf8,
  convert: 0xfa,
} as const;

export const simd = (op: number): number[] => [0xfd, ...leb(op)];
export const get = (local: number): number[] => [0x20, ...leb(local)];
export const set = (local: number): number[] => [0x21, ...leb(local)];
const tee = (local: number): number[] => [0x22, ...leb(local)];
const i32Const = (n: number): number[] => [0x41, n]; // 0 <= n < 64

/** `c[0] + t (c[1] + t (c[2] + ...))` for the value in local `t` (Horner, float32). */
function horner(s: SimdScratch, t: number, c: readonly number[]): number[] {
  const code = get(s.f32(c[c.length - 1]));
  for (let i = c.length - 2; i >= 0; i--)
    code.push(...get(t), ...simd(V.mul), ...get(s.f32(c[i])), ...simd(V.add));
  return code;
}

// exp(r) = 1 + r + r² Q(r) on |r| <= ln2/2, relative error 3e-9 (fitted in float64).
// prettier-ignore
const EXP_Q = [0.4999999403953552, 0.1666652113199234, 0.04166838899254799, 0.008368710987269878,
  0.0013814604608342052];
// ln 2 = LN2_HI + LN2_LO, LN2_HI with 9 significant bits, so k · LN2_HI is exact for |k| <= 150.
const LN2_HI = 0.693359375;
const LN2_LO = -2.1219444005469057e-4;

/**
 * exp of the lanes of local `x`, left on the stack. x = k ln2 + r with k = round(x / ln2); the
 * clamp to [-104, 89] keeps k in [-150, 128] (beyond, the float32 result is 0 or inf anyway), and
 * 2^k is applied as two normal factors 2^(k>>1) 2^(k - k>>1), so overflow gives inf and results
 * below 2^-126 round once into subnormals. NaN passes the clamp (wasm min/max propagate it).
 */
export function emitExp(s: SimdScratch, x: number): number[] {
  const [xc, k, r, ki] = [s.local(), s.local(), s.local(), s.local()];
  const scale = (bits: number[]) => [
    ...bits,
    ...get(s.i32(127)),
    ...simd(V.i32Add),
    ...i32Const(23),
    ...simd(V.i32Shl),
  ];
  // prettier-ignore
  return [
    ...get(x), ...get(s.f32(-104)), ...simd(V.max), ...get(s.f32(89)), ...simd(V.min), ...set(xc),
    ...get(xc), ...get(s.f32(Math.LOG2E)), ...simd(V.mul), ...simd(V.nearest), ...tee(k),
    ...simd(V.truncSat), ...set(ki),
    ...get(xc), ...get(k), ...get(s.f32(LN2_HI)), ...simd(V.mul), ...simd(V.sub),
    ...get(k), ...get(s.f32(LN2_LO)), ...simd(V.mul), ...simd(V.sub), ...set(r),
    // p = 1 + (r + r² Q(r))
    ...horner(s, r, EXP_Q), ...get(r), ...simd(V.mul), ...get(r), ...simd(V.mul),
    ...get(r), ...simd(V.add), ...get(s.f32(1)), ...simd(V.add),
    ...scale([...get(ki), ...i32Const(1), ...simd(V.i32ShrS)]), ...simd(V.mul),
    ...scale([...get(ki), ...get(ki), ...i32Const(1), ...simd(V.i32ShrS), ...simd(V.i32Sub)]),
    ...simd(V.mul),
  ];
}

// tanh(a) = a + a³ Q(a²) on a <= 0.55, relative error 1e-9 (fitted in float64).
// prettier-ignore
const TANH_Q = [-0.33333316445350647, 0.13332585990428925, -0.05385230481624603,
  0.02107165940105915, -0.006274213083088398];
const TANH_SMALL = 0.55;

/** The sign of local `x` on the (non-negative) value on the stack. */
const copySign = (s: SimdScratch, x: number) => [
  ...get(x),
  ...get(s.i32(0x7fffffff)),
  ...simd(V.bitselect),
];

/**
 * tanh of the lanes of local `x`: for a = min(|x|, 10) (tanh rounds to 1 from 9.01 on), the odd
 * polynomial below 0.55, else 1 - 2 / (exp(2a) + 1); then the sign of x (so tanh(-0) = -0).
 */
export function emitTanh(s: SimdScratch, x: number): number[] {
  const [a, a2, large, e] = [s.local(), s.local(), s.local(), s.local()];
  // prettier-ignore
  return [
    ...get(x), ...simd(V.abs), ...get(s.f32(10)), ...simd(V.min), ...set(a),
    ...get(a), ...get(a), ...simd(V.add), ...set(e), ...emitExp(s, e), ...set(e),
    ...get(s.f32(1)), ...get(s.f32(2)), ...get(e), ...get(s.f32(1)), ...simd(V.add),
    ...simd(V.div), ...simd(V.sub), ...set(large),
    ...get(a), ...get(a), ...simd(V.mul), ...set(a2),
    // small: a + a (a² Q(a²))
    ...get(a), ...get(a), ...get(a2), ...horner(s, a2, TANH_Q), ...simd(V.mul), ...simd(V.mul),
    ...simd(V.add),
    ...get(large), ...get(a), ...get(s.f32(TANH_SMALL)), ...simd(V.f32Lt), ...simd(V.bitselect),
    ...copySign(s, x),
  ];
}

/**
 * logistic of the lanes of local `x`: with e = exp(-|x|) <= 1, 1 / (1 + e) for x >= 0 and
 * e / (1 + e) below (the float64 formula's two branches; neither overflows).
 */
export function emitLogistic(s: SimdScratch, x: number): number[] {
  const e = s.local();
  // prettier-ignore
  return [
    ...get(x), ...simd(V.abs), ...simd(V.neg), ...set(e), ...emitExp(s, e), ...set(e),
    ...get(s.f32(1)), ...get(e), ...get(x), ...get(s.f32(0)), ...simd(V.f32Ge),
    ...simd(V.bitselect),
    ...get(s.f32(1)), ...get(e), ...simd(V.add), ...simd(V.div),
  ];
}

// log(1 + f) = f - s (f - z Q(z)) with s = f / (2 + f), z = s², |s| <= 0.1716 (fitted in float64).
const LOG_Q = [0.6666668653488159, 0.39988720417022705, 0.2958201766014099];

/**
 * log of the lanes of local `x`: x = 2^e m with m in [sqrt(1/2), sqrt 2) (subnormal x scaled by
 * 2^23 first), f = m - 1 (exact), log(1 + f) as above, plus e ln2 in two parts. x = ±0 gives -inf,
 * x < 0 and NaN give NaN, +inf gives +inf.
 */
export function emitLog(s: SimdScratch, x: number): number[] {
  const [sub, bits, e, m, big, f, sv, z, ef] = Array.from({ length: 9 }, () => s.local());
  // prettier-ignore
  return [
    ...get(x), ...get(s.f32(2 ** -126)), ...simd(V.f32Lt), ...set(sub),
    ...get(x), ...get(s.f32(2 ** 23)), ...simd(V.mul), ...get(x), ...get(sub), ...simd(V.bitselect),
    ...set(bits),
    // e = exponent field - 127 (- 23 for scaled subnormals)
    ...get(bits), ...i32Const(23), ...simd(V.i32ShrU), ...get(s.i32(127)), ...simd(V.i32Sub),
    ...get(s.i32(-23)), ...get(s.i32(0)), ...get(sub), ...simd(V.bitselect), ...simd(V.i32Add),
    ...set(e),
    ...get(bits), ...get(s.i32(0x007fffff)), ...simd(V.and), ...get(s.i32(0x3f800000)),
    ...simd(V.or), ...set(m),
    // m > sqrt 2: m / 2 and e + 1 (the mask is -1)
    ...get(m), ...get(s.f32(Math.SQRT2)), ...simd(V.f32Gt), ...set(big),
    ...get(m), ...get(s.f32(0.5)), ...simd(V.mul), ...get(m), ...get(big), ...simd(V.bitselect),
    ...get(s.f32(1)), ...simd(V.sub), ...set(f),
    ...get(e), ...get(big), ...simd(V.i32Sub), ...simd(V.convert), ...set(ef),
    ...get(f), ...get(s.f32(2)), ...get(f), ...simd(V.add), ...simd(V.div), ...set(sv),
    ...get(sv), ...get(sv), ...simd(V.mul), ...set(z),
    // f - s (f - z Q(z)) + e LN2_LO + e LN2_HI
    ...get(f), ...get(sv), ...get(f), ...get(z), ...horner(s, z, LOG_Q), ...simd(V.mul),
    ...simd(V.sub), ...simd(V.mul), ...simd(V.sub),
    ...get(ef), ...get(s.f32(LN2_LO)), ...simd(V.mul), ...simd(V.add),
    ...get(ef), ...get(s.f32(LN2_HI)), ...simd(V.mul), ...simd(V.add),
    // specials: 0 -> -inf, +inf -> +inf, negative or NaN -> NaN
    ...get(s.f32(-Infinity)), ...get(s.f32(NaN)), ...get(x), ...get(s.f32(0)), ...simd(V.f32Eq),
    ...simd(V.bitselect), ...set(z),
    ...get(x), ...get(z), ...get(x), ...get(s.f32(Infinity)), ...simd(V.f32Eq), ...simd(V.bitselect),
    // the computed value where 0 < x < inf
    ...get(x), ...get(s.f32(0)), ...simd(V.f32Gt), ...get(x), ...get(s.f32(Infinity)),
    ...simd(V.f32Lt), ...simd(V.and), ...simd(V.bitselect),
  ];
}

/** The float32 ops the fused kernels can evaluate by polynomial. */
export const POLYNOMIAL_OPS = {
  exp: emitExp,
  tanh: emitTanh,
  logistic: emitLogistic,
  log: emitLog,
} as const;
