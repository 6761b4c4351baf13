/**
 * WGSL helper functions for the scalar ops WGSL has no builtin for (or whose builtin leaves NaN,
 * overflow or negative bases unspecified). All are f32 and follow the CPU formulas in
 * `scalar-special.ts` and `ops.ts`, to float32 accuracy: the special functions use the same series,
 * continued fractions and recurrences with f32 stopping rules. Module-scope WGSL declarations may
 * appear in any order, so a shader just declares every function it needs (see `wgslFunctionsFor`).
 */
import { BERNOULLI, EULER_GAMMA, ZETA } from './scalar-special';

/**
 * A finite float literal WGSL reads back as the nearest f32 (9 significant digits round-trip).
 * NaN and infinities have no literal (constant evaluation rejects them): see `adlab_nan`.
 */
export function f32Literal(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`f32Literal: ${v} has no WGSL literal`);
  if (Object.is(v, -0)) return '-0.0';
  const text = Math.fround(v).toPrecision(9);
  return text.includes('.') || text.includes('e') ? text : `${text}.0`;
}

/** Horner's rule for Σ cs[k] z^k as WGSL text. */
const horner = (cs: readonly number[], z: string): string =>
  cs.reduceRight(
    (acc, c) => (acc === '' ? f32Literal(c) : `${f32Literal(c)} + ${z} * (${acc})`),
    '',
  );

// ln Γ(1 + z) = -γz + Σ_{k=2}^{12} (-1)^k ζ(k) z^k / k for |z| <= 1/4 (the f32 tail is below 1e-9).
const lgamma1pCoefficients = [
  0,
  -EULER_GAMMA,
  ...Array.from({ length: 11 }, (_, i) => ((i % 2 === 0 ? 1 : -1) * ZETA[i + 2]) / (i + 2)),
];

// The digamma asymptotic series -Σ_k B_2k / (2k x^{2k}), unrolled (WGSL const arrays take only
// constant indices on some compilers).
const digammaTail = BERNOULLI.map(
  (b, i) => `  p = p * inv2;\n  s = s - ${f32Literal(b / (2 * (i + 1)))} * p;`,
).join('\n');
const polygammaTail = BERNOULLI.map(
  (b, i) =>
    `  s = s + ${f32Literal(b)} * adlab_factorial(${2 * (i + 1)} + n - 1) / ` +
    `(${f32Literal(factorial(2 * (i + 1)))} * adlab_powi(x, ${2 * (i + 1)} + n));`,
).join('\n');

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

const library = {
  // From private variables: WGSL's constant evaluation rejects a NaN or infinite value.
  adlab_nan: {
    source:
      'var<private> adlab_nan_bits: u32 = 0x7fc00000u;\n' +
      'fn adlab_nan() -> f32 { return bitcast<f32>(adlab_nan_bits); }',
  },
  adlab_inf: {
    source:
      'var<private> adlab_inf_bits: u32 = 0x7f800000u;\n' +
      'fn adlab_inf() -> f32 { return bitcast<f32>(adlab_inf_bits); }',
  },
  // Bit tests: a shader compiler may fold x != x to false.
  adlab_isnan: {
    source:
      'fn adlab_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }',
  },
  // Shader compilers may also assume values are finite: infinities are tested by their bits too.
  adlab_isinf: {
    source:
      'fn adlab_isinf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }',
  },
  adlab_isfinite: {
    source:
      'fn adlab_isfinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u; }',
  },
  adlab_max: {
    needs: ['adlab_isnan'],
    source: 'fn adlab_max(a: f32, b: f32) -> f32 { return select(b, a, a > b || adlab_isnan(a)); }',
  },
  adlab_min: {
    needs: ['adlab_isnan'],
    source: 'fn adlab_min(a: f32, b: f32) -> f32 { return select(b, a, a < b || adlab_isnan(a)); }',
  },
  adlab_sign: {
    source:
      'fn adlab_sign(x: f32) -> f32 { return select(select(x, -1.0, x < 0.0), 1.0, x > 0.0); }',
  },
  adlab_pow: {
    needs: ['adlab_isnan', 'adlab_nan'],
    source: `fn adlab_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (adlab_isnan(a) || adlab_isnan(b)) { return adlab_nan(); }
  let m = exp2(b * log2(abs(a)));
  if (bitcast<u32>(a) == 0xff800000u) {
    return select(m, -m, abs(b) < 16777216.0 && trunc(b) == b && (i32(b) & 1) == 1);
  }
  if (a < 0.0) {
    if (trunc(b) != b) { return adlab_nan(); }
    if (abs(b) < 16777216.0 && (i32(b) & 1) == 1) { return -m; }
  }
  return m;
}`,
  },
  // fmod (sign of a). WGSL's a % b is a - b trunc(a / b): NaN for an infinite b, where fmod gives
  // a. The residual comes from fma and one of the wrong sign is moved back by |b|; where the
  // device does not fuse fma (llvmpipe) a result can still be 0 instead of b when a / b rounds up
  // to an integer (fmod(1, 0.1f)), as with WGSL's own %.
  adlab_rem: {
    needs: ['adlab_isinf', 'adlab_isfinite', 'adlab_isnan'],
    source: `fn adlab_rem(a: f32, b: f32) -> f32 {
  if (adlab_isinf(b) && adlab_isfinite(a)) { return a; }
  if (a == 0.0 && b != 0.0 && !adlab_isnan(b)) { return a; }
  var r = fma(-b, trunc(a / b), a);
  if (r != 0.0 && (r < 0.0) != (a < 0.0)) { r = r + select(-abs(b), abs(b), a > 0.0); }
  return r;
}`,
  },
  adlab_ipow: {
    source: `fn adlab_ipow(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(-1, 1, (b & 1) == 0); }
    return 0;
  }
  var result = 1;
  var base = a;
  var e = b;
  while (e != 0) {
    if ((e & 1) == 1) { result = result * base; }
    base = base * base;
    e = e >> 1u;
  }
  return result;
}`,
  },
  adlab_powi: {
    source: `fn adlab_powi(x: f32, k: i32) -> f32 {
  var r = 1.0;
  for (var i = 0; i < k; i++) { r = r * x; }
  return r;
}`,
  },
  adlab_factorial: {
    source: `fn adlab_factorial(n: i32) -> f32 {
  var f = 1.0;
  for (var i = 2; i <= n; i++) { f = f * f32(i); }
  return f;
}`,
  },
  // Taylor series below 1/2 (the x^9 term is under f32 rounding), exp(x) - 1 beyond.
  adlab_expm1: {
    source: `fn adlab_expm1(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    return x * (${horner(
      Array.from({ length: 8 }, (_, k) => 1 / factorial(k + 1)),
      'x',
    )});
  }
  return exp(x) - 1.0;
}`,
  },
  // log1p(x) = 2 atanh(s), s = x / (2 + x), by its odd series below 1/2 (|s| <= 1/3).
  adlab_log1p: {
    source: `fn adlab_log1p(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    let s = x / (2.0 + x);
    let s2 = s * s;
    return 2.0 * s * (${horner(
      Array.from({ length: 9 }, (_, k) => 1 / (2 * k + 1)),
      's2',
    )});
  }
  return log(1.0 + x);
}`,
  },
  adlab_log10: {
    source: `fn adlab_log10(x: f32) -> f32 { return log(x) * ${f32Literal(Math.LOG10E)}; }`,
  },
  // exp2(log2|x| / 3) refined by one Newton step; 0, ±inf and NaN pass through.
  adlab_cbrt: {
    needs: ['adlab_isfinite'],
    source: `fn adlab_cbrt(x: f32) -> f32 {
  if (x == 0.0 || !adlab_isfinite(x)) { return x; }
  let a = abs(x);
  var r = exp2(log2(a) / 3.0);
  r = r - (r * r * r - a) / (3.0 * r * r);
  return select(r, -r, x < 0.0);
}`,
  },
  adlab_logistic: {
    source: `fn adlab_logistic(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}`,
  },
  // tanh(±9) is ±1 in f32; some tanh builtins give NaN for large |x| (llvmpipe: -1 for NaN).
  adlab_tanh: {
    needs: ['adlab_isnan'],
    source: `fn adlab_tanh(x: f32) -> f32 {
  if (adlab_isnan(x)) { return x; }
  return select(tanh(x), sign(x), abs(x) > 9.0);
}`,
  },
  // Builtins whose NaN (or out-of-domain) result is not guaranteed: guarded to the CPU's NaN.
  adlab_atan: {
    needs: ['adlab_isnan'],
    source: 'fn adlab_atan(x: f32) -> f32 { return select(atan(x), x, adlab_isnan(x)); }',
  },
  adlab_atan2: {
    needs: ['adlab_isnan', 'adlab_nan'],
    source: `fn adlab_atan2(y: f32, x: f32) -> f32 {
  if (adlab_isnan(y) || adlab_isnan(x)) { return adlab_nan(); }
  if (y == 0.0 && x == 0.0) {
    // atan2(±0, +0) = ±0 and atan2(±0, -0) = ±π, by the sign bits (unspecified in WGSL).
    let negative_y = (bitcast<u32>(y) & 0x80000000u) != 0u;
    let pi = select(${f32Literal(Math.PI)}, -${f32Literal(Math.PI)}, negative_y);
    return select(y, pi, (bitcast<u32>(x) & 0x80000000u) != 0u);
  }
  return atan2(y, x);
}`,
  },
  adlab_acosh: {
    needs: ['adlab_nan'],
    source: 'fn adlab_acosh(x: f32) -> f32 { return select(adlab_nan(), acosh(x), x >= 1.0); }',
  },
  // asin and acos through atan2 (llvmpipe's asin is off by 1e-4); NaN outside [-1, 1].
  adlab_asin: {
    needs: ['adlab_nan'],
    source: `fn adlab_asin(x: f32) -> f32 {
  return select(adlab_nan(), atan2(x, sqrt((1.0 - x) * (1.0 + x))), abs(x) <= 1.0);
}`,
  },
  adlab_acos: {
    needs: ['adlab_nan'],
    source: `fn adlab_acos(x: f32) -> f32 {
  return select(adlab_nan(), atan2(sqrt((1.0 - x) * (1.0 + x)), x), abs(x) <= 1.0);
}`,
  },
  adlab_erf: {
    needs: ['adlab_isnan', 'adlab_erfc_fraction'],
    source: `fn adlab_erf(x: f32) -> f32 {
  if (adlab_isnan(x)) { return x; }
  let a = abs(x);
  if (a < 2.5) {
    let x2 = x * x;
    var term = x;
    var sum = x;
    for (var n = 1; n < 100; n++) {
      term = term * (2.0 * x2) / f32(2 * n + 1);
      sum = sum + term;
      if (abs(term) <= 1e-8 * abs(sum)) { break; }
    }
    return ${f32Literal(2 / Math.sqrt(Math.PI))} * exp(-x2) * sum;
  }
  if (a > 4.0) { return sign(x); }
  return sign(x) * (1.0 - adlab_erfc_fraction(a));
}`,
  },
  // erfc(x) for x >= 1/2 by its continued fraction (modified Lentz), as the CPU formula.
  adlab_erfc_fraction: {
    source: `fn adlab_erfc_fraction(x: f32) -> f32 {
  let tiny = 1e-30;
  var f = x;
  var c = x;
  var d = 0.0;
  for (var k = 1; k < 1000; k++) {
    let a = f32(k) * 0.5;
    d = x + a * d;
    if (abs(d) < tiny) { d = tiny; }
    c = x + a / c;
    if (abs(c) < tiny) { c = tiny; }
    d = 1.0 / d;
    let delta = c * d;
    f = f * delta;
    if (abs(delta - 1.0) < 1e-7) { break; }
  }
  return exp(-x * x) / ${f32Literal(Math.sqrt(Math.PI))} / f;
}`,
  },
  adlab_erfc: {
    needs: ['adlab_isnan', 'adlab_erf', 'adlab_erfc_fraction'],
    source: `fn adlab_erfc(x: f32) -> f32 {
  if (adlab_isnan(x)) { return x; }
  if (x < 0.5) { return 1.0 - adlab_erf(x); }
  if (x > 10.0) { return 0.0; }
  return adlab_erfc_fraction(x);
}`,
  },
  // ln |Γ(x)| for x >= 1/2: power series near the zeros at 1 and 2, else the recurrence up to 10
  // and Stirling's series.
  adlab_lgamma_positive: {
    needs: ['adlab_log1p'],
    source: `fn adlab_lgamma1p(z: f32) -> f32 { return z * (${horner(lgamma1pCoefficients.slice(1), 'z')}); }
fn adlab_lgamma_positive(x0: f32) -> f32 {
  if (abs(x0 - 1.0) <= 0.25) { return adlab_lgamma1p(x0 - 1.0); }
  if (abs(x0 - 2.0) <= 0.25) { return adlab_lgamma1p(x0 - 2.0) + adlab_log1p(x0 - 2.0); }
  var x = x0;
  var product = 1.0;
  var shifted = false;
  for (var i = 0; i < 10 && x < 10.0; i++) {
    product = product * x;
    x = x + 1.0;
    shifted = true;
  }
  let inv = 1.0 / x;
  let inv2 = inv * inv;
  let series = inv * (${horner([1 / 12, -1 / 360, 1 / 1260, -1 / 1680], 'inv2')});
  var r = (x - 0.5) * log(x) - x + ${f32Literal(0.5 * Math.log(2 * Math.PI))} + series;
  if (shifted) { r = r - log(product); }
  return r;
}`,
  },
  // Reflection Γ(x) Γ(1 - x) = π / sin(πx) below 1/2; poles give +inf, -inf gives NaN (as the CPU).
  adlab_lgamma: {
    needs: ['adlab_isnan', 'adlab_inf', 'adlab_nan', 'adlab_lgamma_positive'],
    source: `fn adlab_lgamma(x: f32) -> f32 {
  if (adlab_isnan(x)) { return x; }
  if (bitcast<u32>(x) == 0x7f800000u) { return x; }
  if (bitcast<u32>(x) == 0xff800000u) { return adlab_nan(); }
  if (x <= 0.0 && floor(x) == x) { return adlab_inf(); }
  if (x >= 0.5) { return adlab_lgamma_positive(x); }
  let r = x - 2.0 * round(x * 0.5);
  let sinpi = select(sin(${f32Literal(Math.PI)} * r), 0.0, r == 0.0 || abs(r) == 1.0);
  return log(${f32Literal(Math.PI)} / abs(sinpi)) - adlab_lgamma_positive(1.0 - x);
}`,
  },
  // ψ⁽ⁿ⁾(x): the recurrence up to 20 + n, then the asymptotic series; digamma reflects x < 0.
  adlab_polygamma: {
    needs: ['adlab_isnan', 'adlab_nan', 'adlab_factorial', 'adlab_powi'],
    source: `fn adlab_polygamma(n: i32, x0: f32) -> f32 {
  // Special inputs run the loops on x = 1 and pick their value at the end (a shader compiler
  // may turn early returns into flags and still run the loops on -inf).
  let bits = bitcast<u32>(x0);
  let pole = adlab_isnan(x0) || bits == 0xff800000u || (x0 <= 0.0 && floor(x0) == x0);
  let infinite = bits == 0x7f800000u;
  var x = select(x0, 1.0, pole || infinite);
  var reflection = 0.0;
  if (n == 0 && x < 0.0) {
    reflection = -${f32Literal(Math.PI)} / tan(${f32Literal(Math.PI)} * (x - round(x)));
    x = 1.0 - x;
  }
  let start = f32(20 + n);
  let nf = adlab_factorial(n);
  let sgn = select(1.0, -1.0, n % 2 == 0);
  var correction = 0.0;
  // At most 2^24 steps: from the most negative non-integer f32 (the CPU loop runs them all too).
  for (var i = 0; i < 16777216 && x < start; i++) {
    correction = correction + sgn * nf / adlab_powi(x, n + 1);
    x = x + 1.0;
  }
  var s = 0.0;
  if (n == 0) {
    let inv2 = 1.0 / (x * x);
    var p = 1.0;
    s = log(x) - 0.5 / x;
${digammaTail}
  } else {
    s = adlab_factorial(n - 1) / adlab_powi(x, n) + nf / (2.0 * adlab_powi(x, n + 1));
${polygammaTail}
    if (n % 2 == 0) { s = -s; }
  }
  let special = select(select(0.0, x0, n == 0), adlab_nan(), pole);
  return select(s + correction + reflection, special, pole || infinite);
}`,
  },
  adlab_f32_to_i32: {
    needs: ['adlab_isnan'],
    source: `fn adlab_f32_to_i32(a: f32) -> i32 {
  if (adlab_isnan(a)) { return 0; }
  if (a >= 2147483648.0) { return 2147483647; }
  if (a <= -2147483648.0) { return i32(-2147483648); }
  return i32(a);
}`,
  },
} satisfies Record<string, { needs?: readonly string[]; source: string }>;

/** The name of a WGSL helper function. */
export type WgslFunctionName = keyof typeof library;

const entries: Record<WgslFunctionName, { needs?: readonly WgslFunctionName[]; source: string }> =
  library as never;

/** The WGSL source declaring `names` and everything they call, each once. */
export function wgslFunctionsFor(names: Iterable<WgslFunctionName>): string {
  const seen = new Set<WgslFunctionName>();
  const visit = (name: WgslFunctionName) => {
    if (seen.has(name)) return;
    seen.add(name);
    entries[name].needs?.forEach(visit);
  };
  for (const n of names) visit(n);
  return [...seen].map((n) => entries[n].source).join('\n');
}

/** Every helper's name (tests compile each). */
export const wgslFunctionNames = Object.keys(library) as WgslFunctionName[];
