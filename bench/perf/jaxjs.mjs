// jax-js peers on its wasm device, eager and under jit. jax-js arrays are reference counted: every
// function consumes its arguments, so each reuse of an array goes through `.ref`.

/** Loads jax-js's wasm device, or returns the reason it cannot. */
export async function loadJaxjs() {
  try {
    const jax = await import('@jax-js/jax');
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) return { impls: [], error: 'wasm device unavailable' };
    jax.defaultDevice('wasm');
    return { impls: [jaxImpl(jax, false), jaxImpl(jax, true)] };
  } catch (e) {
    return { impls: [], error: String(e).split('\n')[0] };
  }
}

function jaxImpl(jax, useJit) {
  const { numpy: np, nn, grad, valueAndGrad, jvp, tree } = jax;
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
    name: useJit ? 'jax-js jit' : 'jax-js eager',
    matmul(n, a, b) {
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
    chain(x0, steps, withGrad) {
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
  };
}
