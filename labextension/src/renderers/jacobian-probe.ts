/**
 * The renderer for `application/vnd.adlab.jacobian-probe.v1+json`: the m x n Jacobian as a grid
 * whose columns (one JVP each) and rows (one VJP each) are revealed on click, the measured cost of
 * both modes side by side and the adjoint-identity error. A malformed payload shows an error box;
 * nothing throws.
 */
import { formatFloat } from '../model/format';
import { parseJacobianProbePayload, type JacobianProbeModel } from '../model/jacobian-probe-model';
import { field, h, renderOrError } from '../view/dom';
import { fillCell, maxAbs } from '../view/matrix-grid';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { StaticRenderer } from './static-renderer';

const formatMs = (t: number): string => `${formatFloat(t, 3)} ms`;

/** The interactive state of one Jacobian probe view: which columns and rows are revealed. */
export class JacobianProbeView {
  readonly node: HTMLElement;

  constructor(readonly model: JacobianProbeModel) {
    this._cols = new Array<boolean>(model.n).fill(false);
    this._rows = new Array<boolean>(model.m).fill(false);
    this._scale = maxAbs(model.columns.flat());
    this.node = h('div', 'adlab-probe adlab-jacobian-probe');
    this.node.appendChild(this._header());
    this.node.appendChild(this._costs());
    this.node.appendChild(this._controls());
    this.node.appendChild(this._grid());
    this._update();
  }

  /** Reveals column j (computed by the j-th JVP). */
  revealColumn(j: number): void {
    if (j < 0 || j >= this.model.n) return;
    this._cols[j] = true;
    this._update();
  }

  /** Reveals row i (computed by the i-th VJP). */
  revealRow(i: number): void {
    if (i < 0 || i >= this.model.m) return;
    this._rows[i] = true;
    this._update();
  }

  /** Reveals every column (and so every entry). */
  revealAll(): void {
    this._cols.fill(true);
    this._rows.fill(true);
    this._update();
  }

  /** Numbers of revealed columns and rows. */
  get revealed(): { columns: number; rows: number } {
    return {
      columns: this._cols.filter(Boolean).length,
      rows: this._rows.filter(Boolean).length,
    };
  }

  private _header(): HTMLElement {
    const { model } = this;
    const header = h('div', 'adlab-probe-header');
    header.appendChild(h('span', 'adlab-probe-title', 'Jacobian probe'));
    header.appendChild(field('f', model.name, 'adlab-probe-name'));
    header.appendChild(field('map', `R^${model.n} → R^${model.m}`, 'adlab-probe-dims'));
    header.appendChild(field('dtype', model.dtype, 'adlab-dtype'));
    const adj = field(
      'adjoint error max |⟨w, Jv⟩ − ⟨Jᵀw, v⟩|',
      `${formatFloat(model.adjointError, 3)} (${model.adjointPairs} random pairs)`,
      'adlab-probe-adjoint',
    );
    header.appendChild(adj);
    return header;
  }

  private _costs(): HTMLElement {
    const { model } = this;
    const wrap = h('div', 'adlab-probe-costs');
    const fwd = h('div', 'adlab-probe-cost adlab-probe-cost-forward');
    fwd.appendChild(h('span', 'adlab-field-label', 'forward mode'));
    fwd.appendChild(h('span', 'adlab-field-value', formatMs(model.cost.forwardMs)));
    const rev = h('div', 'adlab-probe-cost adlab-probe-cost-reverse');
    rev.appendChild(h('span', 'adlab-field-label', 'reverse mode'));
    rev.appendChild(h('span', 'adlab-field-value', formatMs(model.cost.reverseMs)));
    wrap.appendChild(fwd);
    wrap.appendChild(rev);
    wrap.appendChild(
      h(
        'div',
        'adlab-probe-explain',
        `forward mode: ${model.n} JVPs, one column each; reverse mode: ${model.m} VJPs, one row each`,
      ),
    );
    return wrap;
  }

  private _controls(): HTMLElement {
    const bar = h('div', 'adlab-probe-controls');
    this._nextCol = h('button', 'adlab-probe-button adlab-probe-next-col');
    this._nextCol.type = 'button';
    this._nextCol.addEventListener('click', () => this.revealColumn(this._cols.indexOf(false)));
    this._nextRow = h('button', 'adlab-probe-button adlab-probe-next-row');
    this._nextRow.type = 'button';
    this._nextRow.addEventListener('click', () => this.revealRow(this._rows.indexOf(false)));
    const all = h('button', 'adlab-probe-button adlab-probe-reveal-all', 'reveal all');
    all.type = 'button';
    all.addEventListener('click', () => this.revealAll());
    this._status = h('span', 'adlab-probe-status');
    bar.append(this._nextCol, this._nextRow, all, this._status);
    return bar;
  }

  private _grid(): HTMLElement {
    const { model } = this;
    const scroll = h('div', 'adlab-probe-grid-scroll');
    const table = h('table', 'adlab-grid adlab-probe-grid');
    const head = h('tr');
    head.appendChild(h('th', 'adlab-corner', 'J'));
    for (let j = 0; j < model.n; j++) {
      const th = h('th', 'adlab-probe-col-header', String(j));
      th.title = `reveal column ${j} (JVP, ${formatMs(model.cost.columnMs[j]!)})`;
      th.dataset.col = String(j);
      th.addEventListener('click', () => this.revealColumn(j));
      head.appendChild(th);
    }
    head.appendChild(h('th', 'adlab-probe-cost-header', 'VJP cost'));
    table.appendChild(h('thead')).appendChild(head);
    const body = h('tbody');
    this._cells = [];
    for (let i = 0; i < model.m; i++) {
      const tr = h('tr');
      const th = h('th', 'adlab-probe-row-header', String(i));
      th.title = `reveal row ${i} (VJP, ${formatMs(model.cost.rowMs[i]!)})`;
      th.dataset.row = String(i);
      th.addEventListener('click', () => this.revealRow(i));
      tr.appendChild(th);
      const cells: HTMLTableCellElement[] = [];
      for (let j = 0; j < model.n; j++) cells.push(tr.appendChild(h('td')));
      this._cells.push(cells);
      tr.appendChild(h('td', 'adlab-probe-row-cost', formatMs(model.cost.rowMs[i]!)));
      body.appendChild(tr);
    }
    const costRow = h('tr', 'adlab-probe-cost-row');
    costRow.appendChild(h('th', 'adlab-probe-cost-header', 'JVP cost'));
    for (let j = 0; j < model.n; j++)
      costRow.appendChild(h('td', 'adlab-probe-col-cost', formatMs(model.cost.columnMs[j]!)));
    costRow.appendChild(h('td'));
    body.appendChild(costRow);
    table.appendChild(body);
    scroll.appendChild(table);
    return scroll;
  }

  private _update(): void {
    const { model } = this;
    for (let i = 0; i < model.m; i++) {
      for (let j = 0; j < model.n; j++) {
        const td = this._cells[i]![j]!;
        if (this._cols[j]) {
          fillCell(td, model.columns[j]![i]!, this._scale);
          td.dataset.source = 'jvp';
        } else if (this._rows[i]) {
          fillCell(td, model.rows[i]![j]!, this._scale);
          td.dataset.source = 'vjp';
        } else {
          td.textContent = '';
          td.title = 'hidden: reveal its column (JVP) or its row (VJP)';
          td.className = 'adlab-cell adlab-cell-hidden';
          delete td.dataset.source;
        }
      }
    }
    const nextCol = this._cols.indexOf(false);
    const nextRow = this._rows.indexOf(false);
    this._nextCol.textContent =
      nextCol < 0 ? 'all columns revealed' : `reveal column ${nextCol} (JVP)`;
    this._nextCol.disabled = nextCol < 0;
    this._nextRow.textContent = nextRow < 0 ? 'all rows revealed' : `reveal row ${nextRow} (VJP)`;
    this._nextRow.disabled = nextRow < 0;
    const { columns, rows } = this.revealed;
    this._status.textContent = `${columns} of ${model.n} columns, ${rows} of ${model.m} rows revealed`;
  }

  private readonly _cols: boolean[];
  private readonly _rows: boolean[];
  private readonly _scale: number;
  private _cells: HTMLTableCellElement[][] = [];
  private _nextCol!: HTMLButtonElement;
  private _nextRow!: HTMLButtonElement;
  private _status!: HTMLElement;
}

/** The DOM of one Jacobian probe, and its view when the payload was valid. */
export interface JacobianProbeDom {
  node: HTMLElement;
  view?: JacobianProbeView;
}

/** Builds the view of a payload; a malformed payload gives the error box. Never throws. */
export function renderJacobianProbe(data: unknown): JacobianProbeDom {
  return renderOrError(
    'Jacobian probe',
    () => parseJacobianProbePayload(data),
    (model) => {
      const view = new JacobianProbeView(model);
      return { node: view.node, view };
    },
  );
}

/** The MIME renderer widget. */
export class JacobianProbeRenderer extends StaticRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'adlab-probe-output');
  }

  protected render(data: unknown): { node: HTMLElement } {
    return renderJacobianProbe(data);
  }
}
