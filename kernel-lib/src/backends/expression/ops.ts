/**
 * The scalar-op table: every op an elementwise kernel can apply, each with its CPU lowering (the
 * float64 JavaScript formula, the definition of the op) and its WGSL lowering (a template from
 * argument expressions and their WGSL types). `satisfies Record<ScalarOpName, OpLowering>` holds it
 * complete: an op named in `ScalarOpName` without both lowerings, or a table entry not named
 * there, is a compile error.
 *
 * WGSL conventions: float32 values are `f32`, int32 `i32`, bool `bool` (loads and stores convert);
 * float64 has no WGSL type (lowering it is an error naming the op). Helper functions an expression
 * calls (`adlab_*`) come from `wgsl-functions.ts`, named in `wgslNeeds`.
 */
import type { DType } from '../../core/dtype';
import * as special from './scalar-special';
import type { WgslFunctionName } from './wgsl-functions';

/** The WGSL type a dtype lowers to. */
export type WgslType = 'f32' | 'i32' | 'bool';

/** The names of the scalar ops (each has one row in `scalarOps`). */
export type ScalarOpName =
  // arithmetic
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'rem'
  | 'pow'
  | 'max'
  | 'min'
  | 'neg'
  | 'abs'
  | 'sign'
  // exponentials, logarithms, roots
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'log2'
  | 'log10'
  | 'sqrt'
  | 'cbrt'
  | 'logistic'
  // trigonometric and hyperbolic
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'atan2'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'asinh'
  | 'acosh'
  | 'atanh'
  // special functions
  | 'erf'
  | 'erfc'
  | 'lgamma'
  | 'polygamma'
  // rounding
  | 'floor'
  | 'ceil'
  | 'round'
  | 'trunc'
  // comparisons and logic (bool results)
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'eq'
  | 'ne'
  | 'is_finite'
  | 'is_nan'
  | 'logical_not'
  | 'logical_and'
  | 'logical_or'
  | 'logical_xor'
  // selection and dtype conversion
  | 'select'
  | 'to_float32'
  | 'to_float64'
  | 'to_int32'
  | 'to_bool';

/** One op's row: how many arguments, its result dtype and its two lowerings. */
export interface OpLowering {
  readonly arity: number;
  /** The result dtype: `same` is the last argument's (select's branches, polygamma's x). */
  readonly result: 'same' | DType;
  /** The definition: float64 arithmetic on JS numbers (bools are 0/1). */
  readonly cpu: (...xs: number[]) => number;
  /** A WGSL expression from the arguments' WGSL expressions and types (result: see `result`). */
  readonly wgsl: (args: readonly string[], types: readonly WgslType[]) => string;
  /** WGSL helper functions the expression calls. */
  readonly wgslNeeds?: readonly WgslFunctionName[];
}

// ---- WGSL building blocks ----
/** Bools as i32 for arithmetic and ordering (WGSL has no arithmetic on bool). */
const num = (a: string, t: WgslType) => (t === 'bool' ? `i32(${a})` : a);
/** A value as a condition: nonzero is true (NaN included, as on the CPU). */
const truthy = (a: string, t: WgslType) =>
  t === 'bool' ? a : t === 'f32' ? `(${a} != 0.0)` : `(${a} != 0)`;
const infix =
  (symbol: string) =>
  ([a, b]: readonly string[], [ta, tb]: readonly WgslType[]) =>
    `(${num(a, ta)} ${symbol} ${num(b, tb)})`;
/**
 * A function of floats; integer operands, where a primitive allows them (rounding), go through
 * `ints`, elsewhere they are an error (the primitives require float inputs).
 */
const float =
  (name: string, ints?: (a: string) => string) =>
  ([a]: readonly string[], [t]: readonly WgslType[]) => {
    if (t === 'f32') return `${name}(${a})`;
    if (ints) return ints(num(a, t));
    throw new TypeError(`takes f32 on WebGPU, got ${t}`);
  };

// ---- CPU building blocks (the formulas the primitives have always used) ----
const unary = (cpu: (a: number) => number, wgsl: OpLowering['wgsl'], needs?: WgslFunctionName[]) =>
  ({ arity: 1, result: 'same', cpu, wgsl, wgslNeeds: needs }) as const;
const special1 = (cpu: (a: number) => number, fn: WgslFunctionName) => unary(cpu, float(fn), [fn]);
const binary = (cpu: (a: number, b: number) => number, wgsl: OpLowering['wgsl']) =>
  ({ arity: 2, result: 'same', cpu, wgsl }) as const;
const compare = (test: (a: number, b: number) => boolean, symbol: string) =>
  ({
    arity: 2,
    result: 'bool',
    cpu: (a: number, b: number) => (test(a, b) ? 1 : 0),
    wgsl: infix(symbol),
  }) as const;

/** Float to int32 as JAX on CPU: truncate toward 0, saturate at the int32 range, NaN to 0. */
const toInt32 = (a: number): number =>
  Number.isNaN(a) ? 0 : Math.max(-2147483648, Math.min(2147483647, Math.trunc(a)));

const table = {
  add: binary((a, b) => a + b, infix('+')),
  sub: binary((a, b) => a - b, infix('-')),
  mul: binary((a, b) => a * b, infix('*')),
  // int32: the quotient truncates, and x / 0 is 0 as on the CPU (WGSL's i32 x / 0 gives x).
  div: binary(
    (a, b) => a / b,
    ([a, b], [ta, tb]) =>
      ta === 'i32' && tb === 'i32'
        ? `select(${a} / ${b}, 0, ${b} == 0)`
        : infix('/')([a, b], [ta, tb]),
  ),
  // C's fmod (sign of a); WGSL's f32 % is a - b trunc(a / b), exact for |a / b| < 2^24.
  rem: {
    ...binary(
      (a, b) => a % b,
      ([a, b], [t]) => (t === 'f32' ? `adlab_rem(${a}, ${b})` : `(${num(a, t)} % ${num(b, t)})`),
    ),
    wgslNeeds: ['adlab_rem'],
  },
  pow: {
    ...binary(Math.pow, ([a, b], [t]) =>
      t === 'f32' ? `adlab_pow(${a}, ${b})` : `adlab_ipow(${num(a, t)}, ${num(b, t)})`,
    ),
    wgslNeeds: ['adlab_pow', 'adlab_ipow'],
  },
  // NaN wins in max and min (as NumPy's maximum); WGSL's max leaves NaN unspecified.
  max: {
    ...binary(
      (a, b) => (a > b || Number.isNaN(a) ? a : b),
      ([a, b], [t]) => (t === 'f32' ? `adlab_max(${a}, ${b})` : `max(${num(a, t)}, ${num(b, t)})`),
    ),
    wgslNeeds: ['adlab_max'],
  },
  min: {
    ...binary(
      (a, b) => (a < b || Number.isNaN(a) ? a : b),
      ([a, b], [t]) => (t === 'f32' ? `adlab_min(${a}, ${b})` : `min(${num(a, t)}, ${num(b, t)})`),
    ),
    wgslNeeds: ['adlab_min'],
  },
  neg: unary(
    (a) => -a,
    ([a], [t]) => `(-${num(a, t)})`,
  ),
  abs: unary(Math.abs, ([a], [t]) => `abs(${num(a, t)})`),
  sign: unary(
    (a) => (a > 0 ? 1 : a < 0 ? -1 : a),
    ([a], [t]) => (t === 'f32' ? `adlab_sign(${a})` : `sign(${num(a, t)})`),
    ['adlab_sign'],
  ),

  exp: unary(Math.exp, float('exp')),
  expm1: special1(Math.expm1, 'adlab_expm1'),
  log: unary(Math.log, float('log')),
  log1p: special1(Math.log1p, 'adlab_log1p'),
  log2: unary(Math.log2, float('log2')),
  log10: special1(Math.log10, 'adlab_log10'),
  sqrt: unary(Math.sqrt, float('sqrt')),
  cbrt: special1(Math.cbrt, 'adlab_cbrt'),
  // The branches keep either exp from overflowing.
  logistic: special1(
    (a) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))),
    'adlab_logistic',
  ),

  sin: unary(Math.sin, float('sin')),
  cos: unary(Math.cos, float('cos')),
  tan: unary(Math.tan, float('tan')),
  asin: special1(Math.asin, 'adlab_asin'),
  acos: special1(Math.acos, 'adlab_acos'),
  atan: special1(Math.atan, 'adlab_atan'),
  atan2: {
    ...binary(Math.atan2, ([y, x], [t]) => {
      if (t !== 'f32') throw new TypeError(`takes f32 on WebGPU, got ${t}`);
      return `adlab_atan2(${y}, ${x})`;
    }),
    wgslNeeds: ['adlab_atan2'],
  },
  sinh: unary(Math.sinh, float('sinh')),
  cosh: unary(Math.cosh, float('cosh')),
  tanh: special1(Math.tanh, 'adlab_tanh'),
  asinh: unary(Math.asinh, float('asinh')),
  acosh: special1(Math.acosh, 'adlab_acosh'),
  atanh: unary(Math.atanh, float('atanh')),

  erf: special1(special.erf, 'adlab_erf'),
  erfc: special1(special.erfc, 'adlab_erfc'),
  lgamma: special1(special.gammaln, 'adlab_lgamma'),
  // polygamma(n, x): the order n (an int32 constant) first.
  polygamma: {
    ...binary(special.polygamma, ([n, x], [tn]) => `adlab_polygamma(${num(n, tn)}, ${x})`),
    wgslNeeds: ['adlab_polygamma'],
  },

  // Rounding an integer changes nothing.
  floor: unary(
    Math.floor,
    float('floor', (a) => a),
  ),
  ceil: unary(
    Math.ceil,
    float('ceil', (a) => a),
  ),
  // Halves to even, as NumPy (WGSL's round does the same).
  round: unary(
    special.roundHalfEven,
    float('round', (a) => a),
  ),
  trunc: unary(
    Math.trunc,
    float('trunc', (a) => a),
  ),

  lt: compare((a, b) => a < b, '<'),
  le: compare((a, b) => a <= b, '<='),
  gt: compare((a, b) => a > b, '>'),
  ge: compare((a, b) => a >= b, '>='),
  eq: compare((a, b) => a === b, '=='),
  ne: compare((a, b) => a !== b, '!='),
  // Bit tests: a shader compiler may assume x != x is false.
  is_finite: {
    arity: 1,
    result: 'bool',
    cpu: (a) => (Number.isFinite(a) ? 1 : 0),
    wgsl: ([a], [t]) => (t === 'f32' ? `adlab_isfinite(${a})` : 'true'),
    wgslNeeds: ['adlab_isfinite'],
  },
  is_nan: {
    arity: 1,
    result: 'bool',
    cpu: (a) => (Number.isNaN(a) ? 1 : 0),
    wgsl: ([a], [t]) => (t === 'f32' ? `adlab_isnan(${a})` : 'false'),
    wgslNeeds: ['adlab_isnan'],
  },
  // NaN is falsy here (JavaScript's `a ? 0 : 1`); the primitive's input is bool in practice.
  logical_not: {
    arity: 1,
    result: 'bool',
    cpu: (a) => (a ? 0 : 1),
    wgsl: ([a], [t]) => (t === 'f32' ? `(${a} == 0.0 || adlab_isnan(${a}))` : `(!${truthy(a, t)})`),
    wgslNeeds: ['adlab_isnan'],
  },
  logical_and: {
    arity: 2,
    result: 'bool',
    cpu: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
    wgsl: ([a, b], [ta, tb]) => `(${truthy(a, ta)} && ${truthy(b, tb)})`,
  },
  logical_or: {
    arity: 2,
    result: 'bool',
    cpu: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
    wgsl: ([a, b], [ta, tb]) => `(${truthy(a, ta)} || ${truthy(b, tb)})`,
  },
  logical_xor: {
    arity: 2,
    result: 'bool',
    cpu: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0),
    wgsl: ([a, b], [ta, tb]) => `(${truthy(a, ta)} != ${truthy(b, tb)})`,
  },

  // select(c, a, b) = c ? a : b (WGSL's select takes the false value first).
  select: {
    arity: 3,
    result: 'same',
    cpu: (c, a, b) => (c ? a : b),
    wgsl: ([c, a, b], [tc]) => `select(${b}, ${a}, ${truthy(c, tc)})`,
  },
  to_float32: { arity: 1, result: 'float32', cpu: Math.fround, wgsl: ([a]) => `f32(${a})` },
  // float64 has no WGSL type: lowering the result's type reports it before this runs.
  to_float64: { arity: 1, result: 'float64', cpu: (a) => a, wgsl: ([a]) => a },
  to_int32: {
    arity: 1,
    result: 'int32',
    cpu: toInt32,
    wgsl: ([a], [t]) => (t === 'f32' ? `adlab_f32_to_i32(${a})` : `i32(${a})`),
    wgslNeeds: ['adlab_f32_to_i32'],
  },
  // Any nonzero value (NaN included) is true, as NumPy.
  to_bool: {
    arity: 1,
    result: 'bool',
    cpu: (a) => (a !== 0 ? 1 : 0),
    wgsl: ([a], [t]) => truthy(a, t),
  },
} satisfies Record<ScalarOpName, OpLowering>;

/** Every scalar op, by name. */
export const scalarOps: Readonly<Record<ScalarOpName, OpLowering>> = table;
