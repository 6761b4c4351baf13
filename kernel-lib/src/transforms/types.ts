/**
 * Types that let the checker follow a function through the transforms: `grad(f)` takes f's
 * parameters and returns the type of the differentiated argument (a pytree keeps its structure),
 * `argnums` picks arguments by position, `hasAux` adds the auxiliary output. A mistake such as
 * `const g: Tensor = grad(loss)(params)` (params an object) or an extra argument is then a
 * compile error at the notebook cell instead of a surprise at run time.
 */
import type { Tensor } from '../core/tensor';

/** Any function a transform accepts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => unknown;

/**
 * The parameters of `F`; a function whose type is erased (`never`, or taking `never[]`) accepts
 * anything and its transforms return loosely typed results, as before these types.
 */
export type ArgsOf<F extends AnyFunction> =
  IsErased<F> extends true ? readonly any[] : Parameters<F>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** True for `never` and for functions of `never[]` (types erased by a cast). */
export type IsErased<F> = [F] extends [never]
  ? true
  : F extends (...args: infer A) => unknown
    ? A extends never[]
      ? never[] extends A
        ? true
        : false
      : false
    : false;

/** `T`, or `any` when `F`'s type is erased. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose<F, T> = IsErased<F> extends true ? any : T;

/**
 * The tangent/cotangent type of a pytree: the same structure with tensors at the leaves (a JS
 * number leaf is differentiated as a float32 scalar tensor, a `TensorLike` parameter gives a
 * tensor); static parts stay as they are.
 */
export type TangentOf<T> = [T] extends [Tensor]
  ? Tensor
  : Tensor extends T // a parameter that takes a tensor (TensorLike, unknown) gets a tensor
    ? Tensor
    : [T] extends [number]
      ? Tensor
      : [T] extends [readonly unknown[]]
        ? { -readonly [K in keyof T]: TangentOf<T[K]> }
        : [T] extends [(...args: never[]) => unknown]
          ? T
          : [T] extends [object]
            ? { -readonly [K in keyof T]: TangentOf<T[K]> }
            : T;

/**
 * `TangentOf<T>` for a value type `T` the checker may only know as `any` (which stays `any`): the
 * tree of tensors that optimizer states, their updates and scan's stacked outputs have.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TensorsOf<T> = 0 extends 1 & T ? any : TangentOf<T>;

/** The `argnums` given in options `O` (0 when absent). */
export type ArgnumsOf<O> = O extends { argnums: infer N } ? (N extends undefined ? 0 : N) : 0;

/** The chosen arguments of `Args`: one for a number, a tuple for a list of positions. */
export type ChosenArgs<Args extends readonly unknown[], N> = N extends number
  ? Args[N]
  : N extends readonly number[]
    ? { -readonly [K in keyof N]: Args[N[K] & number] }
    : unknown;

/** The primal output of `F`, without its aux part when `O` has `hasAux: true`. */
export type PrimalOut<F extends AnyFunction, O> = O extends { hasAux: true }
  ? ReturnType<F> extends readonly [infer Out, unknown]
    ? Out
    : unknown
  : ReturnType<F>;

/** The auxiliary output of `F` (the second entry of what it returns) when `O` has `hasAux: true`. */
export type AuxOf<F extends AnyFunction> =
  ReturnType<F> extends readonly [unknown, infer Aux] ? Aux : unknown;

/** What `grad(f, O)` returns: the gradient with the chosen arguments' structure, plus aux. */
export type GradResult<F extends AnyFunction, O> = Loose<
  F,
  O extends { hasAux: true }
    ? [TangentOf<ChosenArgs<Parameters<F>, ArgnumsOf<O>>>, AuxOf<F>]
    : TangentOf<ChosenArgs<Parameters<F>, ArgnumsOf<O>>>
>;

/** What `valueAndGrad(f, O)` returns: [f's output (with aux), the gradient]. */
export type ValueAndGradResult<F extends AnyFunction, O> = Loose<
  F,
  [ReturnType<F>, TangentOf<ChosenArgs<Parameters<F>, ArgnumsOf<O>>>]
>;

/**
 * The Jacobian of an output pytree `Out` with respect to an input pytree `In`: the output's
 * structure, each leaf holding the input's structure (as JAX nests them).
 */
export type JacobianOf<Out, In> = Out extends Tensor | number
  ? TangentOf<In>
  : Out extends readonly unknown[]
    ? { -readonly [K in keyof Out]: JacobianOf<Out[K], In> }
    : Out extends object
      ? { -readonly [K in keyof Out]: JacobianOf<Out[K], In> }
      : unknown;

/** What `jacfwd(f, O)` / `jacrev(f, O)` return. */
export type JacobianResult<F extends AnyFunction, O> = Loose<
  F,
  JacobianOf<ReturnType<F>, ChosenArgs<Parameters<F>, ArgnumsOf<O>>>
>;

/** What `hessian(f, O)` returns: the Jacobian of the gradient. */
export type HessianResult<F extends AnyFunction, O> = Loose<
  F,
  JacobianOf<
    TangentOf<ChosenArgs<Parameters<F>, ArgnumsOf<O>>>,
    ChosenArgs<Parameters<F>, ArgnumsOf<O>>
  >
>;

/** What `hvp(f, primals, tangents)` returns: the argument's structure (a list for several). */
export type HvpResult<F extends AnyFunction, Args extends readonly unknown[]> = Loose<
  F,
  Args extends readonly [infer Only] ? TangentOf<Only> : TangentOf<Args>
>;

/** The tangents `hvp`/`jvp` take for primals `P` (anything when `F`'s type is erased). */
export type TangentsFor<F extends AnyFunction, P> =
  IsErased<F> extends true ? readonly unknown[] : TangentOf<P>;

/** What `vjp(f, primals, O)` returns: [output, pullback from its cotangent to the primals', aux]. */
export type VjpTyped<F extends AnyFunction, P, O> = Loose<
  F,
  [
    out: PrimalOut<F, O>,
    pullback: (ct: TangentOf<PrimalOut<F, O>>) => TangentOf<P>,
    aux: O extends { hasAux: true } ? AuxOf<F> : undefined,
  ]
>;
