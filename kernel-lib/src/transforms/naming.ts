/** Names of transformed functions, so a graph or an error can say `grad(f)` rather than `f`. */

/** `op(name of f)`, with 'f' for an anonymous function. */
export function transformName(op: string, f: { readonly name: string }): string {
  return `${op}(${f.name || 'f'})`;
}

/** Gives `fn` the name `op(name of f)` (what `makeGraph` shows as its title) and returns it. */
export function nameTransformed<F extends object>(
  fn: F,
  op: string,
  f: { readonly name: string },
): F {
  Object.defineProperty(fn, 'name', { value: transformName(op, f), configurable: true });
  return fn;
}
