/**
 * The backend contract's expression form: every elementwise primitive runs its kernel from a
 * scalar expression (no closure path), each op's CPU lowering gives the reference value on edge
 * values, composed expressions round each node as separate kernels would, and every op's WGSL
 * lowering is well-formed (declared helpers, typed lets, balanced brackets). The webgpu suite
 * compiles and runs the WGSL on Dawn.
 */
import { describe, expect, it } from 'vitest';
import { np, type Tensor } from '../../kernel-lib/src';
import type { Backend } from '../../kernel-lib/src/backends/backend';
import { getBackend } from '../../kernel-lib/src/backends';
import { createCpuBackend } from '../../kernel-lib/src/backends/cpu';
import { compileCpu } from '../../kernel-lib/src/backends/cpu/compile';
import {
  apply,
  constant,
  input,
  opExpr,
  scalarOps,
  substitute,
  type Expr,
  type OpLowering,
  type ScalarOpName,
  type WgslType,
} from '../../kernel-lib/src/backends/expression';
import * as special from '../../kernel-lib/src/backends/expression/scalar-special';
import { lowerToWgsl, wgslType } from '../../kernel-lib/src/backends/expression/wgsl';
import {
  wgslFunctionNames,
  wgslFunctionsFor,
} from '../../kernel-lib/src/backends/expression/wgsl-functions';
import type { DType } from '../../kernel-lib/src/core/dtype';
import type { AnyPrimitive } from '../../kernel-lib/src/core/primitive';
import { primitives, type PrimitiveKey } from '../../kernel-lib/src/primitives';
import { on } from '../helpers/backends';
import { specs } from '../rules/specs';

const opNames = Object.keys(scalarOps) as ScalarOpName[];

describe('every elementwise primitive declares its expression', () => {
  // A CPU backend that records the expression of each elementwise kernel it runs.
  const recorded: unknown[] = [];
  const recorder: Backend = createCpuBackend('recorder');
  const run = recorder.elementwise;
  (recorder as { elementwise: Backend['elementwise'] }).elementwise = (e, ...rest) => {
    recorded.push(e);
    return run(e, ...rest);
  };
  const onRecorder = <T>(fn: () => T): T => on(recorder, fn);

  const keys = Object.keys(primitives) as PrimitiveKey[];
  const withExpression = keys.filter((k) => primitives[k].expression !== undefined);

  it.each(withExpression)('%s: its kernel runs its own expression, once', (key) => {
    const prim: AnyPrimitive = primitives[key];
    for (const c of specs[key].cases) {
      const params = c.params ?? {};
      onRecorder(() => {
        const xs = c.inputs('float64').map((x: Tensor) => x.concrete());
        const outs = prim.abstractEval(xs, params);
        recorded.length = 0;
        prim.impl(xs, params, outs);
        expect(recorded).toEqual([prim.expression!(params)]);
        expect(recorded[0]).toBe(prim.expression!(params)); // one object: backends cache on it
      });
    }
  });

  it('the elementwise families all have one (no closure path left)', () => {
    // Every primitive whose own kernel is elementwise (its impl's only backend call); the custom
    // rule carriers run the user's function, made of primitives checked here themselves.
    const elementwise: string[] = [];
    for (const key of keys.filter((k) => !k.startsWith('custom'))) {
      const prim: AnyPrimitive = primitives[key];
      const c = specs[key].cases[0];
      onRecorder(() => {
        const xs = c.inputs('float64').map((x: Tensor) => x.concrete());
        const outs = prim.abstractEval(xs, c.params ?? {});
        recorded.length = 0;
        prim.impl(xs, c.params ?? {}, outs);
        if (recorded.length === 1 && outs.length === 1) elementwise.push(key);
      });
    }
    expect(
      elementwise.filter((k) => primitives[k as PrimitiveKey].expression === undefined),
    ).toEqual([]);
    expect([...elementwise].sort()).toEqual([...withExpression].sort());
    expect(withExpression.length).toBeGreaterThanOrEqual(55);
    for (const e of recorded) expect(typeof e).toBe('object');
  });
});

// ---- CPU lowerings against reference formulas ----
const I32_MAX = 2147483647;
const I32_MIN = -2147483648;
const edges = [
  NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  2.5,
  -2.5,
  3,
  1e-300,
  -1e300,
  I32_MAX,
  I32_MIN,
  2 ** 31,
  -(2 ** 31) - 1,
];

/** The reference of each op, written out independently of the table. */
const reference: Record<ScalarOpName, (...xs: number[]) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  rem: (a, b) => a % b,
  pow: (a, b) => a ** b,
  max: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a > b ? a : b),
  min: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a < b ? a : b),
  neg: (a) => -a,
  abs: (a) => (a < 0 || Object.is(a, -0) ? -a : a),
  sign: (a) => (Number.isNaN(a) ? NaN : a > 0 ? 1 : a < 0 ? -1 : a),
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  cbrt: Math.cbrt,
  logistic: (a) =>
    Number.isNaN(a) ? NaN : a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a)),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  atan2: Math.atan2,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  erf: special.erf,
  erfc: special.erfc,
  lgamma: special.gammaln,
  polygamma: special.polygamma,
  floor: Math.floor,
  ceil: Math.ceil,
  round: special.roundHalfEven,
  trunc: Math.trunc,
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  is_finite: (a) => +Number.isFinite(a),
  is_nan: (a) => +Number.isNaN(a),
  logical_not: (a) => +(a === 0 || Number.isNaN(a)),
  logical_and: (a, b) => +(a !== 0 && b !== 0),
  logical_or: (a, b) => +(a !== 0 || b !== 0),
  logical_xor: (a, b) => +((a !== 0) !== (b !== 0)),
  select: (c, a, b) => (c !== 0 && !Number.isNaN(c) ? a : b),
  to_float32: Math.fround,
  to_float64: (a) => a,
  to_int32: (a) =>
    Number.isNaN(a) ? 0 : a >= I32_MAX ? I32_MAX : a <= I32_MIN ? I32_MIN : Math.trunc(a),
  to_bool: (a) => +(a !== 0),
};

describe('CPU lowerings', () => {
  /** Argument tuples: every edge value per argument (pairs for binary ops, a sample for select). */
  const tuples = (arity: number): number[][] =>
    arity === 1
      ? edges.map((a) => [a])
      : arity === 2
        ? edges.flatMap((a) => edges.map((b) => [a, b]))
        : edges.flatMap((c) => [
            [c, 1, 2],
            [c, -0, NaN],
          ]);

  it.each(opNames.filter((op) => op !== 'polygamma'))('%s matches its reference formula', (op) => {
    const { arity, cpu } = scalarOps[op];
    for (const xs of tuples(arity)) {
      expect(Object.is(cpu(...xs), reference[op](...xs)), `${op}(${xs.join(', ')})`).toBe(true);
    }
  });

  it('polygamma matches its reference for orders 0 to 3 (int32 order first)', () => {
    for (const n of [0, 1, 2, 3]) {
      for (const x of edges.filter((v) => Math.abs(v) < 1e9 || v === -Infinity)) {
        expect(Object.is(scalarOps.polygamma.cpu(n, x), special.polygamma(n, x))).toBe(true);
      }
    }
  });

  it('the edge cases the primitives promise', () => {
    const ops = scalarOps;
    expect(ops.to_int32.cpu(2 ** 31)).toBe(I32_MAX); // saturates, as JAX on CPU
    expect(ops.to_int32.cpu(-Infinity)).toBe(I32_MIN);
    expect(ops.to_int32.cpu(NaN)).toBe(0);
    expect(ops.to_int32.cpu(-2.9)).toBe(-2); // toward zero
    expect(ops.to_bool.cpu(NaN)).toBe(1);
    expect(ops.max.cpu(1, NaN)).toBeNaN();
    expect(ops.max.cpu(NaN, 1)).toBeNaN();
    expect(ops.min.cpu(NaN, 1)).toBeNaN();
    expect(Object.is(ops.sign.cpu(-0), -0)).toBe(true);
    expect(ops.round.cpu(2.5)).toBe(2);
    expect(Object.is(ops.round.cpu(-0.5), -0)).toBe(true);
    expect(ops.rem.cpu(-5, 3)).toBe(-2);
    expect(ops.pow.cpu(-8, 1 / 3)).toBeNaN();
    expect(ops.logistic.cpu(-1000)).toBe(0);
    expect(ops.logistic.cpu(1000)).toBe(1);
    expect(ops.lgamma.cpu(0)).toBe(Infinity);
    expect(ops.select.cpu(0, 1, 2)).toBe(2);
  });

  it('the table and the reference name the same ops', () => {
    expect(Object.keys(reference).sort()).toEqual([...opNames].sort());
  });
});

describe('composed expressions on the CPU', () => {
  const x = input(0);
  const y = input(1);
  it('round each node to its dtype, as separate kernels store it', () => {
    // exp(x) * x + 0.1 in float32: fround after exp, after mul and after add.
    const e = apply('add', apply('mul', apply('exp', x), x), constant(Math.fround(0.1), 'float32'));
    const { fn } = compileCpu(e, ['float32']);
    const f = Math.fround;
    for (const v of [0.3, -1.7, 5.25]) {
      const a = f(v);
      expect(fn(a)).toBe(f(f(f(Math.exp(a)) * a) + f(0.1)));
    }
    // In float64 nothing is rounded.
    const e64 = apply('add', apply('mul', apply('exp', x), x), constant(0.1, 'float64'));
    expect(compileCpu(e64, ['float64']).fn(0.3)).toBe(Math.exp(0.3) * 0.3 + 0.1);
  });

  it('keep -0 and NaN constants apart from 0', () => {
    const e = apply('add', apply('mul', x, constant(-0, 'float64')), constant(0, 'float64'));
    expect(Object.is(compileCpu(e, ['float64']).fn(-1), 0)).toBe(true);
    const m = apply('mul', x, constant(-0, 'float64'));
    const composed = apply('select', constant(1, 'bool'), m, constant(NaN, 'float64'));
    expect(Object.is(compileCpu(composed, ['float64']).fn(1), -0)).toBe(true);
  });

  it('wrap int32 intermediates and compare into bool', () => {
    const e = apply('select', apply('gt', x, y), apply('add', x, y), apply('sub', x, y));
    const { fn } = compileCpu(e, ['int32', 'int32']);
    expect(fn(I32_MAX, 1)).toBe(I32_MIN); // the wrapped sum, as an Int32Array stores it
    expect(fn(1, 5)).toBe(-4);
  });

  it('substitute composes: f(g(x)) equals the two kernels in turn', () => {
    const composed = substitute(opExpr('tanh'), [opExpr('log1p')]);
    const tensor = np.array([0.25, 3, -0.5, 1e-9], 'float32');
    const stepwise = np.tanh(np.log1p(tensor));
    const backend = getBackend();
    const t = tensor.concrete();
    const out = backend.readSync(backend.elementwise(composed, [t], t.shape, 'float32'));
    expect(Array.from(out)).toEqual(Array.from(stepwise.dataSync()));
  });

  it('apply checks the arity', () => {
    expect(() => apply('add', x)).toThrow('expression: add takes 2 arguments, got 1');
  });
});

// ---- WGSL lowerings ----
/** The argument types each op is lowered for (what the primitives and numpy layer allow). */
function loweringCases(op: ScalarOpName): WgslType[][] {
  const { arity } = scalarOps[op];
  if (op === 'select')
    return [
      ['bool', 'f32', 'f32'],
      ['bool', 'i32', 'i32'],
      ['bool', 'bool', 'bool'],
    ];
  if (op === 'polygamma') return [['i32', 'f32']];
  const all: WgslType[] = ['f32', 'i32', 'bool'];
  return all.map((t) => Array.from({ length: arity }, () => t));
}
const dtypeOf: Record<WgslType, DType> = { f32: 'float32', i32: 'int32', bool: 'bool' };

/** Checks the text is well-formed: balanced brackets, typed lets, every called helper declared. */
function expectWellFormedWgsl(code: string, what: string): void {
  let depth = 0;
  for (const ch of code) {
    if ('({['.includes(ch)) depth++;
    if (')}]'.includes(ch)) depth--;
    expect(depth, `${what}: brackets in ${code}`).toBeGreaterThanOrEqual(0);
  }
  expect(depth, `${what}: brackets in ${code}`).toBe(0);
  // Text a JavaScript value leaks as (comments stripped: they may say NaN).
  expect(code.replace(/\/\/.*$/gm, ''), what).not.toMatch(/undefined|NaN|Infinity|\[object/);
  const declared = new Set([...code.matchAll(/fn (adlab_\w+)\(/g)].map((m) => m[1]));
  for (const [, name] of code.matchAll(/(adlab_\w+)\(/g)) {
    expect(declared.has(name), `${what}: ${name} is called but not declared`).toBe(true);
  }
}

describe('WGSL lowerings', () => {
  it.each(opNames)('%s lowers to well-formed WGSL for each argument type', (op) => {
    for (const types of loweringCases(op)) {
      const e = op === 'polygamma' ? apply(op, constant(2, 'int32'), input(0)) : opExpr(op);
      const operands = types
        .slice(op === 'polygamma' ? 1 : 0)
        .map((t, k) => ({ code: `x${k}[i]`, dtype: dtypeOf[t] }));
      if (op === 'to_float64') {
        expect(() => lowerToWgsl(e, operands, 'astype')).toThrow(
          'astype: float64 is not supported on WebGPU',
        );
        continue;
      }
      if (types[types.length - 1] !== 'f32' && !['polygamma', 'select'].includes(op)) {
        // Integer and bool operands: lowered, or refused by name where the op is float-only.
        let refused: string | undefined;
        try {
          lowerToWgsl(e, operands, 'k');
        } catch (err) {
          refused = (err as Error).message;
        }
        if (refused !== undefined) {
          expect(refused).toBe(`k: ${op} takes f32 on WebGPU, got ${types[0]}`);
          continue;
        }
      }
      const lowered = lowerToWgsl(e, operands);
      expect(lowered.statements.at(-1)).toMatch(new RegExp(`^let v\\d+: ${lowered.resultType} = `));
      expectWellFormedWgsl(
        `${lowered.functions}\n${lowered.statements.join('\n')}\n${lowered.result}`,
        `${op}(${types.join(', ')})`,
      );
    }
  });

  it('every helper function is declared once and well-formed', () => {
    const all = wgslFunctionsFor(wgslFunctionNames);
    const names = [...all.matchAll(/fn (\w+)\(/g)].map((m) => m[1]);
    expect(new Set(names).size).toBe(names.length);
    for (const n of wgslFunctionNames) expect(names).toContain(n);
    expectWellFormedWgsl(all, 'library');
  });

  it('a composed chain lowers to one let per node, constants as typed literals', () => {
    const e: Expr = apply('mul', apply('tanh', input(0)), constant(0.5, 'float32'));
    const lowered = lowerToWgsl(e, [{ code: 'a[i]', dtype: 'float32' }]);
    expect(lowered.statements).toEqual([
      'let v0: f32 = adlab_tanh(a[i]);',
      'let v1: f32 = (v0 * 0.500000000);',
    ]);
    expect(lowered.result).toBe('v1');
    expect(lowered.functions).toContain('fn adlab_tanh(x: f32) -> f32');
  });

  it('float64 is an error naming the operation', () => {
    expect(() => wgslType('float64', 'exp')).toThrow(
      "exp: float64 is not supported on WebGPU (WGSL has no 64-bit floats); convert with astype(x, 'float32') or use the CPU backend",
    );
  });
});

describe('the op table is held complete by the type checker', () => {
  // The @ts-expect-error lines must fail to compile (`npm run typecheck` fails otherwise).
  it('an op needs both lowerings, every named op a row, every row a name', () => {
    const identity: OpLowering = { arity: 1, result: 'same', cpu: (a) => a, wgsl: ([a]) => a! };
    // @ts-expect-error: an op without its WGSL lowering
    const noWgsl: OpLowering = { arity: 1, result: 'same', cpu: (a: number) => a };
    // @ts-expect-error: a table that leaves out ops ScalarOpName names
    const partial: Record<ScalarOpName, OpLowering> = { neg: identity };
    // @ts-expect-error: a row for an op ScalarOpName does not name
    const extra = { ...scalarOps, cube: identity } satisfies Record<ScalarOpName, OpLowering>;
    expect([noWgsl, partial, extra].every(Boolean)).toBe(true);
    for (const [name, op] of Object.entries(scalarOps)) {
      expect(typeof op.cpu, name).toBe('function');
      expect(typeof op.wgsl, name).toBe('function');
    }
  });
});
