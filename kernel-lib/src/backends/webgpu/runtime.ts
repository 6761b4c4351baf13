/**
 * Running kernels: WGSL source to a cached compute pipeline, operands bound as storage buffers,
 * passes recorded into one command encoder that is submitted in batches (and before every read).
 */
import type { DType, TypedArray } from '../../core/dtype';
import type { GpuContext } from './device';
import { BufferPool, type GpuStorage } from './memory';

/** Threads per workgroup of the one-thread-per-element kernels. */
export const WORKGROUP = 64;

/** Passes recorded before the encoder is submitted even without a read. */
const PASSES_PER_SUBMIT = 64;

export class Runtime {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private encoder: GPUCommandEncoder | undefined;
  private passes = 0;
  /** Shader compilations so far (tests check that the cache is hit). */
  compiles = 0;
  /** Kernels dispatched so far. */
  dispatches = 0;

  constructor(readonly context: GpuContext) {
    this.device = context.device;
    this.pool = new BufferPool(this.device);
  }

  /** The pipeline for `code` (compiled once per distinct source text). */
  pipeline(code: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (!p) {
      this.compiles++;
      const module = this.device.createShaderModule({ code });
      p = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
      });
      this.pipelines.set(code, p);
    }
    return p;
  }

  /**
   * Records one dispatch of `code` with `buffers` bound at 0, 1, ... (in the order the shader
   * declares them) and `groups` workgroups (x, y, z).
   */
  run(
    code: string,
    buffers: readonly GPUBuffer[],
    groups: readonly [number, number?, number?],
  ): void {
    const pipeline = this.pipeline(code);
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
    const pass = this.commands().beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1] ?? 1, groups[2] ?? 1);
    pass.end();
    this.dispatches++;
    if (++this.passes >= PASSES_PER_SUBMIT) this.flush();
  }

  /** Zeros the first `bytes` of `buffer` (in command order with the kernels). */
  clear(buffer: GPUBuffer, bytes: number): void {
    if (bytes > 0) this.commands().clearBuffer(buffer, 0, Math.ceil(bytes / 4) * 4);
  }

  /** Copies `bytes` from `src` to `dst` (in command order). */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number): void {
    if (bytes > 0) this.commands().copyBufferToBuffer(src, 0, dst, 0, Math.ceil(bytes / 4) * 4);
  }

  /** The encoder being recorded into. */
  private commands(): GPUCommandEncoder {
    return (this.encoder ??= this.device.createCommandEncoder());
  }

  /** Submits what was recorded. */
  flush(): void {
    if (!this.encoder) return;
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = undefined;
    this.passes = 0;
    this.pool.submitted();
  }

  /** A storage of `size` elements of `dtype` (contents undefined). */
  allocate(size: number, dtype: DType, backend: GpuStorage['backend']): GpuStorage {
    const buffer = this.pool.acquire(size * 4);
    return this.pool.own({ backend, buffer, size, dtype });
  }

  /** A storage holding `data` (the array is kept as the storage's host copy). */
  upload(data: TypedArray, dtype: DType, backend: GpuStorage['backend']): GpuStorage {
    const words = dtype === 'bool' ? Uint32Array.from(data) : data;
    const buffer = this.pool.upload(words);
    return this.pool.own({ backend, buffer, size: data.length, dtype, host: data });
  }

  /** The storage's values on the host (bool as 0/1 bytes). */
  async read(storage: GpuStorage): Promise<TypedArray> {
    if (storage.host) return storage.host;
    const bytes = storage.size * 4;
    const out = allocateHost(storage.dtype, storage.size);
    if (bytes === 0) return out;
    const staging = this.device.createBuffer({
      size: Math.ceil(bytes / 4) * 4,
      usage: 0x1 | 0x8, // MAP_READ | COPY_DST
    });
    this.copy(storage.buffer, staging, bytes);
    this.flush();
    await staging.mapAsync(0x1);
    const words = staging.getMappedRange(0, bytes);
    if (storage.dtype === 'bool') out.set(new Uint32Array(words));
    else out.set(new (out.constructor as typeof Float32Array)(words));
    staging.unmap();
    staging.destroy();
    return out;
  }
}

function allocateHost(dtype: DType, size: number): TypedArray {
  if (dtype === 'float32') return new Float32Array(size);
  if (dtype === 'int32') return new Int32Array(size);
  if (dtype === 'bool') return new Uint8Array(size);
  throw new Error(`webgpu: no ${dtype} storage`);
}

/** Workgroup counts (x, y) for `threads` threads in groups of `size` (y spills past the limit). */
export function groupsFor(threads: number, size: number, maxPerDim: number): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / size));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}
