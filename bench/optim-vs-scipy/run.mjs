// Runs adlab's optimizers on the benchmark problems and writes results.json (problem data, starts
// and adlab's counts), which compare.py reads to run scipy.optimize on the same problems.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const require = createRequire(import.meta.url);
const { optim, np } = require('../../kernel-lib/dist/index.js');

const list = (t) => Array.from(t.dataSync());
const matrix = (t) => t.toArray();

const problems = [
  { key: 'rosenbrock-2', p: optim.problems.rosenbrock(2), spec: { kind: 'rosenbrock' } },
  { key: 'rosenbrock-10', p: optim.problems.rosenbrock(10), spec: { kind: 'rosenbrock' } },
];
const q = optim.problems.illConditionedQuadratic({ n: 10, condition: 1e4, seed: 0 });
problems.push({ key: 'quadratic-10 κ=1e4', p: q, spec: { kind: 'quadratic', A: matrix(q.A) } });
const lr = optim.problems.logisticRegression({ samples: 200, features: 5, seed: 0 });
problems.push({
  key: 'logistic 200x5',
  p: lr,
  spec: { kind: 'logistic', X: matrix(lr.X), y: list(lr.y), l2: lr.l2 },
});

const methods = ['lbfgs', 'newtonCg', 'newton'];
const out = [];
for (const { key, p, spec } of problems) {
  // The reference solution: a known minimizer, else Newton run to a tight tolerance.
  const ref = p.xStar ?? optim.minimize(p.f, p.x0, { method: 'newton', tol: 1e-12 }).xFlat;
  const runs = {};
  for (const method of methods) {
    const t0 = performance.now();
    const r = optim.minimize(p.f, p.x0, { method, maxIter: 1000, tol: 1e-6 });
    const ms = performance.now() - t0;
    const last = r.history[r.history.length - 1];
    runs[method] = {
      iterations: r.iterations,
      evals: r.evals,
      fun: r.fun,
      gradNorm: last.gradNorm,
      error: np.max(np.abs(np.sub(r.xFlat, ref))).item(),
      ms,
      termination: r.termination,
    };
  }
  out.push({ problem: key, spec, x0: list(p.x0), reference: list(ref), runs });
}
const path = fileURLToPath(new URL('./results.json', import.meta.url));
writeFileSync(path, JSON.stringify(out, null, 1));
console.log(`wrote ${path}`);
