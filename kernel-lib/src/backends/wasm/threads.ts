/**
 * A second thread for large float32/float64 matmuls (Node only). A worker holds its own instance of
 * the kernels; operands travel through a SharedArrayBuffer and the threads meet with Atomics.
 *
 * Robustness: the worker's share of the rows is *claimed* with a compare-exchange. The main thread
 * computes its rows, then tries to claim the worker's rows too: if the worker has not claimed them
 * (still starting, busy, or dead) the main thread computes them itself, so a call never waits on a
 * worker that is not already working on it. The worker is unref'd: it never keeps a process alive.
 */
import type { WasmKernels } from './module';

// Control words (Int32Array indices) at the start of the shared buffer.
const GEN = 0; // job generation, bumped by the main thread for each job
const CLAIM = 1; // generation the worker's rows were claimed for (by either thread)
const DONE = 2; // generation the worker finished
const HEADER = 64; // bytes

/** The job header that follows the control words (Int32Array indices). */
const [DTYPE, M, K, N, ROW0, A_OFF, B_OFF, C_OFF, TRANS] = [4, 5, 6, 7, 8, 9, 10, 11, 12];

const workerSource = `
const { parentPort, receiveMessageOnPort, workerData } = require('worker_threads');
const fs = require('fs');
const memory = new WebAssembly.Memory({ initial: 64 });
const { exports: k } = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(workerData.file)), { env: { memory } });
const base = (k.__heap_base.value + 15) & ~15;
let shared = workerData.shared;
let ctrl = new Int32Array(shared);
let seen = Atomics.load(ctrl, ${GEN});
const grow = (bytes) => { const need = bytes - memory.buffer.byteLength; if (need > 0) memory.grow(Math.ceil(need / 65536)); };
for (;;) {
  Atomics.wait(ctrl, ${GEN}, seen);
  for (;;) {
    const msg = receiveMessageOnPort(workerData.port);
    if (msg) { shared = msg.message; ctrl = new Int32Array(shared); continue; }
    if (Atomics.load(ctrl, ${GEN}) !== -1) break;
    Atomics.wait(ctrl, ${GEN}, -1, 1); // a new buffer is on its way
  }
  const gen = Atomics.load(ctrl, ${GEN});
  if (gen === seen) continue;
  seen = gen;
  if (Atomics.compareExchange(ctrl, ${CLAIM}, gen - 1, gen) !== gen - 1) continue;
  const size = ctrl[${DTYPE}], m = ctrl[${M}], kk = ctrl[${K}], n = ctrl[${N}], row0 = ctrl[${ROW0}];
  const trans = ctrl[${TRANS}];
  const rows = m - row0;
  // A transposed A (k x m) has no contiguous rows: the worker gets all of it, computes rows
  // [row0, m) of a full-size C and sends those back.
  const whole = trans & 1;
  const aBytes = (whole ? m : rows) * kk * size, bBytes = kk * n * size, cBytes = (whole ? m : rows) * n * size;
  const a = base, b = a + aBytes + 16 & ~15, c = b + bBytes + 16 & ~15, work = c + cBytes + 16 & ~15;
  grow(work + ${(96 + 1024) * 256 * 8});
  const heap = new Uint8Array(memory.buffer);
  heap.set(new Uint8Array(shared, ctrl[${A_OFF}] + (whole ? 0 : row0 * kk * size), aBytes), a);
  heap.set(new Uint8Array(shared, ctrl[${B_OFF}], bBytes), b);
  const run = size === 4 ? k.matmul_f32 : k.matmul_f64;
  if (whole) run(a, b, c, m, kk, n, row0, m, work, trans);
  else run(a, b, c, rows, kk, n, 0, rows, work, trans);
  const from = c + (whole ? row0 * n * size : 0);
  new Uint8Array(shared, ctrl[${C_OFF}] + row0 * n * size, rows * n * size).set(new Uint8Array(memory.buffer, from, rows * n * size));
  Atomics.store(ctrl, ${DONE}, gen);
  Atomics.notify(ctrl, ${DONE});
}
`;

interface NodeWorker {
  unref(): void;
  on(event: 'error' | 'exit', f: () => void): void;
}
interface WorkerThreads {
  Worker: new (
    src: string,
    o: { eval: boolean; workerData: unknown; transferList: unknown[] },
  ) => NodeWorker;
  MessageChannel: new () => {
    port1: { postMessage(m: unknown): void; unref(): void };
    port2: unknown;
  };
}

/** Runs matmuls on two threads; `undefined` when worker threads are unavailable. */
export class MatmulThreads {
  private shared: SharedArrayBuffer;
  private ctrl: Int32Array;
  private gen = 0;
  private alive = true;
  private readonly port: { postMessage(m: unknown): void };

  private constructor(wt: WorkerThreads, file: string) {
    this.shared = new SharedArrayBuffer(HEADER + (1 << 20));
    this.ctrl = new Int32Array(this.shared);
    const { port1, port2 } = new wt.MessageChannel();
    port1.unref();
    this.port = port1;
    const worker = new wt.Worker(workerSource, {
      eval: true,
      workerData: { file, shared: this.shared, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    const dead = () => {
      this.alive = false;
    };
    worker.on('error', dead);
    worker.on('exit', dead);
  }

  /** A second thread for `file` (the kernels' path), or `undefined` outside Node. */
  static start(file: string): MatmulThreads | undefined {
    const proc = (globalThis as { process?: NodeJS.Process }).process;
    if (typeof SharedArrayBuffer === 'undefined' || typeof proc?.getBuiltinModule !== 'function')
      return undefined;
    try {
      return new MatmulThreads(
        proc.getBuiltinModule('worker_threads') as unknown as WorkerThreads,
        file,
      );
    } catch {
      return undefined;
    }
  }

  /**
   * C = A @ B for one matrix (a, b, c are offsets in `w`'s memory), splitting rows with the worker.
   * `size` is 4 (float32) or 8 (float64).
   */
  matmul(
    w: WasmKernels,
    size: 4 | 8,
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    work: number,
    trans = 0,
  ): void {
    const run = (r0: number, r1: number) =>
      (size === 4 ? w.k.matmul_f32 : w.k.matmul_f64)(a, b, c, m, k, n, r0, r1, work, trans);
    const row0 = Math.ceil(m / 2 / 4) * 4;
    if (!this.alive || row0 >= m) return run(0, m);
    const aOff = HEADER;
    const bOff = aOff + ((m * k * size + 15) & ~15);
    const cOff = bOff + ((k * n * size + 15) & ~15);
    const total = cOff + m * n * size;
    if (total > this.shared.byteLength) {
      // A bigger buffer goes to the worker by message; a bump of the old one wakes it to read it.
      const old = this.ctrl;
      this.shared = new SharedArrayBuffer(total * 2);
      this.ctrl = new Int32Array(this.shared);
      this.ctrl[GEN] = this.gen;
      this.ctrl[CLAIM] = this.gen;
      this.ctrl[DONE] = this.gen;
      this.port.postMessage(this.shared);
      Atomics.store(old, GEN, -1);
      Atomics.notify(old, GEN);
    }
    const ctrl = this.ctrl;
    const heap = new Uint8Array(w.memory.buffer);
    const shared = new Uint8Array(this.shared);
    const aFrom = trans & 1 ? 0 : row0 * k * size; // a transposed A goes whole (see the worker)
    shared.set(heap.subarray(a + aFrom, a + m * k * size), aOff + aFrom);
    shared.set(heap.subarray(b, b + k * n * size), bOff);
    ctrl[DTYPE] = size;
    ctrl[M] = m;
    ctrl[K] = k;
    ctrl[N] = n;
    ctrl[ROW0] = row0;
    ctrl[A_OFF] = aOff;
    ctrl[B_OFF] = bOff;
    ctrl[C_OFF] = cOff;
    ctrl[TRANS] = trans;
    const gen = ++this.gen;
    Atomics.store(ctrl, GEN, gen);
    Atomics.notify(ctrl, GEN);
    run(0, row0);
    if (Atomics.compareExchange(ctrl, CLAIM, gen - 1, gen) === gen - 1) {
      // The worker never started on this job: do its rows here.
      run(row0, m);
      return;
    }
    // The worker claimed the rows: it is running, wait for it (a minute at most, then give up on it).
    while (Atomics.load(ctrl, DONE) !== gen) {
      if (Atomics.wait(ctrl, DONE, Atomics.load(ctrl, DONE), 60_000) === 'timed-out') {
        this.alive = false;
        run(row0, m);
        return;
      }
    }
    new Uint8Array(w.memory.buffer).set(
      new Uint8Array(this.shared, cOff + row0 * n * size, (m - row0) * n * size),
      c + row0 * n * size,
    );
  }
}
