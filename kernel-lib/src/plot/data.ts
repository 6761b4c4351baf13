/**
 * What the plotting functions accept as data (tensors, arrays, typed arrays, optimizer results)
 * and how series are thinned and rounded before they travel to the notebook.
 */
import { Tensor } from '../core/tensor';

/** Numbers in any form the plotting functions accept: a 1-D tensor, an array, a typed array. */
export type NumbersLike = Tensor | readonly number[] | ArrayLike<number>;

/** An optimizer run as the plots read it (an `OptimizeResult` fits). */
export interface RunLike {
  name: string;
  history: readonly { iter: number; loss: number; gradNorm: number; x?: number[] }[];
}

/** True for an `OptimizeResult` (or anything with a name and a history of iterations). */
export function isRunLike(x: unknown): x is RunLike {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as RunLike).name === 'string' &&
    Array.isArray((x as RunLike).history)
  );
}

/** The values of `data` as plain numbers; `op` and `what` name the culprit in errors. */
export function toNumbers(data: unknown, op: string, what: string): number[] {
  if (data instanceof Tensor) {
    if (data.ndim > 1) {
      throw new TypeError(`${op}: ${what} must be 1-D, got a tensor of shape [${data.shape}]`);
    }
    return Array.from(data.dataSync() as ArrayLike<number>, Number);
  }
  if (Array.isArray(data) || ArrayBuffer.isView(data)) {
    const arr = Array.from(data as ArrayLike<unknown>);
    return arr.map((v, i) => {
      if (typeof v !== 'number') {
        throw new TypeError(`${op}: ${what}[${i}] must be a number, got ${describe(v)}`);
      }
      return v;
    });
  }
  throw new TypeError(
    `${op}: ${what} must be a tensor or an array of numbers, got ${describe(data)}`,
  );
}

/** A 2-D grid of numbers (a tensor of shape [rows, cols] or nested arrays) as rows. */
export function toMatrix(data: unknown, op: string, what: string): number[][] {
  if (data instanceof Tensor) {
    if (data.ndim !== 2) {
      throw new TypeError(`${op}: ${what} must be 2-D, got a tensor of shape [${data.shape}]`);
    }
    const [m, n] = data.shape;
    const flat = Array.from(data.dataSync() as ArrayLike<number>, Number);
    return Array.from({ length: m }, (_, i) => flat.slice(i * n, (i + 1) * n));
  }
  if (Array.isArray(data) && data.every((row) => Array.isArray(row) || ArrayBuffer.isView(row))) {
    const rows = data.map((row, i) => toNumbers(row, op, `${what}[${i}]`));
    if (rows.length === 0 || rows.some((r) => r.length !== rows[0].length || r.length === 0)) {
      throw new TypeError(`${op}: ${what} must be a non-empty rectangular grid`);
    }
    return rows;
  }
  throw new TypeError(
    `${op}: ${what} must be a 2-D tensor or an array of rows, got ${describe(data)}`,
  );
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Tensor) return `a tensor of shape [${v.shape}]`;
  return typeof v;
}

/** A number rounded to 6 significant digits for the payload (null for non-finite values). */
export function compact(v: number): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : null;
}

/**
 * Indices of at most `max` points that keep the look of a curve: the index range is cut into
 * max/2 buckets and each keeps its smallest and largest y (so spikes and the final descent of a
 * loss survive), plus the first and last point.
 */
export function thinIndices(y: readonly number[], max: number): number[] {
  const n = y.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor((max - 2) / 2));
  const keep = new Set<number>([0, n - 1]);
  for (let b = 0; b < buckets; b++) {
    const lo = 1 + Math.floor(((n - 2) * b) / buckets);
    const hi = 1 + Math.floor(((n - 2) * (b + 1)) / buckets);
    let iMin = -1;
    let iMax = -1;
    for (let i = lo; i < hi; i++) {
      if (!Number.isFinite(y[i])) {
        keep.add(i); // gaps stay visible
        continue;
      }
      if (iMin < 0 || y[i] < y[iMin]) iMin = i;
      if (iMax < 0 || y[i] > y[iMax]) iMax = i;
    }
    if (iMin >= 0) keep.add(iMin);
    if (iMax >= 0) keep.add(iMax);
  }
  return [...keep].sort((a, b) => a - b);
}
