// One engine's benchmark process: forked per workload, answers `{ runs }` with the timings of that
// many runs. Shared by the CPU (bench/perf) and GPU (bench/gpu) benchmarks.
import { fork } from 'node:child_process';

/**
 * Forks `script` with `argv` for `engine`; resolves with the engine's first message (it is warm,
 * or n/a) or with an `error` naming how the process ended.
 */
export function startEngine(script, engine, argv, options = {}) {
  const child = fork(script, argv, {
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    ...options,
  });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  return new Promise((resolve) => {
    child.once('message', (msg) => resolve({ engine, child, ...msg, ms: [] }));
    child.once('exit', (code, signal) =>
      resolve({
        engine,
        child,
        error: `exited (${signal ?? code}): ${stderr.trim().split('\n').pop() ?? ''}`,
      }),
    );
  });
}

/** Asks a started engine for `runs` timed runs; resolves with their times in ms. */
export const askRuns = (r, runs) =>
  new Promise((resolve) => {
    r.child.once('message', (msg) => resolve(msg.ms));
    r.child.send({ runs });
  });
