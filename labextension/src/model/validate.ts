/**
 * What the three payload validators share: the failure they throw, type guards, JSON numbers, value
 * summaries, and {@link parseSafely}, which turns a throwing parser into a result that never throws.
 * No DOM here.
 */
import type { JsonNumber, PayloadDType } from 'adlab/protocol';

/** The dtypes a payload may carry. */
export const DTYPES: readonly PayloadDType[] = ['float32', 'float64', 'int32', 'bool'];

/** Result of parsing a payload: its view model, or the reason it is malformed. */
export type ParseResult<T> = { ok: true; model: T } | { ok: false; error: string };

/** Thrown by {@link fail} inside a parser; {@link parseSafely} turns it into `{ ok: false }`. */
class PayloadError extends Error {}

/** Rejects the payload being parsed, with a reason shown to the user. */
export function fail(reason: string): never {
  throw new PayloadError(reason);
}

/**
 * Runs `parse` on `data`. Never throws: a malformed payload gives `{ ok: false, error }`, and any
 * other failure a generic error (its message could quote payload text).
 */
export function parseSafely<T>(parse: (data: unknown) => T, data: unknown): ParseResult<T> {
  try {
    return { ok: true, model: parse(data) };
  } catch (e) {
    if (e instanceof PayloadError) return { ok: false, error: e.message };
    return { ok: false, error: `unexpected failure (${e instanceof Error ? e.name : 'unknown'})` };
  }
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function isNonNegInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

export function isNonNegNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}

/** Short, printable description of a value for error messages (never the value itself). */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? 'an object' : `a ${typeof x}`;
}

/** True for a {@link JsonNumber}: a finite number, or `'NaN'`, `'Infinity'`, `'-Infinity'`. */
export function isJsonNumber(x: unknown): x is JsonNumber {
  return (
    (typeof x === 'number' && Number.isFinite(x)) ||
    x === 'NaN' ||
    x === 'Infinity' ||
    x === '-Infinity'
  );
}

/** Decodes a validated {@link JsonNumber} (booleans count as 0 and 1). */
export function decodeNumber(x: JsonNumber | boolean): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (x === 'Infinity') return Infinity;
  if (x === '-Infinity') return -Infinity;
  return NaN;
}

/** Summary statistics of a tensor's values, decoded. */
export interface StatsModel {
  min: number;
  max: number;
  mean: number;
  nonFinite: number;
}

/** Parses a `{ min, max, mean, nonFinite }` summary found at `what` (a tensor's or a graph node's). */
export function parseStats(raw: unknown, what: string): StatsModel {
  if (!isPlainObject(raw)) fail(`${what} must be an object, got ${describe(raw)}`);
  const out: Partial<StatsModel> = {};
  for (const key of ['min', 'max', 'mean'] as const) {
    const v = raw[key];
    if (!isJsonNumber(v)) fail(`${what}.${key} is not a number (got ${describe(v)})`);
    out[key] = decodeNumber(v);
  }
  if (!isNonNegInt(raw.nonFinite)) fail(`${what}.nonFinite must be a non-negative integer`);
  out.nonFinite = raw.nonFinite;
  return out as StatsModel;
}

/** Decodes an array of exactly `length` {@link JsonNumber}s found at `what`. */
export function parseNumbers(raw: unknown, what: string, length: number): number[] {
  if (!Array.isArray(raw)) fail(`${what} must be an array, got ${describe(raw)}`);
  if (raw.length !== length) fail(`${what} has ${raw.length} entries, expected ${length}`);
  return raw.map((v: unknown, i) => {
    if (!isJsonNumber(v)) fail(`${what}[${i}] is not a number (got ${describe(v)})`);
    return decodeNumber(v);
  });
}

/** A float dtype found at `what` (the probes are computed in float32 or float64). */
export function parseFloatDType(raw: unknown, what: string): 'float32' | 'float64' {
  if (raw !== 'float32' && raw !== 'float64') fail(`${what} must be 'float32' or 'float64'`);
  return raw;
}

/** A display name: a string of at most 200 characters (shown as text only). */
export function parseName(raw: unknown, what: string): string {
  if (typeof raw !== 'string') fail(`${what} must be a string, got ${describe(raw)}`);
  return raw.length > 200 ? `${raw.slice(0, 199)}…` : raw;
}

/** The live handle of a payload's optional `live: { handle }` (undefined when absent). */
export function parseLive(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (!isPlainObject(raw) || typeof raw.handle !== 'string' || raw.handle.length > 100)
    fail('live must be { handle: string }');
  return raw.handle;
}
