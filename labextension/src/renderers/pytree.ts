/**
 * The renderer for `application/vnd.adlab.pytree.v1+json`: a pytree of tensors as a collapsible
 * tree (native `<details>`), each tensor leaf with its shape, dtype and statistics on one line and
 * its full tensor view (values table, heatmap) built when the leaf is expanded. A malformed payload
 * shows an error box; nothing throws.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { formatFloat, formatShape } from '../model/format';
import { parsePytreePayload, type PytreeModel, type PytreeNodeModel } from '../model/pytree-model';
import type { TensorModel } from '../model/tensor-model';
import { h, renderOrError } from '../view/dom';
import { renderTensor } from './tensor';
import { StaticRenderer, type RenderedView } from './static-renderer';

/** Branches open from the start, up to this depth. */
const OPEN_DEPTH = 2;

/** The one-line summary of a tensor leaf. */
export function leafSummary(t: TensorModel): string {
  const s = t.stats;
  const f = (v: number): string => formatFloat(v, 4);
  const stats = s ? ` · min ${f(s.min)} · max ${f(s.max)} · mean ${f(s.mean)}` : '';
  const bad = s && s.nonFinite > 0 ? ` · ${s.nonFinite} non-finite` : '';
  return `${formatShape(t.shape)} ${t.dtype}${stats}${bad}`;
}

function nodeView(key: string, node: PytreeNodeModel, depth: number): HTMLElement {
  if (node.kind === 'dict' || node.kind === 'list') {
    const branch = h('details', `adlab-pytree-branch adlab-pytree-${node.kind}`);
    branch.open = depth < OPEN_DEPTH;
    const count = node.kind === 'dict' ? node.entries.length : node.items.length;
    const summary = h('summary', 'adlab-pytree-summary');
    summary.appendChild(h('span', 'adlab-pytree-key', key));
    summary.appendChild(
      h(
        'span',
        'adlab-pytree-kind',
        node.kind === 'dict' ? `{ ${count} keys }` : `[ ${count} items ]`,
      ),
    );
    branch.appendChild(summary);
    const children =
      node.kind === 'dict'
        ? node.entries.map((e) => [e.key, e.node] as const)
        : node.items.map((c, i) => [String(i), c] as const);
    for (const [k, c] of children) branch.appendChild(nodeView(k, c, depth + 1));
    return branch;
  }
  if (node.kind === 'tensor') {
    const leaf = h('details', 'adlab-pytree-leaf');
    const summary = h('summary', 'adlab-pytree-summary');
    summary.appendChild(h('span', 'adlab-pytree-key', key));
    summary.appendChild(h('span', 'adlab-pytree-tensor', leafSummary(node.tensor)));
    if (node.tensor.stats?.nonFinite) summary.classList.add('adlab-warn');
    leaf.appendChild(summary);
    // The tensor view is built on first expand: a tree of hundreds of leaves stays light.
    leaf.addEventListener('toggle', () => {
      if (leaf.open && !leaf.querySelector('.adlab-pytree-tensor-view')) {
        const body = h('div', 'adlab-pytree-tensor-view');
        const view = renderTensor(node.raw);
        body.appendChild(view.node);
        leaf.appendChild(body);
        if ('heatmap' in view) view.heatmap?.draw();
      }
    });
    return leaf;
  }
  const row = h('div', 'adlab-pytree-scalar');
  row.appendChild(h('span', 'adlab-pytree-key', key));
  row.appendChild(
    h(
      'span',
      'adlab-pytree-value',
      node.kind === 'number' ? formatFloat(node.value, 8) : node.text,
    ),
  );
  return row;
}

function buildView(model: PytreeModel): RenderedView {
  const node = h('div', 'adlab-pytree');
  const head = h('div', 'adlab-pytree-header');
  head.appendChild(h('span', 'adlab-probe-title', 'pytree'));
  head.appendChild(
    h(
      'span',
      'adlab-pytree-totals',
      `${model.leaves} tensor leaves · ${model.size} entries${model.truncated ? ' · leaves beyond the first 200 summarized' : ''}`,
    ),
  );
  node.appendChild(head);
  node.appendChild(nodeView('root', model.root, 0));
  return { node };
}

/** Builds the view of a payload; a malformed payload gives the error box. Never throws. */
export function renderPytree(data: unknown): RenderedView {
  return renderOrError('pytree', () => parsePytreePayload(data), buildView);
}

/** The MIME renderer widget. */
export class PytreeRenderer extends StaticRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'adlab-pytree-output');
  }

  protected render(data: unknown): RenderedView {
    return renderPytree(data);
  }
}
