/**
 * The HVP-probe data model: strict validation of an `application/vnd.adlab.hvp-probe.v1+json`
 * payload. No DOM here.
 */
import type { HvpProbePayload } from 'adlab/protocol';
import {
  decodeNumber,
  describe,
  fail,
  isJsonNumber,
  isNonNegInt,
  isPlainObject,
  parseFloatDType,
  parseName,
  parseNumbers,
  parseSafely,
  type ParseResult,
} from './validate';

/** Largest n the renderer accepts (the kernel's probe stops at the same size). */
export const MAX_HVP_DIM = 4096;
/** Largest n of a dense Hessian in a payload. */
export const MAX_HESSIAN_DIM = 64;

/** Everything the HVP probe view shows, decoded. */
export interface HvpProbeModel {
  name: string;
  dtype: 'float32' | 'float64';
  n: number;
  x: number[];
  v: number[];
  hvp: number[];
  fd: number[];
  h: number;
  fdMaxError: number;
  /** Row-major n x n, when the payload carries it. */
  hessian?: number[];
  spectrum?: { eigenvalues: number[]; condition: number; method: 'eigh' | 'lanczos' };
}

/** Validates an HVP-probe payload. Never throws: a malformed payload gives `{ ok: false }`. */
export function parseHvpProbePayload(data: unknown): ParseResult<HvpProbeModel> {
  return parseSafely(parseOrThrow, data);
}

function number(raw: unknown, what: string): number {
  if (!isJsonNumber(raw)) fail(`${what} is not a number (got ${describe(raw)})`);
  return decodeNumber(raw);
}

function parseOrThrow(data: unknown): HvpProbeModel {
  if (!isPlainObject(data)) fail(`payload must be an object, got ${describe(data)}`);
  const p = data as Partial<Record<keyof HvpProbePayload, unknown>>;
  const { n } = p;
  if (!isNonNegInt(n) || n < 1 || n > MAX_HVP_DIM)
    fail(`n must be an integer in [1, ${MAX_HVP_DIM}]`);
  const fd = p.finiteDifference;
  if (!isPlainObject(fd)) fail(`finiteDifference must be an object, got ${describe(fd)}`);
  if (typeof fd.h !== 'number' || !(fd.h > 0) || !Number.isFinite(fd.h))
    fail('finiteDifference.h must be a positive number');
  const model: HvpProbeModel = {
    name: parseName(p.name, 'name'),
    dtype: parseFloatDType(p.dtype, 'dtype'),
    n,
    x: parseNumbers(p.x, 'x', n),
    v: parseNumbers(p.v, 'v', n),
    hvp: parseNumbers(p.hvp, 'hvp', n),
    fd: parseNumbers(fd.values, 'finiteDifference.values', n),
    h: fd.h,
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
    if (!Array.isArray(s.eigenvalues) || s.eigenvalues.length < 1 || s.eigenvalues.length > n)
      fail(`spectrum.eigenvalues must be an array of 1 to ${n} numbers`);
    model.spectrum = {
      eigenvalues: parseNumbers(s.eigenvalues, 'spectrum.eigenvalues', s.eigenvalues.length),
      condition: number(s.condition, 'spectrum.condition'),
      method: s.method,
    };
  }
  return model;
}
