/** The active backend. CPU is the default; the WebGPU backend (later) registers here. */
import type { DType, TypedArray } from '../core/dtype';
import { ConcreteTensor } from '../core/tensor';
import type { Backend } from './backend';
import { cpuBackend } from './cpu';

let active: Backend = cpuBackend;

/** The backend new tensors are created on. */
export function getBackend(): Backend {
  return active;
}

/** Makes `backend` the one new tensors are created on. */
export function setBackend(backend: Backend): void {
  active = backend;
}

/** Wraps host data (ownership passes to the backend) as a concrete tensor. */
export function tensorFromHost(
  data: TypedArray,
  shape: readonly number[],
  dtype: DType,
): ConcreteTensor {
  return new ConcreteTensor(active.fromHost(data), shape, dtype);
}
