/**
 * checkGrads: tests a function's derivatives the way adlab tests its own rules. Forward mode is
 * compared with central finite differences in float64; reverse mode with forward mode through the
 * adjoint identity <w, J u> = <Jᵀ w, u>; order 2 repeats both checks on x -> J(x) u.
 */
import { isFloat } from '../core/dtype';
import { tensorLeaves } from '../core/pytree';
import { Tensor } from '../core/tensor';
import { tensorFromHost } from '../backends';
import { astype } from '../numpy/convert';
import { add, mul } from '../numpy/math';
import { normal, key, split } from '../numpy/random';
import { jvp } from '../transforms/jvp';
import { vjp } from '../transforms/vjp';

/** Options of {@link checkGrads}. */
export interface CheckGradsOptions {
  /** Highest derivative order to check (default 2). */
  order?: number;
  /** Which modes to check (default both). */
  modes?: readonly ('fwd' | 'rev')[];
  /** Finite-difference step (default 1e-6, float64). */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed for the random directions. */
  seed?: number;
  /**
   * Also check reverse mode element by element: each entry of Jᵀ w against a central difference
   * of <w, f(x)> along that input element (2 evaluations of f per input element; default false).
   */
  perElement?: boolean;
}

/** One comparison made by checkGrads. */
export interface GradCheck {
  order: number;
  /** The function checked: 'f', then 'jvp(f)' (x -> J(x) u) and 'vjp(f)' (x -> J(x)ᵀ w). */
  of: string;
  mode: 'fwd' | 'rev';
  /** Largest |a - b| / (atol + rtol |b|) over the compared elements; <= 1 passes. */
  worst: number;
  /** Largest absolute error. */
  maxAbsError: number;
  /**
   * Relative error |a - b| / max(|b|, atol / rtol) of each compared element: every output element
   * of J u (forward), every input element of Jᵀ w with `perElement` (reverse), else the one
   * adjoint-identity scalar.
   */
  relErrors: number[];
}

type Fn = (...xs: Tensor[]) => unknown;

const float64 = (x: Tensor) => (isFloat(x.dtype) ? astype(x, 'float64') : x);
const leaves = (tree: unknown) => tensorLeaves(tree)[0];

function randomLike(xs: Tensor[], seed: number): Tensor[] {
  const keys = split(key(seed), xs.length);
  return xs.map((x, i) => (isFloat(x.dtype) ? normal(keys[i], x.shape, 'float64') : x));
}

function vdotAll(a: Tensor[], b: Tensor[]): number {
  let s = 0;
  a.forEach((x, i) => {
    if (!isFloat(x.dtype)) return;
    const p = x.dataSync();
    const q = b[i].dataSync();
    for (let k = 0; k < p.length; k++) s += p[k] * q[k];
  });
  return s;
}

function compare(got: number[], want: number[], atol: number, rtol: number) {
  let worst = 0;
  let maxAbsError = 0;
  got.forEach((g, i) => {
    const w = want[i];
    const err = Number.isNaN(g) && Number.isNaN(w) ? 0 : g === w ? 0 : Math.abs(g - w);
    maxAbsError = Math.max(maxAbsError, Number.isNaN(err) ? Infinity : err);
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err / (atol + rtol * Math.abs(w)));
  });
  const relErrors = got.map((g, i) => {
    const w = want[i];
    if (g === w || (Number.isNaN(g) && Number.isNaN(w))) return 0;
    return Math.abs(g - w) / Math.max(Math.abs(w), atol / rtol);
  });
  return { worst, maxAbsError, relErrors };
}

/** Flattened float values of the leaves of a result. */
function values(tree: unknown): number[] {
  return leaves(tree)
    .filter((t) => isFloat(t.dtype))
    .flatMap((t) => Array.from(t.dataSync()));
}

/**
 * Checks the derivatives of `f` at `args` up to `options.order`; throws an Error describing the
 * first mismatch and returns every comparison made.
 * @example checkGrads((x) => np.sum(np.tanh(x)), [np.array([0.3, -1.2])])
 */
export function checkGrads(
  f: Fn,
  args: readonly Tensor[],
  options: CheckGradsOptions = {},
): GradCheck[] {
  const { order = 2, modes = ['fwd', 'rev'], atol = 1e-6, rtol = 1e-5, seed = 0 } = options;
  const eps = options.eps ?? 1e-6;
  const xs = args.map(float64);
  const report: GradCheck[] = [];
  const run = (g: Fn, level: number, path: string) => {
    const u = randomLike(xs, seed + 7 * level);
    const [, dy] = jvp(g as never, xs, u);
    const plus = g(...xs.map((x, i) => (isFloat(x.dtype) ? add(x, mul(u[i], eps)) : x)));
    const minus = g(...xs.map((x, i) => (isFloat(x.dtype) ? add(x, mul(u[i], -eps)) : x)));
    const minusValues = values(minus);
    const fd = values(plus).map((p, i) => (p - minusValues[i]) / (2 * eps));
    const jvpValues = values(dy);
    if (modes.includes('fwd')) record(level, path, 'fwd', compare(jvpValues, fd, atol, rtol));
    let pullbackOfW: Fn | undefined;
    if (modes.includes('rev')) {
      const [y, pullback] = vjp(g as never, xs);
      const ys = leaves(y);
      const w = randomLike(ys, seed + 7 * level + 3);
      const seedCt = (ys.length === 1 && y instanceof Tensor ? w[0] : structureLike(y, w)) as never;
      const ct = pullback(seedCt);
      pullbackOfW = (...zs: Tensor[]) => vjp(g as never, zs)[1](seedCt);
      if (options.perElement) {
        // Each entry of Jᵀ w against d<w, g(x)>/dx_i by central differences.
        const got: number[] = [];
        const want: number[] = [];
        const cts = leaves(ct);
        xs.forEach((x, j) => {
          if (!isFloat(x.dtype)) return;
          const gj = cts[j].dataSync();
          const base = Array.from(x.dataSync());
          for (let i = 0; i < x.size; i++) {
            const at = (step: number) => {
              const moved = base.slice();
              moved[i] += step;
              const args = xs.map((z, k) => (k === j ? reshapeLike(moved, z) : z));
              return vdotAll(w, leaves(g(...args)));
            };
            got.push(gj[i]);
            want.push((at(eps) - at(-eps)) / (2 * eps));
          }
        });
        record(level, path, 'rev', compare(got, want, atol, rtol));
      } else {
        const lhs = vdotAll(w, leaves(dy));
        const rhs = vdotAll(leaves(ct), u);
        record(level, path, 'rev', compare([rhs], [lhs], atol, rtol));
      }
    }
    // Second order and up: the same checks on x -> J(x) u and on x -> J(x)ᵀ w.
    if (level < order) {
      run((...zs: Tensor[]) => jvp(g as never, zs, u)[1], level + 1, `jvp(${path})`);
      if (pullbackOfW) run(pullbackOfW, level + 1, `vjp(${path})`);
    }
  };
  const record = (
    level: number,
    path: string,
    mode: 'fwd' | 'rev',
    r: { worst: number; maxAbsError: number; relErrors: number[] },
  ) => {
    report.push({ order: level, of: path, mode, ...r });
    if (!(r.worst <= 1)) {
      throw new Error(
        `checkGrads: order ${level} (${path}) ${mode === 'fwd' ? 'JVP vs finite differences' : options.perElement ? 'VJP vs finite differences per element' : 'VJP vs JVP (adjoint identity)'} mismatch: max abs error ${r.maxAbsError.toExponential(3)} (atol ${atol}, rtol ${rtol})`,
      );
    }
  };
  run(f, 1, 'f');
  return report;
}

/** A float64 tensor with `values` and the shape of `like`. */
function reshapeLike(values: number[], like: Tensor): Tensor {
  return tensorFromHost(Float64Array.from(values), like.shape, 'float64');
}

/** Rebuilds `w` into the structure of `y` (leaves in order). */
function structureLike(y: unknown, w: Tensor[]): unknown {
  let i = 0;
  const build = (v: unknown): unknown => {
    if (v instanceof Tensor) return w[i++];
    if (Array.isArray(v)) return v.map(build);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, build(x)]));
    return v;
  };
  return build(y);
}
