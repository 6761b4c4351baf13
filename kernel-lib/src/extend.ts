/**
 * The extension surface: what you need to add a primitive of your own (one `Primitive` record with
 * its shape rule, kernel, JVP and VJP) and bind it, plus the helpers the built-in rules use.
 * Most users want `customJvp`/`customVjp` from the main entry instead.
 * @example
 * import { bind1, type Primitive } from 'adlab/extend';
 */
export type { Primitive, AnyPrimitive, Aval, Tangent } from './core/primitive';
export { bind, bind1, setEvalObserver } from './core/trace';
export type { EvalObserver } from './core/trace';
export { ConcreteTensor } from './core/tensor';
export type { Backend, Storage, Operand, ReduceKind, StridedView } from './backends/backend';
export { tensorFromHost } from './backends';
export type { Expr, ScalarOpName } from './backends/expression';
export { apply, constant, input, opExpr } from './backends/expression';
export { addTangents, linear, unbroadcast, wrap, zeroDerivative } from './primitives/helpers';
export { primitives } from './primitives';
export {
  asTensor,
  promote,
  sliceStatic,
  padStatic,
  takeIndices,
  scatterAddIndices,
} from './numpy/ops';
