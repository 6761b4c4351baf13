/**
 * The renderer for `application/vnd.adlab.hvp-probe.v1+json`: H v by forward-over-reverse next to
 * the finite-difference estimate with the per-entry difference and the step h, the Hessian as a
 * heatmap for small n, and the eigenvalue estimates with the condition number. A malformed payload
 * shows an error box; nothing throws.
 */
import { formatFloat } from '../model/format';
import { parseHvpProbePayload, type HvpProbeModel } from '../model/hvp-probe-model';
import { field, h, renderOrError } from '../view/dom';
import { fillCell, matrixTable, maxAbs } from '../view/matrix-grid';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { StaticRenderer } from './static-renderer';

/** Entries of the vectors table drawn (the rest are summarized). */
export const MAX_VECTOR_ROWS = 256;
/** Eigenvalues listed (the extremes are always shown). */
const MAX_EIGENVALUES = 16;

const fmt = (x: number): string => formatFloat(x, 6);

/** The DOM of one HVP probe. */
export interface HvpProbeDom {
  node: HTMLElement;
}

/** Builds the view of a payload; a malformed payload gives the error box. Never throws. */
export function renderHvpProbe(data: unknown): HvpProbeDom {
  return renderOrError('HVP probe', () => parseHvpProbePayload(data), buildView);
}

function buildView(model: HvpProbeModel): HvpProbeDom {
  const node = h('div', 'adlab-probe adlab-hvp-probe');
  const header = h('div', 'adlab-probe-header');
  header.appendChild(h('span', 'adlab-probe-title', 'HVP probe'));
  header.appendChild(field('f', model.name, 'adlab-probe-name'));
  header.appendChild(field('n', String(model.n), 'adlab-probe-dims'));
  header.appendChild(field('dtype', model.dtype, 'adlab-dtype'));
  header.appendChild(field('h', formatFloat(model.h, 3), 'adlab-probe-h'));
  header.appendChild(
    field('max |Hv − FD|', formatFloat(model.fdMaxError, 3), 'adlab-probe-fd-error'),
  );
  node.appendChild(header);
  node.appendChild(
    h(
      'div',
      'adlab-probe-explain',
      `H v by forward-over-reverse (one JVP of the gradient) against central differences of ` +
        `gradients, (∇f(x + h v) − ∇f(x − h v)) / 2h with h = ${formatFloat(model.h, 3)}`,
    ),
  );
  const body = h('div', 'adlab-probe-body');
  body.appendChild(vectorsTable(model));
  if (model.hessian) {
    const wrap = h('div', 'adlab-probe-hessian');
    wrap.appendChild(h('div', 'adlab-probe-subtitle', `Hessian (${model.n} × ${model.n})`));
    const scroll = h('div', 'adlab-probe-grid-scroll');
    scroll.appendChild(matrixTable(model.hessian, model.n, model.n));
    wrap.appendChild(scroll);
    body.appendChild(wrap);
  }
  node.appendChild(body);
  if (model.spectrum) node.appendChild(spectrumView(model.spectrum));
  return { node };
}

function vectorsTable(model: HvpProbeModel): HTMLElement {
  const table = h('table', 'adlab-grid adlab-probe-vectors');
  const head = h('tr');
  for (const label of ['i', 'v', 'H v (fwd-rev)', 'finite diff.', 'difference'])
    head.appendChild(h('th', undefined, label));
  table.appendChild(h('thead')).appendChild(head);
  const body = h('tbody');
  const scale = maxAbs([...model.hvp, ...model.fd]);
  const shown = Math.min(model.n, MAX_VECTOR_ROWS);
  for (let i = 0; i < shown; i++) {
    const tr = h('tr');
    tr.appendChild(h('th', 'adlab-row-index', String(i)));
    tr.appendChild(h('td', 'adlab-value', fmt(model.v[i]!)));
    const a = h('td', 'adlab-probe-hvp');
    fillCell(a, model.hvp[i]!, scale, 8);
    const b = h('td', 'adlab-probe-fd');
    fillCell(b, model.fd[i]!, scale, 8);
    a.classList.add('adlab-probe-hvp');
    b.classList.add('adlab-probe-fd');
    tr.append(a, b);
    tr.appendChild(h('td', 'adlab-probe-diff', formatFloat(model.hvp[i]! - model.fd[i]!, 3)));
    body.appendChild(tr);
  }
  if (shown < model.n) {
    const tr = h('tr');
    const td = h('td', 'adlab-block-more', `… ${model.n - shown} more entries not shown`);
    td.colSpan = 5;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  table.appendChild(body);
  return table;
}

function spectrumView(s: NonNullable<HvpProbeModel['spectrum']>): HTMLElement {
  const wrap = h('div', 'adlab-probe-spectrum');
  const eig = s.eigenvalues;
  const how = s.method === 'eigh' ? 'dense eigh' : `Lanczos, ${eig.length} Ritz values`;
  wrap.appendChild(h('div', 'adlab-probe-subtitle', `Spectrum (${how})`));
  const fields = h('div', 'adlab-probe-header');
  fields.appendChild(field('λ_min', fmt(eig[0]!), 'adlab-probe-lmin'));
  fields.appendChild(field('λ_max', fmt(eig[eig.length - 1]!), 'adlab-probe-lmax'));
  fields.appendChild(field('condition κ', fmt(s.condition), 'adlab-probe-condition'));
  wrap.appendChild(fields);
  const listed =
    eig.length <= MAX_EIGENVALUES
      ? eig.map(fmt).join(', ')
      : `${eig.slice(0, 4).map(fmt).join(', ')}, …, ${eig.slice(-4).map(fmt).join(', ')}`;
  wrap.appendChild(h('div', 'adlab-probe-eigenvalues', `eigenvalues: ${listed}`));
  wrap.appendChild(
    h(
      'div',
      'adlab-probe-explain',
      'Newton-CG solves H p = −∇f by conjugate gradients using only such products; ' +
        'CG needs about √κ of them per solve, and stops (or takes a descent step) on negative curvature.',
    ),
  );
  return wrap;
}

/** The MIME renderer widget. */
export class HvpProbeRenderer extends StaticRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'adlab-probe-output');
  }

  protected render(data: unknown): { node: HTMLElement } {
    return renderHvpProbe(data);
  }
}
