/**
 * Compiles scalar expressions for the typed-array backends. A single op on the inputs in order
 * (what an eager primitive runs) needs no code: its name selects a monomorphic loop in
 * `fast-loops.ts` (or a wasm kernel) and its CPU formula is the per-element function. A composed
 * expression (a fused chain) becomes one generated function, plus one generated loop per pattern
 * of one-element inputs, each compiled once per expression and operand dtypes.
 *
 * Rounding: each op node's value is rounded to its dtype (float32: Math.fround, int32: | 0) exactly
 * where an unfused program would have stored it, so fused results are bit-identical to eager ones;
 * the formulas themselves run in float64, as the eager kernels do.
 */
import type { DType, TypedArray } from '../../core/dtype';
import { directOp, schedule, scalarOps, type Expr, type ScalarOpName } from '../expression';

/** `out[i] = expr(d0[i or 0], d1[i or 0], ...)`: full-size inputs read `[i]`, one-element ones `[0]`. */
export type ExprLoop = (out: TypedArray, n: number, ...data: TypedArray[]) => void;

/** An expression ready to run on typed arrays. */
export interface CpuKernel {
  /** The op, when the expression is `op(x0, ..., xk)` (backends run their own loop for it). */
  readonly op: ScalarOpName | undefined;
  /** The value at one position from the operands' values there (float64 in, rounded out). */
  readonly fn: (...xs: number[]) => number;
  /** Composed expressions: the loop for a pattern of one-element inputs (`true`: read `[0]`). */
  readonly loop: ((scalars: readonly boolean[]) => ExprLoop) | undefined;
}

const compiled = new WeakMap<Expr, Map<string, CpuKernel>>();

/** The kernel of `expr` on operands of `dtypes` (cached per expression object and dtypes). */
export function compileCpu(expr: Expr, dtypes: readonly DType[]): CpuKernel {
  const op = directOp(expr);
  if (op !== undefined) return directKernel(op);
  let byDTypes = compiled.get(expr);
  if (byDTypes === undefined) compiled.set(expr, (byDTypes = new Map()));
  const key = dtypes.join(',');
  let kernel = byDTypes.get(key);
  if (kernel === undefined) byDTypes.set(key, (kernel = generate(expr, dtypes)));
  return kernel;
}

const direct = new Map<ScalarOpName, CpuKernel>();
const directKernel = (op: ScalarOpName): CpuKernel => {
  let k = direct.get(op);
  if (k === undefined) direct.set(op, (k = { op, fn: scalarOps[op].cpu, loop: undefined }));
  return k;
};

const rounding: Partial<Record<DType, (value: string) => string>> = {
  float32: (v) => `fround(${v})`,
  int32: (v) => `(${v} | 0)`,
};

/** Generated code for a composed expression. */
function generate(expr: Expr, dtypes: readonly DType[]): CpuKernel {
  const order = schedule(expr, dtypes);
  // The formulas and constants are passed in, not inlined as text: they stay the ops' definitions.
  const names = ['fround'];
  const values: unknown[] = [Math.fround];
  const bind = (value: unknown, prefix: string) => {
    let k = values.findIndex((v) => Object.is(v, value));
    if (k < 0) k = values.push(value) - 1;
    if (names[k] === undefined) names[k] = `${prefix}${k}`;
    return names[k];
  };
  const text = new Map<Expr, string>();
  const lines: string[] = [];
  for (const [node, dtype] of order) {
    if (node.kind === 'input') text.set(node, `x${node.index}`);
    else if (node.kind === 'const') text.set(node, bind(node.value, 'k'));
    else {
      const f = bind(scalarOps[node.op].cpu, 'f');
      const call = `${f}(${node.args.map((a) => text.get(a)!).join(', ')})`;
      const t = `t${lines.length}`;
      lines.push(`const ${t} = ${rounding[dtype]?.(call) ?? call};`);
      text.set(node, t);
    }
  }
  const result = text.get(expr)!;
  const compile = (body: string) =>
    (new Function(...names, body) as (...vs: unknown[]) => never)(...values);
  const params = dtypes.map((_, k) => `x${k}`);
  const fn: CpuKernel['fn'] = compile(
    `return function expr(${params.join(', ')}) {\n${lines.join('\n')}\nreturn ${result};\n};`,
  );
  const loops = new Map<string, ExprLoop>();
  const loop = (scalars: readonly boolean[]): ExprLoop => {
    const key = scalars.map(Number).join('');
    let l = loops.get(key);
    if (l === undefined) {
      const reads = params.map((x, k) => `const ${x} = d${k}[${scalars[k] ? 0 : 'i'}];`);
      const ds = params.map((_, k) => `d${k}`).join(', ');
      l = compile(
        `return function exprLoop(out, n, ${ds}) {\nfor (let i = 0; i < n; i++) {\n` +
          `${[...reads, ...lines].join('\n')}\nout[i] = ${result};\n}\n};`,
      );
      loops.set(key, l);
    }
    return l;
  };
  return { op: undefined, fn, loop };
}
