// jax-js on its wasm device, eager or with every workload under jit (one thread: in Node jax-js
// finds no global Worker). jax-js arrays are reference counted: every function consumes its
// arguments, so each reuse of an array goes through `.ref`.
import { ADAM, adamScalars } from './data.mjs';

/** Engines: 'jax-js eager', 'jax-js jit'. */
export async function createImpl(engine) {
  const jax = await import('@jax-js/jax');
  const devices = await jax.init('wasm');
  if (!devices.includes('wasm')) throw new Error('jax-js: wasm device unavailable');
  jax.defaultDevice('wasm');
  const useJit = engine === 'jax-js jit';
  const { numpy: np, nn, valueAndGrad, grad, jvp, tree, jacrev, hessian } = jax;
  const maybeJit = (f) => (useJit ? jax.jit(f) : f);
  const loss = (p, x, y) => {
    const [w1, b1, w2, b2, w3, b3] = p;
    const h1 = nn.relu(np.matmul(x, w1).add(b1));
    const h2 = nn.relu(np.matmul(h1, w2).add(b2));
    const logits = np.matmul(h2, w3).add(b3);
    const lse = nn.logsumexp(logits.ref, -1);
    return np.mean(lse.sub(np.sum(y.mul(logits), -1)));
  };
  const arr = (data, shape) => np.array(data).reshape(shape);
  return {
    backend: 'wasm',
    matmul({ n, a, b }) {
      if (useJit) return null; // one kernel either way
      const ta = arr(a, [n, n]);
      const tb = arr(b, [n, n]);
      return () => np.matmul(ta.ref, tb.ref).dataSync();
    },
    mlp(d) {
      let params = d.params.map((p) => arr(p.data, p.shape));
      const x = arr(d.x, d.xShape);
      const y = arr(d.y, d.yShape);
      const step = maybeJit((p, xb, yb) => {
        const [l, g] = valueAndGrad(loss)(tree.ref(p), xb, yb);
        return [l, p.map((w, i) => w.sub(g[i].mul(d.lr)))];
      });
      return () => {
        const [l, next] = step(params, x.ref, y.ref);
        params = next;
        return { loss: l.dataSync()[0], w3: params[4].ref.dataSync() };
      };
    },
    adam(d) {
      let params = d.params.map((p) => arr(p.data, p.shape));
      let m = d.params.map((p) => np.zeros(p.shape));
      let v = d.params.map((p) => np.zeros(p.shape));
      const x = arr(d.x, d.xShape);
      const y = arr(d.y, d.yShape);
      const step = maybeJit((p, ms, vs, xb, yb, c1, c2) => {
        const [l, g] = valueAndGrad(loss)(tree.ref(p), xb, yb);
        const m2 = ms.map((mi, i) => mi.mul(ADAM.b1).add(g[i].ref.mul(1 - ADAM.b1)));
        const v2 = vs.map((vi, i) => vi.mul(ADAM.b2).add(g[i].ref.mul(g[i]).mul(1 - ADAM.b2)));
        const p2 = p.map((w, i) =>
          w.sub(m2[i].ref.mul(c1.ref).div(np.sqrt(v2[i].ref.mul(c2.ref)).add(ADAM.eps))),
        );
        c1.dispose();
        c2.dispose();
        return [l, p2, m2, v2];
      });
      let t = 0;
      return () => {
        const { c1, c2 } = adamScalars(++t);
        const [l, p2, m2, v2] = step(params, m, v, x.ref, y.ref, np.array(c1), np.array(c2));
        [params, m, v] = [p2, m2, v2];
        return { loss: l.dataSync()[0], w3: params[4].ref.dataSync() };
      };
    },
    chain({ x: x0, steps }, withGrad) {
      const x = np.array(x0);
      const f = (v) => {
        for (let k = 0; k < steps; k++) v = k % 2 === 0 ? v.mul(1.0001) : np.sin(v);
        return v;
      };
      const fn = maybeJit(withGrad ? grad((v) => np.sum(f(v))) : f);
      return () => fn(x.ref).dataSync();
    },
    hvp(d) {
      const [w1, ...rest] = d.params.map((p) => arr(p.data, p.shape));
      const x = arr(d.x, d.xShape);
      const y = arr(d.y, d.yShape);
      const v = arr(d.v, d.params[0].shape);
      const hv = maybeJit((w, t, ps, xb, yb) => {
        const [g, out] = jvp(
          grad((u) => loss([u, ...ps], xb, yb)),
          [w],
          [t],
        );
        g.dispose();
        return out;
      });
      return () => hv(w1.ref, v.ref, tree.ref(rest), x.ref, y.ref).dataSync();
    },
    elementwise(xs) {
      const x = np.array(xs);
      const f = maybeJit((t) => np.tanh(t.ref).mul(t.ref).add(np.exp(t.neg())));
      return () => f(x.ref).dataSync();
    },
    hessian({ n, a, x }) {
      const ta = arr(a, [n, n]);
      const tx = arr(x, [n]);
      const h = maybeJit((u, am) => hessian((w) => np.sum(np.tanh(np.matmul(am.ref, w))))(u));
      return () => h(tx.ref, ta.ref).dataSync();
    },
    jacrev({ n, a, x }) {
      const ta = arr(a, [n, n]);
      const tx = arr(x, [n]);
      const j = maybeJit((u, am) => jacrev((w) => np.tanh(np.matmul(am.ref, w)))(u));
      return () => j(tx.ref, ta.ref).dataSync();
    },
  };
}
