/**
 * Forward mode. A JvpTracer carries a primal and its tangent (`null` is a symbolic zero); each
 * primitive's `jvp` rule pushes tangents forward: dy = J dx, one Jacobian action per pass.
 */
import { isFloat } from '../core/dtype';
import type { AnyPrimitive, Tangent } from '../core/primitive';
import { tensorLeaves, unflatten } from '../core/pytree';
import { fmt, shapesEqual } from '../core/shape';
import { bind, isTracerOf, reportDerivative, Trace, Tracer, withTrace } from '../core/trace';
import type { Tensor } from '../core/tensor';
import { zerosLike } from '../numpy/creation';
import { transformName } from './naming';

class JvpTracer extends Tracer {
  constructor(
    readonly trace: JvpTrace,
    readonly primal: Tensor,
    readonly tangent: Tangent,
  ) {
    super();
  }
}

class JvpTrace extends Trace {
  lift(x: Tensor): JvpTracer {
    return new JvpTracer(this, x, null);
  }

  process(prim: AnyPrimitive, tracers: JvpTracer[], params: unknown): JvpTracer[] {
    const xs = tracers.map((t) => t.primal);
    const dxs = tracers.map((t) => t.tangent);
    const ys = bind(prim, xs, params);
    const dys = dxs.every((t) => t === null) ? ys.map(() => null) : prim.jvp(dxs, xs, ys, params);
    return ys.map((y, i) => {
      const dy = isFloat(y.dtype) ? dys[i] : null;
      if (dy) reportDerivative('tangent', y, dy);
      return new JvpTracer(this, y, dy);
    });
  }
}

/**
 * Evaluates `f(...primals)` and its directional derivative along `tangents` (one JVP, forward mode).
 * Returns [output, J·tangent] with the output's pytree structure.
 * @example const [y, dy] = jvp((x) => np.sin(x), [x], [np.onesLike(x)])
 */
export function jvp<Out>(
  f: (...args: never[]) => Out,
  primals: readonly unknown[],
  tangents: readonly unknown[],
): [Out, Out] {
  if (!Array.isArray(primals) || !Array.isArray(tangents)) {
    throw new TypeError(
      'jvp: primals and tangents must be lists of arguments, e.g. jvp(f, [x], [v])',
    );
  }
  const [xs, inDef] = tensorLeaves(primals);
  const [dxs] = tensorLeaves(tangents);
  if (dxs.length !== xs.length)
    throw new Error(`jvp: ${xs.length} primal leaves but ${dxs.length} tangent leaves`);
  xs.forEach((x, i) => {
    if (!shapesEqual(x.shape, dxs[i].shape) || x.dtype !== dxs[i].dtype) {
      throw new Error(
        `jvp: tangent ${i} is ${dxs[i].dtype}${fmt(dxs[i].shape)} but its primal is ${x.dtype}${fmt(x.shape)}`,
      );
    }
  });
  return withTrace(
    (level) => {
      const trace = new JvpTrace(level);
      trace.label = transformName('jvp', f);
      return trace;
    },
    (trace) => {
      const inputs = xs.map((x, i) => {
        const dx = isFloat(x.dtype) ? dxs[i] : null;
        if (dx) reportDerivative('tangent', x, dx);
        return new JvpTracer(trace, x, dx);
      });
      const out = f(...(unflatten(inDef, inputs) as never[]));
      const [outs, outDef] = tensorLeaves(out);
      return [
        unflatten<Out>(
          outDef,
          outs.map((y) => (isTracerOf(y, trace) ? (y as JvpTracer).primal : y)),
        ),
        unflatten<Out>(
          outDef,
          outs.map((y) => tangentOf(y, trace)),
        ),
      ];
    },
  );
}

function tangentOf(y: Tensor, trace: JvpTrace): Tensor {
  const t = isTracerOf(y, trace) ? (y as JvpTracer).tangent : null;
  return t ?? zerosLike(isTracerOf(y, trace) ? (y as JvpTracer).primal : y);
}
