// TensorFlow.js peers: the cpu backend (plain JS) and the wasm backend on one thread.
import { register } from 'node:module';

/** Loads tfjs with both backends, or returns the reason it cannot. */
export async function loadTfjs() {
  try {
    register('./tfjs-resolve.mjs', import.meta.url);
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    await import('@tensorflow/tfjs-backend-cpu');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setThreadsCount(1);
    const impls = [];
    for (const [backend, name] of [
      ['cpu', 'tfjs cpu'],
      ['wasm', 'tfjs wasm 1t'],
    ]) {
      if (await tf.setBackend(backend)) impls.push(tfjsImpl(tf, backend, name));
    }
    return { impls };
  } catch (e) {
    return { impls: [], error: String(e).split('\n')[0] };
  }
}

function tfjsImpl(tf, backend, name) {
  const activate = () => tf.setBackend(backend);
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
  return {
    name,
    activate,
    matmul(n, a, b) {
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
        const next = tf.tidy(() => {
          const { value, grads } = vg(params);
          return [value, ...params.map((p, i) => tf.sub(p, tf.mul(grads[i], d.lr)))];
        });
        const [value, ...updated] = next;
        params.forEach((p) => p.dispose());
        params = updated;
        const out = { loss: value.dataSync()[0], w3: params[4].dataSync() };
        value.dispose();
        return out;
      };
    },
    chain(x0, steps, withGrad) {
      const x = tf.tensor(x0);
      const f = (v) => {
        for (let k = 0; k < steps; k++) v = k % 2 === 0 ? tf.mul(v, 1.0001) : tf.sin(v);
        return v;
      };
      if (!withGrad) return () => read(() => f(x));
      const g = tf.grad((v) => tf.sum(f(v)));
      return () => read(() => g(x));
    },
    hvp: null,
    elementwise(xs) {
      const x = tf.tensor(xs);
      return () => read(() => tf.add(tf.mul(tf.tanh(x), x), tf.exp(tf.neg(x))));
    },
  };
}
