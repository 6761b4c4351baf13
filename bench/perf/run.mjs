// The fair benchmark: adlab next to TensorFlow.js (wasm, one thread) and jax-js (wasm, eager and
// jit). Each engine runs each workload in its own process (engine.mjs); every engine gets the same
// warm-up, then timed samples are taken round by round, interleaved across the engines, until each
// has at least MIN_SAMPLES samples and MIN_MS of timed runs. Every first result is checked against
// an independent float64 reference (reference.mjs). adlab runs on one thread (ADLAB_WASM_THREADS=0),
// as the peers do (tfjs wasm with setThreadsCount(1); jax-js has no worker threads in Node).
// Usage: node bench/perf/run.mjs [--quick] [--only=<id,id>] [--tfjs-cpu] [--no-f64]
import { askRuns, startEngine } from '../engine-process.mjs';
import os from 'node:os';
import { fileURLToPath, URL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { ENGINES, PEERS, WORKLOADS } from './workloads.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice(7)
  .split(',');
const withTfjsCpu = args.includes('--tfjs-cpu');
const WARM_RUNS = quick ? 2 : 5;
const WARM_MS = quick ? 100 : 500;
const MIN_SAMPLES = quick ? 5 : 20;
const MIN_MS = quick ? 200 : 1000;
/** Each round asks an engine for about this much work (at least one run). */
const ROUND_MS = 30;
/** jax-js's jit compiler recurses deeply (1000 chained ops overflowed Node's default stack). */
const JAX_JIT_STACK_KB = 7000;

const engineScript = fileURLToPath(new URL('./engine.mjs', import.meta.url));
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** Starts an engine's process on a workload; resolves once it is warm (or failed, or n/a). */
const start = (engine, w) =>
  startEngine(engineScript, engine, [engine, w.id, WARM_RUNS, WARM_MS], {
    execArgv: engine === 'jax-js jit' ? [`--stack-size=${JAX_JIT_STACK_KB}`] : [],
    env: { ...process.env, ADLAB_WASM_THREADS: '0' },
  });

const quantile = (v, q) => {
  const s = [...v].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
};

async function measure(w) {
  const engines = (w.engines ?? [...(withTfjsCpu ? ['tfjs cpu'] : []), ...ENGINES]).slice();
  const ref = w.reference(w.data());
  const runners = [];
  // Started one after another: each warm-up (and first, compiling call) has the machine to itself.
  for (const e of engines) {
    const r = await start(e, w);
    if (r.ready) {
      r.err = w.check(r.out, ref, w.data());
      const tol = e === 'adlab f64' ? (w.tolF64 ?? w.tol) : w.tol;
      r.ok = r.err <= tol;
      delete r.out;
    }
    runners.push(r);
  }
  const live = runners.filter((r) => r.ready);
  const done = (r) => r.ms.length >= MIN_SAMPLES && r.ms.reduce((a, b) => a + b, 0) >= MIN_MS;
  for (let round = 0; live.length && !live.every(done); round++) {
    // Every engine samples in every round (also those already done) so all share the same period.
    for (let i = 0; i < live.length; i++) {
      const r = live[(i + round) % live.length];
      const runs = Math.max(1, Math.min(1000, Math.round(ROUND_MS / r.estMs)));
      r.ms.push(...(await askRuns(r, runs)));
    }
  }
  for (const r of runners) if (r.child.connected) r.child.send({ exit: true });
  return runners;
}

const fmt = (v) =>
  v === undefined || !Number.isFinite(v)
    ? ''
    : v >= 100
      ? v.toFixed(0)
      : v >= 10
        ? v.toFixed(1)
        : v.toPrecision(3);

/** The value shown for a runner: its median in the row's unit, and the spread (IQR / 2) in %. */
function summarize(w, r) {
  const med = quantile(r.ms, 0.5);
  const spread = ((quantile(r.ms, 0.75) - quantile(r.ms, 0.25)) / 2 / med) * 100;
  const value = w.perSample ? w.perSample(med) : med;
  return { med, value, spread };
}

function verdict(w, times) {
  const t = w.target;
  if (!t) return '';
  const adlabMs =
    t.adlab === 'best'
      ? Math.min(times.adlab ?? Infinity, times['adlab jit'] ?? Infinity)
      : times[t.adlab];
  if (t.absolute !== undefined) {
    const v = w.perSample(adlabMs);
    return `${t.text}: ${v <= t.absolute ? 'met' : 'NOT met'}`;
  }
  const peerMs =
    t.peer === 'best' ? Math.min(...PEERS.map((p) => times[p] ?? Infinity)) : times[t.peer];
  if (!Number.isFinite(adlabMs) || !Number.isFinite(peerMs)) return `${t.text}: n/a`;
  const ratio = adlabMs / peerMs;
  const shown = w.unit === 'GFLOP/s' ? `${(1 / ratio).toFixed(2)}x` : ratio.toFixed(2);
  return `${t.text}: ${shown} ${ratio <= t.max ? 'met' : 'NOT met'}`;
}

const header = [
  `adlab fair benchmark, ${new Date().toISOString()}, Node ${process.versions.node}, ` +
    `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`,
  `load average at start (1/5/15 min): ${load()}`,
  `one process per engine per workload; warm-up >= ${WARM_RUNS} runs and >= ${WARM_MS} ms; ` +
    `then >= ${MIN_SAMPLES} samples and >= ${MIN_MS} ms each, interleaved round by round`,
  'cells: median ±half the interquartile range (%); ✗ marks a failed float64 check',
];
console.error(header.join('\n'));

const selected = WORKLOADS.filter(
  (w) =>
    (!only || only.includes(w.id)) &&
    !(args.includes('--no-f64') && w.engines?.includes('adlab f64')),
);
const rows = [];
const compile = [];
for (const w of selected) {
  const runners = await measure(w);
  const cells = {};
  const times = {};
  const fast = {}; // 10th percentiles: less of the other processes' preemption in them
  for (const r of runners) {
    if (r.na) continue;
    if (r.error) {
      cells[r.engine] = `error: ${r.error.slice(0, 60)}`;
      continue;
    }
    const s = summarize(w, r);
    times[r.engine] = s.med;
    fast[r.engine] = quantile(r.ms, 0.1);
    cells[r.engine] =
      `${fmt(s.value)} ±${s.spread.toFixed(0)}%${r.ok ? '' : ` ✗(err ${r.err.toExponential(1)})`}`;
    if (r.engine.endsWith('jit'))
      compile.push({ w, engine: r.engine, firstMs: r.firstMs, traceMs: r.traceMs, med: s.med });
  }
  let ratio = '';
  if (w.engines?.includes('adlab f64')) {
    if (times['adlab f64'] && times.adlab)
      ratio = `f64/f32 ${(times['adlab f64'] / times.adlab).toFixed(2)}`;
  } else {
    const best = Math.min(times.adlab ?? Infinity, times['adlab jit'] ?? Infinity);
    const peer = Math.min(...PEERS.map((p) => times[p] ?? Infinity));
    if (Number.isFinite(best) && Number.isFinite(peer)) ratio = (best / peer).toFixed(2);
  }
  const target = w.target ? `${verdict(w, times)} (p10: ${verdict(w, fast).split(': ')[1]})` : '';
  rows.push({ w, cells, ratio, target, load: load() });
  console.error(`done: ${w.name} (load ${load()}) ${JSON.stringify(cells)}`);
}

const columns = (w) => w.engines ?? [...(withTfjsCpu ? ['tfjs cpu'] : []), ...ENGINES];
const allColumns = [...(withTfjsCpu ? ['tfjs cpu'] : []), ...ENGINES, 'adlab f64'];
const unitOf = (w) => (w.unit === 'GFLOP/s' ? 'GFLOP/s (higher is better)' : w.unit);
console.log(`\n${header.join('\n')}`);
console.log('ratio = best adlab time / best peer time (below 1: adlab faster)');
console.log(
  'target: judged on medians, and in parentheses on 10th percentiles (on a loaded machine long\n' +
    'samples are preempted more often than short ones, which biases medians against slow engines)\n',
);
console.log(`| workload | unit | ${allColumns.join(' | ')} | ratio | target | load after |`);
console.log(`|---|---|${allColumns.map(() => '---').join('|')}|---|---|---|`);
for (const { w, cells, ratio, target, load: l } of rows) {
  const cols = allColumns.map((c) => (columns(w).includes(c) ? (cells[c] ?? 'n/a') : ''));
  console.log(`| ${w.name} | ${unitOf(w)} | ${cols.join(' | ')} | ${ratio} | ${target} | ${l} |`);
}
if (compile.length) {
  console.log(
    '\ncompile: first call of a jitted function (trace + compile + one run), against its steady state\n',
  );
  console.log('| workload | engine | first call ms | of which trace ms | steady-state median ms |');
  console.log('|---|---|---|---|---|');
  for (const c of compile)
    console.log(
      `| ${c.w.name} | ${c.engine} | ${fmt(c.firstMs)} | ${c.traceMs === undefined ? '' : fmt(c.traceMs)} | ${fmt(c.med)} |`,
    );
}
if (!only) {
  const script = fileURLToPath(new URL('./first-result.mjs', import.meta.url));
  const times = [0, 1, 2].map(() =>
    JSON.parse(
      execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim().split('\n').pop(),
    ),
  );
  const med = (k) =>
    quantile(
      times.map((t) => t[k]),
      0.5,
    );
  console.log(
    `\ntime to first result (fresh process: Node start, import adlab, first small grad): ` +
      `${med('total').toFixed(0)} ms (import ${med('importMs').toFixed(0)} ms, grad ${med('gradMs').toFixed(1)} ms)`,
  );
}
console.log(`load average at end: ${load()}`);
