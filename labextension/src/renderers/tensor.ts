/**
 * The renderer for `application/vnd.adlab.tensor.v1+json`: a header (shape, dtype, size, stats),
 * the values table (trailing two axes per leading index, with ellipses where indices were
 * skipped) and, for 2-D tensors, a heatmap. A malformed payload shows an error box; nothing throws.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import type { Message } from '@lumino/messaging';
import type { PayloadDType } from 'adlab/protocol';
import { parseTensorPayload, type BlockModel, type TensorModel } from '../model/tensor-model';
import { formatShape, formatValue } from '../model/format';
import { errorBox, field, h, observeTheme, renderOrError } from '../view/dom';
import { HeatmapView } from '../view/heatmap';

/** The DOM of one tensor view, and its heatmap when there is one. */
export interface TensorDom {
  node: HTMLElement;
  heatmap?: HeatmapView;
}

/** Builds the view of a payload; a malformed payload gives the error box. Never throws. */
export function renderTensor(data: unknown): TensorDom {
  return renderOrError('tensor', () => parseTensorPayload(data), buildView);
}

function buildView(model: TensorModel): TensorDom {
  const node = h('div', 'adlab-tensor');
  node.appendChild(buildHeader(model));
  const body = h('div', 'adlab-tensor-body');
  body.appendChild(buildTables(model));
  let heatmap: HeatmapView | undefined;
  if (model.heatmap) {
    heatmap = new HeatmapView(model.heatmap, model.dtype, model.shape);
    body.appendChild(heatmap.node);
  }
  node.appendChild(body);
  return heatmap ? { node, heatmap } : { node };
}

function buildHeader(model: TensorModel): HTMLElement {
  const header = h('div', 'adlab-tensor-header');
  header.appendChild(h('span', 'adlab-tensor-title', 'Tensor'));
  header.appendChild(field('shape', formatShape(model.shape), 'adlab-shape'));
  header.appendChild(field('dtype', model.dtype, 'adlab-dtype'));
  header.appendChild(field('size', String(model.size), 'adlab-size'));
  const { stats } = model;
  if (stats) {
    const fmt = (v: number): string =>
      formatValue(v, model.dtype === 'float64' ? 'float64' : 'float32');
    header.appendChild(field('min', fmt(stats.min), 'adlab-stat-min'));
    header.appendChild(field('max', fmt(stats.max), 'adlab-stat-max'));
    header.appendChild(field('mean', fmt(stats.mean), 'adlab-stat-mean'));
    const nf = field('non-finite', String(stats.nonFinite), 'adlab-stat-nonfinite');
    if (stats.nonFinite > 0) nf.classList.add('adlab-warn');
    header.appendChild(nf);
  }
  if (model.truncated) header.appendChild(h('span', 'adlab-badge adlab-truncated', 'truncated'));
  return header;
}

function buildTables(model: TensorModel): HTMLElement {
  const wrap = h('div', 'adlab-tensor-tables');
  const rank = model.shape.length;
  if (model.size === 0) {
    wrap.appendChild(h('div', 'adlab-empty', '(empty tensor)'));
    return wrap;
  }
  if (rank === 0) {
    const cell = model.blocks[0];
    const v = cell?.kind === 'block' ? cell.block.cells[0]?.[0] : undefined;
    const scalar = h('div', 'adlab-scalar');
    if (v !== undefined) fillValueCell(scalar, v, model.dtype);
    wrap.appendChild(scalar);
    return wrap;
  }
  for (const entry of model.blocks) {
    if (entry.kind === 'gap') {
      wrap.appendChild(h('div', 'adlab-block-gap', '⋮'));
      continue;
    }
    const { block } = entry;
    if (rank > 2) {
      const lead = block.lead.join(', ');
      wrap.appendChild(h('div', 'adlab-block-label', `[${lead}, :, :]`));
    }
    wrap.appendChild(buildTable(block, model));
  }
  if (model.hiddenBlocks > 0) {
    const n = model.hiddenBlocks;
    wrap.appendChild(
      h('div', 'adlab-block-more', `… ${n} more block${n === 1 ? '' : 's'} not shown`),
    );
  }
  return wrap;
}

/** Positions along an axis, with `null` where kept indices skip some (ellipsis). */
function withGaps(kept: readonly number[], dim: number): (number | null)[] {
  const out: (number | null)[] = [];
  let prev = -1;
  kept.forEach((idx, k) => {
    if (idx > prev + 1) out.push(null);
    out.push(k);
    prev = idx;
  });
  if (prev < dim - 1 && kept.length > 0) out.push(null);
  return out;
}

function fillValueCell(cell: HTMLElement, v: number, dtype: PayloadDType): void {
  cell.textContent = formatValue(v, dtype);
  if (!Number.isFinite(v)) cell.classList.add('adlab-nonfinite');
}

function buildTable(block: BlockModel, model: TensorModel): HTMLTableElement {
  const rank = model.shape.length;
  const table = h('table', 'adlab-values');
  const colPos = withGaps(block.colIndices, model.shape[rank - 1]!);
  const rowPos: (number | null)[] =
    rank >= 2 ? withGaps(block.rowIndices, model.shape[rank - 2]!) : [0];

  const thead = h('thead');
  const headRow = h('tr');
  headRow.appendChild(h('th', 'adlab-corner'));
  for (const c of colPos) {
    headRow.appendChild(
      c === null
        ? h('th', 'adlab-ellipsis', '…')
        : h('th', 'adlab-col-index', String(block.colIndices[c])),
    );
  }
  thead.appendChild(headRow);
  table.appendChild(thead);

  const tbody = h('tbody');
  for (const r of rowPos) {
    const tr = h('tr');
    if (r === null) {
      tr.className = 'adlab-ellipsis-row';
      tr.appendChild(h('th', 'adlab-ellipsis', '⋮'));
      for (const c of colPos) tr.appendChild(h('td', 'adlab-ellipsis', c === null ? '⋱' : '⋮'));
    } else {
      tr.appendChild(h('th', 'adlab-row-index', rank >= 2 ? String(block.rowIndices[r]) : ''));
      const row = block.cells[r]!;
      for (const c of colPos) {
        if (c === null) {
          tr.appendChild(h('td', 'adlab-ellipsis', '…'));
        } else {
          const td = h('td', 'adlab-value');
          fillValueCell(td, row[c]!, model.dtype);
          tr.appendChild(td);
        }
      }
    }
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
  return table;
}

/** The MIME renderer widget. */
export class TensorRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super();
    this._mimeType = options.mimeType;
    this.addClass('adlab-tensor-output');
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this._clear();
    let view: TensorDom;
    try {
      view = renderTensor(model.data[this._mimeType]);
    } catch {
      view = { node: errorBox('tensor', 'internal error') };
    }
    this.node.appendChild(view.node);
    this._heatmap = view.heatmap;
    if (this.isAttached) this._draw();
    return Promise.resolve();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._clear();
    super.dispose();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._unobserve = observeTheme(() => this._draw());
    this._draw();
  }

  protected override onBeforeDetach(msg: Message): void {
    this._unobserve?.();
    this._unobserve = undefined;
    super.onBeforeDetach(msg);
  }

  private _draw(): void {
    try {
      this._heatmap?.draw();
    } catch {
      // Drawing is decoration: the table already shows the values.
    }
  }

  private _clear(): void {
    this._heatmap?.dispose();
    this._heatmap = undefined;
    this.node.textContent = '';
  }

  private readonly _mimeType: string;
  private _heatmap: HeatmapView | undefined;
  private _unobserve: (() => void) | undefined;
}
