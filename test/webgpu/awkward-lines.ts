/**
 * Shared by the tests of the WGSL routine kernels (scan, sort): inputs on the device without a
 * host copy, and (shape, axis) cases at awkward sizes: empty, length 1, short lines, lines past
 * a workgroup, non-powers of two, the last axis and others, batched.
 */
import { expect } from 'vitest';
import { np, type Tensor } from '../../kernel-lib/src';
import { webgpuBackend } from '../../kernel-lib/src/backends/webgpu';

/** x on the device without a host copy. */
export const onDevice = async (x: Tensor) => np.neg(np.neg(await x.to('webgpu')));

/** (shape, axis) cases every routine kernel is checked on; `extra` adds a kernel's own. */
export function awkwardLines(...extra: [number[], number][]): [number[], number][] {
  return [
    [[0], 0],
    [[3, 0], 1],
    [[0, 4], 0],
    [[1], 0],
    [[5, 1], 1],
    [[7], 0],
    [[33], 0],
    [[3, 1000], 1],
    [[1000, 3], 0],
    [[2, 37, 3], 1],
    ...extra,
  ];
}

/** Runs `check` on every case and expects that no host step was taken. */
export async function withoutHostSteps(check: () => Promise<void>): Promise<void> {
  const rt = webgpuBackend()!.runtime;
  const before = rt.hostSteps;
  await check();
  expect(rt.hostSteps).toBe(before);
}
