/**
 * Placement, after JAX's `jax.devices()` / `jax.device_put`: the devices tensors can live on
 * (`cpu`, and `webgpu` once `await initWebGPU()` has found an adapter), the default device new
 * tensors are created on, and moving data between devices (always awaited: reading a GPU is
 * asynchronous). `x.to(device)` is the method form of `devicePut`.
 */
import { flatten, unflatten } from '../core/pytree';
import { ConcreteTensor, installPlacement, type Tensor } from '../core/tensor';
import type { Backend } from './backend';
import { getBackend, setBackend } from './index';
import { createWebGpuBackend, webgpuBackend } from './webgpu';

/** A device as `devices()` lists it. */
export interface DeviceInfo {
  /** `cpu` or `webgpu`: what `setDefaultDevice`, `devicePut` and `x.to` take. */
  readonly name: string;
  /** The backend that runs on it (`cpu-wasm`, `cpu`, `webgpu`). */
  readonly backend: string;
  /** The hardware, where known (the GPU adapter, and how Dawn reached it). */
  readonly description: string;
}

/** The CPU backend in use before any switch (cpu-wasm where it loads). */
const cpu: Backend = getBackend();

/**
 * Sets up WebGPU (once per process: `navigator.gpu` in a browser, the `webgpu` npm package in
 * Node) and returns the device; rejects with the reason when no adapter can be had.
 */
export async function initWebGPU(): Promise<DeviceInfo> {
  const backend = await createWebGpuBackend();
  return info(backend);
}

function info(b: Backend): DeviceInfo {
  const description =
    'description' in b
      ? String(b.description)
      : `host CPU, ${b.name === 'cpu' ? 'TypeScript' : 'WebAssembly SIMD'} kernels`;
  return { name: b.device ?? 'cpu', backend: b.name, description };
}

/** The devices available now (`webgpu` appears after `initWebGPU` has resolved). */
export function devices(): DeviceInfo[] {
  const gpu = webgpuBackend();
  return gpu ? [info(cpu), info(gpu)] : [info(cpu)];
}

function backendFor(device: string, op: string): Backend {
  if (device === 'cpu') return cpu;
  if (device === 'webgpu') {
    const gpu = webgpuBackend();
    if (gpu) return gpu;
    throw new Error(`${op}: webgpu is not set up yet: call \`await initWebGPU()\` first`);
  }
  throw new Error(`${op}: unknown device ${JSON.stringify(device)}; expected 'cpu' or 'webgpu'`);
}

/** Makes `device` the one new tensors (np.array, zeros, random...) are created on. */
export function setDefaultDevice(device: string): void {
  setBackend(backendFor(device, 'setDefaultDevice'));
}

/** The device new tensors are created on. */
export function defaultDevice(): string {
  return getBackend().device ?? 'cpu';
}

/** `x` (a tensor or a pytree of them) on `device`, committed there; awaits reads from a GPU. */
export async function devicePut<T>(x: T, device: string): Promise<T> {
  const target = backendFor(device, 'devicePut');
  const [leaves, def] = flatten(x);
  const moved = await Promise.all(
    leaves.map(async (leaf) => (typeof leaf === 'number' ? leaf : put(leaf, target))),
  );
  return unflatten<T>(def, moved);
}

async function put(x: Tensor, target: Backend): Promise<Tensor> {
  const c = x.concrete();
  let y: ConcreteTensor;
  if (c.backend === target) y = new ConcreteTensor(c.storage, c.shape, c.dtype);
  else {
    const data = c.readableSync ? c.readSync('devicePut') : await c.data();
    y = new ConcreteTensor(target.fromHost(data), c.shape, c.dtype);
  }
  y.committed = true;
  return y;
}

installPlacement((x, device) => devicePut(x, device));

/** Bytes a device's backend holds (webgpu: live tensors' buffers and its pool of free ones). */
export interface DeviceMemory {
  readonly bytesInUse: number;
  readonly bytesPooled: number;
  readonly buffersCreated: number;
  /** Buffers backing live (not yet collected) tensors. */
  readonly buffersInUse: number;
  readonly bytesAcquired: number;
  /** Collections the backend asked the JavaScript engine for. */
  readonly collections: number;
}

/** Memory held on `device` (undefined for the CPU, whose arrays the garbage collector owns). */
export function deviceMemory(device = 'webgpu'): DeviceMemory | undefined {
  return device === 'webgpu' ? webgpuBackend()?.memory() : undefined;
}
