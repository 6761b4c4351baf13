// The three engines on WebGPU; each run is async (it ends when the result has been read back).
// adlab: its webgpu device. tfjs: @tensorflow/tfjs-backend-webgpu. jax-js: its webgpu device
// (reference counted: every reuse of an array goes through `.ref`), MLP step and HVP under jit.
import { createRequire } from 'node:module';
import { register } from 'node:module';
import { installNavigatorGpu } from './navigator.mjs';

const require = createRequire(import.meta.url);

export async function createEngine(engine) {
  if (engine === 'adlab') return adlab();
  if (engine === 'tfjs-webgpu') return tfjs();
  if (engine === 'jax-js') return jaxjs();
  throw new Error(`unknown engine ${engine}`);
}

async function adlab() {
  const lib = require('../../kernel-lib/dist/index.js');
  const { np, nn, grad, hvp, valueAndGrad } = lib;
  const device = await lib.initWebGPU();
  const put = (data, shape) =>
    lib.devicePut(np.reshape(np.array(data, 'float32'), shape), 'webgpu');
  const loss = ([w1, b1, w2, b2, w3, b3], x, y) => {
    const h1 = nn.relu(np.add(np.matmul(x, w1), b1));
    const h2 = nn.relu(np.add(np.matmul(h1, w2), b2));
    return np.mean(nn.softmaxCrossEntropy(np.add(np.matmul(h2, w3), b3), y));
  };
  const params = (d) => Promise.all(d.params.map((p) => put(p.data, p.shape)));
  return {
    description: device.description,
    async matmul({ n, a, b }) {
      const [ta, tb] = [await put(a, [n, n]), await put(b, [n, n])];
      return () => np.matmul(ta, tb).data();
    },
    async elementwise(xs) {
      const x = await put(xs, [xs.length]);
      return () => np.add(np.mul(np.tanh(x), x), np.exp(np.neg(x))).data();
    },
    async mlp(d) {
      let p = await params(d);
      const [x, y] = [await put(d.x, d.xShape), await put(d.y, d.yShape)];
      return async () => {
        const [l, g] = valueAndGrad(loss)(p, x, y);
        p = p.map((w, i) => np.sub(w, np.mul(g[i], d.lr)));
        return { loss: (await l.data())[0], w3: await p[4].data() };
      };
    },
    async hvp(d) {
      const [w1, ...rest] = await params(d);
      const [x, y, v] = [
        await put(d.x, d.xShape),
        await put(d.y, d.yShape),
        await put(d.v, d.params[0].shape),
      ];
      return () => hvp((u) => loss([u, ...rest], x, y), [w1], [v]).data();
    },
    grad,
  };
}

async function tfjs() {
  const description = await installNavigatorGpu();
  register('../perf/tfjs-resolve.mjs', import.meta.url);
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend did not start');
  await tf.ready();
  const loss = ([w1, b1, w2, b2, w3, b3], x, y) => {
    const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
    const logits = tf.add(tf.matMul(h2, w3), b3);
    return tf.mean(tf.sub(tf.logSumExp(logits, -1), tf.sum(tf.mul(y, logits), -1)));
  };
  const readAndDispose = async (t) => {
    const out = await t.data();
    t.dispose();
    return out;
  };
  return {
    description,
    async matmul({ n, a, b }) {
      const [ta, tb] = [tf.tensor(a, [n, n]), tf.tensor(b, [n, n])];
      return () => readAndDispose(tf.matMul(ta, tb));
    },
    async elementwise(xs) {
      const x = tf.tensor(xs);
      return () => readAndDispose(tf.tidy(() => tf.add(tf.mul(tf.tanh(x), x), tf.exp(tf.neg(x)))));
    },
    async mlp(d) {
      let params = d.params.map((p) => tf.tensor(p.data, p.shape));
      const [x, y] = [tf.tensor(d.x, d.xShape), tf.tensor(d.y, d.yShape)];
      const vg = tf.valueAndGrads((...ps) => loss(ps, x, y));
      return async () => {
        const [value, ...next] = tf.tidy(() => {
          const { value, grads } = vg(params);
          return [value, ...params.map((p, i) => tf.sub(p, tf.mul(grads[i], d.lr)))];
        });
        params.forEach((p) => p.dispose());
        params = next;
        return { loss: (await readAndDispose(value))[0], w3: await params[4].data() };
      };
    },
    // tfjs has no forward mode; the HVP is the gradient of <grad f, v> (reverse over reverse).
    async hvp(d) {
      const [w1, ...rest] = d.params.map((p) => tf.tensor(p.data, p.shape));
      const [x, y, v] = [
        tf.tensor(d.x, d.xShape),
        tf.tensor(d.y, d.yShape),
        tf.tensor(d.v, d.params[0].shape),
      ];
      const g = tf.grad((u) => loss([u, ...rest], x, y));
      const hv = tf.grad((u) => tf.sum(tf.mul(g(u), v)));
      return () => readAndDispose(tf.tidy(() => hv(w1)));
    },
  };
}

async function jaxjs() {
  const description = await installNavigatorGpu();
  const jax = await import('@jax-js/jax');
  const devices = await jax.init('webgpu');
  if (!devices.includes('webgpu')) throw new Error('jax-js: webgpu device unavailable');
  jax.defaultDevice('webgpu');
  const { numpy: np, nn, valueAndGrad, grad, jvp, tree } = jax;
  const arr = (data, shape) => np.array(data).reshape(shape);
  const loss = (p, x, y) => {
    const [w1, b1, w2, b2, w3, b3] = p;
    const h1 = nn.relu(np.matmul(x, w1).add(b1));
    const h2 = nn.relu(np.matmul(h1, w2).add(b2));
    const logits = np.matmul(h2, w3).add(b3);
    const lse = nn.logsumexp(logits.ref, -1);
    return np.mean(lse.sub(np.sum(y.mul(logits), -1)));
  };
  return {
    description,
    async matmul({ n, a, b }) {
      const [ta, tb] = [arr(a, [n, n]), arr(b, [n, n])];
      return () => np.matmul(ta.ref, tb.ref).data();
    },
    async elementwise(xs) {
      const x = np.array(xs);
      const f = jax.jit((t) => np.add(np.multiply(np.tanh(t.ref), t.ref), np.exp(np.negative(t))));
      return () => f(x.ref).data();
    },
    async mlp(d) {
      let params = d.params.map((p) => arr(p.data, p.shape));
      const [x, y] = [arr(d.x, d.xShape), arr(d.y, d.yShape)];
      const step = jax.jit((p, xb, yb) => {
        const [l, g] = valueAndGrad(loss)(tree.ref(p), xb, yb);
        return [l, p.map((w, i) => w.sub(g[i].mul(d.lr)))];
      });
      return async () => {
        const [l, next] = step(params, x.ref, y.ref);
        params = next;
        return { loss: (await l.data())[0], w3: await params[4].ref.data() };
      };
    },
    async hvp(d) {
      const [w1, ...rest] = d.params.map((p) => arr(p.data, p.shape));
      const [x, y, v] = [arr(d.x, d.xShape), arr(d.y, d.yShape), arr(d.v, d.params[0].shape)];
      const hv = jax.jit((w, t, ps, xb, yb) => {
        const [g, out] = jvp(
          grad((u) => loss([u, ...ps], xb, yb)),
          [w],
          [t],
        );
        g.dispose();
        return out;
      });
      return () => hv(w1.ref, v.ref, tree.ref(rest), x.ref, y.ref).data();
    },
  };
}
