/**
 * Primitives that are neither arithmetic nor shape: selection, dtype conversion, stopping
 * gradients, and the carriers of user-defined derivative rules (customJvp, customVjp).
 */
import { checkDType, isFloat, type DType } from '../core/dtype';
import type { Aval, Primitive, Tangent } from '../core/primitive';
import { broadcastShapes, fmt, sizeOf } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { opExpr, opExprOnce, type Expr } from '../backends/expression';
import * as ops from '../numpy/ops';
import { batchBroadcasting } from './batching';
import { elementwiseImpl, linear, sameDType, unbroadcast } from './helpers';

const select = opExprOnce('select');

// d where(c, a, b) = where(c, da, db); the condition gets no derivative. The unselected branch
// still gets cotangent 0 times its local derivative: if that derivative is inf or NaN the product
// is NaN (see the "where" convention in kernel-lib/README.md and the double-where pattern).
export const where: Primitive<Record<string, never>> = {
  name: 'where',
  abstractEval: ([c, a, b]) => {
    if (c.dtype !== 'bool') {
      throw new TypeError(`where: condition must be bool, got ${c.dtype} ${fmt(c.shape)}`);
    }
    return [
      {
        shape: broadcastShapes('where', c.shape, a.shape, b.shape),
        dtype: sameDType('where', [a, b]),
      },
    ];
  },
  impl: elementwiseImpl(select),
  jvp: ([, da, db], [c, a, b]) => {
    if (da === null && db === null) return [null];
    return [ops.where(c, da ?? ops.zerosLike(a), db ?? ops.zerosLike(b))];
  },
  vjp: ([ct], [c, a, b]) => {
    const zero = ops.zerosLike(ct);
    return [
      null,
      () => unbroadcast(ops.where(c, ct, zero), a.shape),
      () => unbroadcast(ops.where(c, zero, ct), b.shape),
    ];
  },
  batch: batchBroadcasting,
  expression: select,
  flops: (_i, [out]) => sizeOf(out.shape),
};

/** The cast to `dtype` (int32 truncates and saturates, NaN to 0; bool is `!= 0`, NaN true). */
const cast = ({ dtype }: { dtype: DType }): Expr =>
  opExpr(
    dtype === 'float32'
      ? 'to_float32'
      : dtype === 'float64'
        ? 'to_float64'
        : dtype === 'int32'
          ? 'to_int32'
          : 'to_bool',
  );

/** Converts element types. Its derivative converts tangents (float to float) or is zero. */
export const convert: Primitive<{ dtype: DType }> = {
  name: 'convert_element_type',
  abstractEval: ([x], { dtype }) => [{ shape: x.shape, dtype: checkDType(dtype, 'astype') }],
  impl: elementwiseImpl(cast),
  // d cast(x) = cast(dx) between float types; zero into or out of integer types.
  jvp: ([dx], [x], _y, { dtype }) => [
    isFloat(dtype) && isFloat(x.dtype) ? linear(dx, (t) => ops.astype(t, dtype)) : null,
  ],
  vjp: ([ct], [x], _y, { dtype }) => [
    isFloat(dtype) && isFloat(x.dtype) ? ops.astype(ct, x.dtype) : null,
  ],
  batch: batchBroadcasting,
  expression: cast,
};

/** The identity whose derivative is zero: `stopGradient`. */
export const stopGradient: Primitive<Record<string, never>> = {
  name: 'stop_gradient',
  abstractEval: ([x]) => [x],
  impl: ([x]) => [x],
  jvp: () => [null],
  vjp: () => [null],
  batch: batchBroadcasting,
};

/** A user function with a user forward rule: `jvp(primals, tangents) -> [outs, tangentOuts]`. */
export interface CustomJvpParams {
  name: string;
  fn: (...xs: Tensor[]) => Tensor[];
  rule: (xs: Tensor[], dxs: Tensor[]) => [Tensor[], Tensor[]];
}

/** Runs a user function; its derivatives come from the user's JVP rule. */
export const customJvpCall: Primitive<CustomJvpParams> = {
  name: 'custom_jvp_call',
  // Output avals come from tracing the function abstractly (so jit knows them).
  abstractEval: (xs, { fn }) => evalShape(fn, xs),
  impl: (xs, { fn }) => fn(...xs) as never,
  // The user's rule, with symbolic zeros instantiated.
  jvp: (dxs, xs, _ys, { rule }) =>
    rule(
      [...xs],
      dxs.map((t, i) => t ?? ops.zerosLike(xs[i])),
    )[1],
  // The tangent map t -> rule(xs, t)[1] is linear, so its transpose is its VJP (at any point).
  vjp: (cts, xs, _ys, { rule }) => {
    const tangentMap = (...ts: Tensor[]) => rule([...xs], ts)[1];
    return vjpOf(
      tangentMap,
      xs.map((x) => ops.zerosLike(x)),
      cts,
    );
  },
};

/** A user function with user reverse rules: `fwd(xs) -> [outs, residuals]`, `bwd(residuals, cts)`. */
export interface CustomVjpParams {
  name: string;
  fn: (...xs: Tensor[]) => Tensor[];
  fwd: (xs: Tensor[]) => [Tensor[], unknown];
  bwd: (residuals: unknown, cts: Tensor[]) => Tangent[];
}

/** Runs a user function; reverse mode uses the user's fwd/bwd pair. */
export const customVjpCall: Primitive<CustomVjpParams> = {
  name: 'custom_vjp_call',
  abstractEval: (xs, { fn }) => evalShape(fn, xs),
  impl: (xs, { fn }) => fn(...xs) as never,
  forwardWithResiduals: (xs, { fwd }) => {
    const [ys, residuals] = fwd([...xs]);
    return { ys, residuals };
  },
  vjpWithResiduals: (cts, residuals, { bwd }) => bwd(residuals, [...cts]),
  // Forward mode through a custom VJP: bwd is linear in its cotangent, so J dx is the VJP of
  // ct -> bwd(res, ct) applied to dx (the transpose of the transpose).
  jvp: (dxs, xs, ys, { fwd, bwd }) => {
    const [, residuals] = fwd([...xs]);
    const pullback = (...cts: Tensor[]) =>
      bwd(residuals, cts).map((t, i) => t ?? ops.zerosLike(xs[i]));
    return vjpOf(
      pullback,
      ys.map((y) => ops.zerosLike(y)),
      dxs.map((t, i) => t ?? ops.zerosLike(xs[i])),
    );
  },
  vjp: () => {
    throw new Error('custom_vjp_call: reverse mode goes through vjpWithResiduals (internal error)');
  },
};

/** VJP of `f` at `xs` applied to `cts`, via the transforms (installed to avoid an import cycle). */
let vjpOf: (
  f: (...xs: Tensor[]) => Tensor[],
  xs: Tensor[],
  cts: readonly Tensor[],
) => Tangent[] = () => {
  throw new Error('custom rules used before the transforms were loaded');
};

/** Output avals of `fn` on inputs of `avals`, by abstract tracing (installed by transforms/jit.ts). */
let evalShape: (fn: (...xs: Tensor[]) => unknown, avals: readonly Aval[]) => Aval[] = () => {
  throw new Error('custom rules used before the transforms were loaded');
};

/**
 * The transpose of a linear map `f` (its VJP at zero inputs `likes`) applied to `cts`: the reverse
 * rule of a primitive whose forward rule is the one written out (svd).
 */
export function transposeLinear(
  f: (...xs: Tensor[]) => Tensor[],
  likes: Tensor[],
  cts: readonly Tensor[],
): Tangent[] {
  return vjpOf(f, likes, cts);
}

/** Called once by transforms/jit.ts. */
export function installEvalShape(impl: typeof evalShape): void {
  evalShape = impl;
}

/** Called once by transforms/vjp.ts. */
export function installVjpOf(impl: typeof vjpOf): void {
  vjpOf = impl;
}

/** The special family, for the registry. */
export const specialPrimitives = { where, convert, stopGradient, customJvpCall, customVjpCall };
