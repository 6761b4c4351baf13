// The GPU benchmark: adlab's webgpu device next to tfjs-webgpu and jax-js's webgpu device. Each
// engine runs each workload in its own process (engine.mjs); after each one's warm-up, timed
// samples are taken round by round, interleaved across the engines; every first result is checked
// against float64 (workloads.mjs).
// Usage: node bench/gpu/run.mjs [--small] [--matmul=1024,2048] [--elements=1e7] [--batch=4096]
//   [--samples=10] [--only=matmul1024,mlp]. --small: sizes for llvmpipe (correctness, not speed).
//   --auto (the WebGPU section of `npm run bench`): skipped without a WebGPU adapter, --small on a
//   software one (Mesa llvmpipe), the full sizes on a GPU.
import { execFileSync } from 'node:child_process';
import { askRuns, startEngine } from '../engine-process.mjs';
import os from 'node:os';
import { fileURLToPath, URL } from 'node:url';
import { workloads } from './workloads.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? true];
  }),
);

/** The WebGPU adapter adlab gets here, described ('' when there is none), in a process of its own. */
function probeAdapter() {
  const lib = fileURLToPath(new URL('../../kernel-lib/dist/index.js', import.meta.url));
  const probe = `require(${JSON.stringify(lib)}).initWebGPU().then((d) => { console.log(d.description); process.exit(0); }, () => process.exit(0))`;
  try {
    return execFileSync(process.execPath, ['-e', probe], {
      encoding: 'utf8',
      timeout: 60_000,
    }).trim();
  } catch {
    return '';
  }
}

const isSoftware = (description) => /llvmpipe|swiftshader|OpenGL ES|Mesa/i.test(description);

if (args.auto) {
  const found = probeAdapter();
  if (!found) {
    console.log('\nWebGPU section: skipped (no WebGPU adapter on this machine).');
    process.exit(0);
  }
  console.log(`\nWebGPU section on ${found}`);
  if (isSoftware(found)) args.small = true;
}
const small = Boolean(args.small);
const sizes = {
  matmul: String(args.matmul ?? (small ? '128,256' : '1024,2048,4096,8192'))
    .split(',')
    .map(Number),
  elements: Number(args.elements ?? (small ? 1e5 : 1e7)),
  batch: Number(args.batch ?? (small ? 128 : 4096)),
};
const SAMPLES = Number(args.samples ?? (small ? 3 : 10));
const ENGINES = ['adlab', 'tfjs-webgpu', 'jax-js'];
const only = args.only ? String(args.only).split(',') : undefined;
const engineScript = fileURLToPath(new URL('./engine.mjs', import.meta.url));

const start = (engine, w) =>
  startEngine(engineScript, engine, [engine, w.id, JSON.stringify(sizes)]);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

console.log(
  `GPU benchmark  ${new Date().toISOString()}  load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`sizes: ${JSON.stringify(sizes)}, ${SAMPLES} timed samples per engine, interleaved`);
let adapter = '';
const rows = [];
for (const w of workloads(sizes)) {
  if (only && !only.includes(w.id)) continue;
  const results = [];
  for (const engine of ENGINES) results.push(await start(engine, w)); // one at a time: one device
  for (let round = 0; round < SAMPLES; round++) {
    for (const r of results) if (r.ready) r.ms.push(...(await askRuns(r, 1)));
  }
  for (const r of results) {
    r.child.connected && r.child.send({ exit: true });
    adapter ||= r.description ?? '';
  }
  const cells = results.map((r) => {
    if (r.error) return `${r.engine}: failed (${r.error.slice(0, 120)})`;
    const ms = median(r.ms);
    const value = w.perSample ? w.perSample(ms) : ms;
    const check = r.ok ? 'ok' : 'WRONG';
    return `${r.engine}: ${fmt(value)} ${w.unit} (err ${r.err.toExponential(1)} ${check}; first run ${fmt(r.firstMs)} ms)`;
  });
  rows.push({ w, results });
  console.log(`\n${w.name}\n  ${cells.join('\n  ')}`);
}
console.log(`\nadapter: ${adapter}`);
if (isSoftware(adapter)) {
  console.log(
    'NOTE: this adapter is a software rasterizer (Mesa llvmpipe): the figures check correctness, not GPU speed.',
  );
}
const wrong = rows.flatMap(({ w, results }) =>
  results.filter((r) => r.ready && !r.ok).map((r) => `${r.engine} on ${w.id}`),
);
if (wrong.length) {
  console.log(`results off their float64 reference: ${wrong.join(', ')}`);
  process.exitCode = 1;
}
