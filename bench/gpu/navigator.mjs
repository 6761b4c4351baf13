// `navigator.gpu` for the peers in Node (tfjs-webgpu and jax-js look for it), from Dawn (the
// `webgpu` npm package): Dawn's default adapter (Vulkan) where there is a GPU, else its OpenGL ES
// backend at the compatibility feature level (Mesa's llvmpipe on a machine without one). adlab
// finds its device the same way by itself (kernel-lib/src/backends/webgpu/device.ts).
import { create, globals } from 'webgpu';

export async function installNavigatorGpu() {
  Object.assign(globalThis, globals);
  let gpu = create([]);
  let adapter = await gpu.requestAdapter();
  let options = {};
  if (!adapter) {
    process.env.EGL_PLATFORM ??= 'surfaceless';
    gpu = create(['backend=opengles']);
    options = { featureLevel: 'compatibility' };
    adapter = await gpu.requestAdapter(options);
  }
  if (!adapter) throw new Error('no WebGPU adapter (Vulkan or OpenGL ES)');
  const shim = {
    requestAdapter: (o = {}) => gpu.requestAdapter({ ...o, ...options }),
    getPreferredCanvasFormat: () => 'bgra8unorm',
    wgslLanguageFeatures: gpu.wgslLanguageFeatures ?? new Set(),
  };
  Object.defineProperty(globalThis, 'navigator', {
    value: {
      userAgent: `Node.js/${process.versions.node}`,
      ...(globalThis.navigator ?? {}),
      gpu: shim,
    },
    configurable: true,
    writable: true,
  });
  globalThis.__dawnKeepAlive = gpu;
  const info = adapter.info ?? {};
  return `${[info.vendor, info.architecture, info.description].filter(Boolean).join(' ')}`;
}
