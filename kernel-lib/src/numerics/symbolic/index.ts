/**
 * A small symbolic differentiator, to measure expression swell against AD's cost on the same
 * function: build (or `parse`) an expression, `diff` it, compare `treeSize` (written out) with
 * `dagSize` (shared) and with the primitive count of `makeGraph(grad(sym.toFunction(e, ['x'])))`.
 */
import { add, constant, cos, div, exp, fn, log, mul, neg, pow, sin, sub, tanh } from './expr';
import { apply, simplify, substitute, tableSize, variable } from './expr';
import { diff, nthDiff } from './diff';
import { evaluate, toFunction } from './evaluate';
import { dagSize, opCount, opCounts, treeSize } from './measure';
import { parse } from './parse';

export { Expr } from './expr';
export type { ExprLike, Op, UnaryOp } from './expr';

/**
 * The symbolic namespace: constructors, `diff`, `simplify`, `evaluate`, sizes and counts.
 * @example const x = sym.variable('x'); sym.treeSize(sym.nthDiff(sym.parse('sin(sin(sin(x)))'), 'x', 3))
 */
export const sym = {
  variable,
  constant,
  add,
  sub,
  mul,
  div,
  pow,
  neg,
  exp,
  log,
  sin,
  cos,
  tanh,
  fn,
  apply,
  substitute,
  simplify,
  parse,
  diff,
  nthDiff,
  evaluate,
  toFunction,
  treeSize,
  dagSize,
  opCounts,
  opCount,
  tableSize,
};
