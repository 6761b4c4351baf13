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

/** What a {@link VirtualGrid} draws: entries by (row, column), hidden where undefined. */
export interface GridSource {
  rows: number;
  cols: number;
  /** The entry at (i, j) and which pass computed it, or undefined while hidden. */
  entry(i: number, j: number): { value: number; source: 'jvp' | 'vjp' } | undefined;
  /** The symmetric color scale (largest |entry| so far). */
  scale(): number;
  /** Cost texts shown beside each row and under each column ('' when unknown). */
  rowCost(i: number): string;
  colCost(j: number): string;
}

/** Fixed cell size of a scrolling grid, in pixels (the window arithmetic needs it). */
const CELL_W = 84;
const CELL_H = 22;
/** Rows and columns drawn at once when the grid scrolls. */
export const WINDOW_ROWS = 20;
export const WINDOW_COLS = 12;

/**
 * An m x n grid that draws only the rows and columns in view: a scroll area as large as the whole
 * grid holds one small table, kept in place and refilled on scroll (so m, n in the tens of
 * thousands cost as much as 20 x 12). Grids that fit are drawn whole, without scrolling. Header
 * cells carry `data-row` / `data-col` and call back on click.
 */
export class VirtualGrid {
  readonly node: HTMLElement;

  constructor(
    private readonly _source: GridSource,
    private readonly _onColumn: (j: number) => void,
    private readonly _onRow: (i: number) => void,
  ) {
    const { rows, cols } = _source;
    this._scrolls = rows > WINDOW_ROWS || cols > WINDOW_COLS;
    this.node = h('div', 'adlab-probe-grid-scroll');
    this._table = h('table', 'adlab-grid adlab-probe-grid');
    if (this._scrolls) {
      this.node.classList.add('adlab-probe-grid-virtual');
      const sizer = h('div', 'adlab-probe-grid-sizer');
      sizer.style.width = `${(cols + 2) * CELL_W}px`;
      sizer.style.height = `${(rows + 3) * CELL_H}px`;
      sizer.appendChild(this._table);
      this.node.appendChild(sizer);
      this.node.style.height = `${(Math.min(rows, WINDOW_ROWS) + 3) * CELL_H + 16}px`;
      this.node.addEventListener('scroll', () => this._schedule());
    } else {
      this.node.appendChild(this._table);
    }
    this.refresh();
  }

  /** The first row and column drawn. */
  get origin(): { row: number; col: number } {
    return { row: this._r0, col: this._c0 };
  }

  /** The column indices drawn now. */
  visibleColumns(): number[] {
    const k = Math.min(
      this._source.cols - this._c0,
      this._scrolls ? WINDOW_COLS : this._source.cols,
    );
    return Array.from({ length: k }, (_, t) => this._c0 + t);
  }

  /** Scrolls so that row i and column j are the first drawn. */
  scrollTo(i: number, j: number): void {
    this.node.scrollTop = i * CELL_H;
    this.node.scrollLeft = j * CELL_W;
    this.refresh();
  }

  /** Redraws the rows and columns in view. */
  refresh(): void {
    const s = this._source;
    if (this._scrolls) {
      this._r0 = Math.max(0, Math.min(s.rows - 1, Math.floor(this.node.scrollTop / CELL_H)));
      this._c0 = Math.max(0, Math.min(s.cols - 1, Math.floor(this.node.scrollLeft / CELL_W)));
      this._table.style.transform = `translate(${this._c0 * CELL_W}px, ${this._r0 * CELL_H}px)`;
    }
    const rowsShown = Math.min(s.rows - this._r0, this._scrolls ? WINDOW_ROWS : s.rows);
    const cols = this.visibleColumns();
    const scale = s.scale();
    const head = h('tr');
    head.appendChild(h('th', 'adlab-corner', 'J'));
    for (const j of cols) {
      const th = h('th', 'adlab-probe-col-header', String(j));
      th.title = `reveal column ${j} (one JVP)`;
      th.dataset.col = String(j);
      th.addEventListener('click', () => this._onColumn(j));
      head.appendChild(th);
    }
    head.appendChild(h('th', 'adlab-probe-cost-header', 'VJP cost'));
    const body = h('tbody');
    for (let i = this._r0; i < this._r0 + rowsShown; i++) {
      const tr = h('tr');
      const th = h('th', 'adlab-probe-row-header', String(i));
      th.title = `reveal row ${i} (one VJP)`;
      th.dataset.row = String(i);
      th.addEventListener('click', () => this._onRow(i));
      tr.appendChild(th);
      for (const j of cols) {
        const td = h('td');
        const e = s.entry(i, j);
        if (e) {
          fillCell(td, e.value, scale);
          td.dataset.source = e.source;
        } else {
          td.title = 'hidden: reveal its column (JVP) or its row (VJP)';
          td.className = 'adlab-cell adlab-cell-hidden';
        }
        tr.appendChild(td);
      }
      tr.appendChild(h('td', 'adlab-probe-row-cost', s.rowCost(i)));
      body.appendChild(tr);
    }
    const costRow = h('tr', 'adlab-probe-cost-row');
    costRow.appendChild(h('th', 'adlab-probe-cost-header', 'JVP cost'));
    for (const j of cols) costRow.appendChild(h('td', 'adlab-probe-col-cost', s.colCost(j)));
    costRow.appendChild(h('td'));
    body.appendChild(costRow);
    const thead = h('thead');
    thead.appendChild(head);
    this._table.replaceChildren(thead, body);
  }

  private _schedule(): void {
    if (this._frame) return;
    const raf =
      typeof requestAnimationFrame === 'function'
        ? requestAnimationFrame
        : (f: () => void) => setTimeout(f, 16);
    this._frame = true;
    raf(() => {
      this._frame = false;
      this.refresh();
    });
  }

  private readonly _scrolls: boolean;
  private readonly _table: HTMLTableElement;
  private _r0 = 0;
  private _c0 = 0;
  private _frame = false;
}
