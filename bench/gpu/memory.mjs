// Device memory over a long training run (issue 12: "measure GPU memory over 10,000 MLP steps:
// flat"): a small MLP trained by plain gradient descent on webgpu, with no manual ownership;
// every 1000 steps it prints the loss, the bytes and buffers backing live tensors, the pooled
// bytes (their sum: what the device holds), the buffers created so far and the collections the pool asked V8 for.
// Run: npm run bench:gpu:memory [-- --steps 10000 --every 1000 --read-every 100]
// (llvmpipe without a GPU: about 1-3 ms a step for this size.)
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import os from 'node:os';

const require = createRequire(import.meta.url);
const {
  np,
  random,
  grad,
  devicePut,
  deviceMemory,
  initWebGPU,
} = require('../../kernel-lib/dist/index.js');

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '10000' },
    every: { type: 'string', default: '1000' },
    'read-every': { type: 'string', default: '100' },
  },
});
const [steps, every, readEvery] = [values.steps, values.every, values['read-every']].map(Number);

const device = await initWebGPU();
const [k1, k2, k3, k4] = random.split(random.key(0), 4);
const X = await random.normal(k3, [256, 32], 'float32').to('webgpu');
const Y = await np
  .tanh(np.matmul(random.normal(k4, [256, 32], 'float32'), np.ones([32, 4], 'float32')))
  .to('webgpu');
let params = await devicePut(
  {
    W1: np.mul(random.normal(k1, [32, 64], 'float32'), 0.2),
    b1: np.zeros([64], 'float32'),
    W2: np.mul(random.normal(k2, [64, 4], 'float32'), 0.2),
  },
  'webgpu',
);
const loss = (p) => {
  const h = np.tanh(np.add(np.matmul(X, p.W1), p.b1));
  const d = np.sub(np.matmul(h, p.W2), Y);
  return np.mean(np.mul(d, d));
};
const step = grad(loss);

const mib = (b) => (b / 2 ** 20).toFixed(2);
console.log(
  `device: ${device.description}; ${steps} steps, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  'step     loss       live MiB  live buffers  pooled MiB  held MiB  buffers created  collections  heap MiB  ms/step',
);
const rows = [];
let last = performance.now();
let lossValue = NaN;
for (let s = 1; s <= steps; s++) {
  const g = step(params);
  params = {
    W1: np.sub(params.W1, np.mul(g.W1, 0.1)),
    b1: np.sub(params.b1, np.mul(g.b1, 0.1)),
    W2: np.sub(params.W2, np.mul(g.W2, 0.1)),
  };
  if (s % readEvery === 0) lossValue = (await loss(params).data())[0]; // a training loop reads its loss
  if (s % every === 0) {
    const m = deviceMemory();
    const now = performance.now();
    rows.push(m);
    console.log(
      [
        String(s).padEnd(8),
        lossValue.toExponential(3).padEnd(10),
        mib(m.bytesInUse).padStart(8),
        String(m.buffersInUse).padStart(13),
        mib(m.bytesPooled).padStart(11),
        mib(m.bytesInUse + m.bytesPooled).padStart(9),
        String(m.buffersCreated).padStart(16),
        String(m.collections).padStart(12),
        mib(process.memoryUsage().heapUsed).padStart(9),
        ((now - last) / every).toFixed(2).padStart(8),
      ].join(' '),
    );
    last = now;
  }
}
const live = rows.map((r) => r.bytesInUse + r.bytesPooled);
const half = Math.floor(live.length / 2);
console.log(
  `device bytes held (live + pooled): max of the first half ${mib(Math.max(...live.slice(0, half)))} MiB, of the second half ${mib(Math.max(...live.slice(half)))} MiB; ` +
    `buffers created after step ${every}: ${rows.at(-1).buffersCreated - rows[0].buffersCreated}`,
);
process.exit(0);
