/**
 * The HVP-probe data model: strict validation of an `application/vnd.adlab.hvp-probe.v1+json`
 * payload and of the replies to its live operations. No DOM here.
 */
import type { HvpProbePayload } from 'adlab/protocol';
import {
  decodeNumber,
  describe,
  fail,
  isJsonNumber,
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

/** Largest n the renderer accepts (the kernel's probe stops at the same size). */
export const MAX_HVP_DIM = 4096;
/** Largest n of a dense Hessian in a payload. */
export const MAX_HESSIAN_DIM = 64;

/** H v beside its finite-difference estimate, decoded. */
export interface HvpProductModel {
  v: number[];
  hvp: number[];
  fd: number[];
  h: number;
  fdMaxError: number;
}

/** Everything the HVP probe view shows, decoded. */
export interface HvpProbeModel extends HvpProductModel {
  name: string;
  dtype: 'float32' | 'float64';
  n: number;
  x: number[];
  /** Row-major n x n, when the payload carries it. */
  hessian?: number[];
  spectrum?: { eigenvalues: number[]; condition: number; method: 'eigh' | 'lanczos' };
  handle?: string;
}

/** Validates an HVP-probe payload. Never throws: a malformed payload gives `{ ok: false }`. */
export function parseHvpProbePayload(data: unknown): ParseResult<HvpProbeModel> {
  return parseSafely(parseOrThrow, data);
}

function number(raw: unknown, what: string): number {
  if (!isJsonNumber(raw)) fail(`${what} is not a number (got ${describe(raw)})`);
  return decodeNumber(raw);
}

function step(raw: unknown, what: string): number {
  if (typeof raw !== 'number' || !(raw > 0) || !Number.isFinite(raw))
    fail(`${what} must be a positive number`);
  return raw;
}

function eigenvalues(raw: unknown, what: string, n: number): number[] {
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > n)
    fail(`${what} must be an array of 1 to ${n} numbers`);
  return parseNumbers(raw, what, raw.length);
}

function parseOrThrow(data: unknown): HvpProbeModel {
  if (!isPlainObject(data)) fail(`payload must be an object, got ${describe(data)}`);
  const p = data as Partial<Record<keyof HvpProbePayload, unknown>>;
  const { n } = p;
  if (!isNonNegInt(n) || n < 1 || n > MAX_HVP_DIM)
    fail(`n must be an integer in [1, ${MAX_HVP_DIM}]`);
  const fd = p.finiteDifference;
  if (!isPlainObject(fd)) fail(`finiteDifference must be an object, got ${describe(fd)}`);
  const model: HvpProbeModel = {
    name: parseName(p.name, 'name'),
    dtype: parseFloatDType(p.dtype, 'dtype'),
    n,
    x: parseNumbers(p.x, 'x', n),
    v: parseNumbers(p.v, 'v', n),
    hvp: parseNumbers(p.hvp, 'hvp', n),
    fd: parseNumbers(fd.values, 'finiteDifference.values', n),
    h: step(fd.h, 'finiteDifference.h'),
    fdMaxError: number(fd.maxError, 'finiteDifference.maxError'),
  };
  if (p.hessian !== undefined) {
    if (n > MAX_HESSIAN_DIM) fail(`hessian is only allowed for n <= ${MAX_HESSIAN_DIM}`);
    model.hessian = parseNumbers(p.hessian, 'hessian', n * n);
  }
  if (p.spectrum !== undefined) {
    const s = p.spectrum;
    if (!isPlainObject(s)) fail(`spectrum must be an object, got ${describe(s)}`);
    if (s.method !== 'eigh' && s.method !== 'lanczos')
      fail("spectrum.method must be 'eigh' or 'lanczos'");
    model.spectrum = {
      eigenvalues: eigenvalues(s.eigenvalues, 'spectrum.eigenvalues', n),
      condition: number(s.condition, 'spectrum.condition'),
      method: s.method,
    };
  }
  const handle = parseLive(p.live);
  if (handle) model.handle = handle;
  return model;
}

/** Parses the reply to the live `hvp` op for direction `v` (throws through `fail`). */
export function parseHvpResult(
  raw: unknown,
  v: number[],
): HvpProductModel & { hvpMs: number; fdMs: number } {
  if (!isPlainObject(raw)) fail(`result must be an object, got ${describe(raw)}`);
  const n = v.length;
  if (!isNonNegNumber(raw.hvpMs) || !isNonNegNumber(raw.fdMs))
    fail('result.hvpMs and fdMs must be milliseconds');
  return {
    v,
    hvp: parseNumbers(raw.hvp, 'result.hvp', n),
    fd: parseNumbers(raw.fd, 'result.fd', n),
    h: step(raw.h, 'result.h'),
    fdMaxError: number(raw.maxError, 'result.maxError'),
    hvpMs: raw.hvpMs,
    fdMs: raw.fdMs,
  };
}

/** Parses the reply to the live `lanczos` op asked for `k` Ritz values. */
export function parseLanczosResult(raw: unknown, k: number): number[] {
  if (!isPlainObject(raw)) fail(`result must be an object, got ${describe(raw)}`);
  return parseNumbers(raw.eigenvalues, 'result.eigenvalues', k);
}
