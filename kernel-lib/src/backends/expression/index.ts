/**
 * The scalar-expression form: elementwise work described as data, so every backend can compile it
 * (the CPU backend to JavaScript loops, a GPU backend to WGSL). An expression is a small DAG whose
 * leaves are the kernel's inputs (`input(k)`: operand k, broadcast NumPy-style) and constants, and
 * whose nodes apply one scalar op from the table in `ops.ts`.
 *
 * Semantics (what every backend must compute): each op node is its op's CPU formula evaluated in
 * float64 on its arguments, then rounded to the node's dtype (float32: to nearest, int32: truncated,
 * bool: 0/1). Node dtypes are inferred from the operands' dtypes (`resultDType`), never stored, so
 * one expression serves every dtype of a primitive.
 */
import type { DType } from '../../core/dtype';
import { scalarOps, type ScalarOpName } from './ops';

export { scalarOps, type OpLowering, type ScalarOpName, type WgslType } from './ops';

/** Operand `index` of the kernel, read at the output position (after broadcasting). */
export interface InputNode {
  readonly kind: 'input';
  readonly index: number;
}

/** A constant of the given dtype (its value already representable in that dtype). */
export interface ConstNode {
  readonly kind: 'const';
  readonly value: number;
  readonly dtype: DType;
}

/** One scalar op applied to argument expressions. */
export interface OpNode {
  readonly kind: 'op';
  readonly op: ScalarOpName;
  readonly args: readonly Expr[];
}

/** A scalar expression: what an elementwise kernel computes at each output position. */
export type Expr = InputNode | ConstNode | OpNode;

const inputs: InputNode[] = [];

/** The kernel's operand `index`. */
export function input(index: number): InputNode {
  return (inputs[index] ??= { kind: 'input', index });
}

/** A constant leaf. */
export function constant(value: number, dtype: DType): ConstNode {
  return { kind: 'const', value, dtype };
}

/** `op(...args)`; throws when the argument count is not the op's arity. */
export function apply(op: ScalarOpName, ...args: Expr[]): OpNode {
  const arity = scalarOps[op].arity;
  if (args.length !== arity) {
    throw new Error(`expression: ${op} takes ${arity} arguments, got ${args.length}`);
  }
  return { kind: 'op', op, args };
}

const direct = new Map<ScalarOpName, OpNode>();

/**
 * `op(input(0), ..., input(arity - 1))`, the expression of most elementwise primitives (one shared
 * object per op, so backends' compile caches hit).
 */
export function opExpr(op: ScalarOpName): OpNode {
  let e = direct.get(op);
  if (e === undefined) {
    e = apply(op, ...Array.from({ length: scalarOps[op].arity }, (_, k) => input(k)));
    direct.set(op, e);
  }
  return e;
}

/** `() => opExpr(op)` with the lookup done once (primitives call it for every kernel they run). */
export function opExprOnce(op: ScalarOpName): () => OpNode {
  let e: OpNode | undefined;
  return () => (e ??= opExpr(op));
}

/** The op when `e` is `op(input(0), ..., input(arity - 1))` (a backend's own kernel may run it). */
export function directOp(e: Expr): ScalarOpName | undefined {
  if (e.kind !== 'op') return undefined;
  const args = e.args; // a plain loop: this runs for every eager elementwise op
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (a.kind !== 'input' || a.index !== k) return undefined;
  }
  return e.op;
}

/** `e` with each `input(k)` replaced by `args[k]` (fusion composes expressions with this). */
export function substitute(e: Expr, args: readonly Expr[]): Expr {
  const memo = new Map<Expr, Expr>();
  const visit = (n: Expr): Expr => {
    let r = memo.get(n);
    if (r !== undefined) return r;
    if (n.kind === 'input') {
      r = args[n.index];
      if (r === undefined) throw new Error(`expression: input ${n.index} has no replacement`);
    } else r = n.kind === 'const' ? n : { kind: 'op', op: n.op, args: n.args.map(visit) };
    memo.set(n, r);
    return r;
  };
  return visit(e);
}

/** The dtype of an op's result from its arguments' dtypes. */
export function resultDType(op: ScalarOpName, args: readonly DType[]): DType {
  const rule = scalarOps[op].result;
  return rule === 'same' ? args[args.length - 1] : rule;
}

/**
 * The nodes of `e` in evaluation order (arguments before their users, each shared node once), with
 * each node's dtype given the operands' dtypes.
 */
export function schedule(e: Expr, operandDTypes: readonly DType[]): Map<Expr, DType> {
  const order = new Map<Expr, DType>();
  const visit = (n: Expr): DType => {
    const known = order.get(n);
    if (known !== undefined) return known;
    let d: DType;
    if (n.kind === 'input') {
      d = operandDTypes[n.index];
      if (d === undefined) {
        throw new Error(
          `expression reads input ${n.index}, but ${operandDTypes.length} were given`,
        );
      }
    } else if (n.kind === 'const') d = n.dtype;
    else d = resultDType(n.op, n.args.map(visit));
    order.set(n, d);
    return d;
  };
  visit(e);
  return order;
}

/** The expression as text, e.g. `add(exp(x0), 2:float32)` (error messages, cache keys). */
export function exprText(e: Expr): string {
  if (e.kind === 'input') return `x${e.index}`;
  if (e.kind === 'const') return `${Object.is(e.value, -0) ? '-0' : e.value}:${e.dtype}`;
  return `${e.op}(${e.args.map(exprText).join(', ')})`;
}
