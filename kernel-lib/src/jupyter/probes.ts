/**
 * Static probes of a function's derivatives at a point, displayed richly: the Jacobian built
 * column by column from JVPs and row by row from VJPs (with both modes timed and the adjoint
 * identity checked), and the Hessian-vector product against finite differences of gradients (with
 * the Hessian and its spectrum for small n).
 */
import { tensorFromHost } from '../backends';
import { allocate, isFloat } from '../core/dtype';
import type { Tensor, TensorLike } from '../core/tensor';
import { asTensor, astype } from '../numpy/convert';
import { eigh, vdot } from '../numpy/linalg';
import { add, div, mul, sub } from '../numpy/math';
import { key, normal } from '../numpy/random';
import { reshape } from '../numpy/shape';
import { lanczos } from '../numerics/lanczos';
import { optimalStep } from '../numerics/finite-differences';
import { grad } from '../transforms/grad';
import { hessian, hvp } from '../transforms/jacobian';
import { jvp } from '../transforms/jvp';
import { vjp } from '../transforms/vjp';
import { escapeHtml } from './tensor-display';
import {
  MIME,
  toJsonNumber,
  type HvpProbePayload,
  type JacobianProbePayload,
  type MimeBundle,
  type MimeBundleProvider,
  type PayloadDType,
} from './protocol';

/** Largest n and m the Jacobian probe accepts (n JVPs and m VJPs, an m x n grid in the page). */
export const MAX_JACOBIAN_PROBE_DIM = 256;
/** Largest n the HVP probe accepts. */
export const MAX_HVP_PROBE_DIM = 4096;
/** Largest n for which the HVP probe forms the dense Hessian and its full spectrum. */
export const MAX_DENSE_HESSIAN = 64;

type TensorFn = (x: Tensor) => Tensor;

const fmtShape = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** x as a float tensor (ints and bools become float32: derivatives need a float dtype). */
function floatInput(x: TensorLike): [Tensor, 'float32' | 'float64'] {
  const t = asTensor(x);
  const f = isFloat(t.dtype) ? t : astype(t, 'float32');
  return [f, f.dtype === 'float64' ? 'float64' : 'float32'];
}

/** The flattened function z ↦ vec(f(unvec(z))). */
function flatten(f: TensorFn, shape: readonly number[]): TensorFn {
  return (z) => reshape(f(reshape(z, [...shape])), [-1]);
}

function basis(i: number, size: number, dtype: Tensor['dtype']): Tensor {
  const e = allocate(dtype, size);
  e[i] = 1;
  return tensorFromHost(e, [size], dtype);
}

const values = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

function fmt(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)
    ? x.toExponential(digits - 1)
    : String(Number(x.toPrecision(digits)));
}

const nameOf = (f: TensorFn, name?: string) => name ?? (f.name || 'f');

/** Options of {@link jacobianProbe}. */
export interface JacobianProbeOptions {
  /** A name for f in the display (default the function's name). */
  name?: string;
  /** Random pairs (w, v) for the adjoint check (default 3). */
  pairs?: number;
  /** Seed of the random pairs (default 0). */
  seed?: number;
}

/**
 * The Jacobian of f: Rⁿ → Rᵐ at x computed both ways: column j = J e_j by one JVP each (forward
 * mode, n passes) and row i = e_iᵀ J by one pullback each (reverse mode, one forward pass then m
 * pullbacks), with the measured cost of both and the adjoint identity |<w, J v> − <Jᵀ w, v>|.
 * Displays as an interactive grid in JupyterLab. Build it with {@link jacobianProbe}.
 */
export class JacobianProbe implements MimeBundleProvider {
  constructor(
    readonly name: string,
    readonly dtype: PayloadDType,
    readonly x: number[],
    /** Columns J e_j (m values each), by column. */
    readonly columns: number[][],
    /** Rows e_iᵀ J (n values each), by row. */
    readonly rows: number[][],
    readonly cost: JacobianProbePayload['cost'],
    /** max |<w, J v> − <Jᵀ w, v>| over {@link adjointPairs} random pairs. */
    readonly adjointError: number,
    readonly adjointPairs: number,
  ) {}

  /** Input dimension. */
  get n(): number {
    return this.x.length;
  }

  /** Output dimension. */
  get m(): number {
    return this.rows.length;
  }

  /** J as rows of the forward-mode columns: jacobian()[i][j] = columns[j][i]. */
  jacobian(): number[][] {
    return this.rows.map((_, i) => this.columns.map((c) => c[i]));
  }

  /** max |columns[j][i] − rows[i][j]|: how far the two modes disagree. */
  modeDifference(): number {
    let d = 0;
    this.rows.forEach((r, i) =>
      r.forEach((v, j) => (d = Math.max(d, Math.abs(v - this.columns[j][i])))),
    );
    return d;
  }

  /** The `application/vnd.adlab.jacobian-probe.v1+json` payload. */
  payload(): JacobianProbePayload {
    const enc = (a: number[]) => a.map(toJsonNumber);
    return {
      name: this.name,
      dtype: this.dtype,
      n: this.n,
      m: this.m,
      x: enc(this.x),
      columns: this.columns.map(enc),
      rows: this.rows.map(enc),
      cost: {
        forwardMs: this.cost.forwardMs,
        reverseMs: this.cost.reverseMs,
        columnMs: [...this.cost.columnMs],
        rowMs: [...this.cost.rowMs],
      },
      adjointError: this.adjointError,
      adjointPairs: this.adjointPairs,
    };
  }

  /** The static fallback: J with per-column and per-row costs, both totals and the adjoint error. */
  toHtml(): string {
    const head = this.columns.map((_, j) => `<th>col ${j}</th>`).join('');
    const body = this.jacobian()
      .map(
        (r, i) =>
          `<tr><th>row ${i}</th>${r.map((v) => `<td>${fmt(v)}</td>`).join('')}<td>${fmt(this.cost.rowMs[i])} ms</td></tr>`,
      )
      .join('');
    const costs = this.cost.columnMs.map((ms) => `<td>${fmt(ms)} ms</td>`).join('');
    return (
      `<div><b>Jacobian probe</b> ${escapeHtml(this.name)}: R<sup>${this.n}</sup> → R<sup>${this.m}</sup> (${this.dtype})</div>` +
      `<table><tr><th></th>${head}<th>VJP cost</th></tr>${body}<tr><th>JVP cost</th>${costs}<td></td></tr></table>` +
      `<div>forward mode: ${this.n} JVPs, one column each, ${fmt(this.cost.forwardMs)} ms · reverse mode: ${this.m} VJPs, one row each, ${fmt(this.cost.reverseMs)} ms · adjoint error ${fmt(this.adjointError)}</div>`
    );
  }

  toString(): string {
    return (
      `JacobianProbe(${this.name}: R^${this.n} -> R^${this.m}, forward ${fmt(this.cost.forwardMs)} ms (${this.n} JVPs), ` +
      `reverse ${fmt(this.cost.reverseMs)} ms (${this.m} VJPs), adjoint error ${fmt(this.adjointError)})`
    );
  }

  toMimeBundle(): MimeBundle {
    return {
      [MIME.jacobianProbe]: this.payload(),
      'text/html': this.toHtml(),
      'text/plain': this.toString(),
    };
  }
}

/**
 * Probes the Jacobian of `f` at `x` (input and output are flattened): every column by a JVP, every
 * row by a VJP, both modes timed, and the adjoint identity checked on random pairs.
 * Displays as an interactive grid (reveal columns and rows) in JupyterLab.
 * @example jacobianProbe((x: Tensor) => np.sin(np.matmul(A, x)), np.array([0.1, 0.2, 0.3], 'float64'))
 */
export function jacobianProbe(
  f: TensorFn,
  x: TensorLike,
  options: JacobianProbeOptions = {},
): JacobianProbe {
  const [xt, dtype] = floatInput(x);
  const n = xt.size;
  const ff = flatten(f, xt.shape);
  const x0 = reshape(xt, [-1]);
  const out = f(xt);
  const m = out.size;
  if (n > MAX_JACOBIAN_PROBE_DIM || m > MAX_JACOBIAN_PROBE_DIM || n === 0 || m === 0) {
    throw new RangeError(
      `jacobianProbe: f maps ${fmtShape(xt.shape)} to ${fmtShape(out.shape)} (n = ${n}, m = ${m}); ` +
        `the probe needs 1 <= n, m <= ${MAX_JACOBIAN_PROBE_DIM}`,
    );
  }
  if (!isFloat(out.dtype))
    throw new TypeError(`jacobianProbe: f returns ${out.dtype}, not a float tensor`);

  const columns: number[][] = [];
  const columnMs: number[] = [];
  for (let j = 0; j < n; j++) {
    const t0 = performance.now();
    const [, col] = jvp(ff, [x0], [basis(j, n, dtype)]);
    columns.push(values(col));
    columnMs.push(performance.now() - t0);
  }

  const rows: number[][] = [];
  const rowMs: number[] = [];
  const start = performance.now();
  const [y, pullback] = vjp<Tensor>(ff, [x0]);
  const recordMs = performance.now() - start;
  const pull = (w: Tensor) => (pullback(w) as Tensor[])[0];
  for (let i = 0; i < m; i++) {
    const t0 = performance.now();
    rows.push(values(pull(basis(i, m, y.dtype))));
    rowMs.push(performance.now() - t0);
  }
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);

  const pairs = options.pairs ?? 3;
  const seed = options.seed ?? 0;
  let adjointError = 0;
  for (let k = 0; k < pairs; k++) {
    const v = normal(key(seed + 2 * k), [n], dtype);
    const w = normal(key(seed + 2 * k + 1), [m], y.dtype === 'float64' ? 'float64' : 'float32');
    const jv = jvp(ff, [x0], [v])[1];
    const jtw = pull(w);
    adjointError = Math.max(adjointError, Math.abs(vdot(w, jv).item() - vdot(jtw, v).item()));
  }

  return new JacobianProbe(
    nameOf(f, options.name),
    dtype,
    values(x0),
    columns,
    rows,
    { forwardMs: sum(columnMs), reverseMs: recordMs + sum(rowMs), columnMs, rowMs },
    adjointError,
    pairs,
  );
}

/** Options of {@link hvpProbe}. */
export interface HvpProbeOptions {
  /** A name for f in the display (default the function's name). */
  name?: string;
  /** The finite-difference step (default ε^(1/3) · max(1, ‖x‖∞) / ‖v‖∞). */
  h?: number;
  /** Lanczos steps when n exceeds {@link MAX_DENSE_HESSIAN} (default 30); 0 skips the spectrum. */
  lanczosSteps?: number;
  /** Seed of v when it is not given, and of the Lanczos start vector (default 0). */
  seed?: number;
}

/**
 * A Hessian-vector product H v at x computed by forward-over-reverse, checked against central
 * differences of gradients; for small n the dense Hessian, and the spectrum (dense `eigh` for small
 * n, else Lanczos) with the condition number. Build it with {@link hvpProbe}.
 */
export class HvpProbe implements MimeBundleProvider {
  constructor(
    readonly name: string,
    readonly dtype: PayloadDType,
    readonly x: number[],
    readonly v: number[],
    /** H v by forward-over-reverse (`hvp`). */
    readonly hv: number[],
    /** H v by central differences of gradients with step {@link h}. */
    readonly fd: number[],
    readonly h: number,
    /** The dense Hessian (row-major n x n) when n <= {@link MAX_DENSE_HESSIAN}. */
    readonly hessian: number[] | undefined,
    readonly spectrum:
      { eigenvalues: number[]; condition: number; method: 'eigh' | 'lanczos' } | undefined,
  ) {}

  get n(): number {
    return this.x.length;
  }

  /** max |H v − FD estimate|. */
  get fdError(): number {
    return this.hv.reduce((e, a, i) => Math.max(e, Math.abs(a - this.fd[i])), 0);
  }

  /** The `application/vnd.adlab.hvp-probe.v1+json` payload. */
  payload(): HvpProbePayload {
    const enc = (a: number[]) => a.map(toJsonNumber);
    const p: HvpProbePayload = {
      name: this.name,
      dtype: this.dtype,
      n: this.n,
      x: enc(this.x),
      v: enc(this.v),
      hvp: enc(this.hv),
      finiteDifference: { values: enc(this.fd), h: this.h, maxError: toJsonNumber(this.fdError) },
    };
    if (this.hessian) p.hessian = enc(this.hessian);
    if (this.spectrum)
      p.spectrum = {
        eigenvalues: enc(this.spectrum.eigenvalues),
        condition: toJsonNumber(this.spectrum.condition),
        method: this.spectrum.method,
      };
    return p;
  }

  /** The static fallback: v, H v and the FD estimate side by side, the FD error and the spectrum. */
  toHtml(): string {
    const rows = this.hv
      .map(
        (a, i) =>
          `<tr><th>${i}</th><td>${fmt(this.v[i])}</td><td>${fmt(a)}</td><td>${fmt(this.fd[i])}</td><td>${fmt(a - this.fd[i])}</td></tr>`,
      )
      .join('');
    const s = this.spectrum;
    const spectrum = s
      ? `<div>spectrum (${s.method}): λ_min ${fmt(s.eigenvalues[0])}, λ_max ${fmt(s.eigenvalues[s.eigenvalues.length - 1])}, condition ${fmt(s.condition)}</div>`
      : '';
    return (
      `<div><b>HVP probe</b> ${escapeHtml(this.name)}: n = ${this.n} (${this.dtype})</div>` +
      `<table><tr><th>i</th><th>v</th><th>H v (fwd-rev)</th><th>finite diff.</th><th>difference</th></tr>${rows}</table>` +
      `<div>central differences of gradients, h = ${fmt(this.h)}; max error ${fmt(this.fdError)}</div>${spectrum}`
    );
  }

  toString(): string {
    const s = this.spectrum;
    return (
      `HvpProbe(${this.name}: n = ${this.n}, max |Hv - FD| = ${fmt(this.fdError)} at h = ${fmt(this.h)}` +
      (s ? `, condition ${fmt(s.condition)} (${s.method})` : '') +
      ')'
    );
  }

  toMimeBundle(): MimeBundle {
    return {
      [MIME.hvpProbe]: this.payload(),
      'text/html': this.toHtml(),
      'text/plain': this.toString(),
    };
  }
}

/**
 * Probes the Hessian of a scalar `f` at `x` along `v` (default a seeded normal vector): H v by
 * forward-over-reverse against central differences of gradients, the dense Hessian for small n and
 * its extreme eigenvalues with the condition number.
 * @example hvpProbe((x: Tensor) => np.sum(np.pow(x, 4)), np.array([1, -0.5, 2], 'float64'), np.array([1, 0, 0], 'float64'))
 */
export function hvpProbe(
  f: TensorFn,
  x: TensorLike,
  v?: TensorLike,
  options: HvpProbeOptions = {},
): HvpProbe {
  const [xt, dtype] = floatInput(x);
  const n = xt.size;
  const ff: TensorFn = (z) => f(reshape(z, [...xt.shape]));
  const x0 = reshape(xt, [-1]);
  const seed = options.seed ?? 0;
  const vt =
    v === undefined ? normal(key(seed), [n], dtype) : reshape(astype(asTensor(v), dtype), [-1]);
  if (n === 0 || n > MAX_HVP_PROBE_DIM)
    throw new RangeError(
      `hvpProbe: x has shape ${fmtShape(xt.shape)} (n = ${n}); the probe needs 1 <= n <= ${MAX_HVP_PROBE_DIM}`,
    );
  if (vt.size !== n)
    throw new Error(`hvpProbe: v has ${vt.size} entries but x has shape ${fmtShape(xt.shape)}`);
  const out = ff(x0);
  if (out.size !== 1)
    throw new Error(`hvpProbe: f must return a scalar, got shape ${fmtShape(out.shape)}`);

  const hv = hvp(ff, [x0], [vt]) as Tensor;
  const vals = values(vt);
  const xs = values(x0);
  const vmax = Math.max(...vals.map(Math.abs));
  const xmax = Math.max(1, ...xs.map(Math.abs));
  // Central differences balance O(h²) truncation against O(ε/h) round-off at h ~ ε^(1/3) (for a
  // step h·v scaled so that it moves x relative to its own size).
  const h = options.h ?? (optimalStep('central', dtype) * xmax) / (vmax || 1);
  const g = grad(ff);
  const gAt = (s: number) => g(add(x0, mul(vt, s))) as Tensor;
  const fd = div(sub(gAt(h), gAt(-h)), 2 * h);

  let dense: number[] | undefined;
  let spectrum: HvpProbe['spectrum'];
  if (n <= MAX_DENSE_HESSIAN) {
    const H = reshape(hessian(ff)(x0) as Tensor, [n, n]);
    dense = values(H);
    // Symmetrize before eigh: forward-over-reverse gives H up to round-off asymmetry.
    const [w] = eigh(mul(add(H, H.T), 0.5));
    const eig = values(w);
    const abs = eig.map(Math.abs);
    spectrum = { eigenvalues: eig, condition: Math.max(...abs) / Math.min(...abs), method: 'eigh' };
  } else if ((options.lanczosSteps ?? 30) > 0) {
    const r = lanczos((u: Tensor) => hvp(ff, [x0], [astype(u, dtype)]) as Tensor, {
      n,
      steps: options.lanczosSteps ?? 30,
      seed,
      reorthogonalize: true,
    });
    spectrum = { eigenvalues: r.ritzValues, condition: r.conditionNumber, method: 'lanczos' };
  }

  return new HvpProbe(
    nameOf(f, options.name),
    dtype,
    xs,
    vals,
    values(hv),
    values(fd),
    h,
    dense,
    spectrum,
  );
}
