/**
 * Buffer planning for jitted programs on a backend with an arena (the wasm backend's memory):
 * each float intermediate gets a slot, a byte range of the run's frame, and slots are reused by
 * values whose lifetimes do not overlap, so a chain of kernels reads and writes in place.
 *
 * The allocator is a greedy interval allocator with size classes. A value lives from the step that
 * computes it to the last step that reads it (program outputs: to the end of the run). Walking the
 * steps in order, step i's output takes the smallest free slot of at least its size and at most
 * twice it (else a new slot at the end of the frame); then every value last read at step i frees
 * its slot. Outputs are placed before inputs are freed, so a kernel never writes over what it reads.
 */
import type { Aval } from '../core/primitive';
import { sizeOf } from '../core/shape';
import { ConcreteTensor, type Tensor } from '../core/tensor';
import type { ArenaFrame, Storage } from '../backends/backend';
import type { Step } from './fusion';
import type { Atom } from './program';
import type { TransposedMatmulStep } from './transposed-matmul';

/** A byte range of a frame. */
export interface Slot {
  readonly offset: number;
  readonly bytes: number;
}

/** Where a program's intermediates live in its run's frame. */
export interface BufferPlan {
  /** The frame's size in bytes. */
  readonly bytes: number;
  /** Per step, its output's slot (`bytes`: the value's own size); undefined when it has none. */
  readonly slots: readonly (Slot | undefined)[];
  /**
   * Program inputs and constants copied into the frame when the run starts, because several
   * steps read them (each kernel would copy them in again); large float values only.
   */
  readonly adopted: readonly { readonly atom: Atom; readonly slot: Slot }[];
}

const ELEMENT_BYTES: Partial<Record<string, number>> = { float32: 4, float64: 8 };
const align = (n: number) => (n + 15) & ~15;
/** Inputs smaller than this are left to each kernel's own copy (the wasm kernels' threshold). */
const ADOPT_BYTES = 16384;

/** The variables a step defines. */
export function stepOutputs(step: Step | TransposedMatmulStep): readonly number[] {
  return 'prim' in step ? step.outputs : [step.output];
}

/** A value of the program: a variable, or a constant by identity. */
const keyOf = (a: Atom): number | Tensor => ('variable' in a ? a.variable : a.constant);

/** Plans the slots of the steps' outputs (single float outputs only) by liveness. */
export function planBuffers(
  steps: readonly (Step | TransposedMatmulStep)[],
  outputs: readonly Atom[],
  avals: readonly Aval[],
): BufferPlan {
  const lastUse = new Map<number | Tensor, number>();
  const reads = new Map<number | Tensor, { atom: Atom; count: number }>();
  const defined = new Set<number>();
  steps.forEach((step, i) => {
    for (const a of step.inputs) {
      const k = keyOf(a);
      lastUse.set(k, i);
      const r = reads.get(k) ?? { atom: a, count: 0 };
      r.count += 1;
      reads.set(k, r);
    }
    stepOutputs(step).forEach((v) => defined.add(v));
  });
  for (const a of outputs) lastUse.set(keyOf(a), steps.length);

  const free: { offset: number; size: number }[] = [];
  const held = new Map<number | Tensor, { offset: number; size: number }>();
  const releasedAt = new Map<number, (number | Tensor)[]>();
  let bytes = 0;
  /** A slot for value `k` of `aval` from step `from` to its last use. */
  const take = (k: number | Tensor, aval: Aval, from: number): Slot | undefined => {
    const width = ELEMENT_BYTES[aval.dtype];
    if (width === undefined) return undefined;
    const need = sizeOf(aval.shape) * width;
    const size = align(need);
    let best = -1;
    free.forEach((f, j) => {
      if (f.size >= size && f.size <= 2 * size && (best < 0 || f.size < free[best].size)) best = j;
    });
    const block = best >= 0 ? free.splice(best, 1)[0] : { offset: bytes, size };
    if (best < 0) bytes += size;
    held.set(k, block);
    const last = Math.max(from, lastUse.get(k) ?? from);
    releasedAt.set(last, [...(releasedAt.get(last) ?? []), k]);
    return { offset: block.offset, bytes: need };
  };
  const adopted: { atom: Atom; slot: Slot }[] = [];
  for (const [k, { atom, count }] of reads) {
    if (count < 2 || (typeof k === 'number' && defined.has(k))) continue;
    const aval = typeof k === 'number' ? avals[k] : { shape: k.shape, dtype: k.dtype };
    if (sizeOf(aval.shape) * (ELEMENT_BYTES[aval.dtype] ?? 0) < ADOPT_BYTES) continue;
    const slot = take(k, aval, 0);
    if (slot) adopted.push({ atom, slot });
  }
  const slots = steps.map((step, i): Slot | undefined => {
    const outs = stepOutputs(step);
    const slot = outs.length === 1 ? take(outs[0], avals[outs[0]], i) : undefined;
    for (const u of releasedAt.get(i) ?? []) {
      free.push(held.get(u)!);
      held.delete(u);
    }
    return slot;
  });
  return { bytes, slots, adopted };
}

/**
 * A result as the plan can keep it: one lying in the frame anywhere but its own slot (a view of
 * another value, as reshape makes, or a kernel's output that took a slot meant for later) is
 * copied out, because that slot is reused on the plan's schedule, not the view's.
 */
export function settle(frame: ArenaFrame, slot: Slot | undefined, y: Tensor): Tensor {
  if (!(y instanceof ConcreteTensor)) return y;
  const at = frame.offsetOf(y.storage);
  return at < 0 || at === slot?.offset ? y : detached(frame, y);
}

/** `y`, or a copy when its data lies in an arena (a program's outputs outlive its frame). */
export function detached(frame: ArenaFrame, y: Tensor): Tensor {
  return y instanceof ConcreteTensor ? onStorage(y, frame.detach(y.storage)) : y;
}

/** `x` copied into the frame at `offset` (kernels then read it in place), or `x` as it is. */
export function adopt(frame: ArenaFrame, x: Tensor, offset: number): Tensor {
  return x instanceof ConcreteTensor ? onStorage(x, frame.adopt(x.storage, offset)) : x;
}

/** `x` with its data in `storage` (`x` itself when that is its own). */
function onStorage(x: ConcreteTensor, storage: Storage): ConcreteTensor {
  if (storage === x.storage) return x;
  const copy = new ConcreteTensor(storage, x.shape, x.dtype);
  copy.committed = x.committed;
  return copy;
}
