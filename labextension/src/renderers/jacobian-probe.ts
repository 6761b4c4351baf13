/**
 * The renderer for `application/vnd.adlab.jacobian-probe.v1+json`: the m x n Jacobian as a grid
 * whose columns (one JVP each) and rows (one VJP each) are revealed on click, the measured cost of
 * both modes side by side and the adjoint-identity error. While the kernel that made it runs, it
 * computes J v or Jᵀ w for a typed or random direction, fetches columns and rows a large probe did
 * not send, and moves the point x. A malformed payload or reply shows an error box; nothing throws.
 */
import { formatFloat } from '../model/format';
import {
  parseJacobianProbePayload,
  parseSlices,
  parseTimedVector,
  type JacobianProbeModel,
} from '../model/jacobian-probe-model';
import { fail } from '../model/validate';
import { LiveLink } from '../kernel/live-link';
import { field, h, renderOrError } from '../view/dom';
import { maxAbs, VirtualGrid } from '../view/matrix-grid';
import { VectorPanel, vectorResult } from '../view/vector-panel';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { StaticRenderer, type RenderedView } from './static-renderer';

const formatMs = (t: number): string => `${formatFloat(t, 3)} ms`;

/** The interactive state of one Jacobian probe view: revealed columns and rows, live results. */
export class JacobianProbeView {
  readonly node: HTMLElement;
  readonly live: LiveLink;

  constructor(model: JacobianProbeModel) {
    this._model = model;
    this.node = h('div', 'adlab-probe adlab-jacobian-probe');
    this.live = new LiveLink(this.node, model.handle, {
      onGoneChange: (gone) => this._panels.forEach((p) => p.setEnabled(!gone)),
    });
    this._build();
  }

  get model(): JacobianProbeModel {
    return this._model;
  }

  /** Reveals column j: stored, or computed by one JVP in the kernel. */
  async revealColumn(j: number): Promise<void> {
    if (j < 0 || j >= this._model.n) return;
    if (!this._model.columns.has(j)) await this._fetch('columns', [j]);
    if (this._model.columns.has(j)) this._cols.add(j);
    this._update();
  }

  /** Reveals row i: stored, or computed by one VJP in the kernel. */
  async revealRow(i: number): Promise<void> {
    if (i < 0 || i >= this._model.m) return;
    if (!this._model.rows.has(i)) await this._fetch('rows', [i]);
    if (this._model.rows.has(i)) this._rows.add(i);
    this._update();
  }

  /** Reveals every stored column; a large probe computes the columns in view instead. */
  async revealAll(): Promise<void> {
    const { model } = this;
    if (model.columns.size === model.n) {
      for (let j = 0; j < model.n; j++) this._cols.add(j);
      for (let i = 0; i < model.m; i++) if (model.rows.has(i)) this._rows.add(i);
    } else {
      const missing = this._grid.visibleColumns().filter((j) => !model.columns.has(j));
      if (missing.length > 0) await this._fetch('columns', missing);
      for (const j of this._grid.visibleColumns()) if (model.columns.has(j)) this._cols.add(j);
    }
    this._update();
  }

  /** Numbers of revealed columns and rows. */
  get revealed(): { columns: number; rows: number } {
    return { columns: this._cols.size, rows: this._rows.size };
  }

  private get _complete(): boolean {
    return this._model.columns.size === this._model.n;
  }

  private _build(): void {
    this.node.replaceChildren(this._header(), this._costs(), this._controls());
    this._grid = new VirtualGrid(
      {
        rows: this._model.m,
        cols: this._model.n,
        entry: (i, j) => this._entry(i, j),
        scale: () => this._scale,
        rowCost: (i) => this._cost(this._model.rowMs.get(i)),
        colCost: (j) => this._cost(this._model.columnMs.get(j)),
      },
      (j) => void this.revealColumn(j),
      (i) => void this.revealRow(i),
    );
    this.node.appendChild(this._grid.node);
    this.node.appendChild(this._livePanel());
    this._update();
  }

  private _cost(ms: number | undefined): string {
    return ms === undefined ? '' : formatMs(ms);
  }

  private _entry(i: number, j: number): { value: number; source: 'jvp' | 'vjp' } | undefined {
    if (this._cols.has(j)) return { value: this._model.columns.get(j)![i]!, source: 'jvp' };
    if (this._rows.has(i)) return { value: this._model.rows.get(i)![j]!, source: 'vjp' };
    return undefined;
  }

  private _header(): HTMLElement {
    const { model } = this;
    const header = h('div', 'adlab-probe-header');
    header.appendChild(h('span', 'adlab-probe-title', 'Jacobian probe'));
    header.appendChild(field('f', model.name, 'adlab-probe-name'));
    header.appendChild(field('map', `R^${model.n} → R^${model.m}`, 'adlab-probe-dims'));
    header.appendChild(field('dtype', model.dtype, 'adlab-dtype'));
    header.appendChild(
      field(
        'adjoint error max |⟨w, Jv⟩ − ⟨Jᵀw, v⟩|',
        `${formatFloat(model.adjointError, 3)} (${model.adjointPairs} random pairs)`,
        'adlab-probe-adjoint',
      ),
    );
    return header;
  }

  private _costs(): HTMLElement {
    const { model } = this;
    const wrap = h('div', 'adlab-probe-costs');
    const u = model.unitCost;
    const total = (mode: 'forward' | 'reverse'): string => {
      if (this._complete)
        return formatMs(mode === 'forward' ? model.cost.forwardMs : model.cost.reverseMs);
      if (!u) return 'on demand';
      const k = mode === 'forward' ? model.n : model.m;
      const one = mode === 'forward' ? u.jvpMs : u.vjpMs;
      return `≈ ${formatMs(k * one)} for all (${formatMs(one)} each)`;
    };
    for (const mode of ['forward', 'reverse'] as const) {
      const box = h('div', `adlab-probe-cost adlab-probe-cost-${mode}`);
      box.appendChild(h('span', 'adlab-field-label', `${mode} mode`));
      box.appendChild(h('span', 'adlab-field-value', total(mode)));
      wrap.appendChild(box);
    }
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
    const button = (className: string, text = ''): HTMLButtonElement => {
      const b = h('button', `adlab-probe-button ${className}`, text);
      b.type = 'button';
      return b;
    };
    this._nextCol = button('adlab-probe-next-col');
    this._nextCol.addEventListener('click', () => void this.revealColumn(this._firstHidden('col')));
    this._nextRow = button('adlab-probe-next-row');
    this._nextRow.addEventListener('click', () => void this.revealRow(this._firstHidden('row')));
    const all = button(
      'adlab-probe-reveal-all',
      this._complete ? 'reveal all' : 'compute the columns in view',
    );
    all.addEventListener('click', () => void this.revealAll());
    this._status = h('span', 'adlab-probe-status');
    bar.append(this._nextCol, this._nextRow, all, this._status);
    return bar;
  }

  private _livePanel(): HTMLElement {
    const { model } = this;
    const wrap = h('div', 'adlab-probe-live');
    this._results = h('div', 'adlab-probe-results');
    const product = (mode: 'jvp' | 'vjp') => async (values: number[]) => {
      const length = mode === 'jvp' ? model.m : model.n;
      const arg = mode === 'jvp' ? { v: values } : { w: values };
      const r = await this.live.call(mode, arg, (raw) => parseTimedVector(raw, length));
      if (!r) return;
      const title = mode === 'jvp' ? 'J v' : 'Jᵀ w';
      const pass = mode === 'jvp' ? 'one JVP' : 'one VJP';
      const node = vectorResult(
        title,
        r.value.values,
        `${pass}: ${formatMs(r.value.ms)}`,
        `adlab-probe-result-${mode}`,
      );
      this._results.querySelector(`.adlab-probe-result-${mode}`)?.remove();
      this._results.appendChild(node);
    };
    this._panels = [
      new VectorPanel({
        label: `J v by one JVP, v ∈ R^${model.n}`,
        name: 'v',
        length: model.n,
        className: 'adlab-probe-jv',
        buttonText: 'compute J v',
        onCompute: product('jvp'),
      }),
      new VectorPanel({
        label: `Jᵀ w by one VJP, w ∈ R^${model.m}`,
        name: 'w',
        length: model.m,
        className: 'adlab-probe-jtw',
        buttonText: 'compute Jᵀ w',
        onCompute: product('vjp'),
      }),
      new VectorPanel({
        label: 'point x',
        name: 'x',
        length: model.n,
        initial: model.x,
        className: 'adlab-probe-x',
        buttonText: 'move x and recompute',
        random: false,
        onCompute: (x) => this._moveTo(x),
      }),
    ];
    for (const p of this._panels) {
      p.setEnabled(this.live.available);
      wrap.appendChild(p.node);
    }
    wrap.appendChild(this._results);
    wrap.appendChild(this.live.node);
    return wrap;
  }

  /** Asks the kernel for columns or rows and stores them in the model. */
  private async _fetch(op: 'columns' | 'rows', indices: number[]): Promise<void> {
    const { model } = this;
    const length = op === 'columns' ? model.m : model.n;
    const r = await this.live.call(op, { indices }, (raw) => parseSlices(raw, indices, length));
    if (!r) return;
    for (const s of r.value) {
      (op === 'columns' ? model.columns : model.rows).set(s.index, s.values);
      (op === 'columns' ? model.columnMs : model.rowMs).set(s.index, s.ms);
    }
  }

  private async _moveTo(x: number[]): Promise<void> {
    const r = await this.live.call('setX', { x }, (raw) => {
      const parsed = parseJacobianProbePayload(raw);
      if (!parsed.ok) fail(parsed.error);
      return parsed.model;
    });
    if (!r) return;
    const revealedCols = [...this._cols];
    const revealedRows = [...this._rows];
    this._model = r.value;
    this._cols = new Set(revealedCols.filter((j) => this._model.columns.has(j)));
    this._rows = new Set(revealedRows.filter((i) => this._model.rows.has(i)));
    this._build();
  }

  private _firstHidden(kind: 'col' | 'row'): number {
    const set = kind === 'col' ? this._cols : this._rows;
    const size = kind === 'col' ? this._model.n : this._model.m;
    for (let k = 0; k < size; k++) if (!set.has(k)) return k;
    return -1;
  }

  private _update(): void {
    const { model } = this;
    this._scale = maxAbs([...model.columns.values(), ...model.rows.values()].flat());
    this._grid.refresh();
    const nextCol = this._firstHidden('col');
    const nextRow = this._firstHidden('row');
    this._nextCol.textContent =
      nextCol < 0 ? 'all columns revealed' : `reveal column ${nextCol} (JVP)`;
    this._nextCol.disabled = nextCol < 0;
    this._nextRow.textContent = nextRow < 0 ? 'all rows revealed' : `reveal row ${nextRow} (VJP)`;
    this._nextRow.disabled = nextRow < 0;
    const { columns, rows } = this.revealed;
    this._status.textContent = `${columns} of ${model.n} columns, ${rows} of ${model.m} rows revealed`;
  }

  private _model: JacobianProbeModel;
  private _cols = new Set<number>();
  private _rows = new Set<number>();
  private _scale = 0;
  private _grid!: VirtualGrid;
  private _panels: VectorPanel[] = [];
  private _results!: HTMLElement;
  private _nextCol!: HTMLButtonElement;
  private _nextRow!: HTMLButtonElement;
  private _status!: HTMLElement;
}

/** The DOM of one Jacobian probe, and its view when the payload was valid. */
export interface JacobianProbeDom extends RenderedView {
  view?: JacobianProbeView;
}

/** Builds the view of a payload; a malformed payload gives the error box. Never throws. */
export function renderJacobianProbe(data: unknown): JacobianProbeDom {
  return renderOrError(
    'Jacobian probe',
    () => parseJacobianProbePayload(data),
    (model) => {
      const view = new JacobianProbeView(model);
      return { node: view.node, view, live: view.live };
    },
  );
}

/** The MIME renderer widget. */
export class JacobianProbeRenderer extends StaticRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'adlab-probe-output');
  }

  protected render(data: unknown): RenderedView {
    return renderJacobianProbe(data);
  }
}
