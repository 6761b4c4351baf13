/**
 * The reply of a graph's live `values` op (GraphValuesReply in protocol.ts), validated: the first
 * entries of a node's value and, where recorded, of its tangent and cotangent. No DOM here.
 */
import { decodeNumber, describe, fail, isJsonNumber, isNonNegInt, isPlainObject } from './validate';

/** Entries the inspector asks for. */
export const FETCH_COUNT = 64;

/** A node's fetched values. */
export interface GraphValuesModel {
  node: number;
  shape: number[];
  size: number;
  value: number[];
  tangent?: number[];
  cotangent?: number[];
}

function entries(raw: unknown, what: string, size: number): number[] {
  if (!Array.isArray(raw)) fail(`${what} must be an array, got ${describe(raw)}`);
  if (raw.length > Math.min(size, 4096))
    fail(`${what} has ${raw.length} entries, more than the value`);
  return raw.map((v: unknown, i) => {
    if (!isJsonNumber(v)) fail(`${what}[${i}] is not a number (got ${describe(v)})`);
    return decodeNumber(v);
  });
}

/** Validates a `values` reply for node `node`; throws (through `fail`) when malformed. */
export function parseGraphValues(raw: unknown, node: number): GraphValuesModel {
  if (!isPlainObject(raw)) fail(`result must be an object, got ${describe(raw)}`);
  if (raw.node !== node) fail(`result.node is not %${node}`);
  if (!Array.isArray(raw.shape) || !raw.shape.every(isNonNegInt))
    fail('result.shape must be an array of non-negative integers');
  const shape = raw.shape as number[];
  const size = shape.reduce((a, b) => a * b, 1);
  if (raw.size !== size) fail(`result.size does not match the shape`);
  const out: GraphValuesModel = {
    node,
    shape,
    size,
    value: entries(raw.value, 'result.value', size),
  };
  if (raw.tangent !== undefined) out.tangent = entries(raw.tangent, 'result.tangent', size);
  if (raw.cotangent !== undefined) out.cotangent = entries(raw.cotangent, 'result.cotangent', size);
  return out;
}
