/**
 * Expressions for the symbolic differentiator. Every node is hash-consed: building the same
 * operation on the same children returns the same object, so an expression is a DAG whose shared
 * subexpressions are stored once (and `treeSize` counts them as often as they are written). The
 * smart constructors simplify as they build (constant folding, x + 0, x * 1, x * 0, x^1, ...).
 */

/** The operations an expression node can hold. */
export type Op =
  | 'var'
  | 'const'
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'neg'
  | 'exp'
  | 'log'
  | 'sin'
  | 'cos'
  | 'tanh';

/** The unary functions `fn` can apply. */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'sin' | 'cos' | 'tanh';

/** A node of a symbolic expression (immutable, hash-consed: equal structure means the same object). */
export class Expr {
  constructor(
    /** Unique id (creation order). */
    readonly id: number,
    readonly op: Op,
    readonly args: readonly Expr[],
    /** The number of a 'const' node. */
    readonly value: number,
    /** The name of a 'var' node. */
    readonly name: string,
  ) {}

  /** Infix form with the fewest parentheses. @example String(sym.mul(x, sym.sin(x))) // 'x * sin(x)' */
  toString(): string {
    return format(this, 0);
  }
}

const PRECEDENCE: Partial<Record<Op, number>> = { add: 1, sub: 1, mul: 2, div: 2, neg: 3, pow: 4 };
const SYMBOL: Partial<Record<Op, string>> = { add: '+', sub: '-', mul: '*', div: '/', pow: '^' };

function format(e: Expr, outer: number): string {
  if (e.op === 'var') return e.name;
  if (e.op === 'const') return e.value < 0 && outer > 0 ? `(${e.value})` : String(e.value);
  const p = PRECEDENCE[e.op];
  if (p === undefined) return `${e.op}(${format(e.args[0], 0)})`;
  let s: string;
  if (e.op === 'neg') s = `-${format(e.args[0], p)}`;
  else {
    // Left-associative: the right operand of - and / (and the left of ^) needs parentheses on ties.
    const [l, r] = e.args;
    const lp = e.op === 'pow' ? p + 1 : p;
    const rp = e.op === 'sub' || e.op === 'div' ? p + 1 : p;
    s = `${format(l, lp)} ${SYMBOL[e.op]} ${format(r, rp)}`;
  }
  return p < outer ? `(${s})` : s;
}

const table = new Map<string, Expr>();
let nextId = 0;

/** The unique node for (op, args, value, name): built once, then found in the table. */
function node(op: Op, args: readonly Expr[], value = 0, name = ''): Expr {
  const key =
    op === 'const'
      ? `c${Object.is(value, -0) ? '0' : String(value)}`
      : op === 'var'
        ? `v${name}`
        : `${op}(${args.map((a) => a.id).join(',')})`;
  let e = table.get(key);
  if (!e) {
    e = new Expr(nextId++, op, args, value, name);
    table.set(key, e);
  }
  return e;
}

/** The number of distinct nodes ever built (the hash-consing table's size). */
export function tableSize(): number {
  return table.size;
}

/** A variable. @example const x = sym.variable('x') */
export function variable(name: string): Expr {
  return node('var', [], 0, name);
}

/** A constant. @example sym.constant(2) */
export function constant(value: number): Expr {
  return node('const', [], value);
}

/** A number or an expression. */
export type ExprLike = Expr | number;

const lift = (x: ExprLike): Expr => (typeof x === 'number' ? constant(x) : x);
const isConst = (e: Expr, v?: number) => e.op === 'const' && (v === undefined || e.value === v);

/** a + b, simplified. @example sym.add(x, 1) */
export function add(a: ExprLike, b: ExprLike): Expr {
  const [x, y] = [lift(a), lift(b)];
  if (isConst(x) && isConst(y)) return constant(x.value + y.value);
  if (isConst(x, 0)) return y;
  if (isConst(y, 0)) return x;
  if (y.op === 'neg') return sub(x, y.args[0]);
  return node('add', [x, y]);
}

/** a - b, simplified. @example sym.sub(x, 1) */
export function sub(a: ExprLike, b: ExprLike): Expr {
  const [x, y] = [lift(a), lift(b)];
  if (isConst(x) && isConst(y)) return constant(x.value - y.value);
  if (isConst(y, 0)) return x;
  if (isConst(x, 0)) return neg(y);
  if (x === y) return constant(0);
  return node('sub', [x, y]);
}

/** a * b, simplified. @example sym.mul(2, x) */
export function mul(a: ExprLike, b: ExprLike): Expr {
  const [x, y] = [lift(a), lift(b)];
  if (isConst(x) && isConst(y)) return constant(x.value * y.value);
  if (isConst(x, 0) || isConst(y, 0)) return constant(0);
  if (isConst(x, 1)) return y;
  if (isConst(y, 1)) return x;
  if (isConst(x, -1)) return neg(y);
  if (isConst(y, -1)) return neg(x);
  if (isConst(y)) return mul(y, x); // constants first: 2 * x
  if (x.op === 'neg') return neg(mul(x.args[0], y));
  if (y.op === 'neg') return neg(mul(x, y.args[0]));
  return node('mul', [x, y]);
}

/** a / b, simplified. @example sym.div(1, x) */
export function div(a: ExprLike, b: ExprLike): Expr {
  const [x, y] = [lift(a), lift(b)];
  if (isConst(x) && isConst(y) && y.value !== 0) return constant(x.value / y.value);
  if (isConst(x, 0) && !isConst(y, 0)) return constant(0);
  if (isConst(y, 1)) return x;
  if (x === y) return constant(1);
  return node('div', [x, y]);
}

/** a ^ b, simplified. @example sym.pow(x, 3) */
export function pow(a: ExprLike, b: ExprLike): Expr {
  const [x, y] = [lift(a), lift(b)];
  if (isConst(x) && isConst(y)) return constant(x.value ** y.value);
  if (isConst(y, 0)) return constant(1);
  if (isConst(y, 1)) return x;
  return node('pow', [x, y]);
}

/** -a, simplified. @example sym.neg(x) */
export function neg(a: ExprLike): Expr {
  const x = lift(a);
  if (isConst(x)) return constant(-x.value);
  if (x.op === 'neg') return x.args[0];
  return node('neg', [x]);
}

const UNARY: Record<Exclude<UnaryOp, 'neg'>, (v: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
};

/** An elementary function applied to `a` (folded when `a` is a constant). @example sym.fn('sin', x) */
export function fn(op: UnaryOp, a: ExprLike): Expr {
  if (op === 'neg') return neg(a);
  const x = lift(a);
  if (isConst(x)) return constant(UNARY[op](x.value));
  return node(op, [x]);
}

/** e^a. @example sym.exp(x) */
export const exp = (a: ExprLike): Expr => fn('exp', a);
/** Natural log. @example sym.log(x) */
export const log = (a: ExprLike): Expr => fn('log', a);
/** sin a. @example sym.sin(x) */
export const sin = (a: ExprLike): Expr => fn('sin', a);
/** cos a. @example sym.cos(x) */
export const cos = (a: ExprLike): Expr => fn('cos', a);
/** tanh a. @example sym.tanh(x) */
export const tanh = (a: ExprLike): Expr => fn('tanh', a);

/**
 * Rebuilds `e` with another node for some leaves or subtrees (composition and substitution).
 * @example sym.substitute(sym.sin(x), { x: sym.mul(2, y) }) // sin(2 * y)
 */
export function substitute(e: Expr, bindings: Record<string, ExprLike>): Expr {
  return rebuild(e, (n) => (n.op === 'var' && n.name in bindings ? lift(bindings[n.name]) : null));
}

/** Applies the smart constructors again bottom-up (after `substitute`, or on a parsed expression). */
export function simplify(e: Expr): Expr {
  return rebuild(e, () => null);
}

/** Rebuilds bottom-up through the smart constructors; `leaf` may replace a node first. */
function rebuild(e: Expr, leaf: (n: Expr) => Expr | null): Expr {
  const memo = new Map<number, Expr>();
  const go = (n: Expr): Expr => {
    const hit = memo.get(n.id);
    if (hit) return hit;
    const r = leaf(n) ?? apply(n.op, n.args.map(go), n);
    memo.set(n.id, r);
    return r;
  };
  return go(e);
}

/** Builds `op` on new children with the smart constructor of `op`. */
export function apply(op: Op, args: readonly Expr[], like?: Expr): Expr {
  switch (op) {
    case 'var':
      return variable(like?.name ?? '');
    case 'const':
      return constant(like?.value ?? 0);
    case 'add':
      return add(args[0], args[1]);
    case 'sub':
      return sub(args[0], args[1]);
    case 'mul':
      return mul(args[0], args[1]);
    case 'div':
      return div(args[0], args[1]);
    case 'pow':
      return pow(args[0], args[1]);
    default:
      return fn(op, args[0]);
  }
}
