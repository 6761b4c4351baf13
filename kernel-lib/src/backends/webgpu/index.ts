/**
 * The WebGPU backend: tensors are GPUBuffers that stay on the device between operations; kernels
 * are WGSL compute shaders generated per operation (and per shape; compiled once and cached).
 *
 * dtypes: float32, int32 and bool (a 32-bit word 0/1 on the device); float64 is an error naming
 * the operation. Reads are asynchronous (`await t.data()`); a synchronous read of a result
 * computed on the device is an error saying so (data uploaded from the host keeps its host copy,
 * which host code such as random key handling and index checks may read). Routines with a WGSL
 * kernel are listed in `routines.ts`; the others (the factorizations, and what that file
 * declines) run as host steps in program order with the device's work (`runOnHost`, see
 * `runtime.ts`).
 */
import type { DType, TypedArray } from '../../core/dtype';
import { sizeOf } from '../../core/shape';
import type { Backend, Operand, Storage } from '../backend';
import { acquireDevice, type GpuContext } from './device';
import type { GpuMemory, GpuStorage } from './memory';
import { elementwise } from './elementwise';
import { matmul } from './matmul';
import { reduce } from './reduce';
import { webgpuRoutines } from './routines';
import { Runtime } from './runtime';
import { readStrided, scatterAdd, take, writeStrided } from './strided';
import { float64Error } from './wgsl';

/** The WebGPU backend with what the device reports. */
export interface WebGpuBackend extends Backend {
  readonly name: 'webgpu';
  /** The adapter's description and how it was reached (Dawn Vulkan, OpenGL ES, navigator.gpu). */
  readonly description: string;
  /** Bytes the backend holds on the device (live tensors and its pool of free buffers). */
  memory(): GpuMemory;
  /** Shader compilations and kernel dispatches so far. */
  stats(): { compiles: number; dispatches: number };
  /** Waits until the device has finished the work submitted so far. */
  synchronize(): Promise<void>;
  /** The runtime (internal: kernels, pipeline cache, buffer pool). */
  readonly runtime: Runtime;
}

let backend: WebGpuBackend | undefined;

/** The WebGPU backend once `initWebGPU` has resolved, else undefined. */
export function webgpuBackend(): WebGpuBackend | undefined {
  return backend;
}

/** Sets up the device (once per process) and returns the backend. */
export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  if (backend) return backend;
  const context = await acquireDevice();
  backend ??= makeBackend(context);
  return backend;
}

function makeBackend(context: GpuContext): WebGpuBackend {
  const rt = new Runtime(context);
  const gpu = (x: Operand | Storage): GpuStorage => ('storage' in x ? x.storage : x) as GpuStorage;
  const alloc = (shape: readonly number[], dtype: DType, op: string): GpuStorage => {
    if (dtype === 'float64') throw float64Error(op);
    return rt.allocate(sizeOf(shape), dtype, self);
  };
  const check = (op: string, ...xs: Operand[]) => {
    for (const x of xs) if (x.dtype === 'float64') throw float64Error(op);
  };
  const self: WebGpuBackend = {
    name: 'webgpu',
    device: 'webgpu',
    dtypes: ['float32', 'int32', 'bool'],
    description: context.description,
    runtime: rt,
    fromHost(data: TypedArray): Storage {
      if (data instanceof Float64Array) throw float64Error('creating a tensor');
      const dtype: DType =
        data instanceof Float32Array ? 'float32' : data instanceof Int32Array ? 'int32' : 'bool';
      return rt.upload(data, dtype, self);
    },
    readSync(storage: Storage): TypedArray {
      const host = gpu(storage).host;
      if (host) return host;
      throw new Error(
        'webgpu: this tensor was computed on the device, and a GPU is read asynchronously: ' +
          "use `await t.data()` or `await t.array()` (or `await t.to('cpu')`) instead of " +
          'dataSync(), toArray() or item()',
      );
    },
    canReadSync: (storage) => gpu(storage).host !== undefined,
    runOnHost(xs, outs, kernel) {
      const outputs = outs.map((o) => alloc(o.shape, o.dtype, 'a host routine'));
      rt.host(
        xs.map((x) => gpu(x)),
        outputs,
        kernel,
      );
      return outputs;
    },
    readAsync: (storage) => rt.read(gpu(storage)),
    dispose: (storage) => rt.pool.dispose(gpu(storage)),
    elementwise(expr, xs, outShape, outDtype) {
      check('elementwise', ...xs);
      const out = alloc(outShape, outDtype, 'elementwise');
      const operands = xs.map((x) => ({ storage: gpu(x), shape: x.shape, dtype: x.dtype }));
      elementwise(rt, expr, operands, outShape, outDtype, out);
      return out;
    },
    reduce(kind, x, axes, outDtype) {
      check(kind, x);
      const out = alloc(
        x.shape.filter((_, i) => !axes.includes(i)),
        outDtype,
        kind,
      );
      reduce(rt, kind, gpu(x), x.shape, axes, outDtype, out);
      return out;
    },
    routines: webgpuRoutines({ rt, gpu, alloc }),
    matmulTransposes: true,
    matmul(a, b, outShape, transpose) {
      check('matmul', a, b);
      const out = alloc(outShape, a.dtype, 'matmul');
      matmul(rt, gpu(a), a.shape, gpu(b), b.shape, outShape, a.dtype, out, transpose);
      return out;
    },
    readStrided(x, view, outShape) {
      check('strided read', x);
      const out = alloc(outShape, x.dtype, 'strided read');
      readStrided(rt, gpu(x), view, outShape, out);
      return out;
    },
    writeStrided(parts, outShape, dtype) {
      const out = alloc(outShape, dtype, 'pad/concatenate');
      writeStrided(
        rt,
        parts.map((p) => ({ x: gpu(p.x), shape: p.x.shape, view: p.view })),
        out.size,
        out,
      );
      return out;
    },
    take(x, indices, axis, outShape) {
      check('take', x);
      const out = alloc(outShape, x.dtype, 'take');
      take(rt, gpu(x), x.shape, gpu(indices), axis, out);
      return out;
    },
    scatterAdd(ct, indices, axis, outShape) {
      check('scatterAdd', ct);
      const out = alloc(outShape, ct.dtype, 'scatterAdd');
      scatterAdd(rt, gpu(ct), gpu(indices), axis, outShape, ct.dtype, out);
      return out;
    },
    memory: () => rt.pool.memory(),
    stats: () => ({ compiles: rt.compiles, dispatches: rt.dispatches }),
    async synchronize() {
      rt.flush();
      await rt.settled();
      await rt.device.queue.onSubmittedWorkDone();
    },
  };
  return self;
}
