/**
 * Scalar special functions (float64), the formulas behind the erf, erfc, gammaln and polygamma
 * primitives. Each is checked against scipy.special in test/numpy/math-breadth.test.ts (relative
 * error near 1e-15).
 */

const SQRT_PI = Math.sqrt(Math.PI);
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * erf(x) for |x| < 2.5 by the series (2/√π) e^{-x²} Σ 2ⁿ x^{2n+1} / (1·3···(2n+1)): every term is
 * positive, so nothing cancels (the alternating Taylor series loses digits near |x| = 2).
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  return ((2 / SQRT_PI) * Math.exp(-x2) * sum) as number;
}

/**
 * erfc(x) for x >= 0.5 by its continued fraction e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
 * (modified Lentz). It keeps full relative accuracy in the far tail, where 1 - erf(x) rounds to 0.
 */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** The error function (2/√π) ∫₀ˣ e^{-t²} dt. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) return erfSeries(x);
  if (a > 6) return Math.sign(x);
  return Math.sign(x) * (1 - erfcFraction(a));
}

/** The complementary error function 1 - erf(x), accurate where erf(x) is close to 1. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0.5) return 1 - erf(x);
  if (x > 27.3) return 0; // below the smallest float64
  return erfcFraction(x);
}

/** sin(πx) with the argument reduced first, so it is exactly 0 at integers. */
function sinPi(x: number): number {
  const r = x - 2 * Math.round(x / 2); // in [-1, 1]
  if (r === 0 || Math.abs(r) === 1) return 0;
  return Math.sin(Math.PI * r);
}

/** Stirling's series for ln Γ(x), x >= 10 (error below 2e-15 relative). */
function lgammaStirling(x: number): number {
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series =
    inv *
    (1 / 12 +
      inv2 *
        (-1 / 360 +
          inv2 * (1 / 1260 + inv2 * (-1 / 1680 + inv2 * (1 / 1188 + inv2 * (-691 / 360360))))));
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + series;
}

/** ζ(k) for k = 2..30 (shared with the WGSL lowering): a partial sum plus its Euler-Maclaurin tail (error far below 1e-17). */
export const ZETA = Array.from({ length: 31 }, (_, k) => {
  if (k < 2) return NaN;
  const n = 1000;
  let sum = 0;
  for (let i = 1; i < n; i++) sum += i ** -k;
  return sum + n ** (1 - k) / (k - 1) + 0.5 * n ** -k + (k / 12) * n ** (-k - 1);
});
export const EULER_GAMMA = 0.5772156649015329;

/** ln Γ(1 + z) = -γz + Σ_{k≥2} (-1)^k ζ(k) z^k / k for |z| <= 0.25: exact zeros at z = 0. */
function lgamma1p(z: number): number {
  let sum = -EULER_GAMMA * z;
  let power = -z; // (-z)^k
  for (let k = 2; k <= 30; k++) {
    power *= -z;
    sum += (ZETA[k] * power) / k;
  }
  return sum;
}

/**
 * ln |Γ(x)| (scipy's gammaln). Near its zeros at 1 and 2 a power series in x - 1 (or x - 2) keeps
 * the relative accuracy; below 10 otherwise the recurrence Γ(x) = Γ(x + m) / (x (x+1) ··· (x+m-1))
 * moves to Stirling's range; negative x use the reflection Γ(x) Γ(1-x) = π / sin(πx).
 */
export function gammaln(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x <= 0 && Number.isInteger(x)) return Infinity;
  if (Math.abs(x - 1) <= 0.25) return lgamma1p(x - 1);
  if (Math.abs(x - 2) <= 0.25) return lgamma1p(x - 2) + Math.log1p(x - 2);
  if (x < 0.5) return Math.log(Math.PI / Math.abs(sinPi(x))) - gammaln(1 - x);
  let shift = 0;
  let product = 1;
  while (x < 10) {
    product *= x;
    x += 1;
    shift++;
  }
  return lgammaStirling(x) - (shift ? Math.log(product) : 0);
}

/** Bernoulli numbers B₂, B₄, ..., B₁₆ for the asymptotic series of the polygamma functions. */
export const BERNOULLI = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510];

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Asymptotic series of ψ⁽ⁿ⁾(x) for large x (x >= 20 + n). */
function polygammaAsymptotic(n: number, x: number): number {
  if (n === 0) {
    let s = Math.log(x) - 0.5 / x;
    let p = 1;
    for (let k = 1; k <= BERNOULLI.length; k++) {
      p /= x * x;
      s -= (BERNOULLI[k - 1] / (2 * k)) * p;
    }
    return s;
  }
  // (-1)^{n+1} [ (n-1)!/xⁿ + n!/(2x^{n+1}) + Σ B_{2k} (2k+n-1)! / ((2k)! x^{2k+n}) ]
  let s = factorial(n - 1) / x ** n + factorial(n) / (2 * x ** (n + 1));
  for (let k = 1; k <= BERNOULLI.length; k++) {
    s += (BERNOULLI[k - 1] * factorial(2 * k + n - 1)) / (factorial(2 * k) * x ** (2 * k + n));
  }
  return n % 2 === 1 ? s : -s;
}

/**
 * The polygamma function ψ⁽ⁿ⁾(x) = dⁿ⁺¹/dxⁿ⁺¹ ln Γ(x) (n = 0 is the digamma function). Small x
 * move up with ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) - (-1)ⁿ n! / x^{n+1}; digamma of negative x uses the
 * reflection ψ(1 - x) - ψ(x) = π cot(πx). Poles (x = 0, -1, -2, ...) and -inf give NaN.
 */
export function polygamma(n: number, x: number): number {
  if (Number.isNaN(x) || x === -Infinity || (x <= 0 && Number.isInteger(x))) return NaN;
  if (x === Infinity) return n === 0 ? Infinity : 0;
  if (n === 0 && x < 0)
    return polygamma(0, 1 - x) - Math.PI / Math.tan(Math.PI * (x - Math.round(x)));
  const start = 20 + n;
  const nFact = factorial(n);
  const sign = n % 2 === 0 ? -1 : 1; // -(-1)^n
  let correction = 0;
  while (x < start) {
    correction += (sign * nFact) / x ** (n + 1);
    x += 1;
  }
  return polygammaAsymptotic(n, x) + correction;
}

/** Rounds to the nearest integer, halves to even (NumPy's and IEEE's rule; Math.round rounds halves up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}
