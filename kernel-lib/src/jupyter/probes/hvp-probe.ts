/**
 * The HVP probe: the Hessian-vector product by forward-over-reverse against finite differences of
 * gradients, with the Hessian and its spectrum (dense for small n, Lanczos above); displayed richly.
 */
import type { Tensor, TensorLike } from '../../core/tensor';
import { optimalStep } from '../../numerics/finite-differences';
import { lanczos } from '../../numerics/lanczos';
import { asTensor, astype } from '../../numpy/convert';
import { eigh } from '../../numpy/linalg';
import { add, div, mul, sub } from '../../numpy/math';
import { key, normal } from '../../numpy/random';
import { reshape } from '../../numpy/shape';
import { grad } from '../../transforms/grad';
import { hessian, hvp } from '../../transforms/jacobian';
import { liveHandle } from '../live';
import {
  MIME,
  spectrumSummary,
  toJsonNumber,
  type HvpProbePayload,
  type LiveHvpResult,
  type LiveLanczosResult,
  type MimeBundle,
  type MimeBundleProvider,
  type PayloadDType,
} from '../protocol';
import { escapeHtml } from '../tensor-display';
import {
  floatInput,
  fmt,
  fmtShape,
  hostVector,
  nameOf,
  values,
  vectorArg,
  type TensorFn,
} from './shared';

/** Largest n the HVP probe accepts. */
export const MAX_HVP_PROBE_DIM = 4096;
/** Largest n for which the HVP probe forms the dense Hessian and its full spectrum. */
export const MAX_DENSE_HESSIAN = 64;

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
    /** The live handle its widget calls (absent outside {@link hvpProbe}). */
    readonly handle?: string,
  ) {}

  /** The spectrum in words: definite with κ, indefinite with the eigenvalue range, or singular. */
  spectrumText(): string {
    const s = this.spectrum;
    if (!s) return '';
    const sum = spectrumSummary(s.eigenvalues, this.dtype === 'float32' ? 1e-6 : 1e-12);
    const range = `λ from ${fmt(sum.min)} to ${fmt(sum.max)}`;
    return sum.condition === undefined
      ? `${sum.kind}, ${range}`
      : `${sum.kind}, ${range}, condition ${fmt(sum.condition)}`;
  }

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
    if (this.handle) p.live = { handle: this.handle };
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
    const spectrum = s ? `<div>spectrum (${s.method}): ${this.spectrumText()}</div>` : '';
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
      (s ? `, ${this.spectrumText()} (${s.method})` : '') +
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

  const product = hvpAndDifferences(ff, x0, vt, dtype, options.h);

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
    const r = ritzValues(ff, x0, dtype, options.lanczosSteps ?? 30, seed);
    spectrum = { eigenvalues: r.ritzValues, condition: r.conditionNumber, method: 'lanczos' };
  }

  const handle = liveHandle({
    hvp: ({ v: raw, h }): LiveHvpResult => {
      const v2 = hostVector(vectorArg(raw, 'hvpProbe.hvp', 'v', n), dtype);
      if (h !== undefined && !(typeof h === 'number' && h > 0 && Number.isFinite(h)))
        throw new RangeError(
          `hvpProbe.hvp: the step h must be a positive number, got ${String(h)}`,
        );
      const r = hvpAndDifferences(ff, x0, v2, dtype, h as number | undefined);
      const maxError = r.hv.reduce((e, a, i) => Math.max(e, Math.abs(a - r.fd[i])), 0);
      return {
        hvp: r.hv.map(toJsonNumber),
        fd: r.fd.map(toJsonNumber),
        h: r.h,
        maxError: toJsonNumber(maxError),
        hvpMs: r.hvpMs,
        fdMs: r.fdMs,
      };
    },
    lanczos: ({ k }): LiveLanczosResult => {
      if (!Number.isInteger(k) || k < 1 || k > Math.min(n, MAX_LANCZOS_STEPS))
        throw new RangeError(
          `hvpProbe.lanczos: k must be an integer in [1, ${Math.min(n, MAX_LANCZOS_STEPS)}], got ${String(k)}`,
        );
      const t0 = performance.now();
      const r = ritzValues(ff, x0, dtype, k as number, seed);
      return { eigenvalues: r.ritzValues.map(toJsonNumber), ms: performance.now() - t0 };
    },
  });

  return new HvpProbe(
    nameOf(f, options.name),
    dtype,
    values(x0),
    values(vt),
    product.hv,
    product.fd,
    product.h,
    dense,
    spectrum,
    handle,
  );
}

/** Lanczos steps a live request may ask for. */
export const MAX_LANCZOS_STEPS = 200;

/** k Lanczos steps on the Hessian of `ff` at `x0` (each step one HVP), reorthogonalized. */
function ritzValues(
  ff: TensorFn,
  x0: Tensor,
  dtype: 'float32' | 'float64',
  k: number,
  seed: number,
) {
  return lanczos((u: Tensor) => hvp(ff, [x0], [astype(u, dtype)]) as Tensor, {
    n: x0.size,
    steps: k,
    seed,
    reorthogonalize: true,
  });
}

/** H v by forward-over-reverse and by central differences of gradients with step h, both timed. */
function hvpAndDifferences(
  ff: TensorFn,
  x0: Tensor,
  vt: Tensor,
  dtype: 'float32' | 'float64',
  step: number | undefined,
): { hv: number[]; fd: number[]; h: number; hvpMs: number; fdMs: number } {
  const t0 = performance.now();
  const hv = values(hvp(ff, [x0], [vt]) as Tensor);
  const hvpMs = performance.now() - t0;
  const vmax = Math.max(...values(vt).map(Math.abs));
  const xmax = Math.max(1, ...values(x0).map(Math.abs));
  // Central differences balance O(h²) truncation against O(ε/h) round-off at h ~ ε^(1/3) (for a
  // step h·v scaled so that it moves x relative to its own size).
  const h = step ?? (optimalStep('central', dtype) * xmax) / (vmax || 1);
  const t1 = performance.now();
  const g = grad(ff);
  const gAt = (s: number) => g(add(x0, mul(vt, s))) as Tensor;
  const fd = values(div(sub(gAt(h), gAt(-h)), 2 * h));
  return { hv, fd, h, hvpMs, fdMs: performance.now() - t1 };
}
