/** User-defined derivative rules, honoured by every transform (see primitives/special.ts). */
import { bind } from '../core/trace';
import { Tensor } from '../core/tensor';
import type { Tangent } from '../core/primitive';
import { asTensor } from '../numpy/convert';
import { customJvpCall, customVjpCall } from '../primitives/special';

type Outs = Tensor | Tensor[];
const toList = (x: Outs): Tensor[] => (x instanceof Tensor ? [x] : x);

/** Primitives carry lists; this remembers whether the user returned one tensor, to give it back. */
function outputForm() {
  let single = true;
  return {
    list(out: Outs): Tensor[] {
      single = out instanceof Tensor;
      return toList(out);
    },
    unlist: (outs: Tensor[]): Outs => (single ? outs[0] : outs),
  };
}

/**
 * Wraps `fn` (tensor arguments, tensor or tensor-list result) with a custom forward rule
 * `rule(primals, tangents) -> [outs, tangentOuts]`, linear in the tangents; reverse mode
 * transposes that rule.
 * @example const safeLog = customJvp((x) => np.log(x), ([x], [dx]) => [np.log(x), np.div(dx, x)])
 */
export function customJvp<F extends (...xs: Tensor[]) => Outs>(
  fn: F,
  rule: (primals: Tensor[], tangents: Tensor[]) => [Outs, Outs],
): F {
  const wrapped = (...args: Tensor[]) => {
    const form = outputForm();
    const params = {
      name: fn.name || 'customJvp',
      fn: (...xs: Tensor[]) => form.list(fn(...xs)),
      rule: (xs: Tensor[], dxs: Tensor[]): [Tensor[], Tensor[]] => {
        const [out, tangent] = rule(xs, dxs);
        return [form.list(out), toList(tangent)];
      },
    };
    return form.unlist(
      bind(
        customJvpCall,
        args.map((a) => asTensor(a)),
        params,
      ),
    );
  };
  return wrapped as F;
}

/**
 * Wraps `fn` with custom reverse rules, like jax.custom_vjp: `fwd(...xs) -> [out, residuals]` and
 * `bwd(residuals, ct) -> input cotangents` (null for none), linear in `ct`. Forward mode
 * transposes `bwd`.
 * @example const scaleGrad = customVjp((x) => x, (x) => [x, null], (_r, ct) => [np.mul(ct, 0.1)])
 */
export function customVjp<F extends (...xs: Tensor[]) => Outs>(
  fn: F,
  fwd: (...xs: Tensor[]) => [Outs, unknown],
  bwd: (residuals: unknown, ct: Outs) => Tangent[],
): F {
  const wrapped = (...args: Tensor[]) => {
    const form = outputForm();
    const params = {
      name: fn.name || 'customVjp',
      fn: (...xs: Tensor[]) => form.list(fn(...xs)),
      fwd: (xs: Tensor[]): [Tensor[], unknown] => {
        const [out, residuals] = fwd(...xs);
        return [form.list(out), residuals];
      },
      bwd: (residuals: unknown, cts: Tensor[]) => bwd(residuals, form.unlist(cts)),
    };
    return form.unlist(
      bind(
        customVjpCall,
        args.map((a) => asTensor(a)),
        params,
      ),
    );
  };
  return wrapped as F;
}
