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
import type { ArenaFrame } from '../backends/backend';
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
}

const ELEMENT_BYTES: Partial<Record<string, number>> = { float32: 4, float64: 8 };
const align = (n: number) => (n + 15) & ~15;

/** The variables a step defines. */
export function stepOutputs(step: Step | TransposedMatmulStep): readonly number[] {
  return 'prim' in step ? step.outputs : [step.output];
}

/** Plans the slots of the steps' outputs (single float outputs only) by liveness. */
export function planBuffers(
  steps: readonly (Step | TransposedMatmulStep)[],
  outputs: readonly Atom[],
  avals: readonly Aval[],
): BufferPlan {
  const lastUse = new Map<number, number>();
  steps.forEach((step, i) => {
    for (const a of step.inputs) if ('variable' in a) lastUse.set(a.variable, i);
  });
  for (const a of outputs) if ('variable' in a) lastUse.set(a.variable, steps.length);

  const free: { offset: number; size: number }[] = [];
  const held = new Map<number, { offset: number; size: number }>();
  const releasedAt = new Map<number, number[]>();
  let bytes = 0;
  const slots = steps.map((step, i): Slot | undefined => {
    const outs = stepOutputs(step);
    let slot: Slot | undefined;
    const v = outs[0];
    const width = outs.length === 1 ? ELEMENT_BYTES[avals[v].dtype] : undefined;
    if (width !== undefined) {
      const need = sizeOf(avals[v].shape) * width;
      const size = align(need);
      let best = -1;
      free.forEach((f, j) => {
        if (f.size >= size && f.size <= 2 * size && (best < 0 || f.size < free[best].size))
          best = j;
      });
      const block = best >= 0 ? free.splice(best, 1)[0] : { offset: bytes, size };
      if (best < 0) bytes += size;
      held.set(v, block);
      slot = { offset: block.offset, bytes: need };
      const last = lastUse.get(v) ?? i;
      releasedAt.set(last, [...(releasedAt.get(last) ?? []), v]);
    }
    for (const u of releasedAt.get(i) ?? []) {
      free.push(held.get(u)!);
      held.delete(u);
    }
    return slot;
  });
  return { bytes, slots };
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
  if (!(y instanceof ConcreteTensor)) return y;
  const storage = frame.detach(y.storage);
  if (storage === y.storage) return y;
  const copy = new ConcreteTensor(storage, y.shape, y.dtype);
  copy.committed = y.committed;
  return copy;
}
