/**
 * The pytree data model: strict validation of an `application/vnd.adlab.pytree.v1+json` payload;
 * tensor leaves are validated by the tensor model. No DOM here.
 */
import {
  decodeNumber,
  describe,
  fail,
  isJsonNumber,
  isNonNegInt,
  isPlainObject,
  parseName,
  parseSafely,
  type ParseResult,
} from './validate';
import { parseTensorPayload, type TensorModel } from './tensor-model';

/** Nodes of a tree the renderer accepts (a payload beyond this is malformed). */
export const MAX_PYTREE_NODES = 10_000;
const MAX_DEPTH = 33;

/** One decoded node. */
export type PytreeNodeModel =
  | { kind: 'dict'; entries: { key: string; node: PytreeNodeModel }[] }
  | { kind: 'list'; items: PytreeNodeModel[] }
  | { kind: 'tensor'; tensor: TensorModel; raw: unknown }
  | { kind: 'number'; value: number }
  | { kind: 'other'; text: string };

/** Everything the pytree view shows. */
export interface PytreeModel {
  root: PytreeNodeModel;
  leaves: number;
  size: number;
  truncated: boolean;
}

/** Validates a pytree payload. Never throws: a malformed payload gives `{ ok: false }`. */
export function parsePytreePayload(data: unknown): ParseResult<PytreeModel> {
  return parseSafely(parseOrThrow, data);
}

function parseOrThrow(data: unknown): PytreeModel {
  if (!isPlainObject(data)) fail(`payload must be an object, got ${describe(data)}`);
  let count = 0;
  const node = (raw: unknown, where: string, depth: number): PytreeNodeModel => {
    if (++count > MAX_PYTREE_NODES) fail(`the tree has more than ${MAX_PYTREE_NODES} nodes`);
    if (depth > MAX_DEPTH) fail(`${where} is nested deeper than ${MAX_DEPTH}`);
    if (!isPlainObject(raw)) fail(`${where} must be an object, got ${describe(raw)}`);
    switch (raw.kind) {
      case 'dict':
        if (!Array.isArray(raw.entries)) fail(`${where}.entries must be an array`);
        return {
          kind: 'dict',
          entries: (raw.entries as unknown[]).map((e, i) => {
            if (!isPlainObject(e)) fail(`${where}.entries[${i}] must be an object`);
            const key = parseName(e.key, `${where}.entries[${i}].key`);
            return { key, node: node(e.node, `${where}.${key}`, depth + 1) };
          }),
        };
      case 'list':
        if (!Array.isArray(raw.items)) fail(`${where}.items must be an array`);
        return {
          kind: 'list',
          items: (raw.items as unknown[]).map((c, i) => node(c, `${where}[${i}]`, depth + 1)),
        };
      case 'tensor': {
        const t = parseTensorPayload(raw.tensor);
        if (!t.ok) fail(`${where}: ${t.error}`);
        return { kind: 'tensor', tensor: t.model, raw: raw.tensor };
      }
      case 'number':
        if (!isJsonNumber(raw.value)) fail(`${where}.value is not a number`);
        return { kind: 'number', value: decodeNumber(raw.value) };
      case 'other':
        return { kind: 'other', text: parseName(raw.text, `${where}.text`) };
      default:
        fail(`${where}.kind must be dict, list, tensor, number or other`);
    }
  };
  const root = node(data.root, 'root', 0);
  if (!isNonNegInt(data.leaves) || !isNonNegInt(data.size))
    fail('leaves and size must be non-negative integers');
  if (typeof data.truncated !== 'boolean') fail('truncated must be a boolean');
  return { root, leaves: data.leaves, size: data.size, truncated: data.truncated };
}
