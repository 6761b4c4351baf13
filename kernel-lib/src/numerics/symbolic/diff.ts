/** Symbolic differentiation: the textbook rules applied to an expression, memoized per node. */
import { add, constant, cos, div, type Expr, log, mul, neg, pow, sin, sub, tanh } from './expr';

/**
 * The derivative of `e` with respect to the variable `wrt` (simplified as it is built). Each node
 * is differentiated once and shared subexpressions stay shared, as hash-consing makes them.
 * @example sym.diff(sym.mul(x, sym.sin(x)), 'x') // sin(x) + x * cos(x)
 */
export function diff(e: Expr, wrt: string): Expr {
  const memo = new Map<number, Expr>();
  const d = (n: Expr): Expr => {
    const hit = memo.get(n.id);
    if (hit) return hit;
    const r = rule(n, d, wrt);
    memo.set(n.id, r);
    return r;
  };
  return d(e);
}

/**
 * The k-th derivative of `e` with respect to `wrt`.
 * @example sym.nthDiff(sym.exp(sym.mul(2, x)), 'x', 3) // 8 * exp(2 * x)
 */
export function nthDiff(e: Expr, wrt: string, k: number): Expr {
  let r = e;
  for (let i = 0; i < k; i++) r = diff(r, wrt);
  return r;
}

function rule(n: Expr, d: (n: Expr) => Expr, wrt: string): Expr {
  const [a, b] = n.args;
  switch (n.op) {
    case 'var':
      return constant(n.name === wrt ? 1 : 0);
    case 'const':
      return constant(0);
    // d(a + b) = da + db
    case 'add':
      return add(d(a), d(b));
    // d(a - b) = da - db
    case 'sub':
      return sub(d(a), d(b));
    // d(a b) = da b + a db
    case 'mul':
      return add(mul(d(a), b), mul(a, d(b)));
    // d(a / b) = da / b - a db / b²
    case 'div':
      return sub(div(d(a), b), div(mul(a, d(b)), pow(b, 2)));
    case 'pow': {
      // d(a^c) = c a^(c-1) da for a constant exponent; else d(e^(b log a))
      const db = d(b);
      const da = d(a);
      if (b.op === 'const') return mul(mul(b, pow(a, b.value - 1)), da);
      return mul(n, add(mul(db, log(a)), div(mul(b, da), a)));
    }
    // d(-a) = -da
    case 'neg':
      return neg(d(a));
    // d(e^a) = e^a da
    case 'exp':
      return mul(n, d(a));
    // d(log a) = da / a
    case 'log':
      return div(d(a), a);
    // d(sin a) = cos(a) da
    case 'sin':
      return mul(cos(a), d(a));
    // d(cos a) = -sin(a) da
    case 'cos':
      return neg(mul(sin(a), d(a)));
    // d(tanh a) = (1 - tanh²a) da
    case 'tanh':
      return mul(sub(1, pow(tanh(a), 2)), d(a));
  }
}
