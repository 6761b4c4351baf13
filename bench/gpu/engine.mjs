// One engine on one workload in its own process (forked by run.mjs): builds the inputs on the
// device, runs once and checks the result against the float64 reference, warms up, then runs
// timed samples when asked (each run ends with the result read back to the host).
import { workloads } from './workloads.mjs';
import { createEngine } from './engines.mjs';

const [engine, id, sizesJson] = process.argv.slice(2);
const send = (msg) => new Promise((resolve) => process.send(msg, resolve));

async function main() {
  const w = workloads(JSON.parse(sizesJson)).find((x) => x.id === id);
  const impl = await createEngine(engine);
  const d = w.data();
  const run = await impl[w.run](d);
  const t0 = performance.now();
  const out = await run();
  const firstMs = performance.now() - t0;
  const err = w.check(out, w.reference(d), d);
  const warm = [];
  const start = performance.now();
  while (warm.length < 3 || performance.now() - start < 300) {
    const t = performance.now();
    await run();
    warm.push(performance.now() - t);
  }
  await send({ ready: true, err, ok: err <= w.tol, firstMs, description: impl.description });
  process.on('message', async (msg) => {
    if (msg.exit) process.exit(0);
    const ms = [];
    for (let i = 0; i < msg.runs; i++) {
      const t = performance.now();
      await run();
      ms.push(performance.now() - t);
    }
    process.send({ ms });
  });
}

main().catch(async (e) => {
  await send({ error: String(e?.message ?? e).split('\n')[0] });
  process.exit(0);
});
