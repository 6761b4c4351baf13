// TensorFlow.js: the wasm backend on one thread ('tfjs wasm 1t'), or the plain-JS cpu backend
// ('tfjs cpu', only with --tfjs-cpu: it is never the best peer and costs minutes).
import { register } from 'node:module';
import { ADAM, adamScalars } from './data.mjs';

export async function createImpl(engine) {
  register('./tfjs-resolve.mjs', import.meta.url);
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const backend = engine === 'tfjs cpu' ? 'cpu' : 'wasm';
  if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else (await import('@tensorflow/tfjs-backend-wasm')).setThreadsCount(1);
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} unavailable`);
  // tidy scans what its function returns for tensors; a large typed array costs milliseconds, so
  // the data leaves through a variable instead.
  const read = (f) => {
    let out;
    tf.tidy(() => {
      out = f().dataSync();
    });
    return out;
  };
  const loss = (params, x, y) => {
    const [w1, b1, w2, b2, w3, b3] = params;
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    const logits = tf.add(tf.matMul(h2, w3), b3);
    return tf.mean(tf.sub(tf.logSumExp(logits, -1), tf.sum(tf.mul(y, logits), -1)));
  };
  /** Runs `f` in a tidy, keeps what it returns, disposes `old`. */
  const replace = (old, f) => {
    const next = tf.tidy(f);
    old.flat().forEach((t) => t.dispose());
    return next;
  };
  return {
    backend,
    matmul({ n, a, b }) {
      const ta = tf.tensor(a, [n, n]);
      const tb = tf.tensor(b, [n, n]);
      return () => read(() => tf.matMul(ta, tb));
    },
    mlp(d) {
      let params = d.params.map((p) => tf.tensor(p.data, p.shape));
      const x = tf.tensor(d.x, d.xShape);
      const y = tf.tensor(d.y, d.yShape);
      const vg = tf.valueAndGrads((...ps) => loss(ps, x, y));
      return () => {
        const [value, ...updated] = replace([params], () => {
          const { value, grads } = vg(params);
          return [value, ...params.map((p, i) => tf.sub(p, tf.mul(grads[i], d.lr)))];
        });
        params = updated;
        const out = { loss: value.dataSync()[0], w3: params[4].dataSync() };
        value.dispose();
        return out;
      };
    },
    adam(d) {
      let state = [
        d.params.map((p) => tf.tensor(p.data, p.shape)),
        d.params.map((p) => tf.zeros(p.shape)),
        d.params.map((p) => tf.zeros(p.shape)),
      ];
      const x = tf.tensor(d.x, d.xShape);
      const y = tf.tensor(d.y, d.yShape);
      const vg = tf.valueAndGrads((...ps) => loss(ps, x, y));
      let t = 0;
      return () => {
        const { c1, c2 } = adamScalars(++t);
        const [value, ...next] = replace(state, () => {
          const [ps, ms, vs] = state;
          const { value, grads: g } = vg(ps);
          const m2 = ms.map((mi, i) => tf.add(tf.mul(mi, ADAM.b1), tf.mul(g[i], 1 - ADAM.b1)));
          const v2 = vs.map((vi, i) =>
            tf.add(tf.mul(vi, ADAM.b2), tf.mul(tf.mul(g[i], g[i]), 1 - ADAM.b2)),
          );
          const p2 = ps.map((p, i) =>
            tf.sub(p, tf.div(tf.mul(m2[i], c1), tf.add(tf.sqrt(tf.mul(v2[i], c2)), ADAM.eps))),
          );
          return [value, ...p2, ...m2, ...v2];
        });
        const k = d.params.length;
        state = [next.slice(0, k), next.slice(k, 2 * k), next.slice(2 * k)];
        const out = { loss: value.dataSync()[0], w3: state[0][4].dataSync() };
        value.dispose();
        return out;
      };
    },
    chain({ x: x0, steps }, withGrad) {
      const x = tf.tensor(x0);
      const f = (v) => {
        for (let k = 0; k < steps; k++) v = k % 2 === 0 ? tf.mul(v, 1.0001) : tf.sin(v);
        return v;
      };
      if (!withGrad) return () => read(() => f(x));
      const g = tf.grad((v) => tf.sum(f(v)));
      return () => read(() => g(x));
    },
    elementwise(xs) {
      const x = tf.tensor(xs);
      return () => read(() => tf.add(tf.mul(tf.tanh(x), x), tf.exp(tf.neg(x))));
    },
  };
}
