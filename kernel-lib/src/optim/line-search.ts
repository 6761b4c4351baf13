/**
 * Line searches along a descent direction d: backtracking to the Armijo (sufficient decrease)
 * condition, and a strong-Wolfe search (bracketing then zooming, after Nocedal and Wright,
 * Algorithms 3.5 and 3.6). Both cap their trial steps, so a non-smooth or broken function ends the
 * search with a reason instead of looping.
 */
import type { Tensor } from '../core/tensor';
import * as np from '../numpy/ops';
import type { Objective } from './objective';
import type { LineSearchRecord } from './template';

/** A trial point on the line: phi(a) = f(x + a d) and phi'(a) = ∇f(x + a d) · d. */
export interface LinePoint<T = unknown> {
  a: number;
  f: number;
  slope: number;
  /** Whatever the caller wants back at the accepted point (the new x and gradient). */
  data: T;
}

/** The outcome of a line search. */
export type LineSearchOutcome<T> =
  { ok: true; point: LinePoint<T>; trials: number } | { ok: false; reason: string; trials: number };

/** Options of both line searches. */
export interface LineSearchOptions {
  /** First trial step (default 1). */
  a0?: number;
  /** Sufficient-decrease constant (default 1e-4). */
  c1?: number;
  /** Curvature constant of the strong Wolfe condition (default 0.9). */
  c2?: number;
  /** Backtracking factor (default 0.5). */
  rho?: number;
  /** Most trial steps (default 30). */
  maxTrials?: number;
}

const nonFiniteNote = (count: number, trials: number) =>
  count > 0 ? `; non-finite loss at ${count} of ${trials} trial steps` : '';

const armijoHolds = (f0: number, slope0: number, c1: number, p: LinePoint) =>
  Number.isFinite(p.f) && p.f <= f0 + c1 * p.a * slope0;

/**
 * Backtracking: tries a0, rho a0, rho² a0, ... until f(x + a d) <= f(x) + c1 a ∇f·d.
 * @example backtracking((a) => point(a), f0, slope0, { a0: 1 })
 */
export function backtracking<T>(
  phi: (a: number) => LinePoint<T>,
  f0: number,
  slope0: number,
  options: LineSearchOptions = {},
): LineSearchOutcome<T> {
  const { a0 = 1, c1 = 1e-4, rho = 0.5, maxTrials = 30 } = options;
  if (!(slope0 < 0))
    return { ok: false, reason: `not a descent direction (g·d = ${slope0})`, trials: 0 };
  let a = a0;
  let nonFinite = 0;
  for (let trial = 1; trial <= maxTrials; trial++) {
    const p = phi(a);
    if (!Number.isFinite(p.f)) nonFinite++;
    if (armijoHolds(f0, slope0, c1, p)) return { ok: true, point: p, trials: trial };
    a *= rho;
  }
  return {
    ok: false,
    reason:
      `no sufficient decrease after ${maxTrials} backtracking steps (smallest step ${a / rho})` +
      nonFiniteNote(nonFinite, maxTrials),
    trials: maxTrials,
  };
}

/**
 * A strong-Wolfe line search: f(x + a d) <= f(x) + c1 a g·d and |∇f(x + a d)·d| <= c2 |g·d|.
 * @example strongWolfe((a) => point(a), f0, slope0, { c1: 1e-4, c2: 0.9 })
 */
export function strongWolfe<T>(
  phi: (a: number) => LinePoint<T>,
  f0: number,
  slope0: number,
  options: LineSearchOptions = {},
): LineSearchOutcome<T> {
  const { a0 = 1, c1 = 1e-4, c2 = 0.9, maxTrials = 30 } = options;
  if (!(slope0 < 0))
    return { ok: false, reason: `not a descent direction (g·d = ${slope0})`, trials: 0 };
  let trials = 0;
  let nonFinite = 0;
  const evalAt = (a: number) => {
    trials++;
    const p = phi(a);
    if (!Number.isFinite(p.f)) nonFinite++;
    return p;
  };
  const curvatureHolds = (p: LinePoint) => Math.abs(p.slope) <= -c2 * slope0;
  const fail = (why: string): LineSearchOutcome<T> => ({
    ok: false,
    reason:
      `strong Wolfe search failed after ${trials} trial steps: ${why}` +
      nonFiniteNote(nonFinite, trials),
    trials,
  });

  // lo satisfies sufficient decrease and has the lowest f seen; hi brackets a Wolfe point.
  const zoom = (lo: LinePoint<T>, hi: LinePoint<T>): LineSearchOutcome<T> => {
    while (trials < maxTrials) {
      const width = hi.a - lo.a;
      // Quadratic interpolation from f(lo), f'(lo), f(hi), kept inside the middle 80% of the bracket.
      let a = lo.a + width / 2;
      const denom = 2 * (hi.f - lo.f - lo.slope * width);
      if (Number.isFinite(hi.f) && denom > 0) {
        const q = lo.a - (lo.slope * width * width) / denom;
        const lower = Math.min(lo.a, hi.a) + 0.1 * Math.abs(width);
        const upper = Math.max(lo.a, hi.a) - 0.1 * Math.abs(width);
        if (q >= lower && q <= upper) a = q;
      }
      if (Math.abs(width) < 1e-16 * Math.max(1, Math.abs(lo.a))) return fail('bracket collapsed');
      const p = evalAt(a);
      if (!armijoHolds(f0, slope0, c1, p) || p.f >= lo.f) hi = p;
      else {
        if (curvatureHolds(p)) return { ok: true, point: p, trials };
        if (p.slope * (hi.a - lo.a) >= 0) hi = lo;
        lo = p;
      }
    }
    return fail('no point satisfies both conditions');
  };

  let prev: LinePoint<T> = { a: 0, f: f0, slope: slope0, data: undefined as T };
  let a = a0;
  while (trials < maxTrials) {
    const p = evalAt(a);
    if (!armijoHolds(f0, slope0, c1, p) || (trials > 1 && p.f >= prev.f)) return zoom(prev, p);
    if (curvatureHolds(p)) return { ok: true, point: p, trials };
    if (p.slope >= 0) return zoom(p, prev);
    prev = p;
    a *= 2;
  }
  return fail('the step kept growing (is f bounded below?)');
}

/** Where a line search along d from x ended: the new point, its loss and gradient, and a record. */
export interface SearchResult {
  x: Tensor;
  f: number;
  g: Tensor;
  step: number;
  record: LineSearchRecord;
}

/**
 * Runs the chosen line search along d from x (f, g known there), evaluating the objective.
 * Returns the new point or the reason it failed.
 */
export function searchAlong(
  obj: Objective,
  x: Tensor,
  f: number,
  g: Tensor,
  d: Tensor,
  kind: 'armijo' | 'wolfe',
  options: LineSearchOptions,
): SearchResult | { failure: string } {
  const slope0 = np.vdot(g, d).item();
  const phi = (a: number): LinePoint<{ x: Tensor; g: Tensor }> => {
    const xa = np.add(x, np.mul(d, a));
    const [fa, ga] = obj.valueAndGrad(xa);
    return { a, f: fa, slope: np.vdot(ga, d).item(), data: { x: xa, g: ga } };
  };
  const out =
    kind === 'wolfe' ? strongWolfe(phi, f, slope0, options) : backtracking(phi, f, slope0, options);
  if (!out.ok) return { failure: `line search failed: ${out.reason}` };
  const { c1 = 1e-4, c2 = 0.9 } = options;
  return {
    x: out.point.data.x,
    f: out.point.f,
    g: out.point.data.g,
    step: out.point.a,
    record: {
      kind,
      c1,
      ...(kind === 'wolfe' ? { c2 } : {}),
      slope0,
      slopeNew: out.point.slope,
      trials: out.trials,
    },
  };
}
