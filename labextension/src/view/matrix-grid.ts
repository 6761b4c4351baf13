/**
 * A matrix drawn as an HTML table whose cells are colored by value (a heatmap): the color comes
 * from a class per sign and level, and the classes from `--jp-*` theme variables in probes.css, so
 * light and dark themes both work. Values are written with `textContent` only.
 */
import { formatFloat } from '../model/format';
import { h } from './dom';

/** Color levels per sign. */
export const LEVELS = 5;

/** The class coloring `v` on a scale symmetric around zero up to `maxAbs`. */
export function levelClass(v: number, maxAbs: number): string {
  if (!Number.isFinite(v)) return 'adlab-cell-nonfinite';
  if (v === 0 || !(maxAbs > 0)) return 'adlab-cell-zero';
  const level = Math.min(LEVELS, Math.max(1, Math.ceil((Math.abs(v) / maxAbs) * LEVELS)));
  return `adlab-cell-${v > 0 ? 'pos' : 'neg'}-${level}`;
}

/** The largest finite |value|. */
export function maxAbs(values: Iterable<number>): number {
  let m = 0;
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}

/** Writes `v` into a grid cell and colors it. */
export function fillCell(td: HTMLElement, v: number, scale: number, digits = 4): void {
  td.textContent = formatFloat(v, digits);
  td.title = formatFloat(v, 10);
  td.className = `adlab-cell ${levelClass(v, scale)}`;
}

/** A fully shown heatmap table of a row-major `rows` x `cols` matrix, with index headers. */
export function matrixTable(values: readonly number[], rows: number, cols: number): HTMLElement {
  const scale = maxAbs(values);
  const table = h('table', 'adlab-grid');
  const head = h('tr');
  head.appendChild(h('th', 'adlab-corner'));
  for (let j = 0; j < cols; j++) head.appendChild(h('th', 'adlab-col-index', String(j)));
  table.appendChild(h('thead')).appendChild(head);
  const body = h('tbody');
  for (let i = 0; i < rows; i++) {
    const tr = h('tr');
    tr.appendChild(h('th', 'adlab-row-index', String(i)));
    for (let j = 0; j < cols; j++) {
      const td = h('td');
      fillCell(td, values[i * cols + j]!, scale);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  table.appendChild(body);
  return table;
}
