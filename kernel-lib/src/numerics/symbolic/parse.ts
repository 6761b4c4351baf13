/** A small parser: infix formulas with + - * / ^, unary minus, numbers, names and functions. */
import {
  add,
  constant,
  div,
  type Expr,
  fn,
  mul,
  neg,
  pow,
  sub,
  type UnaryOp,
  variable,
} from './expr';

const FUNCTIONS = new Set(['exp', 'log', 'sin', 'cos', 'tanh']);

/**
 * Parses a formula into an expression (`^` is right-associative and binds tighter than unary -).
 * @example sym.parse('x * sin(x)^2 + exp(-x / 2)')
 */
export function parse(source: string): Expr {
  const tokens = source.match(/\d+\.?\d*(?:e[+-]?\d+)?|\.\d+|[A-Za-z_]\w*|\S/g) ?? [];
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`sym.parse: ${what} at token ${i} in '${source}'`);
  };
  const peek = () => tokens[i];
  const expect = (t: string) => (tokens[i] === t ? i++ : fail(`expected '${t}'`));
  const sum = (): Expr => {
    let e = product();
    while (peek() === '+' || peek() === '-')
      e = tokens[i++] === '+' ? add(e, product()) : sub(e, product());
    return e;
  };
  const product = (): Expr => {
    let e = unary();
    while (peek() === '*' || peek() === '/')
      e = tokens[i++] === '*' ? mul(e, unary()) : div(e, unary());
    return e;
  };
  const unary = (): Expr => (peek() === '-' ? (i++, neg(unary())) : power());
  const power = (): Expr => {
    const base = atom();
    return peek() === '^' ? (i++, pow(base, unary())) : base;
  };
  const atom = (): Expr => {
    const t = tokens[i++];
    if (t === undefined) return fail('unexpected end');
    if (t === '(') {
      const e = sum();
      expect(')');
      return e;
    }
    if (/^[\d.]/.test(t)) return constant(Number(t));
    if (/^[A-Za-z_]/.test(t)) {
      if (FUNCTIONS.has(t)) {
        expect('(');
        const e = sum();
        expect(')');
        return fn(t as UnaryOp, e);
      }
      return variable(t);
    }
    return fail(`unexpected '${t}'`);
  };
  const e = sum();
  if (i < tokens.length) fail(`unexpected '${tokens[i]}'`);
  return e;
}
