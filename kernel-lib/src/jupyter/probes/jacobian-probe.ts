/**
 * The Jacobian probe: the Jacobian of f: Rⁿ → Rᵐ at x built column by column from JVPs and row by
 * row from VJPs, both modes timed, and the adjoint identity checked; displayed richly. Up to
 * {@link EAGER_JACOBIAN_DIM} every column and row is computed up front; larger probes (up to
 * {@link MAX_JACOBIAN_PROBE_DIM}) compute columns and rows on demand, through the live channel.
 */
import { isFloat } from '../../core/dtype';
import type { Tensor, TensorLike } from '../../core/tensor';
import { key, normal } from '../../numpy/random';
import { reshape } from '../../numpy/shape';
import { liveHandle, type LiveOps } from '../live';
import {
  MIME,
  toJsonNumber,
  type JacobianProbePayload,
  type LiveSlicesResult,
  type LiveVectorResult,
  type MimeBundle,
  type MimeBundleProvider,
  type PayloadDType,
} from '../protocol';
import { escapeHtml } from '../tensor-display';
import { JacobianAt, type TimedVector } from './jacobian-at';
import {
  floatInput,
  fmt,
  fmtShape,
  hostVector,
  indicesArg,
  nameOf,
  values,
  vectorArg,
  type TensorFn,
} from './shared';

/** Largest n and m the Jacobian probe accepts. */
export const MAX_JACOBIAN_PROBE_DIM = 65_536;
/** Up to this n and m, the probe computes every column (n JVPs) and row (m VJPs) up front. */
export const EAGER_JACOBIAN_DIM = 256;
/** Columns or rows one live request may ask for. */
export const MAX_SLICES_PER_REQUEST = 64;

/** Options of {@link jacobianProbe}. */
export interface JacobianProbeOptions {
  /** A name for f in the display (default the function's name). */
  name?: string;
  /** Random pairs (w, v) for the adjoint check (default 3). */
  pairs?: number;
  /** Seed of the random pairs (default 0). */
  seed?: number;
}

const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
const enc = (a: readonly number[]) => a.map(toJsonNumber);
const range = (k: number) => Array.from({ length: k }, (_, i) => i);

/**
 * The Jacobian of f: Rⁿ → Rᵐ at x computed both ways: column j = J e_j by one JVP each (forward
 * mode, n passes) and row i = e_iᵀ J by one pullback each (reverse mode, one forward pass then m
 * pullbacks), with the measured cost of both and the adjoint identity |<w, J v> − <Jᵀ w, v>|.
 * Displays as an interactive grid in JupyterLab, live while its kernel runs. Build it with
 * {@link jacobianProbe}.
 */
export class JacobianProbe implements MimeBundleProvider {
  constructor(
    readonly name: string,
    readonly dtype: PayloadDType,
    readonly x: number[],
    /** Output dimension. */
    readonly m: number,
    /** Computed columns J e_j (m values each), for the indices {@link columnIndices}. */
    readonly columns: number[][],
    /** Computed rows e_iᵀ J (n values each), for the indices {@link rowIndices}. */
    readonly rows: number[][],
    readonly cost: JacobianProbePayload['cost'],
    /** max |<w, J v> − <Jᵀ w, v>| over {@link adjointPairs} random pairs. */
    readonly adjointError: number,
    readonly adjointPairs: number,
    readonly columnIndices: number[] = range(columns.length),
    readonly rowIndices: number[] = range(rows.length),
    /** Mean milliseconds of one JVP and one VJP. */
    readonly unitCost?: { jvpMs: number; vjpMs: number },
    /** The live handle its widget calls (absent outside {@link jacobianProbe}). */
    readonly handle?: string,
  ) {}

  /** Input dimension. */
  get n(): number {
    return this.x.length;
  }

  /** True when every column was computed up front. */
  get complete(): boolean {
    return this.columns.length === this.n && this.rows.length === this.m;
  }

  /** J as rows of the forward-mode columns: jacobian()[i][j] = columns[j][i] (complete probes). */
  jacobian(): number[][] {
    if (!this.complete)
      throw new RangeError(
        `JacobianProbe.jacobian: only ${this.columns.length} of ${this.n} columns were computed ` +
          `(n or m above ${EAGER_JACOBIAN_DIM}); use jacfwd or jacrev for the full matrix`,
      );
    return range(this.m).map((i) => this.columns.map((c) => c[i]));
  }

  /** max |columns[j][i] − rows[i][j]| over the entries both modes computed. */
  modeDifference(): number {
    let d = 0;
    this.rows.forEach((r, k) => {
      const i = this.rowIndices[k];
      this.columns.forEach((c, l) => (d = Math.max(d, Math.abs(r[this.columnIndices[l]] - c[i]))));
    });
    return d;
  }

  /** The `application/vnd.adlab.jacobian-probe.v1+json` payload. */
  payload(): JacobianProbePayload {
    const p: JacobianProbePayload = {
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
    if (!this.complete) {
      p.columnIndices = [...this.columnIndices];
      p.rowIndices = [...this.rowIndices];
    }
    if (this.unitCost) p.unitCost = { ...this.unitCost };
    if (this.handle) p.live = { handle: this.handle };
    return p;
  }

  /** The static fallback: J with per-column and per-row costs (complete probes), totals, adjoint error. */
  toHtml(): string {
    const title = `<div><b>Jacobian probe</b> ${escapeHtml(this.name)}: R<sup>${this.n}</sup> → R<sup>${this.m}</sup> (${this.dtype})</div>`;
    if (!this.complete) {
      const u = this.unitCost;
      return (
        title +
        `<div>${this.n} columns (one JVP each${u ? `, ${fmt(u.jvpMs)} ms` : ''}) and ${this.m} rows ` +
        `(one VJP each${u ? `, ${fmt(u.vjpMs)} ms` : ''}), computed on demand in JupyterLab · adjoint error ${fmt(this.adjointError)}</div>`
      );
    }
    const head = this.columns.map((_, j) => `<th>col ${j}</th>`).join('');
    const body = this.jacobian()
      .map(
        (r, i) =>
          `<tr><th>row ${i}</th>${r.map((v) => `<td>${fmt(v)}</td>`).join('')}<td>${fmt(this.cost.rowMs[i])} ms</td></tr>`,
      )
      .join('');
    const costs = this.cost.columnMs.map((ms) => `<td>${fmt(ms)} ms</td>`).join('');
    return (
      title +
      `<table><tr><th></th>${head}<th>VJP cost</th></tr>${body}<tr><th>JVP cost</th>${costs}<td></td></tr></table>` +
      `<div>forward mode: ${this.n} JVPs, one column each, ${fmt(this.cost.forwardMs)} ms · reverse mode: ${this.m} VJPs, one row each, ${fmt(this.cost.reverseMs)} ms · adjoint error ${fmt(this.adjointError)}</div>`
    );
  }

  toString(): string {
    const how = this.complete
      ? `forward ${fmt(this.cost.forwardMs)} ms (${this.n} JVPs), reverse ${fmt(this.cost.reverseMs)} ms (${this.m} VJPs)`
      : `columns and rows on demand`;
    return `JacobianProbe(${this.name}: R^${this.n} -> R^${this.m}, ${how}, adjoint error ${fmt(this.adjointError)})`;
  }

  toMimeBundle(): MimeBundle {
    return {
      [MIME.jacobianProbe]: this.payload(),
      'text/html': this.toHtml(),
      'text/plain': this.toString(),
    };
  }
}

/** Everything but the live handle: the probe of `at`. */
function probeAt(
  at: JacobianAt,
  name: string,
  options: JacobianProbeOptions,
  handle?: string,
): JacobianProbe {
  const { n, m, dtype } = at;
  const eager = n <= EAGER_JACOBIAN_DIM && m <= EAGER_JACOBIAN_DIM;
  const columns: TimedVector[] = eager ? range(n).map((j) => at.column(j)) : [];
  const rows: TimedVector[] = eager ? range(m).map((i) => at.row(i)) : [];

  const pairs = options.pairs ?? 3;
  const seed = options.seed ?? 0;
  let adjointError = 0;
  const jvpMs: number[] = [];
  const vjpMs: number[] = [];
  const wDtype = at.outDtype === 'float64' ? 'float64' : 'float32';
  for (let k = 0; k < pairs; k++) {
    const v = values(normal(key(seed + 2 * k), [n], dtype));
    const w = values(normal(key(seed + 2 * k + 1), [m], wDtype));
    const jv = at.jvp(hostVector(v, dtype));
    const jtw = at.vjp(hostVector(w, at.outDtype));
    jvpMs.push(jv.ms);
    vjpMs.push(jtw.ms);
    const dot = (a: number[], b: number[]) => a.reduce((s, ai, i) => s + ai * b[i], 0);
    adjointError = Math.max(adjointError, Math.abs(dot(w, jv.values) - dot(jtw.values, v)));
  }
  const columnMs = columns.map((c) => c.ms);
  const rowMs = rows.map((r) => r.ms);
  const mean = (a: number[]) => (a.length ? sum(a) / a.length : 0);
  return new JacobianProbe(
    name,
    dtype,
    values(at.x0),
    m,
    columns.map((c) => c.values),
    rows.map((r) => r.values),
    { forwardMs: sum(columnMs), reverseMs: at.recordMs + sum(rowMs), columnMs, rowMs },
    adjointError,
    pairs,
    range(columns.length),
    range(rows.length),
    { jvpMs: mean(jvpMs), vjpMs: mean(vjpMs) },
    handle,
  );
}

/** Checks the sizes and dtypes a probe of `f` at `x` needs, and linearizes f there. */
function linearizeAt(f: TensorFn, xt: Tensor, dtype: 'float32' | 'float64'): JacobianAt {
  const at = new JacobianAt(f, xt, dtype);
  const { n, m } = at;
  if (n > MAX_JACOBIAN_PROBE_DIM || m > MAX_JACOBIAN_PROBE_DIM || n === 0 || m === 0) {
    throw new RangeError(
      `jacobianProbe: f maps ${fmtShape(xt.shape)} to ${fmtShape(at.outShape)} (n = ${n}, m = ${m}); ` +
        `the probe needs 1 <= n, m <= ${MAX_JACOBIAN_PROBE_DIM}`,
    );
  }
  if (!isFloat(at.outDtype))
    throw new TypeError(`jacobianProbe: f returns ${at.outDtype}, not a float tensor`);
  return at;
}

/** The live operations of a probe: products, slices, and moving the point. */
function jacobianLiveOps(
  f: TensorFn,
  shape: readonly number[],
  initial: JacobianAt,
  name: string,
  options: JacobianProbeOptions,
  handle: () => string,
): LiveOps {
  let at = initial;
  const timed = (t: TimedVector): LiveVectorResult => ({ values: enc(t.values), ms: t.ms });
  const slices = (indices: number[], one: (i: number) => TimedVector): LiveSlicesResult => ({
    slices: indices.map((index) => ({ index, ...timed(one(index)) })),
  });
  return {
    jvp: ({ v }) =>
      timed(at.jvp(hostVector(vectorArg(v, 'jacobianProbe.jvp', 'v', at.n), at.dtype))),
    vjp: ({ w }) =>
      timed(at.vjp(hostVector(vectorArg(w, 'jacobianProbe.vjp', 'w', at.m), at.outDtype))),
    columns: ({ indices }) =>
      slices(indicesArg(indices, 'jacobianProbe.columns', at.n, MAX_SLICES_PER_REQUEST), (j) =>
        at.column(j),
      ),
    rows: ({ indices }) =>
      slices(indicesArg(indices, 'jacobianProbe.rows', at.m, MAX_SLICES_PER_REQUEST), (i) =>
        at.row(i),
      ),
    setX: ({ x }) => {
      const next = vectorArg(x, 'jacobianProbe.setX', 'x', at.n);
      at = linearizeAt(f, reshape(hostVector(next, at.dtype), [...shape]), at.dtype);
      return probeAt(at, name, options, handle()).payload();
    },
  };
}

/**
 * Probes the Jacobian of `f` at `x` (input and output are flattened): every column by a JVP, every
 * row by a VJP, both modes timed, and the adjoint identity checked on random pairs. In JupyterLab
 * the grid reveals columns and rows on click, and, while the kernel runs, computes J v or Jᵀ w for
 * a typed direction and moves the point x. Above n or m = 256 columns and rows are computed only
 * when asked.
 * @example jacobianProbe((x: Tensor) => np.sin(np.matmul(A, x)), np.array([0.1, 0.2, 0.3], 'float64'))
 */
export function jacobianProbe(
  f: TensorFn,
  x: TensorLike,
  options: JacobianProbeOptions = {},
): JacobianProbe {
  const [xt, dtype] = floatInput(x);
  const at = linearizeAt(f, xt, dtype);
  const name = nameOf(f, options.name);
  let id = '';
  id = liveHandle(jacobianLiveOps(f, xt.shape, at, name, options, () => id));
  return probeAt(at, name, options, id);
}
