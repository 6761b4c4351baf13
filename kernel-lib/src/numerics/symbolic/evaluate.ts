/** Evaluating expressions: to a number, or to a tensor function AD can differentiate and count. */
import type { Tensor } from '../../core/tensor';
import * as np from '../../numpy/ops';
import type { Expr, Op } from './expr';

const NUMBER: Record<Exclude<Op, 'var' | 'const'>, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  neg: (a) => -a,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
};

/** Walks the DAG once per distinct node, children first. */
function walk<T>(e: Expr, leaf: (n: Expr) => T, op: (n: Expr, args: T[]) => T): T {
  const memo = new Map<number, T>();
  const go = (n: Expr): T => {
    if (memo.has(n.id)) return memo.get(n.id)!;
    const r = n.args.length === 0 ? leaf(n) : op(n, n.args.map(go));
    memo.set(n.id, r);
    return r;
  };
  return go(e);
}

/**
 * The value of `e` with its variables bound to numbers (float64; each shared node computed once).
 * @example sym.evaluate(sym.mul(x, sym.sin(x)), { x: 0.5 })
 */
export function evaluate(e: Expr, env: Record<string, number>): number {
  return walk(
    e,
    (n) => {
      if (n.op === 'const') return n.value;
      if (!(n.name in env)) throw new Error(`sym.evaluate: no value for variable '${n.name}'`);
      return env[n.name];
    },
    (n, [a, b]) => NUMBER[n.op as keyof typeof NUMBER](a, b),
  );
}

/**
 * A tensor function computing `e` elementwise with np ops, its arguments bound to `vars` in
 * order; AD can differentiate it and `makeGraph` can count its primitives.
 * @example const f = sym.toFunction(sym.sin(x), ['x']); grad((t: Tensor) => np.sum(f(t)))(t)
 */
export function toFunction(e: Expr, vars: readonly string[]): (...xs: Tensor[]) => Tensor {
  return (...xs: Tensor[]) =>
    walk<Tensor>(
      e,
      (n) => {
        if (n.op === 'const') return np.fullLike(xs[0], n.value);
        const i = vars.indexOf(n.name);
        if (i < 0) throw new Error(`sym.toFunction: variable '${n.name}' is not in [${vars}]`);
        return xs[i];
      },
      (n, [a, b]) => {
        switch (n.op) {
          case 'add':
            return np.add(a, b);
          case 'sub':
            return np.sub(a, b);
          case 'mul':
            return np.mul(a, b);
          case 'div':
            return np.div(a, b);
          case 'pow':
            return np.pow(a, b);
          case 'neg':
            return np.neg(a);
          default:
            return np[n.op as 'exp' | 'log' | 'sin' | 'cos' | 'tanh'](a);
        }
      },
    );
}
