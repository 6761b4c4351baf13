import './setup';
import { describe, expect, it } from 'vitest';
import { MIME, type HvpProbePayload, type JacobianProbePayload } from 'adlab/protocol';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { hvpProbe, jacobianProbe, np, Tensor } from '../../kernel-lib/src';
import extensions, {
  ADLAB_RANK,
  hvpProbeExtension,
  jacobianProbeExtension,
} from '../../labextension/src/index';
import {
  JacobianProbeRenderer,
  renderJacobianProbe,
} from '../../labextension/src/renderers/jacobian-probe';
import {
  HvpProbeRenderer,
  MAX_VECTOR_ROWS,
  renderHvpProbe,
} from '../../labextension/src/renderers/hvp-probe';
import { parseJacobianProbePayload } from '../../labextension/src/model/jacobian-probe-model';
import { parseHvpProbePayload } from '../../labextension/src/model/hvp-probe-model';
import { levelClass } from '../../labextension/src/view/matrix-grid';

const A = np.array(
  [
    [1, 2, -1],
    [0.5, -3, 2],
  ],
  'float64',
);

/** A real probe of R^3 -> R^2, as the kernel sends it (through JSON). */
function jacobianPayload(name = 'f'): JacobianProbePayload {
  const f = (x: Tensor) => np.tanh(np.matmul(A, x));
  const bundle = jacobianProbe(f, np.array([0.3, -0.2, 0.5], 'float64'), { name }).toMimeBundle();
  return JSON.parse(JSON.stringify(bundle[MIME.jacobianProbe])) as JacobianProbePayload;
}

function hvpPayload(name = 'q'): HvpProbePayload {
  const q = (x: Tensor) => np.add(np.sum(np.pow(x, 4)), np.prod(x));
  const bundle = hvpProbe(q, np.array([1, -0.5, 2], 'float64'), np.array([0.3, 1, -2], 'float64'), {
    name,
  }).toMimeBundle();
  return JSON.parse(JSON.stringify(bundle[MIME.hvpProbe])) as HvpProbePayload;
}

const texts = (root: Element, selector: string): string[] =>
  [...root.querySelectorAll(selector)].map((e) => e.textContent ?? '');

function click(el: Element | null): void {
  if (!el) throw new Error('nothing to click');
  el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
}

describe('probe extensions', () => {
  it('are registered safe, rank 20, JSON, for the probe MIME types', () => {
    expect(extensions).toContain(jacobianProbeExtension);
    expect(extensions).toContain(hvpProbeExtension);
    for (const [ext, mime] of [
      [jacobianProbeExtension, MIME.jacobianProbe],
      [hvpProbeExtension, MIME.hvpProbe],
    ] as const) {
      expect(ext.rendererFactory.safe).toBe(true);
      expect(ext.rendererFactory.mimeTypes).toEqual([mime]);
      expect(ext.rendererFactory.defaultRank).toBe(ADLAB_RANK);
      expect(ext.rank).toBe(20);
      expect(ext.dataType).toBe('json');
    }
  });
});

describe('Jacobian probe renderer', () => {
  it('draws a hidden m x n grid with costs and the adjoint error', () => {
    const { node, view } = renderJacobianProbe(jacobianPayload());
    expect(view).toBeDefined();
    expect(
      node.querySelectorAll('.adlab-probe-grid tbody tr:not(.adlab-probe-cost-row)'),
    ).toHaveLength(2);
    expect(node.querySelectorAll('td.adlab-cell')).toHaveLength(6);
    expect(node.querySelectorAll('td.adlab-cell-hidden')).toHaveLength(6);
    expect(node.querySelectorAll('td.adlab-probe-col-cost')).toHaveLength(3);
    expect(node.querySelectorAll('td.adlab-probe-row-cost')).toHaveLength(2);
    expect(node.querySelector('.adlab-probe-explain')!.textContent).toBe(
      'forward mode: 3 JVPs, one column each; reverse mode: 2 VJPs, one row each',
    );
    expect(node.querySelector('.adlab-probe-cost-forward')!.textContent).toMatch(/ms$/);
    expect(node.querySelector('.adlab-probe-cost-reverse')!.textContent).toMatch(/ms$/);
    expect(node.querySelector('.adlab-probe-adjoint')!.textContent).toContain('3 random pairs');
  });

  it('reveals a column by button and by header, a row by header, then all', () => {
    const p = jacobianPayload();
    const { node } = renderJacobianProbe(p);
    const next = node.querySelector('.adlab-probe-next-col')!;
    expect(next.textContent).toBe('reveal column 0 (JVP)');
    click(next);
    expect(next.textContent).toBe('reveal column 1 (JVP)');
    const col0 = [...node.querySelectorAll('tbody tr')].slice(0, 2).map((tr) => tr.children[1]!);
    expect(col0.map((td) => td.getAttribute('data-source'))).toEqual(['jvp', 'jvp']);
    expect(col0.map((td) => Number(td.getAttribute('title')))).toEqual(
      p.columns[0]!.map((v) => Number(Number(v).toPrecision(10))),
    );
    click(node.querySelector('th[data-col="2"]'));
    expect(node.querySelectorAll('td.adlab-cell-hidden')).toHaveLength(2);
    click(node.querySelector('th[data-row="1"]'));
    expect(node.querySelectorAll('td.adlab-cell-hidden')).toHaveLength(1);
    expect(node.querySelectorAll('td[data-source="vjp"]')).toHaveLength(1);
    expect(node.querySelector('.adlab-probe-status')!.textContent).toBe(
      '2 of 3 columns, 1 of 2 rows revealed',
    );
    click(node.querySelector('.adlab-probe-next-row'));
    expect(node.querySelector('.adlab-probe-next-row')!.textContent).toBe('all rows revealed');
    click(node.querySelector('.adlab-probe-reveal-all'));
    expect(node.querySelectorAll('td.adlab-cell-hidden')).toHaveLength(0);
    expect((node.querySelector('.adlab-probe-next-col') as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps HTML in the name as text', () => {
    const { node } = renderJacobianProbe(jacobianPayload('<img src=x onerror=alert(1)>'));
    expect(node.querySelector('img')).toBeNull();
    expect(texts(node, '.adlab-probe-name .adlab-field-value')).toEqual([
      '<img src=x onerror=alert(1)>',
    ]);
  });

  it('shows the error box for malformed payloads, never throws', () => {
    const good = jacobianPayload();
    const bad: unknown[] = [
      null,
      [],
      'x',
      { ...good, n: 0 },
      { ...good, n: 300 },
      { ...good, m: 2.5 },
      { ...good, columns: good.columns.slice(1) },
      {
        ...good,
        rows: [
          [1, 2, 3],
          ['<b>x</b>', 0, 0],
        ],
      },
      { ...good, cost: { ...good.cost, rowMs: [1] } },
      { ...good, cost: null },
      { ...good, adjointError: -1 },
      { ...good, dtype: 'int32' },
      { ...good, name: 5 },
    ];
    for (const data of bad) {
      expect(parseJacobianProbePayload(data).ok).toBe(false);
      const { node } = renderJacobianProbe(data);
      expect(node.classList.contains('adlab-error')).toBe(true);
      expect(node.querySelector('b')).toBeNull();
    }
  });

  it('the widget renders through the MIME model', async () => {
    const r = new JacobianProbeRenderer({
      mimeType: MIME.jacobianProbe,
    } as IRenderMime.IRendererOptions);
    await r.renderModel({ data: { [MIME.jacobianProbe]: jacobianPayload() } } as never);
    expect(r.node.querySelector('.adlab-jacobian-probe')).not.toBeNull();
    await r.renderModel({ data: { [MIME.jacobianProbe]: { n: 'x' } } } as never);
    expect(r.node.querySelector('.adlab-jacobian-probe')).toBeNull();
    expect(r.node.querySelector('.adlab-error')).not.toBeNull();
  });
});

describe('HVP probe renderer', () => {
  it('shows H v next to the FD estimate with differences, h, the Hessian and the spectrum', () => {
    const p = hvpPayload();
    const { node } = renderHvpProbe(p);
    expect(node.querySelectorAll('.adlab-probe-vectors tbody tr')).toHaveLength(3);
    expect(node.querySelectorAll('td.adlab-probe-hvp')).toHaveLength(3);
    expect(node.querySelectorAll('td.adlab-probe-fd')).toHaveLength(3);
    expect(node.querySelectorAll('td.adlab-probe-diff')).toHaveLength(3);
    expect(texts(node, '.adlab-probe-h .adlab-field-value')[0]).toMatch(/e-6$/);
    expect(node.querySelectorAll('.adlab-probe-hessian td.adlab-cell')).toHaveLength(9);
    expect(node.querySelector('.adlab-probe-spectrum')!.textContent).toContain('dense eigh');
    expect(node.querySelector('.adlab-probe-condition')).not.toBeNull();
    expect(node.querySelector('.adlab-probe-spectrum-plot')).not.toBeNull();
    expect(texts(node, '.adlab-probe-definiteness .adlab-field-value')[0]).toBe(
      'positive definite',
    );
    expect(texts(node, '.adlab-probe-condition .adlab-field-value')[0]).toMatch(/^[\d.]+$/);
  });

  it('stays compact at large n: capped rows in a scroll box, the Hessian heatmap collapsed', () => {
    // A diagonal quadratic ½ Σ d_i z_i², so H = diag(d): small cost, known spectrum.
    const compact = (n: number, lanczosSteps?: number) => {
      const d = np.arange(1, n + 1, 1, 'float64');
      const quad = (z: Tensor) => np.mul(np.sum(np.mul(d, np.mul(z, z))), 0.5);
      const bundle = hvpProbe(quad, np.ones([n], 'float64'), undefined, {
        lanczosSteps,
      }).toMimeBundle();
      return renderHvpProbe(JSON.parse(JSON.stringify(bundle[MIME.hvpProbe]))).node;
    };
    const big = compact(705, 8);
    const rows = big.querySelectorAll('.adlab-probe-vectors-scroll tbody tr');
    expect(rows).toHaveLength(MAX_VECTOR_ROWS + 1);
    expect(rows[MAX_VECTOR_ROWS]!.textContent).toBe(
      `… ${705 - MAX_VECTOR_ROWS} more entries not shown`,
    );
    expect(big.querySelector('.adlab-probe-hessian')).toBeNull();
    expect(big.querySelector('.adlab-probe-spectrum-plot')).not.toBeNull();
    const medium = compact(20).querySelector<HTMLDetailsElement>('details.adlab-probe-hessian')!;
    expect(medium.open).toBe(false);
    expect(medium.querySelector('summary')!.textContent).toBe('Hessian (20 × 20) heatmap');
    expect(medium.querySelectorAll('td.adlab-cell')).toHaveLength(400);
    expect(
      renderHvpProbe(hvpPayload()).node.querySelector<HTMLDetailsElement>('details')!.open,
    ).toBe(true);
  });

  it('keeps HTML in the name as text', () => {
    const { node } = renderHvpProbe(hvpPayload('q<script>alert(1)</script>'));
    expect(node.querySelector('script')).toBeNull();
    expect(texts(node, '.adlab-probe-name .adlab-field-value')[0]).toBe(
      'q<script>alert(1)</script>',
    );
  });

  it('shows the error box for malformed payloads, never throws', () => {
    const good = hvpPayload();
    const bad: unknown[] = [
      undefined,
      { ...good, n: -1 },
      { ...good, hvp: [1, 2] },
      { ...good, finiteDifference: { ...good.finiteDifference, h: 0 } },
      { ...good, finiteDifference: 3 },
      { ...good, hessian: [1, 2, 3] },
      { ...good, spectrum: { eigenvalues: [], condition: 1, method: 'eigh' } },
      { ...good, spectrum: { ...good.spectrum, method: '<i>x</i>' } },
      { ...good, v: [1, {}, 2] },
    ];
    for (const data of bad) {
      expect(parseHvpProbePayload(data).ok).toBe(false);
      const { node } = renderHvpProbe(data);
      expect(node.classList.contains('adlab-error')).toBe(true);
      expect(node.querySelector('i')).toBeNull();
    }
  });

  it('the widget renders through the MIME model', async () => {
    const r = new HvpProbeRenderer({ mimeType: MIME.hvpProbe } as IRenderMime.IRendererOptions);
    await r.renderModel({ data: { [MIME.hvpProbe]: hvpPayload() } } as never);
    expect(r.node.querySelector('.adlab-hvp-probe')).not.toBeNull();
  });
});

describe('levelClass', () => {
  it('colors by sign and magnitude', () => {
    expect(levelClass(0, 1)).toBe('adlab-cell-zero');
    expect(levelClass(1, 1)).toBe('adlab-cell-pos-5');
    expect(levelClass(-0.1, 1)).toBe('adlab-cell-neg-1');
    expect(levelClass(NaN, 1)).toBe('adlab-cell-nonfinite');
  });
});

describe('probes without a live handle (stored outputs)', () => {
  it('render with the controls disabled and the one-line notice', () => {
    for (const [render, payload] of [
      [renderHvpProbe, hvpPayload()],
      [renderJacobianProbe, jacobianPayload()],
    ] as const) {
      const p = payload as unknown as Record<string, unknown>;
      delete p.live;
      const { node } = render(p as never);
      expect(node.querySelector('.adlab-error:not(.adlab-live-error)')).toBeNull();
      expect(node.querySelector('.adlab-live-status')!.textContent).toBe(
        'Live controls need a kernel: this output has no live handle.',
      );
      expect(node.querySelector<HTMLButtonElement>('.adlab-probe-compute')!.disabled).toBe(true);
    }
  });
});
