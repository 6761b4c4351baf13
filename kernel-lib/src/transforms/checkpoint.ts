/**
 * `checkpoint` (rematerialization, as jax.checkpoint): reverse mode keeps only the inputs of the
 * wrapped function and runs it again during the backward pass, instead of keeping every
 * intermediate on the tape. It trades one more forward evaluation for memory, and changes no
 * value or derivative. Built on customVjp: fwd saves the inputs, bwd re-runs vjp of f.
 */
import type { Tensor } from '../core/tensor';
import { tensorLeaves, unflatten, type TreeDef } from '../core/pytree';
import { customVjp } from './custom';
import { vjp } from './vjp';

/**
 * Wraps `f` (pytree arguments and result) so reverse mode recomputes its intermediates instead of
 * storing them. @example const block = checkpoint((x: Tensor) => np.tanh(np.matmul(x, W)))
 */
export function checkpoint<F extends (...args: never[]) => unknown>(f: F): F {
  const wrapped = (...args: unknown[]) => {
    const [leaves, inDef] = tensorLeaves(args);
    let outDef: TreeDef | undefined;
    // f on flat leaves, with a flat list of output leaves (the form custom rules work with).
    const flat = (...xs: Tensor[]): Tensor[] => {
      const out = (f as unknown as (...a: unknown[]) => unknown)(
        ...unflatten<unknown[]>(inDef, xs),
      );
      const [outLeaves, def] = tensorLeaves(out);
      outDef = def;
      return outLeaves;
    };
    const remat = customVjp(
      flat,
      (...xs: Tensor[]) => [flat(...xs), xs],
      (saved, cts) => {
        const xs = saved as Tensor[];
        const [, pullback] = vjp<Tensor[]>((...zs: Tensor[]) => flat(...zs), xs);
        return pullback(cts as Tensor[]) as Tensor[];
      },
    );
    const outs = remat(...leaves);
    return unflatten(outDef!, Array.isArray(outs) ? outs : [outs]);
  };
  return wrapped as unknown as F;
}
