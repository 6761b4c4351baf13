/**
 * Running kernels: WGSL source to a cached compute pipeline, operands bound as storage buffers,
 * passes recorded into one command encoder that is submitted in batches (and before every read).
 *
 * The device queue in program order: submissions, host steps (a routine the device lacks, run on
 * the CPU: `host`) and reads form one JavaScript-side sequence. While no host step is pending, a
 * submission goes to the GPU at once (the fast path). A host step allocates its outputs at once
 * (their shapes are known), so later operations can be recorded against them; it then downloads
 * its inputs, computes, and writes its outputs; submissions issued meanwhile wait in the sequence
 * behind it, and so do reads (`read`) and the destruction of released buffers.
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
  /** Host steps run so far. */
  hostSteps = 0;
  /** The tail of the sequence of steps waiting behind a host step (see the file comment). */
  private tail: Promise<void> = Promise.resolve();
  /** Steps in that sequence not yet run (0: submit at once). */
  private waiting = 0;
  /** A host step's error, reported by the next read. */
  private failure: unknown;

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

  /**
   * Submits what was recorded (behind any pending host step); buffers released so far are
   * destroyed after it, when the pool is over its size.
   */
  flush(): void {
    if (!this.encoder) return;
    const commands = this.encoder.finish();
    this.encoder = undefined;
    this.passes = 0;
    this.pool.finished();
    const doomed = this.pool.takeDoomed();
    this.inOrder(() => {
      this.device.queue.submit([commands]);
      this.pool.submitted();
      for (const b of doomed) b.destroy();
    });
  }

  /**
   * Runs `step` after every step issued before it: at once when none waits, else at the end of
   * the sequence; an asynchronous step (a host step) holds the steps issued after it until it
   * has finished.
   */
  private inOrder(step: () => void | Promise<void>): void {
    const fail = (e: unknown) => {
      this.failure ??= e;
    };
    const done = () => {
      this.waiting--;
    };
    if (this.waiting === 0) {
      const pending = step();
      if (!pending) return;
      this.waiting++;
      this.tail = pending.catch(fail).finally(done);
      return;
    }
    this.waiting++;
    this.tail = this.tail.then(step).catch(fail).finally(done);
  }

  /** Resolves once every step issued so far has run (submitted, for GPU work). */
  async settled(): Promise<void> {
    if (this.waiting > 0) await this.tail;
    if (this.failure !== undefined) {
      const e = this.failure;
      this.failure = undefined;
      throw e;
    }
  }

  /**
   * A host step in program order: `compute` runs on the host data of `inputs` (downloaded once
   * the work before it has run; a storage uploaded from the host gives its host copy) and its
   * results are written into `outputs`, which the caller allocated and may use in later
   * operations at once.
   */
  host(
    inputs: readonly GpuStorage[],
    outputs: readonly GpuStorage[],
    compute: (data: readonly TypedArray[]) => TypedArray[],
  ): void {
    this.hostSteps++;
    const staged = inputs.map((s) => (s.host ? undefined : this.stage(s)));
    this.flush();
    this.inOrder(async () => {
      const data = await Promise.all(inputs.map((s, k) => s.host ?? this.download(staged[k], s)));
      compute(data).forEach((values, k) => {
        const words = outputs[k].dtype === 'bool' ? Uint32Array.from(values) : values;
        if (words.byteLength > 0) this.device.queue.writeBuffer(outputs[k].buffer, 0, words);
      });
    });
  }

  /** A storage of `size` elements of `dtype` (contents undefined). */
  allocate(size: number, dtype: DType, backend: GpuStorage['backend']): GpuStorage {
    const buffer = this.pool.acquire(size * 4);
    return this.pool.own({ backend, buffer, size, dtype });
  }

  /** A storage holding `data` (the array is kept as the storage's host copy). */
  upload(data: TypedArray, dtype: DType, backend: GpuStorage['backend']): GpuStorage {
    const words = dtype === 'bool' ? Uint32Array.from(data) : data;
    const buffer = this.pool.upload(words, this.waiting === 0);
    return this.pool.own({ backend, buffer, size: data.length, dtype, host: data });
  }

  /** The storage's values on the host (bool as 0/1 bytes), in order behind any host step. */
  async read(storage: GpuStorage): Promise<TypedArray> {
    if (storage.host) return storage.host;
    const staging = this.stage(storage);
    this.flush();
    await this.settled();
    return this.download(staging, storage);
  }

  /** Records a copy of `storage` into a new mappable buffer (undefined when it is empty). */
  private stage(storage: GpuStorage): GPUBuffer | undefined {
    const bytes = storage.size * 4;
    if (bytes === 0) return undefined;
    const staging = this.device.createBuffer({ size: bytes, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
    this.copy(storage.buffer, staging, bytes);
    return staging;
  }

  /** The values copied into `staging` (the copy already submitted), as `storage`'s dtype. */
  private async download(staging: GPUBuffer | undefined, storage: GpuStorage): Promise<TypedArray> {
    const out = allocateHost(storage.dtype, storage.size);
    if (!staging) return out;
    await staging.mapAsync(0x1);
    const words = staging.getMappedRange(0, storage.size * 4);
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
