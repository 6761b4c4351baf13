// adlab's side of the benchmark, on the built library (dist/): eager, or every workload under jit.
// Processes that load it run with ADLAB_WASM_THREADS=0 (one thread, as the peers).
import { createRequire } from 'node:module';
import { ADAM, adamScalars } from './data.mjs';

const require = createRequire(import.meta.url);

/** The built library (run `npm run build -w kernel-lib` first). */
export function loadAdlab() {
  return require('../../kernel-lib/dist/index.js');
}

/** The MLP's cross-entropy loss, written with adlab's numpy layer. */
export function mlpLoss(lib, params, x, y) {
  const { np, nn } = lib;
  const [w1, b1, w2, b2, w3, b3] = params;
  const h1 = nn.relu(np.add(np.matmul(x, w1), b1));
  const h2 = nn.relu(np.add(np.matmul(h1, w2), b2));
  const logits = np.add(np.matmul(h2, w3), b3);
  return nn.softmaxCrossEntropy(logits, y);
}

/** Engines: 'adlab' (eager), 'adlab jit', 'adlab f64' (eager, float64). */
export function createImpl(engine) {
  const lib = loadAdlab();
  const useJit = engine === 'adlab jit';
  const dtype = engine === 'adlab f64' ? 'float64' : 'float32';
  const { np, valueAndGrad, grad, hvp, jacrev, hessian } = lib;
  const jitted = [];
  const maybeJit = (f) => {
    if (!useJit) return f;
    const j = lib.jit(f);
    jitted.push(j);
    return j;
  };
  const arr = (data, shape) => np.reshape(np.array(data, dtype), shape);
  const scalar = (v) => np.array(v, dtype);
  return {
    backend: lib.getBackend().name,
    /** Milliseconds the jit traces took (the first call also compiles fusion plans and runs). */
    traceMs: () => (useJit ? jitted.reduce((s, j) => s + j.lastCompileMs, 0) : undefined),
    matmul({ n, a, b }) {
      const ta = arr(a, [n, n]);
      const tb = arr(b, [n, n]);
      const f = maybeJit((p, q) => np.matmul(p, q));
      return () => f(ta, tb).dataSync();
    },
    mlp(d) {
      let params = d.params.map((p) => arr(p.data, p.shape));
      const x = arr(d.x, d.xShape);
      const y = arr(d.y, d.yShape);
      const step = maybeJit((ps, xb, yb) => {
        const [loss, grads] = valueAndGrad((p) => mlpLoss(lib, p, xb, yb))(ps);
        return [loss, ps.map((p, i) => np.sub(p, np.mul(grads[i], d.lr)))];
      });
      return () => {
        const [loss, next] = step(params, x, y);
        params = next;
        return { loss: loss.item(), w3: params[4].dataSync() };
      };
    },
    adam(d) {
      let params = d.params.map((p) => arr(p.data, p.shape));
      let m = params.map((p) => np.zerosLike(p));
      let v = params.map((p) => np.zerosLike(p));
      const x = arr(d.x, d.xShape);
      const y = arr(d.y, d.yShape);
      const step = maybeJit((ps, ms, vs, xb, yb, c1, c2) => {
        const [loss, g] = valueAndGrad((p) => mlpLoss(lib, p, xb, yb))(ps);
        const m2 = ms.map((mi, i) => np.add(np.mul(mi, ADAM.b1), np.mul(g[i], 1 - ADAM.b1)));
        const v2 = vs.map((vi, i) =>
          np.add(np.mul(vi, ADAM.b2), np.mul(np.mul(g[i], g[i]), 1 - ADAM.b2)),
        );
        const p2 = ps.map((p, i) =>
          np.sub(p, np.div(np.mul(m2[i], c1), np.add(np.sqrt(np.mul(v2[i], c2)), ADAM.eps))),
        );
        return [loss, p2, m2, v2];
      });
      let t = 0;
      return () => {
        const { c1, c2 } = adamScalars(++t);
        const [loss, p2, m2, v2] = step(params, m, v, x, y, scalar(c1), scalar(c2));
        [params, m, v] = [p2, m2, v2];
        return { loss: loss.item(), w3: params[4].dataSync() };
      };
    },
    chain({ x: x0, steps }, withGrad) {
      const x = np.array(x0, dtype);
      const f = (v) => {
        for (let k = 0; k < steps; k++) v = k % 2 === 0 ? np.mul(v, 1.0001) : np.sin(v);
        return v;
      };
      const g = maybeJit(withGrad ? grad((v) => np.sum(f(v))) : f);
      return () => g(x).dataSync();
    },
    hvp(d) {
      const params = d.params.map((p) => arr(p.data, p.shape));
      const x = arr(d.x, d.xShape);
      const y = arr(d.y, d.yShape);
      const v = arr(d.v, d.params[0].shape);
      const f = maybeJit((w1, t, rest, xb, yb) =>
        hvp((u) => mlpLoss(lib, [u, ...rest], xb, yb), [w1], [t]),
      );
      return () => f(params[0], v, params.slice(1), x, y).dataSync();
    },
    elementwise(xs) {
      const x = np.array(xs, dtype);
      const f = maybeJit((t) => np.add(np.mul(np.tanh(t), t), np.exp(np.neg(t))));
      return () => f(x).dataSync();
    },
    hessian({ n, a, x }) {
      const ta = arr(a, [n, n]);
      const tx = arr(x, [n]);
      const h = maybeJit(hessian((u, am) => np.sum(np.tanh(np.matmul(am, u)))));
      return () => h(tx, ta).dataSync();
    },
    jacrev({ n, a, x }) {
      const ta = arr(a, [n, n]);
      const tx = arr(x, [n]);
      const j = maybeJit(jacrev((u, am) => np.tanh(np.matmul(am, u))));
      return () => j(tx, ta).dataSync();
    },
  };
}
