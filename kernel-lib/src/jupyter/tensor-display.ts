/** Text, HTML (escaped) and adlab JSON renderings of a tensor. */
import type { Tensor } from '../core/tensor';
import {
  MIME,
  toJsonNumber,
  type JsonNumber,
  type MimeBundle,
  type TensorPayload,
} from './protocol';

/** Entries kept at each end of a long axis (NumPy's edgeitems). */
const EDGE = 3;
/** Tensors up to this size are sent whole. */
const FULL_LIMIT = 1000;
const HEATMAP_CELLS = 64;

/** Escapes text for inclusion in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function keptIndices(n: number, truncate: boolean): number[] {
  if (!truncate || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [
    ...Array.from({ length: EDGE }, (_, i) => i),
    ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i),
  ];
}

function formatNumber(x: number, dtype: string): string {
  if (dtype === 'bool') return x ? 'true' : 'false';
  if (dtype === 'int32') return String(x);
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const rounded = Number(x.toPrecision(dtype === 'float32' ? 6 : 8));
  return Number.isInteger(rounded) && Math.abs(rounded) < 1e16 ? `${rounded}.` : String(rounded);
}

/** The display payload: a (possibly truncated) grid of values, statistics and a 2-D heatmap. */
export function tensorPayload(t: Tensor): TensorPayload {
  const data = t.concrete().readSync();
  const shape = [...t.shape];
  const truncate = t.size > FULL_LIMIT;
  const indices = shape.map((d) => keptIndices(d, truncate));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const values: JsonNumber[] = [];
  const visit = (axis: number, offset: number) => {
    if (axis === shape.length) {
      values.push(toJsonNumber(data[offset]));
      return;
    }
    for (const i of indices[axis]) visit(axis + 1, offset + i * strides[axis]);
  };
  if (t.size > 0) visit(0, 0);
  const payload: TensorPayload = {
    shape,
    dtype: t.dtype,
    size: t.size,
    view: { indices, values },
    truncated: indices.some((ix, i) => ix.length < shape[i]),
  };
  if (t.size > 0) payload.stats = valueStats(data);
  if (shape.length === 2 && t.size > 0) payload.heatmap = heatmap(data, shape[0], shape[1]);
  return payload;
}

/** Min, max and mean of the finite values (NaN when there are none) and the count of the others. */
export function valueStats(data: ArrayLike<number>): NonNullable<TensorPayload['stats']> {
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  let nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    min = Math.min(min, v);
    max = Math.max(max, v);
    total += v;
  }
  const finite = data.length - nonFinite;
  return {
    min: toJsonNumber(finite ? min : NaN),
    max: toJsonNumber(finite ? max : NaN),
    mean: toJsonNumber(finite ? total / finite : NaN),
    nonFinite,
  };
}

/** Block-averages a matrix to at most HEATMAP_CELLS x HEATMAP_CELLS. */
function heatmap(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
): NonNullable<TensorPayload['heatmap']> {
  const r = Math.min(rows, HEATMAP_CELLS);
  const c = Math.min(cols, HEATMAP_CELLS);
  const values: JsonNumber[] = [];
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      const [i0, i1] = [Math.floor((i * rows) / r), Math.floor(((i + 1) * rows) / r)];
      const [j0, j1] = [Math.floor((j * cols) / c), Math.floor(((j + 1) * cols) / c)];
      let s = 0;
      for (let a = i0; a < i1; a++) for (let b = j0; b < j1; b++) s += data[a * cols + b];
      values.push(toJsonNumber(s / ((i1 - i0) * (j1 - j0))));
    }
  }
  return { rows: r, cols: c, values };
}

/** A GPU result shown without its values (they are read asynchronously). */
function unreadText(t: Tensor): string {
  return `Tensor(${t.dtype}[${t.shape}] on ${t.device}; values: await t.data() or await t.array())`;
}

/** NumPy-like text: `array([[1., 2.], [3., 4.]], dtype=float32)` with '...' for truncation. */
export function tensorToString(t: Tensor): string {
  if (!t.concrete().readableSync) return unreadText(t);
  const p = tensorPayload(t);
  let k = 0;
  const render = (axis: number, indent: string): string => {
    if (axis === p.shape.length) {
      const v = p.view.values[k++];
      return formatNumber(typeof v === 'number' ? v : Number(v), p.dtype);
    }
    const idx = p.view.indices[axis];
    const parts: string[] = [];
    idx.forEach((i, n) => {
      if (n > 0 && i !== idx[n - 1] + 1) parts.push('...');
      parts.push(render(axis + 1, indent + ' '));
    });
    const sep = axis === p.shape.length - 1 ? ', ' : `,\n${indent} `;
    return `[${parts.join(sep)}]`;
  };
  const body = p.size === 0 ? `[], shape=[${p.shape}]` : render(0, '      ');
  return `array(${body}, dtype=${p.dtype})`;
}

/** An HTML table (escaped) that reads well without the extension. */
export function tensorToHtml(t: Tensor): string {
  const p = tensorPayload(t);
  const head = `<div><b>tensor</b> shape [${p.shape.join(', ')}] · ${escapeHtml(p.dtype)}${p.truncated ? ' · truncated' : ''}</div>`;
  if (p.shape.length === 0) return `${head}<pre>${escapeHtml(tensorToString(t))}</pre>`;
  if (p.shape.length > 2) return `${head}<pre>${escapeHtml(tensorToString(t))}</pre>`;
  const [ri, ci] = p.shape.length === 1 ? [[0], p.view.indices[0]] : p.view.indices;
  let k = 0;
  const rows: string[] = [];
  ri.forEach((r, n) => {
    if (n > 0 && r !== ri[n - 1] + 1) rows.push(`<tr><td colspan="${ci.length + 1}">⋮</td></tr>`);
    const cells: string[] = [];
    ci.forEach((c, m) => {
      if (m > 0 && c !== ci[m - 1] + 1) cells.push('<td>…</td>');
      const v = p.view.values[k++];
      cells.push(
        `<td>${escapeHtml(formatNumber(typeof v === 'number' ? v : Number(v), p.dtype))}</td>`,
      );
    });
    rows.push(`<tr>${cells.join('')}</tr>`);
  });
  return `${head}<table>${rows.join('')}</table>`;
}

/** The full bundle for `display` and execute results. */
export function tensorToMimeBundle(t: Tensor): MimeBundle {
  if (!t.concrete().readableSync) {
    const text = unreadText(t);
    return { 'text/html': `<pre>${escapeHtml(text)}</pre>`, 'text/plain': text };
  }
  return {
    [MIME.tensor]: tensorPayload(t),
    'text/html': tensorToHtml(t),
    'text/plain': tensorToString(t),
  };
}
