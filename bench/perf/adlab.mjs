// adlab's side of the benchmark: the same workloads as the peers, on the built library (dist/).
import { createRequire } from 'node:module';

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

/** A cpu-wasm backend that never uses a second thread (`undefined` if wasm is not built). */
export function singleThreadBackend() {
  const { createWasmBackend } = require('../../kernel-lib/dist/backends/wasm/index.js');
  return createWasmBackend({ elementwise: 4096, matmul: 16384, threads: Infinity });
}

/**
 * adlab workloads for one dtype (float32 is the default; float64 rows reuse them), on `backend`
 * (the library's default backend when omitted).
 */
export function adlabImpl(lib, dtype = 'float32', name = 'adlab', backend = lib.getBackend()) {
  const { np, grad, valueAndGrad, hvp } = lib;
  const arr = (data, shape) => np.reshape(np.array(data, dtype), shape);
  return {
    name,
    activate: () => lib.setBackend(backend),
    matmul(n, a, b) {
      const ta = arr(a, [n, n]);
      const tb = arr(b, [n, n]);
      return () => np.matmul(ta, tb).dataSync();
    },
    mlp(d) {
      let params = d.params.map((p) => arr(p.data, p.shape));
      const x = arr(d.x, d.xShape);
      const y = arr(d.y, d.yShape);
      const step = valueAndGrad((ps) => mlpLoss(lib, ps, x, y));
      return () => {
        const [loss, grads] = step(params);
        params = params.map((p, i) => np.sub(p, np.mul(grads[i], d.lr)));
        return { loss: loss.item(), w3: params[4].dataSync() };
      };
    },
    chain(x0, steps, withGrad) {
      const x = np.array(x0, dtype);
      const f = (v) => {
        for (let k = 0; k < steps; k++) v = k % 2 === 0 ? np.mul(v, 1.0001) : np.sin(v);
        return v;
      };
      if (!withGrad) return () => f(x).dataSync();
      const g = grad((v) => np.sum(f(v)));
      return () => g(x).dataSync();
    },
    hvp(d) {
      const params = d.params.map((p) => arr(p.data, p.shape));
      const x = arr(d.x, d.xShape);
      const y = arr(d.y, d.yShape);
      const v = arr(d.v, d.params[0].shape);
      const f = (w1) => mlpLoss(lib, [w1, ...params.slice(1)], x, y);
      return () => hvp(f, [params[0]], [v]).dataSync();
    },
    elementwise(xs) {
      const x = np.array(xs, dtype);
      return () => np.add(np.mul(np.tanh(x), x), np.exp(np.neg(x))).dataSync();
    },
  };
}
