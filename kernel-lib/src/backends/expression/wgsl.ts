/**
 * Lowers a scalar expression to WGSL: one `let` per op node (shared nodes computed once), the
 * result expression, and the helper functions it calls. A GPU backend wraps this in its kernel
 * (loads of the operands at broadcast indices, the store of the result).
 */
import type { DType } from '../../core/dtype';
import { exprText, schedule, type Expr } from '.';
import { scalarOps, type WgslType } from './ops';
import { f32Literal, wgslFunctionsFor, type WgslFunctionName } from './wgsl-functions';

/** An expression as WGSL. */
export interface WgslLowered {
  /** `let` statements computing the op nodes, in order. */
  readonly statements: readonly string[];
  /** The result (a WGSL expression of `resultType`). */
  readonly result: string;
  readonly resultType: WgslType;
  /** Module-scope declarations of the helper functions it calls. */
  readonly functions: string;
}

/** The WGSL type of `dtype`; float64 is an error naming `what` (WGSL has no 64-bit floats). */
export function wgslType(dtype: DType, what: string): WgslType {
  switch (dtype) {
    case 'float32':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'bool':
      return 'bool';
    case 'float64':
      throw new TypeError(
        `${what}: float64 is not supported on WebGPU (WGSL has no 64-bit floats); ` +
          `convert with astype(x, 'float32') or use the CPU backend`,
      );
  }
}

/** A constant as WGSL of `type` (a literal; NaN and infinities call helpers, noted in `needs`). */
export function wgslLiteral(value: number, type: WgslType, needs: Set<WgslFunctionName>): string {
  if (type === 'bool') return value !== 0 ? 'true' : 'false';
  if (type === 'i32') return value === -2147483648 ? 'i32(-2147483648)' : `${value | 0}i`;
  if (Number.isFinite(value)) return f32Literal(value);
  const name = Number.isNaN(value) ? 'adlab_nan' : 'adlab_inf';
  needs.add(name);
  return value < 0 ? `(-${name}())` : `${name}()`;
}

/**
 * Lowers `expr` given each operand's WGSL expression (e.g. `x0[i0]`) and dtype. `what` names the
 * operation in errors (the primitive, or the fused chain).
 */
export function lowerToWgsl(
  expr: Expr,
  operands: readonly { code: string; dtype: DType }[],
  what = exprText(expr),
): WgslLowered {
  const dtypes = schedule(
    expr,
    operands.map((o) => o.dtype),
  );
  const code = new Map<Expr, string>();
  const statements: string[] = [];
  const needs = new Set<WgslFunctionName>();
  for (const [node, dtype] of dtypes) {
    const type = wgslType(dtype, what);
    if (node.kind === 'input') code.set(node, operands[node.index].code);
    else if (node.kind === 'const') code.set(node, wgslLiteral(node.value, type, needs));
    else {
      const op = scalarOps[node.op];
      const args = node.args.map((a) => code.get(a)!);
      const types = node.args.map((a) => wgslType(dtypes.get(a)!, what));
      const name = `v${statements.length}`;
      let value: string;
      try {
        value = op.wgsl(args, types);
      } catch (e) {
        throw new TypeError(`${what}: ${node.op} ${(e as Error).message}`, { cause: e });
      }
      // Arithmetic on bools computes on i32 (see `num` in ops.ts); the stored bool is its truth.
      if (type === 'bool' && op.result === 'same' && node.op !== 'select')
        value = `(${value} != 0)`;
      statements.push(`let ${name}: ${type} = ${value};`);
      op.wgslNeeds?.forEach((n) => needs.add(n));
      code.set(node, name);
    }
  }
  return {
    statements,
    result: code.get(expr)!,
    resultType: wgslType(dtypes.get(expr)!, what),
    functions: wgslFunctionsFor(needs),
  };
}
