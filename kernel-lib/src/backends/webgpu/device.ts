/**
 * Getting a GPUDevice: `navigator.gpu` in a browser; in Node the `webgpu` npm package (Dawn).
 *
 * In Node, Dawn's default adapter (Vulkan, on a machine with a GPU) is tried first; without one,
 * Dawn's OpenGL ES backend at the `compatibility` feature level, which on a machine without a GPU
 * runs the compute shaders on Mesa's llvmpipe (a software rasterizer on the CPU: real WebGPU, slow).
 * `ADLAB_WEBGPU=opengles` skips the Vulkan attempt. Set up once per process; every call after the
 * first returns the same device.
 */

/** The device with the facts the kernels need about it. */
export interface GpuContext {
  readonly device: GPUDevice;
  /** What the adapter says it is (shown by `devices()` and in benchmark reports). */
  readonly description: string;
  /** Largest invocations per workgroup, workgroup memory in bytes, storage buffers per stage. */
  readonly limits: {
    readonly invocations: number;
    readonly workgroupBytes: number;
    readonly storageBuffers: number;
    readonly maxDispatch: number;
    readonly maxBinding: number;
  };
}

let pending: Promise<GpuContext> | undefined;

/** The shared device (created on the first call); rejects with the reason when none can be had. */
export function acquireDevice(): Promise<GpuContext> {
  pending ??= createContext();
  pending.catch(() => (pending = undefined));
  return pending;
}

async function createContext(): Promise<GpuContext> {
  const [adapter, how] = await requestAdapter();
  const wanted = [
    'maxStorageBuffersPerShaderStage',
    'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup',
    'maxComputeWorkgroupSizeX',
    'maxComputeWorkgroupSizeY',
    'maxStorageBufferBindingSize',
    'maxBufferSize',
  ] as const;
  const requiredLimits: Record<string, number> = {};
  for (const name of wanted) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredLimits });
  device.addEventListener?.('uncapturederror', (event) => {
    console.error(`adlab webgpu: ${(event as GPUUncapturedErrorEvent).error.message}`);
  });
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  return {
    device,
    description: `${name || 'unknown adapter'} (${how})`,
    limits: {
      invocations: device.limits.maxComputeInvocationsPerWorkgroup,
      workgroupBytes: device.limits.maxComputeWorkgroupStorageSize,
      storageBuffers: device.limits.maxStorageBuffersPerShaderStage,
      maxDispatch: device.limits.maxComputeWorkgroupsPerDimension,
      maxBinding: device.limits.maxStorageBufferBindingSize,
    },
  };
}

/** Dawn's instances, kept for the life of the process: one collected takes its devices with it. */
const instances: Gpu[] = [];
const keep = (gpu: Gpu): Gpu => (instances.push(gpu), gpu);

type Gpu = { requestAdapter(options?: object): Promise<GPUAdapter | null> };

async function requestAdapter(): Promise<[GPUAdapter, string]> {
  const nav = (globalThis as { navigator?: { gpu?: Gpu } }).navigator;
  if (nav?.gpu) {
    const adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (adapter) return [adapter, 'navigator.gpu'];
    throw new Error('webgpu: navigator.gpu gave no adapter (WebGPU disabled or no usable GPU)');
  }
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error('webgpu: this browser has no navigator.gpu');
  }
  const dawn = loadDawn();
  for (const [k, v] of Object.entries(dawn.globals))
    (globalThis as Record<string, unknown>)[k] ??= v;
  const errors: string[] = [];
  if (process.env.ADLAB_WEBGPU !== 'opengles') {
    const adapter = await keep(dawn.create([])).requestAdapter({
      powerPreference: 'high-performance',
    });
    if (adapter) return [adapter, 'Dawn'];
    errors.push("no adapter on Dawn's default backend (Vulkan)");
  }
  // Mesa's EGL needs no display for off-screen work when told so.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  const adapter = await keep(dawn.create(['backend=opengles'])).requestAdapter({
    featureLevel: 'compatibility',
  });
  if (adapter) return [adapter, 'Dawn OpenGL ES, compatibility'];
  errors.push(
    'none on OpenGL ES either (needs the Debian packages libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri)',
  );
  throw new Error(`webgpu: no adapter: ${errors.join('; ')}`);
}

interface Dawn {
  create(flags: string[]): Gpu;
  globals: object;
}

/**
 * Dawn's Node addon from the `webgpu` package. The package's own entry is an ES module (which the
 * CommonJS build could only import asynchronously and bundlers would follow), so this loads the
 * addon it wraps, `dist/<platform>-<arch>/dawn.node`, directly.
 */
function loadDawn(): Dawn {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const path = require('path') as typeof import('path');
    const root = path.dirname(require.resolve('webgpu/package.json'));
    const arch = process.platform === 'darwin' ? 'universal' : process.arch;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(root, 'dist', `${process.platform}-${arch}`, 'dawn.node')) as Dawn;
  } catch (e) {
    throw new Error(
      `webgpu: the optional npm package 'webgpu' (Dawn for Node) did not load: ${(e as Error).message}`,
      { cause: e },
    );
  }
}
