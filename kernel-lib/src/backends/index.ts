/**
 * The active backend. `cpu-wasm` (WebAssembly SIMD kernels, built from wasm/kernels.c) is the
 * default where it loads, else `cpu` (plain TypeScript); the WebGPU backend (later) registers here.
 */
import type { DType, TypedArray } from '../core/dtype';
import { ConcreteTensor } from '../core/tensor';
import type { Backend } from './backend';
import { cpuBackend } from './cpu';
import { wasmBackend, wasmUnavailable } from './wasm';

const notes = globalThis as { __adlabWasmNote?: boolean };
if (wasmUnavailable?.includes('not built') && !notes.__adlabWasmNote) {
  notes.__adlabWasmNote = true;
  console.warn(`adlab: ${wasmUnavailable}; using the TypeScript CPU kernels`);
}

let active: Backend = wasmBackend ?? cpuBackend;

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
