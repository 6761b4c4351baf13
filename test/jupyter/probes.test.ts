import { describe, expect, it } from 'vitest';
import {
  hessian,
  hvpProbe,
  jacfwd,
  jacobianProbe,
  jacrev,
  MIME,
  np,
  random,
  Tensor,
} from '../../kernel-lib/src';
import { answerLiveRequest } from '../../kernel-lib/src/jupyter/live';
import type { HvpProbePayload, JacobianProbePayload } from '../../kernel-lib/src/jupyter/protocol';

const A = np.array(
  [
    [1, 2, -1],
    [0.5, -3, 2],
    [2, 0, 1],
    [-1, 1, 4],
  ],
  'float64',
);
/** R^3 -> R^4, nonlinear. */
const f = (x: Tensor) => np.mul(np.sin(np.matmul(A, x)), np.sum(np.mul(x, x)));
const x0 = np.array([0.3, -0.7, 1.1], 'float64');

const matrix = (t: Tensor, rows: number, cols: number): number[][] => {
  const d = Array.from(t.dataSync(), Number);
  return Array.from({ length: rows }, (_, i) => d.slice(i * cols, (i + 1) * cols));
};

describe('jacobianProbe', () => {
  it('columns equal jacfwd, rows equal jacrev, the adjoint identity holds in float64', () => {
    const p = jacobianProbe(f, x0);
    expect([p.n, p.m]).toEqual([3, 4]);
    const jf = matrix(jacfwd(f)(x0) as Tensor, 4, 3);
    const jr = matrix(jacrev(f)(x0) as Tensor, 4, 3);
    p.columns.forEach((col, j) => col.forEach((v, i) => expect(v).toBeCloseTo(jf[i][j], 12)));
    p.rows.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(jr[i][j], 12)));
    expect(p.adjointError).toBeLessThan(1e-12);
    expect(p.modeDifference()).toBeLessThan(1e-12);
    expect(p.cost.columnMs).toHaveLength(3);
    expect(p.cost.rowMs).toHaveLength(4);
    expect(p.cost.forwardMs).toBeGreaterThanOrEqual(0);
    expect(p.cost.reverseMs).toBeGreaterThanOrEqual(0);
  });

  it('flattens a matrix input and output', () => {
    const g = (x: Tensor) => np.tanh(np.matmul(x, x));
    const x = np.array(
      [
        [0.1, 0.2],
        [0.3, -0.4],
      ],
      'float64',
    );
    const p = jacobianProbe(g, x);
    expect([p.n, p.m]).toEqual([4, 4]);
    const j = matrix(jacfwd(g)(x) as Tensor, 4, 4);
    expect(
      p
        .jacobian()
        .flat()
        .map((v, k) => v - j[Math.floor(k / 4)][k % 4]),
    ).toEqual(new Array(16).fill(0));
  });

  it('bundle: JSON payload, escaped HTML and text', () => {
    const p = jacobianProbe(f, x0, { name: '<img src=x onerror=alert(1)>' });
    const b = p.toMimeBundle();
    expect(Object.keys(b).sort()).toEqual([MIME.jacobianProbe, 'text/html', 'text/plain'].sort());
    const payload = b[MIME.jacobianProbe] as JacobianProbePayload;
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
    expect(payload.columns).toHaveLength(3);
    expect(payload.rows[0]).toHaveLength(3);
    expect(payload.name).toBe('<img src=x onerror=alert(1)>');
    const html = b['text/html'] as string;
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
    expect(html).toContain('forward mode: 3 JVPs');
    expect(b['text/plain']).toContain('R^3 -> R^4');
  });

  it('computes in float32 for float32 (and integer) inputs', () => {
    const g = (x: Tensor) => np.exp(np.mul(x, 0.5));
    const p = jacobianProbe(g, np.array([1, 2, 3], 'int32'));
    expect(p.dtype).toBe('float32');
    expect(p.columns[1][1]).toBeCloseTo(0.5 * Math.exp(1), 5);
    expect(p.columns[0][1]).toBe(0);
    expect(p.adjointError).toBeLessThan(1e-5);
  });

  it('names the op and the shapes when the problem is too large', () => {
    expect(() => jacobianProbe((x: Tensor) => x, np.zeros([70000], 'float32'))).toThrow(
      /jacobianProbe: f maps \[70000\] to \[70000\].*<= 65536/,
    );
  });
});

describe('hvpProbe', () => {
  const q = (x: Tensor) => np.add(np.sum(np.pow(x, 4)), np.mul(np.prod(x), 3));
  const x = np.array([1, -0.5, 2, 0.25], 'float64');
  const v = np.array([0.3, 1, -2, 0.5], 'float64');

  it('H v equals hessian·v, finite differences agree, the spectrum comes from eigh', () => {
    const p = hvpProbe(q, x, v);
    const H = hessian(q)(x) as Tensor;
    const hv = Array.from(np.matmul(H, v).dataSync());
    p.hv.forEach((a, i) => expect(a).toBeCloseTo(hv[i], 12));
    expect(p.fdError).toBeLessThan(1e-6);
    expect(p.h).toBeGreaterThan(1e-6);
    expect(p.h).toBeLessThan(1e-4);
    expect(p.hessian).toHaveLength(16);
    expect(p.spectrum!.method).toBe('eigh');
    const eig = Array.from(np.linalg.eigh(H)[0].dataSync());
    p.spectrum!.eigenvalues.forEach((e, i) => expect(e).toBeCloseTo(eig[i], 10));
    const abs = eig.map(Math.abs);
    expect(p.spectrum!.condition).toBeCloseTo(Math.max(...abs) / Math.min(...abs), 8);
  });

  it('uses Lanczos beyond the dense limit', () => {
    const d = np.arange(1, 101, 1, 'float64');
    const quad = (z: Tensor) => np.mul(np.sum(np.mul(d, np.mul(z, z))), 0.5);
    const p = hvpProbe(quad, np.ones([100], 'float64'), undefined, { lanczosSteps: 40 });
    expect(p.hessian).toBeUndefined();
    expect(p.spectrum!.method).toBe('lanczos');
    const eig = p.spectrum!.eigenvalues;
    expect(eig[eig.length - 1]).toBeCloseTo(100, 6);
    expect(eig[0]).toBeCloseTo(1, 3);
    expect(p.fdError).toBeLessThan(1e-6);
  });

  it('bundle: JSON payload, escaped HTML and text', () => {
    const p = hvpProbe(q, x, v, { name: 'q<script>' });
    const b = p.toMimeBundle();
    expect(Object.keys(b).sort()).toEqual([MIME.hvpProbe, 'text/html', 'text/plain'].sort());
    const payload = b[MIME.hvpProbe] as HvpProbePayload;
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
    expect(payload.hvp).toHaveLength(4);
    expect(payload.finiteDifference.h).toBe(p.h);
    expect(payload.spectrum!.eigenvalues).toHaveLength(4);
    const html = b['text/html'] as string;
    expect(html).not.toContain('<script>');
    expect(html).toContain('q&lt;script&gt;');
    expect(b['text/plain']).toContain('HvpProbe(q<script>');
  });

  it('rejects a non-scalar f, naming the op and the shape', () => {
    expect(() => hvpProbe((z: Tensor) => z, x, v)).toThrow(
      /hvpProbe: f must return a scalar, got shape \[4\]/,
    );
  });
});

describe('live probe operations (what the widget asks the kernel)', () => {
  const ask = async (handle: string, op: string, args: Record<string, unknown>) => {
    const r = await answerLiveRequest({ id: 't', handle, op, args });
    if (!r.ok) throw new Error(r.error);
    return JSON.parse(JSON.stringify(r.result));
  };

  it('Jacobian probe above 256: nothing eager; J v, Jᵀ w, columns and rows on demand; setX moves x', async () => {
    const n = 400;
    const m = 280;
    const B = random.normal(random.key(3), [m, n], 'float64');
    const g = (x: Tensor) => np.tanh(np.matmul(B, x));
    const x = random.normal(random.key(4), [n], 'float64');
    const p = jacobianProbe(g, x);
    const payload = p.payload();
    expect(payload.columns).toEqual([]);
    expect(payload.columnIndices).toEqual([]);
    expect(payload.unitCost!.jvpMs).toBeGreaterThan(0);
    expect(payload.live!.handle).toBe(p.handle);
    // J = diag(1 − tanh²(B x)) B, written out independently of the probe's JVPs and VJPs.
    const t = np.tanh(np.matmul(B, x));
    const J = np.mul(np.reshape(np.sub(1, np.mul(t, t)), [m, 1]), B);
    const v = Array.from({ length: n }, (_, i) => Math.sin(i));
    const jv = await ask(p.handle!, 'jvp', { v });
    const expected = Array.from(np.matmul(J, np.array(v, 'float64')).dataSync());
    jv.values.forEach((a: number, i: number) => expect(a).toBeCloseTo(expected[i], 10));
    const w = Array.from({ length: m }, (_, i) => (i % 7) - 3);
    const jtw = await ask(p.handle!, 'vjp', { w });
    const expectedT = Array.from(np.matmul(np.array(w, 'float64'), J).dataSync());
    jtw.values.forEach((a: number, i: number) => expect(a).toBeCloseTo(expectedT[i], 10));
    const cols = await ask(p.handle!, 'columns', { indices: [5, 399] });
    expect(cols.slices.map((s: { index: number }) => s.index)).toEqual([5, 399]);
    expect(cols.slices[1].values[7]).toBeCloseTo(J.dataSync()[7 * n + 399], 12);
    const rows = await ask(p.handle!, 'rows', { indices: [279] });
    expect(rows.slices[0].values[11]).toBeCloseTo(J.dataSync()[279 * n + 11], 12);

    const moved = await ask(p.handle!, 'setX', { x: new Array(n).fill(0) });
    expect(moved.x).toEqual(new Array(n).fill(0));
    expect(moved.live.handle).toBe(p.handle);
    // At x = 0, tanh' = 1: J = B.
    const col = await ask(p.handle!, 'columns', { indices: [2] });
    col.slices[0].values.forEach((a: number, i: number) =>
      expect(a).toBeCloseTo(B.dataSync()[i * n + 2], 12),
    );
  });

  it('bad live arguments name the operation and the expected length', async () => {
    const p = jacobianProbe(f, x0);
    expect(
      await answerLiveRequest({ id: 'a', handle: p.handle, op: 'jvp', args: { v: [1, 2] } }),
    ).toMatchObject({
      ok: false,
      error: 'jvp failed: RangeError: jacobianProbe.jvp: v has 2 entries, expected 3',
    });
    expect(
      await answerLiveRequest({ id: 'b', handle: p.handle, op: 'columns', args: { indices: [3] } }),
    ).toMatchObject({ ok: false, error: expect.stringContaining('index 3 is outside [0, 3)') });
  });

  it('HVP probe: H v for a new v and step, Lanczos with a chosen k, indefinite spectra said so', async () => {
    const q = (z: Tensor) => np.add(np.sum(np.pow(z, 4)), np.mul(np.prod(z), 3));
    const x = np.array([1, -0.5, 2, 0.25], 'float64');
    const p = hvpProbe(q, x);
    const v = [0.5, -1, 0.25, 2];
    const r = await ask(p.handle!, 'hvp', { v, h: 1e-4 });
    const expected = Array.from(
      np.matmul(hessian(q)(x) as Tensor, np.array(v, 'float64')).dataSync(),
    );
    r.hvp.forEach((a: number, i: number) => expect(a).toBeCloseTo(expected[i], 10));
    expect(r.h).toBe(1e-4);
    expect(r.maxError).toBeLessThan(1e-5);
    const l = await ask(p.handle!, 'lanczos', { k: 4 });
    expect(l.eigenvalues).toHaveLength(4);
    l.eigenvalues.forEach((e: number, i: number) =>
      expect(e).toBeCloseTo(p.spectrum!.eigenvalues[i], 6),
    );
    expect(
      await answerLiveRequest({ id: 'c', handle: p.handle, op: 'lanczos', args: { k: 9 } }),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('k must be an integer in [1, 4]'),
    });

    const saddle = hvpProbe(
      (z: Tensor) => np.sub(np.mul(z.get(0), z.get(0)), np.mul(z.get(1), z.get(1))),
      [1, 1],
    );
    expect(saddle.spectrumText()).toBe('indefinite, λ from -2 to 2');
    expect(String(saddle)).not.toContain('Infinity');
    expect(hvpProbe((z: Tensor) => np.sum(np.exp(z)), x).spectrumText()).toMatch(
      /^positive definite, λ from 0.6065 to 7.389, condition 12.18$/,
    );
  });
});
