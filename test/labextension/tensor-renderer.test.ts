import './setup';
import { describe, expect, it } from 'vitest';
import { MIME } from 'adlab/protocol';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import extensions, { ADLAB_RANK, tensorExtension } from '../../labextension/src/index';
import { renderTensor, TensorRenderer } from '../../labextension/src/renderers/tensor';
import { parseTensorPayload } from '../../labextension/src/model/tensor-model';
import { formatValue } from '../../labextension/src/model/format';
import {
  colorFor,
  parseColor,
  valueRange,
  DEFAULT_PALETTE,
} from '../../labextension/src/view/heatmap';
import { tensor2x3, truncated } from './fixtures';

function texts(root: Element, selector: string): string[] {
  return [...root.querySelectorAll(selector)].map((e) => e.textContent ?? '');
}

function mimeModel(data: unknown): IRenderMime.IMimeModel {
  return {
    trusted: false,
    data: { [MIME.tensor]: data } as never,
    metadata: {},
    setData: () => undefined,
  };
}

async function renderWidget(data: unknown): Promise<TensorRenderer> {
  const renderer = tensorExtension.rendererFactory.createRenderer({
    mimeType: MIME.tensor,
    sanitizer: { sanitize: (s: string) => s },
    resolver: null,
    linkHandler: null,
    latexTypesetter: null,
  } as unknown as IRenderMime.IRendererOptions) as TensorRenderer;
  Widget.attach(renderer, document.body);
  await renderer.renderModel(mimeModel(data));
  return renderer;
}

describe('extension declaration', () => {
  it('registers a safe JSON renderer for the tensor MIME type, ranked above text/html', () => {
    expect(extensions).toContain(tensorExtension);
    expect(tensorExtension.rendererFactory.mimeTypes).toEqual([MIME.tensor]);
    expect(tensorExtension.rendererFactory.safe).toBe(true);
    expect(tensorExtension.dataType).toBe('json');
    expect(tensorExtension.rank).toBe(ADLAB_RANK);
    expect(ADLAB_RANK).toBeLessThan(50);
  });
});

describe('tensor view', () => {
  it('renders a 2x3 tensor: header with shape and dtype, table cells with the values', async () => {
    const w = await renderWidget(tensor2x3());
    const node = w.node;
    expect(node.querySelector('.adlab-error')).toBeNull();
    expect(node.querySelector('.adlab-shape')?.textContent).toContain('[2, 3]');
    expect(node.querySelector('.adlab-dtype')?.textContent).toContain('float32');
    expect(node.querySelector('.adlab-size')?.textContent).toContain('6');
    expect(node.querySelector('.adlab-stat-min')?.textContent).toContain('1');
    expect(node.querySelector('.adlab-stat-max')?.textContent).toContain('6.5');
    expect(node.querySelector('.adlab-stat-mean')?.textContent).toContain('3.58333');
    expect(texts(node, 'td.adlab-value')).toEqual(['1', '2', '3', '4', '5', '6.5']);
    expect(texts(node, 'th.adlab-col-index')).toEqual(['0', '1', '2']);
    expect(texts(node, 'th.adlab-row-index')).toEqual(['0', '1']);
    expect(node.querySelectorAll('.adlab-ellipsis')).toHaveLength(0);
    expect(node.querySelector('.adlab-truncated')).toBeNull();
    w.dispose();
  });

  it('draws a heatmap canvas for 2-D tensors and none for 1-D', () => {
    const two = renderTensor(tensor2x3());
    expect(two.node.querySelector('canvas.adlab-heatmap-canvas')).not.toBeNull();
    const canvas = two.node.querySelector('canvas') as HTMLCanvasElement;
    expect([canvas.width, canvas.height]).toEqual([3, 2]);

    const one = renderTensor({
      shape: [3],
      dtype: 'int32',
      size: 3,
      truncated: false,
      view: { indices: [[0, 1, 2]], values: [7, -8, 9] },
    });
    expect(one.node.querySelector('.adlab-error')).toBeNull();
    expect(one.node.querySelector('.adlab-heatmap')).toBeNull();
    expect(texts(one.node, 'td.adlab-value')).toEqual(['7', '-8', '9']);
  });

  it('paints one pixel per cell with the scale colors when a 2-D context exists', () => {
    const { heatmap } = renderTensor(tensor2x3());
    let painted: ImageData | undefined;
    const fake = {
      createImageData: (w: number, h: number) => ({
        width: w,
        height: h,
        data: new Uint8ClampedArray(4 * w * h),
      }),
      putImageData: (img: ImageData) => {
        painted = img;
      },
    };
    heatmap!.canvas.getContext = (() => fake) as never;
    heatmap!.draw();
    expect(painted?.data.length).toBe(24);
    // Lowest value: the base color; highest: the high color (fallback palette outside JupyterLab).
    expect([...painted!.data.slice(0, 4)]).toEqual([...DEFAULT_PALETTE.base, 255]);
    expect([...painted!.data.slice(20, 24)]).toEqual([...DEFAULT_PALETTE.high, 255]);
  });

  it('uses the payload heatmap (block averages) when present', () => {
    const p = truncated([200, 300]);
    p.heatmap = { rows: 2, cols: 3, values: [0, 1, 2, 3, 4, 'NaN'] };
    const { node } = renderTensor(p);
    const canvas = node.querySelector('canvas') as HTMLCanvasElement;
    expect([canvas.width, canvas.height]).toEqual([3, 2]);
    expect(node.querySelector('.adlab-heatmap-note')?.textContent).toContain(
      'block-averaged to 2x3',
    );
  });

  it('shows ellipses for a large truncated tensor', () => {
    const { node } = renderTensor(truncated([1000, 500]));
    expect(node.querySelector('.adlab-error')).toBeNull();
    expect(node.querySelector('.adlab-truncated')?.textContent).toBe('truncated');
    expect(texts(node, 'th.adlab-col-index')).toEqual(['0', '1', '2', '497', '498', '499']);
    expect(texts(node, 'th.adlab-row-index')).toEqual(['0', '1', '2', '997', '998', '999']);
    const head = node.querySelector('thead tr') as HTMLElement;
    expect(texts(head, 'th')).toEqual(['', '0', '1', '2', '…', '497', '498', '499']);
    expect(node.querySelectorAll('tr.adlab-ellipsis-row')).toHaveLength(1);
    expect(node.textContent).toContain('⋮');
    expect(node.textContent).toContain('⋱');
    expect(node.querySelectorAll('td.adlab-value')).toHaveLength(36);
  });

  it('shows n-d tensors as 2-D blocks of the trailing axes, with gaps and a cap', () => {
    const { node } = renderTensor(truncated([4, 3, 5]));
    const labels = texts(node, '.adlab-block-label');
    expect(labels).toEqual(['[0, :, :]', '[1, :, :]', '[2, :, :]', '[3, :, :]']);
    expect(node.querySelectorAll('table.adlab-values')).toHaveLength(4);
    expect(node.querySelector('.adlab-heatmap')).toBeNull();

    const big = renderTensor(truncated([50, 40, 7, 8]));
    expect(big.node.querySelector('.adlab-error')).toBeNull();
    expect(big.node.querySelectorAll('table.adlab-values')).toHaveLength(12);
    expect(texts(big.node, '.adlab-block-label').slice(0, 4)).toEqual([
      '[0, 0, :, :]',
      '[0, 1, :, :]',
      '[0, 2, :, :]',
      '[0, 37, :, :]',
    ]);
    expect(big.node.querySelectorAll('.adlab-block-gap').length).toBeGreaterThan(0);
    expect(big.node.querySelector('.adlab-block-more')?.textContent).toContain('24 more blocks');
  });

  it('shows NaN and infinities from their JSON encodings', () => {
    const { node } = renderTensor({
      shape: [2, 2],
      dtype: 'float64',
      size: 4,
      truncated: false,
      view: {
        indices: [
          [0, 1],
          [0, 1],
        ],
        values: ['NaN', 'Infinity', '-Infinity', 0.5],
      },
      stats: { min: '-Infinity', max: 'Infinity', mean: 'NaN', nonFinite: 3 },
    });
    expect(node.querySelector('.adlab-error')).toBeNull();
    expect(texts(node, 'td.adlab-value')).toEqual(['NaN', 'Infinity', '-Infinity', '0.5']);
    expect(node.querySelectorAll('td.adlab-nonfinite')).toHaveLength(3);
    const nf = node.querySelector('.adlab-stat-nonfinite') as HTMLElement;
    expect(nf.textContent).toContain('3');
    expect(nf.classList.contains('adlab-warn')).toBe(true);
  });

  it('renders scalars, empty tensors and bools', () => {
    const scalar = renderTensor({
      shape: [],
      dtype: 'float32',
      size: 1,
      truncated: false,
      view: { indices: [], values: [2.5] },
    });
    expect(scalar.node.querySelector('.adlab-scalar')?.textContent).toBe('2.5');
    expect(scalar.node.querySelector('.adlab-shape')?.textContent).toContain('[]');
    const empty = renderTensor({
      shape: [0, 3],
      dtype: 'float32',
      size: 0,
      truncated: false,
      view: { indices: [[], [0, 1, 2]], values: [] },
    });
    expect(empty.node.querySelector('.adlab-error')).toBeNull();
    expect(empty.node.querySelector('.adlab-empty')).not.toBeNull();
    const bools = renderTensor({
      shape: [2],
      dtype: 'bool',
      size: 2,
      truncated: false,
      view: { indices: [[0, 1]], values: [1, 0] },
    });
    expect(texts(bools.node, 'td.adlab-value')).toEqual(['true', 'false']);
  });
});

describe('malformed payloads', () => {
  const good = tensor2x3();
  const cases: [string, unknown][] = [
    ['null', null],
    ['a string', 'not a tensor'],
    ['a number', 42],
    ['an array', [1, 2, 3]],
    ['missing shape', { ...good, shape: undefined }],
    ['shape of strings', { ...good, shape: ['2', '3'] }],
    ['negative dimension', { ...good, shape: [-2, 3] }],
    ['fractional dimension', { ...good, shape: [2.5, 3] }],
    ['unknown dtype', { ...good, dtype: 'complex64' }],
    ['dtype not a string', { ...good, dtype: 7 }],
    ['size mismatch', { ...good, size: 7 }],
    ['missing view', { ...good, view: undefined }],
    [
      'values length mismatch',
      { ...good, view: { indices: good.view.indices, values: [1, 2, 3] } },
    ],
    [
      'values not numbers',
      { ...good, view: { indices: good.view.indices, values: [1, 2, 3, 4, 5, {}] } },
    ],
    [
      'values a bad string',
      { ...good, view: { indices: good.view.indices, values: [1, 2, 3, 4, 5, 'nan'] } },
    ],
    [
      'index out of range',
      {
        ...good,
        view: {
          indices: [
            [0, 2],
            [0, 1, 2],
          ],
          values: good.view.values,
        },
      },
    ],
    [
      'indices not increasing',
      {
        ...good,
        view: {
          indices: [
            [1, 0],
            [0, 1, 2],
          ],
          values: good.view.values,
        },
      },
    ],
    ['indices rank mismatch', { ...good, view: { indices: [[0, 1]], values: good.view.values } }],
    ['truncated not boolean', { ...good, truncated: 'no' }],
    ['stats with wrong types', { ...good, stats: { min: 'low', max: 1, mean: 1, nonFinite: 0 } }],
    ['heatmap length mismatch', { ...good, heatmap: { rows: 2, cols: 2, values: [1] } }],
  ];

  it.each(cases)('%s yields the error box and does not throw', async (_name, payload) => {
    let w: TensorRenderer | undefined;
    await expect(
      (async () => {
        w = await renderWidget(payload);
      })(),
    ).resolves.toBeUndefined();
    const box = w!.node.querySelector('.adlab-error');
    expect(box).not.toBeNull();
    expect(box!.textContent).toMatch(/^adlab: cannot display tensor: .+/);
    expect(w!.node.querySelector('.adlab-tensor')).toBeNull();
    w!.dispose();
  });

  it('rejects a view too large to draw as a table', () => {
    const n = 200;
    const all = Array.from({ length: n }, (_, i) => i);
    const { node } = renderTensor({
      shape: [n, n],
      dtype: 'float32',
      size: n * n,
      truncated: false,
      view: { indices: [all, all], values: new Array(n * n).fill(0) },
    });
    expect(node.textContent).toContain('more than 20000');
  });

  it('gives a reason naming the problem', () => {
    const r = parseTensorPayload({
      ...good,
      view: { indices: good.view.indices, values: [1, 2, 3] },
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain('view.values has 3 entries, expected 6');
  });

  it('does not interpret HTML in data', () => {
    const evil = '<img src=x onerror="window.__adlabPwned=1">';
    const { node } = renderTensor({ ...good, dtype: evil });
    document.body.appendChild(node);
    expect(node.querySelector('img')).toBeNull();
    expect(node.classList.contains('adlab-error')).toBe(true);
    expect(node.textContent).not.toContain('<img');
    expect((window as { __adlabPwned?: number }).__adlabPwned).toBeUndefined();

    const r = renderTensor({
      ...good,
      view: { indices: good.view.indices, values: [1, 2, 3, 4, 5, evil] },
    });
    expect(r.node.querySelector('img')).toBeNull();
    expect(r.node.classList.contains('adlab-error')).toBe(true);
    node.remove();
  });

  it('recovers when a later model is well-formed', async () => {
    const w = await renderWidget('broken');
    expect(w.node.querySelector('.adlab-error')).not.toBeNull();
    await w.renderModel(mimeModel(tensor2x3()));
    expect(w.node.querySelector('.adlab-error')).toBeNull();
    expect(w.node.querySelectorAll('td.adlab-value')).toHaveLength(6);
    w.dispose();
  });
});

describe('formatting and colors', () => {
  it('formats values by dtype', () => {
    expect(formatValue(0.1 + 0.2, 'float32')).toBe('0.3');
    expect(formatValue(0.1 + 0.2, 'float64')).toBe('0.3');
    expect(formatValue(1e-7, 'float32')).toBe('1e-7');
    expect(formatValue(123456789, 'float32')).toBe('1.23457e+8');
    expect(formatValue(-3, 'int32')).toBe('-3');
    expect(formatValue(NaN, 'int32')).toBe('NaN');
  });

  it('parses theme colors and maps values onto the scale', () => {
    expect(parseColor('#fff')).toEqual([255, 255, 255]);
    expect(parseColor(' #1976d2 ')).toEqual([25, 118, 210]);
    expect(parseColor('rgba(10, 20, 30, 0.5)')).toEqual([10, 20, 30]);
    expect(parseColor('var(--x)')).toBeUndefined();
    const seq = valueRange([1, 2, NaN, 3]);
    expect(seq).toEqual({ lo: 1, hi: 3, diverging: false });
    expect(colorFor(1, seq, DEFAULT_PALETTE)).toEqual(DEFAULT_PALETTE.base);
    expect(colorFor(3, seq, DEFAULT_PALETTE)).toEqual(DEFAULT_PALETTE.high);
    expect(colorFor(NaN, seq, DEFAULT_PALETTE)).toEqual(DEFAULT_PALETTE.nan);
    const div = valueRange([-2, 0, 1]);
    expect(div.diverging).toBe(true);
    expect(colorFor(-2, div, DEFAULT_PALETTE)).toEqual(DEFAULT_PALETTE.low);
    expect(colorFor(0, div, DEFAULT_PALETTE)).toEqual(DEFAULT_PALETTE.base);
  });
});
