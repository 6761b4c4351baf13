// The cost of recording a_k P_k: each method on a 2-D problem (Rosenbrock) and on an n = 100
// ill-conditioned quadratic, with the default sampling (stepMatrixSamples 100) and with it off.
// Prints the median wall time of each and the ratio; run under load, compare the ratio only.
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';

const require = createRequire(import.meta.url);
const { optim } = require('../../kernel-lib/dist/index.js');

const problems = [
  ['rosenbrock 2-D', optim.problems.rosenbrock(2)],
  ['quadratic n=100 κ=1e3', optim.problems.illConditionedQuadratic({ n: 100, condition: 1e3 })],
];
const methods = [
  ['sgd', { lr: 1e-3, maxIter: 300 }],
  ['adam', { lr: 0.02, maxIter: 300 }],
  ['lbfgs', { maxIter: 300 }],
  ['newton', { maxIter: 100 }],
  ['newtonCg', { maxIter: 100 }],
];
const reps = Number(process.env.REPS ?? 5);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall times of the run with summaries off and on, repetitions interleaved, after a warm-up. */
function time(p, options) {
  const t = { off: [], on: [] };
  let r;
  optim.minimize(p.f, p.x0, options);
  for (let i = 0; i < reps; i++) {
    for (const mode of ['off', 'on']) {
      const t0 = performance.now();
      const o = mode === 'off' ? { ...options, stepMatrixSamples: 0 } : options;
      r = optim.minimize(p.f, p.x0, o);
      t[mode].push(performance.now() - t0);
    }
  }
  return { off: median(t.off), on: median(t.on), r };
}

console.log(
  `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')} on ${cpus().length} cores; median of ${reps}`,
);
console.log('problem                  method    iters  samples  off (ms)  on (ms)  ratio');
for (const [name, p] of problems) {
  for (const [method, o] of methods) {
    const { off, on, r } = time(p, { ...o, method });
    const samples = r.history.filter((h) => h.stepMatrix).length;
    console.log(
      `${name.padEnd(24)} ${method.padEnd(9)} ${String(r.iterations).padStart(5)}  ${String(samples).padStart(7)}  ${off.toFixed(1).padStart(8)}  ${on.toFixed(1).padStart(7)}  ${(on / off).toFixed(2)}`,
    );
  }
}
