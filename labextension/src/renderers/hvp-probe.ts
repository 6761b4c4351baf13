/**
 * The renderer for `application/vnd.adlab.hvp-probe.v1+json`: H v by forward-over-reverse next to
 * the finite-difference estimate with the per-entry difference and the step h, the Hessian as a
 * collapsible heatmap for small n, and the spectrum as a stem plot with its summary (definite with
 * κ, or indefinite with the eigenvalue range). While the kernel that made it runs, a typed v and
 * step give a new H v, and Lanczos reruns with a chosen k. A malformed payload or reply shows an
 * error box; nothing throws.
 */
import { spectrumSummary } from 'adlab/protocol';
import { formatFloat } from '../model/format';
import {
  parseHvpProbePayload,
  parseHvpResult,
  parseLanczosResult,
  type HvpProbeModel,
  type HvpProductModel,
} from '../model/hvp-probe-model';
import { LiveLink } from '../kernel/live-link';
import { field, h, renderOrError } from '../view/dom';
import { fillCell, matrixTable, maxAbs } from '../view/matrix-grid';
import { SpectrumPlot } from '../view/spectrum-plot';
import { VectorPanel } from '../view/vector-panel';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { StaticRenderer, type RenderedView } from './static-renderer';

/** Entries of the vectors table drawn (the rest are summarized). */
export const MAX_VECTOR_ROWS = 256;
/** The Hessian heatmap starts open up to this n. */
const OPEN_HESSIAN_DIM = 8;

const fmt = (x: number): string => formatFloat(x, 6);

/** The DOM of one HVP probe. */
export interface HvpProbeDom extends RenderedView {
  view?: HvpProbeView;
}

/** Builds the view of a payload; a malformed payload gives the error box. Never throws. */
export function renderHvpProbe(data: unknown): HvpProbeDom {
  return renderOrError(
    'HVP probe',
    () => parseHvpProbePayload(data),
    (model) => {
      const view = new HvpProbeView(model);
      return { node: view.node, view, live: view.live };
    },
  );
}

function numberInput(value: number, label: string, className: string): HTMLInputElement {
  const input = h('input', `adlab-probe-number-input ${className}`);
  input.type = 'text';
  input.value = String(value);
  input.setAttribute('aria-label', label);
  return input;
}

/** One HVP probe: its product, Hessian and spectrum, and the live controls. */
export class HvpProbeView {
  readonly node: HTMLElement;
  readonly live: LiveLink;

  constructor(readonly model: HvpProbeModel) {
    this.node = h('div', 'adlab-probe adlab-hvp-probe');
    this.live = new LiveLink(this.node, model.handle, {
      onGoneChange: (gone) => {
        this._panel?.setEnabled(!gone);
        for (const b of this.node.querySelectorAll<HTMLButtonElement>('.adlab-probe-lanczos-run'))
          b.disabled = gone;
      },
    });
    const header = h('div', 'adlab-probe-header');
    header.appendChild(h('span', 'adlab-probe-title', 'HVP probe'));
    header.appendChild(field('f', model.name, 'adlab-probe-name'));
    header.appendChild(field('n', String(model.n), 'adlab-probe-dims'));
    header.appendChild(field('dtype', model.dtype, 'adlab-dtype'));
    this._hField = header.appendChild(field('h', '', 'adlab-probe-h'));
    this._errField = header.appendChild(field('max |Hv − FD|', '', 'adlab-probe-fd-error'));
    this.node.appendChild(header);
    this._explain = this.node.appendChild(h('div', 'adlab-probe-explain'));
    this.node.appendChild(this._liveRow());
    const body = h('div', 'adlab-probe-body');
    this._vectors = body.appendChild(h('div', 'adlab-probe-vectors-scroll'));
    if (model.hessian) body.appendChild(this._hessian(model.hessian));
    this.node.appendChild(body);
    if (model.spectrum) this.node.appendChild(this._spectrumView(model.spectrum));
    this.node.appendChild(this.live.node);
    this._showProduct(model);
  }

  private _liveRow(): HTMLElement {
    const wrap = h('div', 'adlab-probe-live');
    const hInput = numberInput(this.model.h, 'finite-difference step h', 'adlab-probe-h-input');
    this._panel = new VectorPanel({
      label: `H v, v ∈ R^${this.model.n}`,
      name: 'v',
      length: this.model.n,
      initial: this.model.v,
      className: 'adlab-probe-hv',
      buttonText: 'compute H v',
      onCompute: async (v) => {
        const step = Number(hInput.value);
        if (!(step > 0) || !Number.isFinite(step)) {
          hInput.setCustomValidity('h must be a positive number');
          hInput.reportValidity?.();
          return;
        }
        hInput.setCustomValidity('');
        const r = await this.live.call('hvp', { v, h: step }, (raw) => parseHvpResult(raw, v));
        if (!r) return;
        this._showProduct(
          r.value,
          `H v ${fmtMs(r.value.hvpMs)}, two gradients ${fmtMs(r.value.fdMs)}`,
        );
      },
    });
    this._panel.setEnabled(this.live.available);
    const stepLabel = h('label', 'adlab-probe-live-label adlab-probe-step', 'step h:');
    stepLabel.appendChild(hInput);
    this._panel.node.insertBefore(stepLabel, this._panel.node.querySelector('.adlab-probe-random'));
    wrap.appendChild(this._panel.node);
    return wrap;
  }

  /** Shows a product H v beside its finite-difference estimate. */
  private _showProduct(p: HvpProductModel, cost?: string): void {
    this._hField.querySelector('.adlab-field-value')!.textContent = formatFloat(p.h, 3);
    this._errField.querySelector('.adlab-field-value')!.textContent = formatFloat(p.fdMaxError, 3);
    this._explain.textContent =
      `H v by forward-over-reverse (one JVP of the gradient) against central differences of ` +
      `gradients, (∇f(x + h v) − ∇f(x − h v)) / 2h with h = ${formatFloat(p.h, 3)}` +
      (cost ? ` · ${cost}` : '');
    this._vectors.replaceChildren(vectorsTable(p));
    this._vectors.dataset.hvp = JSON.stringify(p.hvp);
  }

  private _hessian(hessian: number[]): HTMLElement {
    const n = this.model.n;
    const wrap = h('details', 'adlab-probe-hessian');
    wrap.open = n <= OPEN_HESSIAN_DIM;
    wrap.appendChild(h('summary', 'adlab-probe-subtitle', `Hessian (${n} × ${n}) heatmap`));
    const scroll = h('div', 'adlab-probe-grid-scroll');
    scroll.appendChild(matrixTable(hessian, n, n));
    wrap.appendChild(scroll);
    return wrap;
  }

  private _spectrumView(s: NonNullable<HvpProbeModel['spectrum']>): HTMLElement {
    const wrap = h('div', 'adlab-probe-spectrum');
    const title = wrap.appendChild(h('div', 'adlab-probe-subtitle'));
    const fields = wrap.appendChild(h('div', 'adlab-probe-header'));
    const plot = new SpectrumPlot();
    const show = (eig: number[], method: string): void => {
      title.textContent = `Spectrum (${method})`;
      fields.replaceChildren(...spectrumFields(eig, this.model.dtype));
      plot.draw(eig);
    };
    show(
      s.eigenvalues,
      s.method === 'eigh' ? 'dense eigh' : `Lanczos, ${s.eigenvalues.length} Ritz values`,
    );
    const row = h('div', 'adlab-probe-live-row adlab-probe-lanczos');
    const k = numberInput(Math.min(this.model.n, 20), 'Lanczos steps k', 'adlab-probe-k-input');
    const label = h('label', 'adlab-probe-live-label', 'Lanczos steps k:');
    label.appendChild(k);
    const run = h('button', 'adlab-probe-button adlab-probe-lanczos-run', 'rerun Lanczos');
    run.type = 'button';
    run.disabled = !this.live.available;
    run.addEventListener('click', () => {
      const steps = Number(k.value);
      void this.live
        .call('lanczos', { k: steps }, (raw) => parseLanczosResult(raw, steps))
        .then((r) => r && show(r.value, `Lanczos, ${steps} Ritz values, ${fmtMs(r.kernelMs)}`));
    });
    row.append(label, run);
    wrap.appendChild(row);
    wrap.appendChild(plot.node);
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

  private _panel: VectorPanel | undefined;
  private readonly _hField: HTMLElement;
  private readonly _errField: HTMLElement;
  private readonly _explain: HTMLElement;
  private readonly _vectors: HTMLElement;
}

const fmtMs = (ms: number): string => `${formatFloat(ms, 3)} ms`;

/** λ_min, λ_max and the honest summary: κ only for a definite Hessian. */
function spectrumFields(eig: number[], dtype: 'float32' | 'float64'): HTMLElement[] {
  const s = spectrumSummary(eig, dtype === 'float32' ? 1e-6 : 1e-12);
  const out = [
    field('λ_min', fmt(s.min), 'adlab-probe-lmin'),
    field('λ_max', fmt(s.max), 'adlab-probe-lmax'),
    field('Hessian', s.kind, 'adlab-probe-definiteness'),
  ];
  if (s.condition !== undefined)
    out.push(field('condition κ', fmt(s.condition), 'adlab-probe-condition'));
  else
    out.push(
      field(
        'condition κ',
        s.kind === 'indefinite'
          ? `not defined: eigenvalues from ${fmt(s.min)} to ${fmt(s.max)}`
          : 'infinite (singular)',
        'adlab-probe-condition',
      ),
    );
  return out;
}

function vectorsTable(p: HvpProductModel): HTMLElement {
  const table = h('table', 'adlab-grid adlab-probe-vectors');
  const head = h('tr');
  for (const label of ['i', 'v', 'H v (fwd-rev)', 'finite diff.', 'difference'])
    head.appendChild(h('th', undefined, label));
  table.appendChild(h('thead')).appendChild(head);
  const body = h('tbody');
  const scale = maxAbs([...p.hvp, ...p.fd]);
  const n = p.v.length;
  const shown = Math.min(n, MAX_VECTOR_ROWS);
  for (let i = 0; i < shown; i++) {
    const tr = h('tr');
    tr.appendChild(h('th', 'adlab-row-index', String(i)));
    tr.appendChild(h('td', 'adlab-value', fmt(p.v[i]!)));
    const a = h('td');
    fillCell(a, p.hvp[i]!, scale, 8);
    a.classList.add('adlab-probe-hvp');
    const b = h('td');
    fillCell(b, p.fd[i]!, scale, 8);
    b.classList.add('adlab-probe-fd');
    tr.append(a, b);
    tr.appendChild(h('td', 'adlab-probe-diff', formatFloat(p.hvp[i]! - p.fd[i]!, 3)));
    body.appendChild(tr);
  }
  if (shown < n) {
    const tr = h('tr');
    const td = h('td', 'adlab-block-more', `… ${n - shown} more entries not shown`);
    td.colSpan = 5;
    tr.appendChild(td);
    body.appendChild(tr);
  }
  table.appendChild(body);
  return table;
}

/** The MIME renderer widget. */
export class HvpProbeRenderer extends StaticRenderer {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'adlab-probe-output');
  }

  protected render(data: unknown): RenderedView {
    return renderHvpProbe(data);
  }
}
