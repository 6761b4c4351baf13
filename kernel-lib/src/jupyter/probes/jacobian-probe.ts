/**
 * The Jacobian probe: the Jacobian of f: Rⁿ → Rᵐ at x built column by column from JVPs and row by
 * row from VJPs, both modes timed, and the adjoint identity checked; displayed richly.
 */
import { isFloat } from '../../core/dtype';
import type { Tensor, TensorLike } from '../../core/tensor';
import { vdot } from '../../numpy/linalg';
import { key, normal } from '../../numpy/random';
import { reshape } from '../../numpy/shape';
import { jvp } from '../../transforms/jvp';
import { vjp } from '../../transforms/vjp';
import {
  MIME,
  toJsonNumber,
  type JacobianProbePayload,
  type MimeBundle,
  type MimeBundleProvider,
  type PayloadDType,
} from '../protocol';
import { escapeHtml } from '../tensor-display';
import { basis, flatten, floatInput, fmt, fmtShape, nameOf, values, type TensorFn } from './shared';

/** Largest n and m the Jacobian probe accepts (n JVPs and m VJPs, an m x n grid in the page). */
export const MAX_JACOBIAN_PROBE_DIM = 256;

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
