/**
 * The Jacobian-probe data model: strict validation of an
 * `application/vnd.adlab.jacobian-probe.v1+json` payload, and of the replies to its live
 * operations. Columns and rows are kept by index: a large probe arrives with none and fetches
 * them on demand. No DOM here.
 */
import type { JacobianProbePayload } from 'adlab/protocol';
import {
  describe,
  fail,
  isNonNegInt,
  isNonNegNumber,
  isPlainObject,
  parseFloatDType,
  parseLive,
  parseName,
  parseNumbers,
  parseSafely,
  type ParseResult,
} from './validate';

/** Largest n and m the renderer accepts (the kernel's probe stops at the same size). */
export const MAX_PROBE_DIM = 65_536;

/** Everything the Jacobian probe view shows, decoded. */
export interface JacobianProbeModel {
  name: string;
  dtype: 'float32' | 'float64';
  n: number;
  m: number;
  x: number[];
  /** columns.get(j)[i] = J[i][j] from the j-th JVP (the columns computed so far). */
  columns: Map<number, number[]>;
  /** rows.get(i)[j] = J[i][j] from the i-th VJP. */
  rows: Map<number, number[]>;
  /** Milliseconds of each computed column's JVP and row's VJP, by index. */
  columnMs: Map<number, number>;
  rowMs: Map<number, number>;
  /** Totals of the computed columns (forward) and rows (reverse, with the recording pass). */
  cost: { forwardMs: number; reverseMs: number };
  /** Mean milliseconds of one JVP and one VJP, when the kernel measured them. */
  unitCost?: { jvpMs: number; vjpMs: number };
  adjointError: number;
  adjointPairs: number;
  /** The kernel-side handle for live requests. */
  handle?: string;
}

/** Validates a Jacobian-probe payload. Never throws: a malformed payload gives `{ ok: false }`. */
export function parseJacobianProbePayload(data: unknown): ParseResult<JacobianProbeModel> {
  return parseSafely(parseOrThrow, data);
}

function dim(raw: unknown, what: string): number {
  if (!isNonNegInt(raw) || raw < 1 || raw > MAX_PROBE_DIM)
    fail(`${what} must be an integer in [1, ${MAX_PROBE_DIM}]`);
  return raw;
}

function ms(raw: unknown, what: string): number {
  if (!isNonNegNumber(raw)) fail(`${what} must be a non-negative number of milliseconds`);
  return raw;
}

/** Indices (strictly increasing, below `size`) found at `what`; absent means all `size` of them. */
function indices(raw: unknown, what: string, size: number): number[] {
  if (raw === undefined) return Array.from({ length: size }, (_, i) => i);
  if (!Array.isArray(raw)) fail(`${what} must be an array, got ${describe(raw)}`);
  let prev = -1;
  return raw.map((i: unknown) => {
    if (!isNonNegInt(i) || i >= size || i <= prev)
      fail(`${what} must be increasing integers below ${size}`);
    prev = i;
    return i;
  });
}

/** Vectors by index: `raw[k]` (of `length` numbers) is slice `at[k]`. */
function slices(raw: unknown, what: string, at: number[], length: number): Map<number, number[]> {
  if (!Array.isArray(raw)) fail(`${what} must be an array, got ${describe(raw)}`);
  if (raw.length !== at.length) fail(`${what} has ${raw.length} entries, expected ${at.length}`);
  return new Map(raw.map((r: unknown, k) => [at[k]!, parseNumbers(r, `${what}[${k}]`, length)]));
}

function parseOrThrow(data: unknown): JacobianProbeModel {
  if (!isPlainObject(data)) fail(`payload must be an object, got ${describe(data)}`);
  const p = data as Partial<Record<keyof JacobianProbePayload, unknown>>;
  const n = dim(p.n, 'n');
  const m = dim(p.m, 'm');
  if (!isPlainObject(p.cost)) fail(`cost must be an object, got ${describe(p.cost)}`);
  const c = p.cost;
  const colAt = indices(p.columnIndices, 'columnIndices', n);
  const rowAt = indices(p.rowIndices, 'rowIndices', m);
  const columnMs = parseNumbers(c.columnMs, 'cost.columnMs', colAt.length);
  const rowMs = parseNumbers(c.rowMs, 'cost.rowMs', rowAt.length);
  if ([...columnMs, ...rowMs].some((t) => !(t >= 0))) fail('cost entries must be non-negative');
  if (!isNonNegNumber(p.adjointError)) fail('adjointError must be a non-negative number');
  if (!isNonNegInt(p.adjointPairs)) fail('adjointPairs must be a non-negative integer');
  const model: JacobianProbeModel = {
    name: parseName(p.name, 'name'),
    dtype: parseFloatDType(p.dtype, 'dtype'),
    n,
    m,
    x: parseNumbers(p.x, 'x', n),
    columns: slices(p.columns, 'columns', colAt, m),
    rows: slices(p.rows, 'rows', rowAt, n),
    columnMs: new Map(colAt.map((j, k) => [j, columnMs[k]!])),
    rowMs: new Map(rowAt.map((i, k) => [i, rowMs[k]!])),
    cost: {
      forwardMs: ms(c.forwardMs, 'cost.forwardMs'),
      reverseMs: ms(c.reverseMs, 'cost.reverseMs'),
    },
    adjointError: p.adjointError,
    adjointPairs: p.adjointPairs,
  };
  if (p.unitCost !== undefined) {
    const u = p.unitCost;
    if (!isPlainObject(u)) fail(`unitCost must be an object, got ${describe(u)}`);
    model.unitCost = { jvpMs: ms(u.jvpMs, 'unitCost.jvpMs'), vjpMs: ms(u.vjpMs, 'unitCost.vjpMs') };
  }
  const handle = parseLive(p.live);
  if (handle) model.handle = handle;
  return model;
}

/** A product J v or Jᵀ w from the kernel: `length` values and the milliseconds of its pass. */
export interface TimedVectorModel {
  values: number[];
  ms: number;
}

/** Parses the reply to a `jvp` / `vjp` op (throws through `fail`; use with `LiveLink.call`). */
export function parseTimedVector(raw: unknown, length: number, what = 'result'): TimedVectorModel {
  if (!isPlainObject(raw)) fail(`${what} must be an object, got ${describe(raw)}`);
  return {
    values: parseNumbers(raw.values, `${what}.values`, length),
    ms: ms(raw.ms, `${what}.ms`),
  };
}

/** Parses the reply to a `columns` / `rows` op: slices of `length` values at the asked indices. */
export function parseSlices(
  raw: unknown,
  asked: number[],
  length: number,
): (TimedVectorModel & { index: number })[] {
  if (!isPlainObject(raw) || !Array.isArray(raw.slices)) fail('result.slices must be an array');
  const list = raw.slices as unknown[];
  if (list.length !== asked.length)
    fail(`result.slices has ${list.length} entries, expected ${asked.length}`);
  return list.map((s, k) => {
    if (!isPlainObject(s) || s.index !== asked[k])
      fail(`result.slices[${k}] is not slice ${asked[k]}`);
    return { index: asked[k]!, ...parseTimedVector(s, length, `result.slices[${k}]`) };
  });
}
