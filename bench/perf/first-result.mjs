// Run in a fresh process by run.mjs: import adlab, take a first small gradient, print timings (ms).
import { createRequire } from 'node:module';

const t0 = performance.now();
const { grad, np } = createRequire(import.meta.url)('../../kernel-lib/dist/index.js');
const t1 = performance.now();
const g = grad((x) => np.sum(np.tanh(x)))(np.array([0.5, -1, 2]));
g.dataSync();
const t2 = performance.now();
// performance.now() counts from process start, so t2 includes Node's own startup.
console.log(JSON.stringify({ total: t2, importMs: t1 - t0, gradMs: t2 - t1 }));
