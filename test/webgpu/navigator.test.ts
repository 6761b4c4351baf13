/**
 * The browser's way to the device: with a `navigator.gpu` present (here Dawn's, installed as a
 * browser would have it, with the WebGPU globals), `initWebGPU` takes its adapter instead of
 * loading the `webgpu` package, names the way it came, and runs kernels on it; a `navigator.gpu`
 * without an adapter is a clear error. Its own test file: the device is created once per process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { create, globals } from 'webgpu';
import { initWebGPU, np } from '../../kernel-lib/src';

type Gpu = ReturnType<typeof create>;

/** Dawn's default adapter, else its OpenGL ES one (llvmpipe without a GPU), as navigator.gpu. */
async function dawnAsNavigatorGpu(): Promise<Gpu | Error> {
  let gpu = create([]);
  let options: GPURequestAdapterOptions = {};
  if (!(await gpu.requestAdapter())) {
    process.env.EGL_PLATFORM ??= 'surfaceless';
    gpu = create(['backend=opengles']);
    options = { featureLevel: 'compatibility' };
    if (!(await gpu.requestAdapter(options))) return new Error('no adapter (Vulkan or OpenGL ES)');
  }
  return {
    requestAdapter: (o: GPURequestAdapterOptions = {}) => gpu.requestAdapter({ ...o, ...options }),
  } as Gpu;
}

const setNavigator = (gpu: unknown) =>
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });

Object.assign(globalThis, globals);
const dawn = await dawnAsNavigatorGpu();
afterAll(() => Reflect.deleteProperty(globalThis, 'navigator'));

if (dawn instanceof Error) {
  if (process.env.CI) throw new Error(`navigator.gpu: no WebGPU adapter on CI: ${dawn.message}`);
  console.warn(`SKIPPED navigator.gpu: ${dawn.message}`);
  describe('navigator.gpu', () => it.skip(`no WebGPU adapter: ${dawn.message}`, () => {}));
} else {
  describe('navigator.gpu (the browser path)', () => {
    it('without an adapter is an error that says so', async () => {
      setNavigator({ requestAdapter: () => Promise.resolve(null) });
      await expect(initWebGPU()).rejects.toThrow(
        'webgpu: navigator.gpu gave no adapter (WebGPU disabled or no usable GPU)',
      );
    });

    it('gives the device when it has an adapter, and kernels run on it', async () => {
      setNavigator(dawn);
      const info = await initWebGPU();
      expect(info.name).toBe('webgpu');
      expect(info.description).toMatch(/\(navigator\.gpu\)$/);
      const x = await np.array([1, -2, 3.5], 'float32').to('webgpu');
      const y = np.add(np.mul(x, x), 1);
      expect(y.device).toBe('webgpu');
      expect(Array.from(await y.data())).toEqual([2, 5, 13.25]);
    });
  });
}
