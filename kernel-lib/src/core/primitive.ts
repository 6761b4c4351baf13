/**
 * The primitive contract: one typed record per primitive holds everything a transform needs.
 *
 * Glossary used in every rule: `x` primal input, `y` primal output, `dx`/`dy` tangents (forward
 * mode; `null` is a symbolic zero), `ct` cotangent (reverse mode). Rules are written with
 * differentiable primitives, never raw buffers, so derivatives nest to any order.
 */
import type { Expr } from '../backends/expression';
import type { DType } from './dtype';
import type { ConcreteTensor, Tensor } from './tensor';

/** The abstract value of a tensor: what shape and dtype rules see. */
export interface Aval {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A tangent that may be a symbolic zero. */
export type Tangent = Tensor | null;

/**
 * What a reverse rule returns per input: a cotangent, `null` for none, or a thunk computing it.
 * Thunks run only for inputs that need a cotangent, so a product rule does not spend a matmul on
 * the cotangent of a constant operand.
 */
export type Cotangent = Tangent | (() => Tangent);

/** Where a value's batch axis lies under vmap; `null`: the same value for every example. */
export type BatchDim = number | null;

/**
 * A batching rule (vmap): the primitive applied to inputs whose batch axes lie at `bdims`, giving
 * the outputs and their batch axes. `prim` is the primitive itself, so one rule serves a family.
 */
export type BatchRule<P> = (
  xs: readonly Tensor[],
  bdims: readonly BatchDim[],
  params: P,
  prim: AnyPrimitive,
) => [Tensor[], BatchDim[]];

/** One primitive: its shape/dtype rule, kernel, forward rule and reverse rule. */
export interface Primitive<P = Record<string, never>> {
  readonly name: string;
  /** Output avals from input avals; throws an error naming the primitive on bad input. */
  abstractEval(inputs: readonly Aval[], params: P): Aval[];
  /** Runs the kernel on concrete inputs (already checked by `abstractEval`). */
  impl(inputs: readonly ConcreteTensor[], params: P, outs: readonly Aval[]): ConcreteTensor[];
  /** Output tangents from input tangents (at least one is non-null); `ys` are the outputs. */
  jvp(dxs: readonly Tangent[], xs: readonly Tensor[], ys: readonly Tensor[], params: P): Tangent[];
  /** Input cotangents from output cotangents (`null` where the input gets none). */
  vjp(cts: readonly Tensor[], xs: readonly Tensor[], ys: readonly Tensor[], params: P): Cotangent[];
  /**
   * Batching rule for vmap. Without one, vmap runs the primitive once per example (correct, slow,
   * and reported once).
   */
  batch?: BatchRule<P>;
  /**
   * An elementwise primitive's scalar expression (`input(k)` is input k, broadcast NumPy-style):
   * what its kernel computes, and what `jit` composes to fuse chains into one pass.
   */
  expression?(params: P): Expr;
  /** Floating-point operations performed (graph capture's cost model); defaults to 0. */
  flops?(inputs: readonly Aval[], outs: readonly Aval[], params: P): number;
  /**
   * Reverse mode normally saves inputs and outputs. A primitive that needs other residuals
   * (custom VJPs) computes its outputs with them here; `vjpWithResiduals` then replaces `vjp`.
   */
  forwardWithResiduals?(xs: readonly Tensor[], params: P): { ys: Tensor[]; residuals: unknown };
  vjpWithResiduals?(cts: readonly Tensor[], residuals: unknown, params: P): Tangent[];
}

/** Any primitive, for code that handles primitives generically (transforms). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPrimitive = Primitive<any>;
