/**
 * The shared WebGPU device for the test files (Dawn through the `webgpu` npm package; without a
 * GPU, Mesa's llvmpipe). Outside CI a machine without an adapter skips these suites and prints
 * why; on CI (CI=true), where scripts/apt-packages.txt installs Mesa, no adapter is a failure.
 */
import { describe, expect, it } from 'vitest';
import { initWebGPU, type DeviceInfo, type Tensor } from '../../kernel-lib/src';

let setup: Promise<DeviceInfo | Error> | undefined;

/** The device, or the reason there is none. */
export function gpu(): Promise<DeviceInfo | Error> {
  setup ??= initWebGPU().catch((e: Error) => e);
  return setup;
}

/** `body` inside a describe block, or one skipped test naming the reason there is no adapter. */
export async function describeOnWebGpu(name: string, body: () => void): Promise<void> {
  const device = await gpu();
  if (device instanceof Error) {
    if (process.env.CI) throw new Error(`${name}: no WebGPU adapter on CI: ${device.message}`);
    console.warn(`SKIPPED ${name}: ${device.message}`);
    describe(name, () => it.skip(`no WebGPU adapter: ${device.message}`, () => {}));
    return;
  }
  describe(`${name} (${device.description})`, body);
}

/**
 * Expects `got` (read asynchronously, as device tensors must be) within `tol` relative of `want`,
 * entry by entry; `what` heads each message.
 */
export async function expectDataClose(
  got: Tensor,
  want: Tensor,
  tol = 1e-4,
  what = '',
): Promise<void> {
  expect(got.shape, what).toEqual(want.shape);
  const g = await got.data();
  const w = await want.data();
  const head = what ? `${what} ` : '';
  for (let i = 0; i < w.length; i++)
    expect(Math.abs(g[i] - w[i]), `${head}[${i}] ${g[i]} vs ${w[i]}`).toBeLessThanOrEqual(
      tol * (1 + Math.abs(w[i])),
    );
}
