/**
 * Pytrees of tensors (nested plain objects and arrays, such as `grad(loss)(params)` of a parameter
 * dict or the `[value, grads]` of `valueAndGrad`) displayed as a collapsible tree: each leaf with
 * its shape, dtype and statistics, and its tensor view on expand. Text and escaped HTML fallbacks.
 */
import { Tensor } from '../core/tensor';
import {
  MIME,
  toJsonNumber,
  type MimeBundle,
  type PytreeNodePayload,
  type PytreePayload,
  type TensorPayload,
} from './protocol';
import { escapeHtml, tensorPayload } from './tensor-display';

/** Tensor leaves sent with their values; later ones are summarized as text. */
export const MAX_PYTREE_LEAVES = 200;
/** Deeper nesting is shown as text (and a cycle cannot recurse forever). */
const MAX_DEPTH = 32;

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;

/** True for a plain object or array with a tensor somewhere inside. */
export function isTensorTree(value: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  const children = Array.isArray(value)
    ? value
    : isPlainObject(value)
      ? Object.values(value)
      : undefined;
  return !!children?.some((c) => c instanceof Tensor || isTensorTree(c, depth + 1));
}

/** Builds the payload, counting leaves and entries. */
function pytreePayload(value: unknown): PytreePayload {
  const out = { leaves: 0, size: 0, truncated: false };
  const visit = (x: unknown, depth: number): PytreeNodePayload => {
    if (x instanceof Tensor) {
      out.leaves++;
      out.size += x.size;
      if (out.leaves > MAX_PYTREE_LEAVES) {
        out.truncated = true;
        return { kind: 'other', text: `Tensor [${x.shape.join(', ')}] ${x.dtype} (not sent)` };
      }
      return { kind: 'tensor', tensor: tensorPayload(x) };
    }
    if (typeof x === 'number') return { kind: 'number', value: toJsonNumber(x) };
    if (depth < MAX_DEPTH && Array.isArray(x))
      return { kind: 'list', items: x.map((c) => visit(c, depth + 1)) };
    if (depth < MAX_DEPTH && isPlainObject(x))
      return {
        kind: 'dict',
        entries: Object.entries(x).map(([key, c]) => ({ key, node: visit(c, depth + 1) })),
      };
    return { kind: 'other', text: String(x).slice(0, 200) };
  };
  return { root: visit(value, 0), ...out };
}

const num = (x: unknown): string =>
  typeof x === 'number' ? String(Number(x.toPrecision(4))) : String(x);

/** One line for a tensor leaf: shape, dtype and statistics. */
function leafLine(t: TensorPayload): string {
  const s = t.stats;
  const stats = s ? ` · min ${num(s.min)} max ${num(s.max)} mean ${num(s.mean)}` : '';
  const bad = s && s.nonFinite > 0 ? ` · ${s.nonFinite} non-finite` : '';
  return `Tensor [${t.shape.join(', ')}] ${t.dtype}${stats}${bad}`;
}

function nodeText(node: PytreeNodePayload, indent: string): string {
  switch (node.kind) {
    case 'tensor':
      return leafLine(node.tensor);
    case 'number':
      return String(node.value);
    case 'other':
      return node.text;
    case 'list':
      return `[\n${node.items.map((c, i) => `${indent}  ${i}: ${nodeText(c, `${indent}  `)}`).join('\n')}\n${indent}]`;
    case 'dict':
      return `{\n${node.entries.map((e) => `${indent}  ${e.key}: ${nodeText(e.node, `${indent}  `)}`).join('\n')}\n${indent}}`;
  }
}

function nodeHtml(node: PytreeNodePayload): string {
  if (node.kind === 'list' || node.kind === 'dict') {
    const items =
      node.kind === 'list'
        ? node.items.map((c, i) => [String(i), c] as const)
        : node.entries.map((e) => [e.key, e.node] as const);
    return `<ul>${items.map(([k, c]) => `<li><b>${escapeHtml(k)}</b>: ${nodeHtml(c)}</li>`).join('')}</ul>`;
  }
  return escapeHtml(node.kind === 'tensor' ? leafLine(node.tensor) : nodeText(node, ''));
}

/**
 * The MIME bundle of a pytree of tensors (a collapsible tree in JupyterLab, text and escaped HTML
 * elsewhere), or undefined when `value` is not a plain object or array containing a tensor. The
 * kernel displays such values with it.
 * @example display({ toMimeBundle: () => pytreeMimeBundle(grad(loss)(params))! })
 */
export function pytreeMimeBundle(value: unknown): MimeBundle | undefined {
  if (!isTensorTree(value)) return undefined;
  const payload = pytreePayload(value);
  const head = `pytree: ${payload.leaves} tensor leaves, ${payload.size} entries`;
  return {
    [MIME.pytree]: payload,
    'text/html': `<div><b>${escapeHtml(head)}</b></div>${nodeHtml(payload.root)}`,
    'text/plain': `${head}\n${nodeText(payload.root, '')}`,
  };
}
