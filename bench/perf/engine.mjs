// One engine on one workload, in its own process (forked by run.mjs with IPC): builds the inputs,
// times the first call (for jit engines: trace + compile + one run), warms up by the rule run.mjs
// passes (the same for every engine), then runs timed samples when asked and sends the times back.
// Usage (by run.mjs): node engine.mjs <engine> <workload id> <warm-up runs> <warm-up ms>
import { workloadById } from './workloads.mjs';

const [engine, id, warmRuns, warmMs] = process.argv.slice(2);
const send = (msg) => new Promise((resolve) => process.send(msg, resolve));

async function load() {
  if (engine.startsWith('adlab')) return (await import('./adlab.mjs')).createImpl(engine);
  if (engine.startsWith('tfjs')) return (await import('./tfjs.mjs')).createImpl(engine);
  if (engine.startsWith('jax-js')) return (await import('./jaxjs.mjs')).createImpl(engine);
  throw new Error(`unknown engine ${engine}`);
}

async function main() {
  const w = workloadById(id);
  const impl = await load();
  const run = w.make(impl, w.data());
  if (!run) return send({ na: true });
  const t0 = performance.now();
  const out = run();
  const firstMs = performance.now() - t0;
  const traceMs = impl.traceMs?.();
  const times = [];
  const start = performance.now();
  while (times.length < Number(warmRuns) || performance.now() - start < Number(warmMs)) {
    const t = performance.now();
    run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  await send({
    ready: true,
    out,
    firstMs,
    traceMs,
    warmup: times.length,
    estMs: times[times.length >> 1],
    backend: impl.backend,
  });
  process.on('message', (msg) => {
    if (msg.exit) process.exit(0);
    const ms = [];
    for (let i = 0; i < msg.runs; i++) {
      const t = performance.now();
      run();
      ms.push(performance.now() - t);
    }
    process.send({ ms });
  });
}

main().catch(async (e) => {
  await send({ error: String(e?.message ?? e).split('\n')[0] });
  process.exit(0);
});
