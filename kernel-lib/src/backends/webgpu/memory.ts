/**
 * Device memory without manual ownership: each tensor's GPUBuffer is released when its storage
 * becomes unreachable (a FinalizationRegistry), into a pool of free buffers by size that later
 * kernels reuse.
 *
 * Prompt release: a garbage collector knows nothing of GPU memory, so a training loop could pile
 * up dead intermediates between collections. When the bytes held by live storages grow past twice
 * what was live after the last collection (plus 64 MiB; a full collection every 8th time), the pool asks V8 for a collection (in
 * Node, `gc` is obtained through `v8.setFlagsFromString('--expose-gc')`); the released buffers come
 * back when the registry's callbacks run: at once where V8 offers `cleanupSome` (Node 20), else at
 * the next turn of the event loop (any `await`, e.g. of `loss.data()`).
 */
import type { DType, TypedArray } from '../../core/dtype';
import type { Storage } from '../backend';

/** A tensor's data on the device. */
export interface GpuStorage extends Storage {
  readonly buffer: GPUBuffer;
  /** Elements (bool and int32 are 4-byte words on the device, like float32). */
  readonly size: number;
  readonly dtype: DType;
  /** The host array this storage was uploaded from (kept so host kernels can read it). */
  readonly host?: TypedArray;
}

/** Bytes and buffers held by the backend. */
export interface GpuMemory {
  /** Bytes in buffers that back reachable (or not yet collected) tensors. */
  readonly bytesInUse: number;
  /** Bytes in free buffers kept for reuse. */
  readonly bytesPooled: number;
  /** Buffers created since the device was set up. */
  readonly buffersCreated: number;
  /** Buffers that back reachable (or not yet collected) tensors. */
  readonly buffersInUse: number;
  /** Collections the pool asked for. */
  readonly collections: number;
  /** Bytes handed out for tensors since the device was set up (pooled or new). */
  readonly bytesAcquired: number;
}

const USAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
const MAX_POOLED_BYTES = 512 * 2 ** 20;
/** Growth past twice the live bytes after the last collection that asks for a collection. */
const SLACK_BYTES = 64 * 2 ** 20;

/** Buffer sizes are rounded up so nearby sizes share pooled buffers. */
export function roundedBytes(bytes: number): number {
  const b = Math.max(16, Math.ceil(bytes / 16) * 16);
  if (b <= 4096) return b;
  const step = 2 ** (Math.floor(Math.log2(b)) - 3); // 8 size classes per power of two
  return Math.ceil(b / step) * step;
}

type Gc = (options?: { type: 'minor' | 'major' }) => void;

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private inUse = 0;
  private buffersInUse = 0;
  private pooled = 0;
  private created = 0;
  private collections = 0;
  private acquired = 0;
  /** See SLACK_BYTES (tests lower it to see many collections in a short run). */
  slackBytes = SLACK_BYTES;
  private liveAfterCollection = 0;
  private readonly registry: FinalizationRegistry<GPUBuffer>;
  private readonly cleanup: (() => void) | undefined;
  private readonly gc: Gc | undefined;
  /** Command buffers finished and submitted so far (a released buffer's commands are done when both pass its stamp). */
  private finishes = 0;
  private submits = 0;
  /** For each free buffer, the command buffers that must be submitted before a queue write into it. */
  private readonly releasedBefore = new WeakMap<GPUBuffer, number>();
  /** Buffers to destroy once the commands that may still use them are submitted. */
  private doomed: GPUBuffer[] = [];

  constructor(private readonly device: GPUDevice) {
    const v8 = nodeV8();
    this.gc = v8?.gc;
    this.registry = new (v8?.Registry ?? FinalizationRegistry)<GPUBuffer>((b) => this.release(b));
    const r = this.registry as unknown as { cleanupSome?: () => void };
    this.cleanup = r.cleanupSome?.bind(r);
  }

  /** A buffer of at least `bytes` (contents undefined); `own` ties it to a storage. */
  acquire(bytes: number): GPUBuffer {
    this.maybeCollect();
    const size = roundedBytes(bytes);
    const list = this.free.get(size);
    const buffer = list?.pop();
    if (buffer) {
      this.pooled -= size;
    } else {
      this.created++;
      return this.track(this.device.createBuffer({ size, usage: USAGE }));
    }
    return this.track(buffer);
  }

  /**
   * A buffer holding `data`. With `queueWrites` (no host step pending), a pooled buffer that no
   * unsubmitted command can still use (released before the last submission) is written through
   * the queue; otherwise a new buffer is written at creation, which involves no queue ordering.
   * (Reusing pooled buffers keeps uploads of constants from piling up small buffers in the pool.)
   */
  upload(data: ArrayBufferView, queueWrites: boolean): GPUBuffer {
    this.maybeCollect();
    const size = roundedBytes(data.byteLength);
    const settled = queueWrites ? this.takeSettled(size) : undefined;
    if (settled) {
      this.device.queue.writeBuffer(settled, 0, data);
      return this.track(settled);
    }
    this.created++;
    const buffer = this.device.createBuffer({ size, usage: USAGE, mappedAtCreation: true });
    new Uint8Array(buffer.getMappedRange()).set(
      new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    );
    buffer.unmap();
    return this.track(buffer);
  }

  /** The oldest free buffer of `size` if every command buffer recorded before its release is submitted. */
  private takeSettled(size: number): GPUBuffer | undefined {
    const list = this.free.get(size);
    const oldest = list?.[0];
    if (!oldest || (this.releasedBefore.get(oldest) ?? 0) > this.submits) return undefined;
    list!.shift();
    this.pooled -= size;
    return oldest;
  }

  /** Counts a command buffer finished (recorded) and one submitted to the device, in order. */
  finished(): void {
    this.finishes++;
  }
  submitted(): void {
    this.submits++;
  }

  /** Ties `buffer`'s release to `storage` becoming unreachable. */
  own(storage: GpuStorage): GpuStorage {
    this.registry.register(storage, storage.buffer, storage);
    return storage;
  }

  /** Frees the storage's buffer now (it must not be used afterwards). */
  dispose(storage: GpuStorage): void {
    if ((this.registry as unknown as { unregister(token: object): boolean }).unregister(storage)) {
      this.release(storage.buffer);
    }
  }

  /** A temporary buffer's release (one the caller created with `acquire` and no storage holds). */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    this.inUse -= size;
    this.buffersInUse--;
    this.liveAfterCollection = Math.min(this.liveAfterCollection, this.inUse);
    if (this.pooled + size > MAX_POOLED_BYTES) {
      this.doomed.push(buffer);
      return;
    }
    // Commands recorded so far, in the open encoder (the next command buffer) included.
    this.releasedBefore.set(buffer, this.finishes + 1);
    const list = this.free.get(size);
    if (list) list.push(buffer);
    else this.free.set(size, [buffer]);
    this.pooled += size;
  }

  /**
   * The released buffers over the pool's size, handed to the next submission, which destroys
   * them once the commands that may still use them are submitted.
   */
  takeDoomed(): GPUBuffer[] {
    const doomed = this.doomed;
    this.doomed = [];
    return doomed;
  }

  memory(): GpuMemory {
    this.cleanup?.();
    return {
      bytesInUse: this.inUse,
      bytesPooled: this.pooled,
      buffersCreated: this.created,
      buffersInUse: this.buffersInUse,
      collections: this.collections,
      bytesAcquired: this.acquired,
    };
  }

  private track(buffer: GPUBuffer): GPUBuffer {
    this.inUse += buffer.size;
    this.buffersInUse++;
    this.acquired += buffer.size;
    return buffer;
  }

  private overThreshold(): boolean {
    return this.inUse >= 2 * this.liveAfterCollection + this.slackBytes;
  }

  private maybeCollect(): void {
    if (!this.gc || !this.overThreshold()) return;
    this.collections++;
    this.gc({ type: 'minor' });
    this.cleanup?.();
    // Tensors that outlived a minor collection are in the old generation: a full one every 8th time.
    if (this.cleanup && (this.collections % 8 === 0 || this.overThreshold())) {
      this.gc();
      this.cleanup();
    }
    this.liveAfterCollection = this.inUse;
  }
}

/**
 * V8's `gc` in Node, and a FinalizationRegistry with `cleanupSome` where this V8 has it (both from
 * a fresh context made after setting the flags); undefined in a browser.
 */
function nodeV8(): { gc: Gc; Registry: typeof FinalizationRegistry } | undefined {
  const g = globalThis as { process?: { versions?: { node?: string; v8?: string } } };
  if (!g.process?.versions?.node) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v8 = require('v8') as typeof import('v8');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vm = require('vm') as typeof import('vm');
    v8.setFlagsFromString('--expose-gc');
    // V8 11 (Node 20) still has the flag; later versions print an error for an unknown flag.
    if (parseInt(g.process.versions.v8 ?? '99', 10) <= 11) {
      v8.setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
    }
    const context = vm.createContext({});
    return {
      gc: vm.runInContext('gc', context) as Gc,
      Registry: vm.runInContext('FinalizationRegistry', context) as typeof FinalizationRegistry,
    };
  } catch {
    return undefined;
  }
}
