// One benchmark run: adlab and its peers (TensorFlow.js cpu and wasm, jax-js eager and jit) on the
// same workloads, interleaved round by round, each result checked against a float64 reference.
// Prints medians and the ratio adlab time / best peer time (below 1: adlab is faster).
// Usage: node bench/perf/run.mjs [--quick] [--no-peers] [--only=<workload substring>]
import { execFileSync } from 'node:child_process';
import { fileURLToPath, URL } from 'node:url';
import { adlabImpl, loadAdlab, mlpLoss, singleThreadBackend } from './adlab.mjs';
import { chainRef, elementwiseRef, matmulSample, randomF32, relErr } from './data.mjs';
import { loadJaxjs } from './jaxjs.mjs';
import { loadTfjs } from './tfjs.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const noPeers = args.includes('--no-peers');
const only = args.find((a) => a.startsWith('--only='))?.slice(7);
const BUDGET_MS = quick ? 800 : 3000;
const MIN_ROUNDS = 3;
const MAX_ROUNDS = quick ? 5 : 25;

const lib = loadAdlab();
const { np, hvp, valueAndGrad } = lib;
const adlab32 = adlabImpl(lib, 'float32', 'adlab');
const adlab64 = adlabImpl(lib, 'float64', 'adlab f64');
const oneThread = singleThreadBackend();
const adlab1t = oneThread && adlabImpl(lib, 'float32', 'adlab 1t', oneThread);
const peers = [];
const unavailable = [];
if (!noPeers) {
  for (const [name, load] of [
    ['tfjs', loadTfjs],
    ['jax-js', loadJaxjs],
  ]) {
    const { impls, error } = await load();
    peers.push(...impls);
    if (error) unavailable.push(`${name}: ${error}`);
  }
}
const columns = ['adlab', 'adlab 1t', 'tfjs cpu', 'tfjs wasm 1t', 'jax-js eager', 'jax-js jit'];

// ---- inputs and float64 references ----
const mlpData = (() => {
  const sizes = [784, 256, 256, 10];
  const batch = 128;
  const params = [];
  for (let l = 0; l < 3; l++) {
    const [i, o] = [sizes[l], sizes[l + 1]];
    params.push({ data: randomF32(i * o, 11 + l, Math.sqrt(6 / i)), shape: [i, o] });
    params.push({ data: randomF32(o, 21 + l, 0.01), shape: [o] });
  }
  const x = randomF32(batch * 784, 5);
  const y = new Float32Array(batch * 10);
  for (let b = 0; b < batch; b++) y[b * 10 + ((b * 7) % 10)] = 1;
  const v = randomF32(784 * 256, 9);
  return { params, x, xShape: [batch, 784], y, yShape: [batch, 10], v, lr: 0.1 };
})();

function mlpReference() {
  const f64 = (d, s) => np.reshape(np.array(d, 'float64'), s);
  const ps = mlpData.params.map((p) => f64(p.data, p.shape));
  const x = f64(mlpData.x, mlpData.xShape);
  const y = f64(mlpData.y, mlpData.yShape);
  const [loss, grads] = valueAndGrad((p) => mlpLoss(lib, p, x, y))(ps);
  const dW3 = Array.from(grads[4].dataSync(), (g) => -mlpData.lr * g);
  const f = (w1) => mlpLoss(lib, [w1, ...ps.slice(1)], x, y);
  const hv = hvp(f, [ps[0]], [f64(mlpData.v, mlpData.params[0].shape)]).dataSync();
  return { loss: loss.item(), dW3, hv };
}

const checkMlp = (ref) => (out) => {
  const w3 = mlpData.params[4].data;
  const dW3 = Array.from(out.w3, (w, i) => w - w3[i]);
  return Math.max(Math.abs(out.loss - ref.loss) / Math.abs(ref.loss), relErr(dW3, ref.dW3));
};

function matmulWorkload(n, dtype) {
  const a = randomF32(n * n, 1);
  const b = randomF32(n * n, 2);
  const pos = Array.from({ length: 64 }, (_, t) => [(t * 37) % n, (t * 101 + 3) % n]);
  const want = matmulSample(a, b, n, pos);
  return {
    name: `matmul ${n}x${n} ${dtype}`,
    threads: true,
    unit: 'GFLOP/s',
    perSample: (ms) => (2 * n ** 3) / (ms * 1e6),
    make: (impl) => impl.matmul?.(n, a, b),
    check: (out) =>
      relErr(
        pos.map(([i, j]) => out[i * n + j]),
        want,
      ),
    tol: dtype === 'float32' ? 1e-4 : 1e-12,
  };
}

function buildWorkloads() {
  const ref = mlpReference();
  const xs = randomF32(1e6, 3, 3);
  const eRef = elementwiseRef(xs);
  const x16 = randomF32(16, 4);
  const cRef = chainRef(x16, 1000);
  const f32 = [
    matmulWorkload(256, 'float32'),
    matmulWorkload(1024, 'float32'),
    {
      name: 'MLP step 784-256-256-10 b128',
      unit: 'ms',
      threads: true,
      make: (impl) => impl.mlp?.(mlpData),
      check: checkMlp(ref),
      tol: 1e-3,
    },
    {
      name: '1000 chained ops, 16 floats, forward',
      unit: 'µs/op',
      perSample: (ms) => ms,
      make: (impl) => impl.chain?.(x16, 1000, false),
      check: (out) => relErr(out, cRef.value),
      tol: 1e-4,
    },
    {
      name: '1000 chained ops, 16 floats, with grad',
      unit: 'µs/op',
      perSample: (ms) => ms,
      make: (impl) => impl.chain?.(x16, 1000, true),
      check: (out) => relErr(out, cRef.grad),
      tol: 1e-3,
    },
    {
      name: 'HVP of the MLP loss w.r.t. W1',
      unit: 'ms',
      make: (impl) => impl.hvp?.(mlpData),
      check: (out) => relErr(out, ref.hv),
      tol: 1e-3,
    },
    {
      name: 'tanh(x)*x + exp(-x), 1e6 floats',
      unit: 'ms',
      make: (impl) => impl.elementwise?.(xs),
      check: (out) => relErr(out, eRef),
      tol: 1e-6,
    },
  ];
  const f64 = [
    { ...matmulWorkload(256, 'float64'), f64: true, tol32: f32[0].tol },
    { ...matmulWorkload(1024, 'float64'), f64: true, tol32: f32[1].tol },
    { ...f32[2], name: 'MLP step float64', f64: true, tol: 1e-9, tol32: f32[2].tol },
  ];
  return [...f32, ...f64];
}

// ---- timing ----
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function timeWorkload(w, impls) {
  const runners = [];
  for (const impl of impls) {
    await impl.activate?.();
    let run;
    try {
      run = w.make(impl);
    } catch (e) {
      runners.push({ impl, error: String(e).split('\n')[0] });
      continue;
    }
    if (!run) continue;
    try {
      const t0 = performance.now();
      const err = w.check(run());
      // Warm up (JIT tiers, wasm tier-up): up to 10 runs or 300 ms, whichever comes first.
      for (let i = 1; i < 10 && performance.now() - t0 < 300; i++) run();
      const tol = w.f64 && impl !== adlab64 ? w.tol32 : w.tol;
      runners.push({ impl, run, err, ok: err <= tol, ms: [] });
    } catch (e) {
      runners.push({ impl, error: String(e).split('\n')[0] });
    }
  }
  const live = runners.filter((r) => r.run && !r.error);
  const start = performance.now();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (const r of live) {
      await r.impl.activate?.();
      const t0 = performance.now();
      r.run();
      r.ms.push(performance.now() - t0);
    }
    if (round + 1 >= MIN_ROUNDS && performance.now() - start > BUDGET_MS) break;
  }
  return runners;
}

/** Time to the first result in a fresh process: import adlab, then a first small grad. */
function firstResult() {
  const script = fileURLToPath(new URL('./first-result.mjs', import.meta.url));
  const times = [];
  for (let i = 0; i < 3; i++) {
    const out = execFileSync(process.execPath, [script], { encoding: 'utf8' });
    times.push(JSON.parse(out.trim().split('\n').pop()));
  }
  return {
    process: median(times.map((t) => t.total)),
    importMs: median(times.map((t) => t.importMs)),
    gradMs: median(times.map((t) => t.gradMs)),
  };
}

const fmtNum = (v) =>
  v === undefined ? '' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toPrecision(3);

const workloads = buildWorkloads().filter((w) => !only || w.name.includes(only));
const rows = [];
for (const w of workloads) {
  const impls = w.f64
    ? [adlab64, adlab32]
    : [adlab32, ...(w.threads && adlab1t ? [adlab1t] : []), ...peers];
  const runners = await timeWorkload(w, impls);
  const cells = {};
  const times = {};
  for (const r of runners) {
    if (r.error) {
      cells[r.impl.name] = `error: ${r.error.slice(0, 40)}`;
      continue;
    }
    const ms = median(r.ms);
    times[r.impl.name] = ms;
    const value = w.perSample ? w.perSample(ms) : ms;
    cells[r.impl.name] = `${fmtNum(value)}${r.ok ? '' : ` ✗(err ${r.err.toExponential(1)})`}`;
  }
  let ratio = '';
  if (w.f64) {
    if (times['adlab f64'] && times.adlab)
      ratio = `f64/f32 ${(times['adlab f64'] / times.adlab).toFixed(2)}`;
  } else {
    const best = Math.min(...peers.map((p) => times[p.name] ?? Infinity));
    if (times.adlab && Number.isFinite(best)) ratio = (times.adlab / best).toFixed(2);
    const wasm1t = times['tfjs wasm 1t'];
    if (times['adlab 1t'] && wasm1t)
      ratio += `; 1t vs tfjs wasm 1t ${(times['adlab 1t'] / wasm1t).toFixed(2)}`;
  }
  rows.push({ w, cells, ratio });
  const failed = runners.filter((r) => !r.error && !r.ok).map((r) => r.impl.name);
  const errors = runners.filter((r) => r.error).map((r) => r.impl.name);
  const mark = [
    failed.length ? `CHECK FAILED: ${failed}` : 'checks ok',
    ...errors.map((e) => `error: ${e}`),
  ];
  console.error(`done: ${w.name} (${mark.join('; ')})`);
}

const unitOf = (w) => (w.unit === 'GFLOP/s' ? 'GFLOP/s (higher is better)' : w.unit);
console.log(`\nadlab benchmark, ${new Date().toISOString()}, Node ${process.versions.node}`);
console.log('medians; ✗ marks a result that failed its float64 check');
console.log(
  'ratio = adlab time / best peer time (below 1: adlab faster); adlab uses a second thread',
);
console.log('for large matmuls, adlab 1t does not\n');
console.log(`| workload | unit | ${columns.join(' | ')} | ratio |`);
console.log(`|---|---|${columns.map(() => '---').join('|')}|---|`);
for (const { w, cells, ratio } of rows) {
  const cols = w.f64 ? [cells['adlab f64']] : columns.map((c) => cells[c] ?? 'n/a');
  while (cols.length < columns.length) cols.push('');
  console.log(`| ${w.name} | ${unitOf(w)} | ${cols.join(' | ')} | ${ratio} |`);
}
if (!only) {
  const fr = firstResult();
  console.log(
    `\ntime to first result (fresh process: Node start, import adlab, first small grad): ` +
      `${fr.process.toFixed(0)} ms (import ${fr.importMs.toFixed(0)} ms, grad ${fr.gradMs.toFixed(1)} ms)`,
  );
}
for (const u of unavailable) console.log(`unavailable: ${u}`);
console.log(`adlab backend: ${lib.getBackend().name}`);
process.exit(0);
