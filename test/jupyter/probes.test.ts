import { describe, expect, it } from 'vitest';
import {
  hessian,
  hvpProbe,
  jacfwd,
  jacobianProbe,
  jacrev,
  MIME,
  np,
  Tensor,
} from '../../kernel-lib/src';
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
    expect(() => jacobianProbe((x: Tensor) => x, np.zeros([300], 'float64'))).toThrow(
      /jacobianProbe: f maps \[300\] to \[300\].*<= 256/,
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
