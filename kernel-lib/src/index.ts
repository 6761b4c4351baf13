/**
 * adlab: tensors with JAX-style composable transforms. Everything here is preloaded in the
 * "TypeScript (adlab)" kernel.
 * @example const f = (x: Tensor) => np.sum(np.tanh(x)); grad(f)(np.array([0.5, -1]))
 */
export { np, nn, random, linalg, special } from './numpy';
export { Tensor } from './core/tensor';
export type { TensorLike, NestedArray, Axis } from './core/tensor';
export type { DType } from './core/dtype';
export type { PyTree } from './core/pytree';
export { treeMap, treeFlatten, treeUnflatten, treeLeaves } from './core/pytree';
export type { TreeDef } from './core/pytree';
export { jvp } from './transforms/jvp';
export { vmap } from './transforms/vmap';
export type { AxisSpec, VmapOptions } from './transforms/vmap';
export { jit, evalShape } from './transforms/jit';
export type { JitOptions, Jitted } from './transforms/jit';
export type { TranscendentalPolicy } from './backends/backend';
export type { Program } from './transforms/program';
export { cond, whileLoop, fori, scan } from './transforms/control';
export { ConcretizationError } from './core/trace';
export { vjp } from './transforms/vjp';
export { grad, valueAndGrad } from './transforms/grad';
export type { GradOptions } from './transforms/grad';
export { jacfwd, jacrev, hessian, hvp, linearize } from './transforms/jacobian';
export { customJvp, customVjp } from './transforms/custom';
export { checkpoint } from './transforms/checkpoint';
export { makeGraph, Graph } from './transforms/graph';
export { stopGradient } from './numpy/math';
export { clearOutput, display, setDisplayHook } from './jupyter/display';
export { openComm, registerCommTarget, setCommTransport } from './jupyter/comm';
export type { Comm, CommData, CommReceiver, CommTransport } from './jupyter/comm';
export { MIME } from './jupyter/protocol';
export {
  liveHandle,
  MAX_LIVE_BYTES,
  MAX_LIVE_HANDLES,
  type LiveHandleOptions,
} from './jupyter/live';
export type { LiveOps } from './jupyter/live';
export { pytreeMimeBundle } from './jupyter/pytree-display';
export { graphPicture, preloadGraphviz } from './jupyter/graph-image';
export type { GraphPicture } from './jupyter/graph-image';
export { getBackend, setBackend } from './backends';
export {
  defaultDevice,
  deviceMemory,
  devicePut,
  devices,
  initWebGPU,
  setDefaultDevice,
} from './backends/devices';
export type { DeviceInfo, DeviceMemory } from './backends/devices';
export { checkGrads } from './numerics/check-grads';
export type { CheckGradsOptions, GradCheck } from './numerics/check-grads';
export { numerics, sym } from './numerics';
export { cg } from './numerics/cg';
export type { CgOptions, CgResult } from './numerics/cg';
export { lanczos, powerIteration } from './numerics/lanczos';
export type { LanczosResult, PowerIterationResult } from './numerics/lanczos';
export { hessianOperator, jacobianOperator, ravelTree } from './numerics/linear-operator';
export type { LinearOperator } from './numerics/linear-operator';
export { batchNorm, layerNorm } from './numerics/normalization';
export type { BatchNormState, NormParams } from './numerics/normalization';
export { debugNans, NonFiniteError } from './numerics/nan-provenance';
export {
  finiteDifferenceGrad,
  finiteDifferenceJvp,
  stepSizeSweep,
} from './numerics/finite-differences';
export { compareDTypes, machineEpsilon, nextafter, ulp } from './numerics/precision';
export type { Expr } from './numerics/symbolic';
export * as optim from './optim';
export { minimize, startMinimize } from './optim/minimize';
export type { RunStepper } from './optim/minimize';
export { compareRuns } from './jupyter/optimizer-display';
export type { LiveCompareOptions, LiveRunSpec } from './jupyter/live-runs';
export { progress, Progress } from './jupyter/progress';
export type { ProgressOptions, ProgressValues } from './jupyter/progress';
export { jacobianProbe, hvpProbe, JacobianProbe, HvpProbe } from './jupyter/probes';
export type { JacobianProbeOptions, HvpProbeOptions } from './jupyter/probes';
export { plot, Figure } from './plot';
export type {
  SaveOptions,
  PlotOptions,
  LineOptions,
  GridOptions,
  HistOptions,
  SeriesInput,
} from './plot';
