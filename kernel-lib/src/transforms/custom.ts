/** User-defined derivative rules, honoured by every transform (see primitives/special.ts). */
import { bind } from '../core/trace';
import { Tensor } from '../core/tensor';
import type { Tangent } from '../core/primitive';
import { asTensor } from '../numpy/convert';
import { customJvpCall, customVjpCall } from '../primitives/special';

type Outs = Tensor | Tensor[];
const toList = (x: Outs): Tensor[] => (x instanceof Tensor ? [x] : x);

/**
 * Wraps `fn` (tensor arguments, tensor or tensor-list result) with a custom forward rule
 * `rule(primals, tangents) -> [outs, tangentOuts]`; reverse mode transposes that rule.
 * @example const safeLog = customJvp((x) => np.log(x), ([x], [dx]) => [np.log(x), np.div(dx, x)])
 */
export function customJvp<F extends (...xs: Tensor[]) => Outs>(
  fn: F,
  rule: (primals: Tensor[], tangents: Tensor[]) => [Outs, Outs],
): F {
  const wrapped = (...args: Tensor[]) => {
    let single = true;
    const flatFn = (...xs: Tensor[]) => {
      const out = fn(...xs);
      single = out instanceof Tensor;
      return toList(out);
    };
    const flatRule = (xs: Tensor[], dxs: Tensor[]): [Tensor[], Tensor[]] => {
      const [o, t] = rule(xs, dxs);
      return [toList(o), toList(t)];
    };
    const outs = bind(
      customJvpCall,
      args.map((a) => asTensor(a)),
      { name: fn.name || 'customJvp', fn: flatFn, rule: flatRule },
    );
    return single ? outs[0] : outs;
  };
  return wrapped as F;
}

/**
 * Wraps `fn` with custom reverse rules, like jax.custom_vjp: `fwd(...xs) -> [out, residuals]`
 * and `bwd(residuals, ct) -> input cotangents` (null for none). Forward mode transposes `bwd`.
 * @example const clipGrad = customVjp((x) => x, (x) => [x, null], (_r, ct) => [np.clip(ct, -1, 1)])
 */
export function customVjp<F extends (...xs: Tensor[]) => Outs>(
  fn: F,
  fwd: (...xs: Tensor[]) => [Outs, unknown],
  bwd: (residuals: unknown, ct: Outs) => Tangent[],
): F {
  const wrapped = (...args: Tensor[]) => {
    let single = true;
    const flatFn = (...xs: Tensor[]) => {
      const out = fn(...xs);
      single = out instanceof Tensor;
      return toList(out);
    };
    const flatFwd = (xs: Tensor[]): [Tensor[], unknown] => {
      const [o, r] = fwd(...xs);
      single = o instanceof Tensor;
      return [toList(o), r];
    };
    const flatBwd = (r: unknown, cts: Tensor[]) => bwd(r, single ? cts[0] : cts);
    const outs = bind(
      customVjpCall,
      args.map((a) => asTensor(a)),
      { name: fn.name || 'customVjp', fn: flatFn, fwd: flatFwd, bwd: flatBwd },
    );
    return single ? outs[0] : outs;
  };
  return wrapped as F;
}
