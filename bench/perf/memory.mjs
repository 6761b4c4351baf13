// Memory over a long training run: 10,000 SGD steps of the 784-256-256-10 MLP (batch 128), with
// heap and RSS reported at step 100 and 10,000 (and in between). Flat numbers mean no leak.
// Usage: node --expose-gc bench/perf/memory.mjs [--steps=N]
import { createImpl, loadAdlab } from './adlab.mjs';
import { mlpData } from './data.mjs';

const steps = Number(process.argv.find((a) => a.startsWith('--steps='))?.slice(8) ?? 10000);
const lib = loadAdlab();
const step = createImpl('adlab').mlp({ ...mlpData(), lr: 0.01 });

const mb = (b) => (b / 2 ** 20).toFixed(1);
const marks = new Set([100, 1000, 2500, 5000, 7500, 10000, steps]);
const rows = [];
const t0 = performance.now();
let loss;
for (let s = 1; s <= steps; s++) {
  loss = step().loss;
  if (marks.has(s)) {
    globalThis.gc?.();
    const m = process.memoryUsage();
    rows.push({ step: s, heap: m.heapUsed, rss: m.rss, external: m.external + m.arrayBuffers });
    console.error(`step ${s}: loss ${loss.toFixed(4)}`);
  }
}
const ms = (performance.now() - t0) / steps;
console.log(
  `adlab memory over ${steps} MLP steps (backend ${lib.getBackend().name}, ${ms.toFixed(1)} ms/step, gc ${globalThis.gc ? 'forced before each reading' : 'not exposed'})\n`,
);
console.log('| step | heap used MB | RSS MB | external + array buffers MB |');
console.log('|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.step} | ${mb(r.heap)} | ${mb(r.rss)} | ${mb(r.external)} |`);
const first = rows[0];
const last = rows[rows.length - 1];
console.log(
  `\nheap growth from step ${first.step} to ${last.step}: ${mb(last.heap - first.heap)} MB; RSS: ${mb(last.rss - first.rss)} MB`,
);
