// Native WGSL routine kernels vs the host-step fallback (download, CPU, upload, in order):
// a loop of `--reps` cumsums, sorts and argsorts (and convolutions) of a device tensor, each
// timed to the last result read back, on the same device in one run. The host path is the same
// backend with its `routines` record taken away. Prints ms per call and the ratio, with the load.
// Run: npm run bench:gpu:routines [-- --reps 100 --rows 256 --cols 1024 --only cumsum]
// (On llvmpipe, Mesa's CPU rasteriser, "GPU" kernels run on the CPU cores: not a GPU figure.)
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import os from 'node:os';

const require = createRequire(import.meta.url);
const { np, nn, random, initWebGPU } = require('../../kernel-lib/dist/index.js');
const { webgpuBackend } = require('../../kernel-lib/dist/backends/webgpu/index.js');

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '100' },
    rows: { type: 'string', default: '256' },
    cols: { type: 'string', default: '1024' },
    only: { type: 'string', default: '' },
  },
});
const [reps, rows, cols] = [values.reps, values.rows, values.cols].map(Number);

const device = await initWebGPU();
const backend = webgpuBackend();
const native = backend.routines;
const onDevice = async (shape, seed) =>
  np.neg(await random.normal(random.key(seed), shape, 'float32').to('webgpu'));
const x = await onDevice([rows, cols], 1);
const images = await onDevice([8, 16, 32, 32], 2);
const kernels = await onDevice([16, 16, 3, 3], 3);

const workloads = {
  [`cumsum [${rows},${cols}] axis -1`]: () => np.cumsum(x, -1),
  [`cumsum [${rows},${cols}] axis 0`]: () => np.cumsum(x, 0),
  [`sort [${rows},${cols}] axis -1`]: () => np.sort(x, -1),
  [`argsort [${rows},${cols}] axis 0`]: () => np.argsort(x, 0),
  'conv [8,16,32,32] * [16,16,3,3] SAME': () => nn.conv(images, kernels, { padding: 'SAME' }),
};

async function time(f, n) {
  let last;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) last = f();
  await last.data();
  await backend.synchronize();
  return (performance.now() - t0) / n;
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(`device: ${device.description}; ${reps} calls each; load ${load()}`);
console.log('workload                                   native ms  host-step ms  host/native');
for (const [name, f] of Object.entries(workloads).filter(([n]) => n.includes(values.only))) {
  backend.routines = native;
  await time(f, 2); // compile
  const fast = await time(f, reps);
  backend.routines = undefined;
  await time(f, 2);
  const slow = await time(f, reps);
  backend.routines = native;
  console.log(
    `${name.padEnd(42)} ${fast.toFixed(2).padStart(9)}  ${slow.toFixed(2).padStart(12)}  ${(slow / fast).toFixed(1).padStart(11)}`,
  );
}
console.log(`load after: ${load()}`);
