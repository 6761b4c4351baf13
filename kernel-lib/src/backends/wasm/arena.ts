/**
 * The wasm backend's arena: frames of its linear memory in which a jitted program keeps the
 * intermediates its plan (transforms/buffer-plan.ts) placed, so a chain of wasm kernels reads and
 * writes them in place instead of copying each operand in and each result out.
 *
 * Layout: `[heap base | frame of the outer run | frame of a run nested in one of its steps | ...
 * | scratch]`. Scratch (operands copied in, results of kernels without a slot) starts above the
 * open frames and is reused by every kernel call. A placed result is a {@link ResidentStorage}: its
 * `data` is a view of the memory, re-derived whenever memory has grown (growing detaches every
 * view of the old buffer). Frames close in reverse order of opening; what may outlive one (the
 * program's outputs) is copied out by `detach`.
 */
import type { ArenaFrame, Backend, BackendArena, Operand, Storage } from '../backend';
import { cpuData } from '../cpu';
import type { WasmKernels } from './module';

type Float = 'float32' | 'float64';
type FloatArray = Float32Array | Float64Array;

const align = (n: number) => (n + 15) & ~15;

/** A tensor's data held in an arena frame (`at`: byte offset in the module's memory). */
export class ResidentStorage implements Storage {
  private view?: FloatArray;

  constructor(
    readonly arena: WasmArena,
    readonly at: number,
    readonly length: number,
    readonly dtype: Float,
  ) {}

  get backend(): Backend {
    return this.arena.backend;
  }

  /** A view of the memory (do not keep it across kernel calls: memory may grow). */
  get data(): FloatArray {
    const buffer = this.arena.w.memory.buffer;
    if (this.view?.buffer !== buffer)
      this.view =
        this.dtype === 'float32'
          ? new Float32Array(buffer, this.at, this.length)
          : new Float64Array(buffer, this.at, this.length);
    return this.view;
  }
}

/** The frames of one kernel module's memory, and how kernels read operands and place results. */
export class WasmArena implements BackendArena {
  /** The backend whose storage resident data is (set once the backend is assembled). */
  backend!: Backend;
  /** The slot the next result of `bytes` bytes goes to (absolute offset), if one is placed. */
  private placed: { at: number; bytes: number } | undefined;

  constructor(readonly w: WasmKernels) {}

  open(bytes: number): ArenaFrame {
    const base = this.w.floor;
    const end = align(base + bytes);
    const outer = this.placed; // a run nested inside a step: the step's slot waits for the step
    this.placed = undefined;
    this.w.floor = end;
    this.w.reserve(end);
    let open = true;
    return {
      place: (slot) => {
        this.placed = slot && { at: base + slot.offset, bytes: slot.bytes };
      },
      adopt: (s, offset) => this.adopt(s, base + offset),
      offsetOf: (s) => (this.holds(s) && s.at >= base && s.at < end ? s.at - base : -1),
      detach: (s) => this.detach(s),
      close: () => {
        if (!open) return;
        open = false;
        this.w.floor = base;
        this.placed = outer;
      },
    };
  }

  /** A float array's copy at `at` (`s` itself when it lies in this memory or is not float). */
  private adopt(s: Storage, at: number): Storage {
    if (this.holds(s)) return s;
    const data = s.backend.readSync(s);
    const dtype =
      data instanceof Float32Array ? 'float32' : data instanceof Float64Array ? 'float64' : null;
    if (dtype === null) return s;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    new Uint8Array(this.w.memory.buffer, at, data.byteLength).set(bytes);
    return new ResidentStorage(this, at, data.length, dtype);
  }

  /** True when `s` lies in this arena's memory (backends made with other thresholds share it). */
  holds(s: Storage): s is ResidentStorage {
    return s instanceof ResidentStorage && s.arena.w === this.w;
  }

  /** `storage`, or a host copy when it lies in this memory. */
  detach(s: Storage): Storage {
    return this.holds(s) ? s.backend.fromHost(s.data.slice()) : s;
  }

  /**
   * The offset of an operand's data for a kernel: in place when it is resident, else copied into
   * scratch. Call after `w.reset()`; later allocations may grow memory (re-read views after).
   */
  ptr(x: Operand): number {
    const s = x.storage;
    if (this.holds(s)) return s.at;
    return this.w.put(cpuData(x) as FloatArray);
  }

  /** Where a kernel writes a result of `bytes` bytes: the placed slot when it fits, else scratch. */
  output(bytes: number): number {
    const p = this.placed;
    if (p !== undefined && p.bytes === bytes) {
      this.placed = undefined;
      return p.at;
    }
    return this.w.alloc(bytes);
  }

  /** The result written at `at` (by `output`): resident in its slot, or a copy out of scratch. */
  result(at: number, n: number, dtype: Float): ResidentStorage | FloatArray {
    return at < this.w.floor ? new ResidentStorage(this, at, n, dtype) : this.w.take(at, n, dtype);
  }
}
