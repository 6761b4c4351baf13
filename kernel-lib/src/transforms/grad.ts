/** `grad` and `valueAndGrad`: reverse mode seeded with 1 for a scalar loss. */
import { isFloat } from '../core/dtype';
import { fmt } from '../core/shape';
import { Tensor } from '../core/tensor';
import { tensorLeaves, type TreeResult } from '../core/pytree';
import { onesLike } from '../numpy/creation';
import type { AnyFunction, ArgsOf, GradResult, ValueAndGradResult } from './types';
import { vjp } from './vjp';
import { nameTransformed } from './naming';

/** Options of grad and valueAndGrad. */
export interface GradOptions {
  /** Which positional argument(s) to differentiate with respect to (default 0). */
  argnums?: number | readonly number[];
  /** The function returns [loss, aux]; aux is passed through undifferentiated. */
  hasAux?: boolean;
}

/** Calls `f` with the chosen arguments replaced, so transforms can differentiate them alone. */
export function selectArgs(
  op: string,
  args: readonly unknown[],
  argnums: number | readonly number[],
) {
  const nums = typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const i of nums) {
    if (!Number.isInteger(i) || i < 0 || i >= args.length) {
      throw new RangeError(
        `${op}: argnums ${i} is out of range for ${args.length} positional argument(s)`,
      );
    }
  }
  const chosen = nums.map((i) => args[i]);
  const withChosen =
    (f: (...a: never[]) => unknown) =>
    (...replaced: unknown[]) => {
      const full = [...args];
      nums.forEach((i, k) => (full[i] = replaced[k]));
      return f(...(full as never[]));
    };
  return { nums, chosen, withChosen };
}

function checkDifferentiable(op: string, tree: unknown): void {
  const [leaves] = tensorLeaves(tree);
  for (const l of leaves) {
    if (!isFloat(l.dtype)) {
      throw new TypeError(
        `${op}: can only differentiate with respect to float32/float64 inputs, got ${l.dtype}${fmt(l.shape)}`,
      );
    }
  }
}

/**
 * Returns a function computing `[f(...args), ∇f]` (with `hasAux`: `[[f, aux], ∇f]`), like
 * jax.value_and_grad. The gradient has the structure of the chosen argument(s).
 * @example const [loss, g] = valueAndGrad(lossFn)(params, batch)
 */
export function valueAndGrad<F extends AnyFunction, const O extends GradOptions = object>(
  f: F,
  options?: O,
): (...args: ArgsOf<F>) => ValueAndGradResult<F, O>;
export function valueAndGrad(f: (...args: never[]) => unknown, options: GradOptions = {}) {
  const { argnums = 0, hasAux = false } = options;
  const valueAndGradOfF = (...args: unknown[]): [TreeResult, TreeResult] => {
    const { chosen, withChosen } = selectArgs('grad', args, argnums);
    checkDifferentiable('grad', chosen);
    const [out, pullback, aux] = vjp(withChosen(f), chosen, { hasAux });
    if (!(out instanceof Tensor) || out.ndim !== 0 || !isFloat(out.dtype)) {
      const what = out instanceof Tensor ? `${out.dtype}${fmt(out.shape)}` : typeof out;
      throw new TypeError(
        `grad: the function must return a float scalar (shape []), got ${what}; for non-scalar outputs use vjp or jacrev, or reduce with np.sum`,
      );
    }
    const grads = pullback(onesLike(out));
    const g = typeof argnums === 'number' ? grads[0] : grads;
    return [hasAux ? [out, aux] : out, g];
  };
  return nameTransformed(valueAndGradOfF, 'valueAndGrad', f);
}

/**
 * Returns a function computing the gradient of scalar `f` (with `hasAux`: `[grad, aux]`).
 * @example const df = grad((x) => np.sum(np.sin(x))); df(x) // cos(x)
 */
export function grad<F extends AnyFunction, const O extends GradOptions = object>(
  f: F,
  options?: O,
): (...args: ArgsOf<F>) => GradResult<F, O>;
export function grad(f: (...args: never[]) => unknown, options: GradOptions = {}) {
  const vg = valueAndGrad(f, options);
  const gradOfF = (...args: unknown[]): TreeResult => {
    const [value, g] = vg(...args);
    return options.hasAux ? [g, (value as unknown[])[1]] : g;
  };
  return nameTransformed(gradOfF, 'grad', f);
}
