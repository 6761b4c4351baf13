/**
 * The Jacobian-probe data model: strict validation of an
 * `application/vnd.adlab.jacobian-probe.v1+json` payload. No DOM here.
 */
import type { JacobianProbePayload } from 'adlab/protocol';
import {
  describe,
  fail,
  isNonNegInt,
  isNonNegNumber,
  isPlainObject,
  parseFloatDType,
  parseName,
  parseNumbers,
  parseSafely,
  type ParseResult,
} from './validate';

/** Largest n and m the renderer accepts (the kernel's probe stops at the same size). */
export const MAX_PROBE_DIM = 256;

/** Everything the Jacobian probe view shows, decoded. */
export interface JacobianProbeModel {
  name: string;
  dtype: 'float32' | 'float64';
  n: number;
  m: number;
  x: number[];
  /** columns[j][i] = J[i][j] from the j-th JVP. */
  columns: number[][];
  /** rows[i][j] = J[i][j] from the i-th VJP. */
  rows: number[][];
  cost: { forwardMs: number; reverseMs: number; columnMs: number[]; rowMs: number[] };
  adjointError: number;
  adjointPairs: number;
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

function matrix(raw: unknown, what: string, count: number, length: number): number[][] {
  if (!Array.isArray(raw)) fail(`${what} must be an array, got ${describe(raw)}`);
  if (raw.length !== count) fail(`${what} has ${raw.length} entries, expected ${count}`);
  return raw.map((r: unknown, k) => parseNumbers(r, `${what}[${k}]`, length));
}

function parseOrThrow(data: unknown): JacobianProbeModel {
  if (!isPlainObject(data)) fail(`payload must be an object, got ${describe(data)}`);
  const p = data as Partial<Record<keyof JacobianProbePayload, unknown>>;
  const n = dim(p.n, 'n');
  const m = dim(p.m, 'm');
  if (!isPlainObject(p.cost)) fail(`cost must be an object, got ${describe(p.cost)}`);
  const c = p.cost;
  const columnMs = parseNumbers(c.columnMs, 'cost.columnMs', n);
  const rowMs = parseNumbers(c.rowMs, 'cost.rowMs', m);
  if ([...columnMs, ...rowMs].some((t) => !(t >= 0))) fail('cost entries must be non-negative');
  if (!isNonNegNumber(p.adjointError)) fail('adjointError must be a non-negative number');
  if (!isNonNegInt(p.adjointPairs)) fail('adjointPairs must be a non-negative integer');
  return {
    name: parseName(p.name, 'name'),
    dtype: parseFloatDType(p.dtype, 'dtype'),
    n,
    m,
    x: parseNumbers(p.x, 'x', n),
    columns: matrix(p.columns, 'columns', n, m),
    rows: matrix(p.rows, 'rows', m, n),
    cost: {
      forwardMs: ms(c.forwardMs, 'cost.forwardMs'),
      reverseMs: ms(c.reverseMs, 'cost.reverseMs'),
      columnMs,
      rowMs,
    },
    adjointError: p.adjointError,
    adjointPairs: p.adjointPairs,
  };
}
