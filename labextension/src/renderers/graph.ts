/**
 * The renderer for `application/vnd.adlab.graph.v1+json`: a header (name, node counts, FLOPs,
 * bytes, the first non-finite node), a toolbar (search, zoom, SVG/PNG/PDF export) and the primitive DAG
 * as SVG, laid out by Graphviz-wasm loaded on first use. A malformed payload shows an error box.
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import {
  MAX_LAYOUT_BOXES,
  parseGraphPayload,
  searchNodes,
  setExpanded,
  type GraphModel,
} from '../model/graph-model';
import { LiveLink } from '../kernel/live-link';
import { FETCH_COUNT, parseGraphValues } from '../model/graph-values';
import { inspectNode, valuesTable } from '../view/graph-inspector';
import { layoutOffThread } from '../view/graph-layout-client';
import { Overview } from '../view/graph-overview';
import { field, h, renderOrError } from '../view/dom';
import { ViewRenderer } from './view-renderer';
import { downloadBlob, safeFileName, svgToPng, svgToString } from '../view/download';
import { svgPagesToPdfBlob } from '../view/pdf';
import { legend } from '../view/graph-palette';
import {
  boxSize,
  boxText,
  exportLayout,
  exportPages,
  formatBytes,
  formatCount,
  layoutBoxes,
  LIGHT_PALETTE,
  PAGE_MARGIN,
  type GraphLayout,
  type LegendKind,
  type VizLike,
} from 'adlab/graph-layout';
import { buildGraphSvg, fitZoom, zoomAt, type ZoomState } from '../view/graph-svg';

/** Height of the graph viewport in pixels (the graph scrolls by panning inside it). */
const VIEWPORT_HEIGHT = 460;

function button(text: string, title: string, className: string): HTMLButtonElement {
  const b = h('button', `adlab-graph-button ${className}`, text);
  b.type = 'button';
  b.title = title;
  return b;
}

/**
 * One graph view: the DOM is built at once; the layout is computed by {@link GraphView.layout}
 * (asynchronous: Graphviz loads lazily). Never throws.
 */
export class GraphView {
  readonly node: HTMLElement;
  /** The link to the kernel that made the graph (fetch values), when the payload has a handle. */
  readonly live: LiveLink | undefined;

  constructor(
    readonly model: GraphModel,
    private readonly loadViz?: () => Promise<VizLike>,
  ) {
    this.node = h('div', 'adlab-graph');
    if (model.handle) this.live = new LiveLink(this.node, model.handle);
    this.node.appendChild(this._header());
    this.node.appendChild(this._toolbar());
    this.node.appendChild(legend(legendKinds(model)));
    this._viewport = h('div', 'adlab-graph-viewport');
    this._viewport.style.height = `${VIEWPORT_HEIGHT}px`;
    this._viewport.appendChild(h('div', 'adlab-graph-loading', 'laying out…'));
    this.node.appendChild(this._viewport);
    this._overview = new Overview((x, y) => this._centerOn(x, y));
    this._inspector = h('div', 'adlab-graph-inspector');
    this._inspector.appendChild(
      h('div', 'adlab-graph-note', 'click a node to inspect it; click a group to expand it'),
    );
    this.node.appendChild(this._inspector);
    this._note = h('div', 'adlab-graph-note', this._noteText());
    this.node.insertBefore(this._note, this._viewport);
    this._bindPointer();
  }

  /** Lays out and draws the graph (once; later calls return the same promise). */
  layout(): Promise<void> {
    this._layoutDone ??= this._doLayout();
    return this._layoutDone;
  }

  /** Refits the graph to the viewport (on attach or resize). */
  fit(): void {
    if (!this._layout) return;
    const vw = this._viewport.clientWidth;
    if (vw <= 0) return;
    this._zoom = fitZoom(this._layout.width + 16, this._layout.height + 16, vw, VIEWPORT_HEIGHT);
    this._applyZoom();
  }

  /** Shows node `id` in the inspector (with "fetch values" when the kernel can send them). */
  inspect(id: number): void {
    if (!this.model.byId.has(id)) return;
    this._inspector.textContent = '';
    this._inspector.appendChild(inspectNode(this.model, id));
    if (this.live) {
      const fetch = button(
        'fetch values',
        `ask the kernel for the first ${FETCH_COUNT} entries of this node's value, tangent and cotangent`,
        'adlab-graph-fetch',
      );
      fetch.disabled = !this.live.available;
      const out = h('div', 'adlab-graph-fetched');
      fetch.addEventListener('click', () => void this.fetchValues(id, out));
      this._inspector.append(fetch, out, this.live.node);
    }
    for (const g of this._viewport.querySelectorAll<SVGGElement>('g.adlab-graph-selected')) {
      g.classList.remove('adlab-graph-selected');
    }
    const key = this.model.boxes.find((b) => b.members.includes(id))?.key;
    if (key)
      this._viewport.querySelector(`g[data-key="${key}"]`)?.classList.add('adlab-graph-selected');
  }

  /** Fetches node `id`'s first values from the kernel into `out`; failures show in the link. */
  async fetchValues(id: number, out: HTMLElement): Promise<void> {
    const r = await this.live?.call('values', { node: id, count: FETCH_COUNT }, (raw) =>
      parseGraphValues(raw, id),
    );
    if (!r) return;
    out.textContent = '';
    out.appendChild(valuesTable(r.value));
  }

  /** Lays forward and backward regions side by side (or back in one column). */
  async setSideBySide(on: boolean): Promise<void> {
    this._sideBySide = on;
    this._sideButton?.setAttribute('aria-pressed', String(on));
    this._sideButton?.classList.toggle('adlab-graph-button-on', on);
    this._layoutDone = undefined;
    await this.layout();
  }

  /** Expands (or collapses) a group box by key and lays the graph out again. */
  async toggleGroup(key: string, expanded: boolean): Promise<void> {
    setExpanded(this.model, key, expanded);
    this._collapse.disabled = this.model.expanded.size === 0;
    this._boxes = undefined;
    this._layoutDone = undefined;
    this._refit = false;
    await this.layout();
  }

  /** Highlights the nodes whose primitive or label contains `query`; returns the match count. */
  search(query: string): number {
    const hits = searchNodes(this.model, query);
    let boxes = 0;
    for (const g of this._viewport.querySelectorAll<SVGGElement>('g.adlab-graph-node')) {
      const box = this._boxByKey.get(g.dataset.key ?? '');
      const match = !!box && box.members.some((id) => hits.has(id));
      g.classList.toggle('adlab-graph-match', match);
      if (match) boxes++;
    }
    this._searchCount.textContent = query.trim()
      ? `${hits.size} node${hits.size === 1 ? '' : 's'}${boxes < hits.size && this.model.grouped ? ` in ${boxes} boxes` : ''}`
      : '';
    return hits.size;
  }

  /** Zooms by a factor around the viewport's center. */
  zoomBy(factor: number): void {
    const cx = this._viewport.clientWidth / 2;
    this._zoom = zoomAt(this._zoom, factor, cx, VIEWPORT_HEIGHT / 2);
    this._applyZoom();
  }

  /**
   * The export SVG (light palette, what is expanded, no search highlight), a tall graph cut into
   * bands side by side near a landscape page's aspect; undefined before layout.
   */
  exportSvg(): SVGSVGElement | undefined {
    return this._layout
      ? buildGraphSvg(this.model, exportLayout(this._layout), { palette: LIGHT_PALETTE })
      : undefined;
  }

  dispose(): void {
    this._disposed = true;
  }

  private async _doLayout(): Promise<void> {
    const started = performance.now();
    const generation = ++this._generation;
    const sizes = new Map(
      this.model.boxes.map((b) => [b.key, boxSize(boxText(b, this.model))] as const),
    );
    this._viewport.dataset.layoutState = 'running';
    const { layout, thread } = await layoutOffThread(
      layoutBoxes(this.model),
      sizes,
      { sideBySide: this._sideBySide },
      this.loadViz,
    );
    // A newer layout (an expand or a toggle meanwhile) wins.
    if (this._disposed || generation !== this._generation) return;
    this._viewport.dataset.layoutThread = thread;
    this._viewport.dataset.layoutState = 'done';
    this._layout = layout;
    const svg = buildGraphSvg(this.model, layout);
    // Live view: the SVG fills the viewport; a zoom group carries pan and scale.
    svg.removeAttribute('viewBox');
    svg.setAttribute('width', '100%');
    svg.setAttribute('height', String(VIEWPORT_HEIGHT));
    const zoom = document.createElementNS('http://www.w3.org/2000/svg', 'g');
    zoom.setAttribute('class', 'adlab-graph-zoom');
    const root = svg.querySelector('.adlab-graph-root');
    if (root) {
      svg.insertBefore(zoom, root);
      zoom.appendChild(root);
    }
    this._zoomGroup = zoom;
    this._viewport.textContent = '';
    this._viewport.appendChild(svg);
    this._viewport.appendChild(this._overview.node);
    this._overview.draw(this.model, layout);
    this._viewport.dataset.engine = layout.engine;
    this._viewport.dataset.boxes = String(this.model.boxes.length);
    this._viewport.dataset.layoutMs = (performance.now() - started).toFixed(0);
    if (this._refit) this.fit();
    else this._applyZoom();
    this._refit = true;
    if (this._query) this.search(this._query);
    this._note.textContent = this._noteText();
  }

  private _applyZoom(): void {
    const { k, x, y } = this._zoom;
    this._zoomGroup?.setAttribute(
      'transform',
      `translate(${x.toFixed(2)},${y.toFixed(2)}) scale(${k.toFixed(4)})`,
    );
    this._overview.showView(this._zoom, this._viewport.clientWidth, VIEWPORT_HEIGHT);
  }

  /** Pans so the graph point (x, y) is at the viewport's center (overview clicks). */
  private _centerOn(x: number, y: number): void {
    const { k } = this._zoom;
    this._zoom = { k, x: this._viewport.clientWidth / 2 - x * k, y: VIEWPORT_HEIGHT / 2 - y * k };
    this._applyZoom();
  }

  private _header(): HTMLElement {
    const m = this.model;
    const header = h('div', 'adlab-graph-header');
    header.appendChild(h('span', 'adlab-graph-title', 'Graph'));
    header.appendChild(h('span', 'adlab-graph-name', m.name));
    header.appendChild(field('nodes', String(m.totals.nodes), 'adlab-graph-count'));
    header.appendChild(field('FLOPs', formatCount(m.totals.flops), 'adlab-graph-flops'));
    header.appendChild(field('bytes', formatBytes(m.totals.bytes), 'adlab-graph-bytes'));
    if (m.phases.backward > 0) {
      header.appendChild(
        field(
          'forward / backward',
          `${m.phases.forward} / ${m.phases.backward}`,
          'adlab-graph-phases',
        ),
      );
    }
    if (m.firstNonFinite !== undefined) {
      const n = m.byId.get(m.firstNonFinite)!;
      const cause = m.nanOrigin ? ` (${m.nanOrigin.phase}, ${m.nanOrigin.cause})` : '';
      const f = field(
        'first non-finite',
        `%${n.id} ${n.primitive}${cause}`,
        'adlab-graph-first-nan',
      );
      f.classList.add('adlab-warn');
      header.appendChild(f);
    }
    return header;
  }

  private _toolbar(): HTMLElement {
    const bar = h('div', 'adlab-graph-toolbar');
    const input = h('input', 'adlab-graph-search');
    input.type = 'search';
    input.placeholder = 'search primitives';
    input.setAttribute('aria-label', 'search primitives');
    input.addEventListener('input', () => {
      this._query = input.value;
      this.search(input.value);
    });
    // Keep notebook shortcuts (a, b, d d, …) from firing while typing.
    input.addEventListener('keydown', (e) => e.stopPropagation());
    this._searchCount = h('span', 'adlab-graph-search-count');
    const zoomIn = button('+', 'zoom in', 'adlab-graph-zoom-in');
    zoomIn.addEventListener('click', () => this.zoomBy(1.25));
    const zoomOut = button('−', 'zoom out', 'adlab-graph-zoom-out');
    zoomOut.addEventListener('click', () => this.zoomBy(0.8));
    const fit = button('fit', 'fit the graph to the view', 'adlab-graph-fit');
    fit.addEventListener('click', () => this.fit());
    this._collapse = button('collapse', 'collapse every expanded group', 'adlab-graph-collapse');
    this._collapse.disabled = true;
    this._collapse.addEventListener('click', () => {
      const keys = [...this.model.expanded];
      for (const k of keys) setExpanded(this.model, k, false);
      if (keys.length) void this.toggleGroup(keys[0]!, false);
    });
    const svg = button('SVG', 'download as SVG (light style)', 'adlab-graph-export-svg');
    svg.addEventListener('click', () => this._exportSvg());
    const png = button('PNG', 'download as PNG (light style, 2x)', 'adlab-graph-export-png');
    png.addEventListener('click', () => void this._exportPng());
    const pdf = button('PDF', 'download as vector PDF (light style)', 'adlab-graph-export-pdf');
    pdf.addEventListener('click', () => void this.exportPdf());
    bar.append(input, this._searchCount, zoomIn, zoomOut, fit, this._collapse);
    if (this.model.phases.backward > 0) {
      const side = button(
        'fwd | bwd',
        'lay the forward and backward passes out side by side',
        'adlab-graph-side-by-side',
      );
      side.setAttribute('aria-pressed', 'false');
      side.addEventListener('click', () => void this.setSideBySide(!this._sideBySide));
      this._sideButton = side;
      bar.appendChild(side);
    }
    bar.append(svg, png, pdf);
    bar.appendChild(h('span', 'adlab-graph-hint', 'drag to pan · Ctrl/⌘ + wheel to zoom'));
    return bar;
  }

  private _noteText(): string {
    const m = this.model;
    const parts: string[] = [];
    if (m.folded > 0) parts.push(`${m.folded} literal constants drawn inside their readers`);
    const repeats = m.boxes.filter((b) => b.group?.kind === 'repeat').length;
    if (m.grouped) parts.push(`${m.totals.nodes} nodes in ${m.boxes.length} boxes`);
    if (repeats > 0) parts.push(`${repeats} repeated blocks (click to expand)`);
    if (m.hiddenBoxes > 0) {
      parts.push(
        `showing the first ${MAX_LAYOUT_BOXES} boxes; ${m.hiddenBoxes} more not drawn (search counts them)`,
      );
    }
    return parts.length ? `${parts.join('; ')}.` : '';
  }

  private _bindPointer(): void {
    const vp = this._viewport;
    let drag: { x: number; y: number; z: ZoomState; target: EventTarget | null } | undefined;
    vp.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || this._overview.node.contains(e.target as Node)) return;
      drag = { x: e.clientX, y: e.clientY, z: this._zoom, target: e.target };
      try {
        vp.setPointerCapture?.(e.pointerId);
      } catch {
        // A synthetic press (keyboard, tests) has no active pointer to capture.
      }
      vp.classList.add('adlab-graph-panning');
    });
    vp.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this._zoom = {
        ...drag.z,
        x: drag.z.x + e.clientX - drag.x,
        y: drag.z.y + e.clientY - drag.y,
      };
      this._applyZoom();
    });
    const end = (): void => {
      drag = undefined;
      vp.classList.remove('adlab-graph-panning');
    };
    vp.addEventListener('pointerup', (e) => {
      // A press that did not move is a click on the box under it.
      if (drag && Math.hypot(e.clientX - drag.x, e.clientY - drag.y) < 4) {
        this._clickBox(drag.target);
      }
      end();
    });
    vp.addEventListener('pointercancel', end);
    vp.addEventListener(
      'wheel',
      (e) => {
        // Plain wheel scrolls the notebook; Ctrl/⌘ + wheel (and pinch) zooms the graph.
        if (!e.ctrlKey && !e.metaKey) return;
        e.preventDefault();
        const r = vp.getBoundingClientRect();
        this._zoom = zoomAt(
          this._zoom,
          Math.exp(-e.deltaY * 0.002),
          e.clientX - r.left,
          e.clientY - r.top,
        );
        this._applyZoom();
      },
      { passive: false },
    );
  }

  private _clickBox(target: EventTarget | null): void {
    const g = target instanceof Element ? target.closest('g.adlab-graph-node') : null;
    const box = this._boxByKey.get(g?.getAttribute('data-key') ?? '');
    if (!box) return;
    if (box.group) void this.toggleGroup(box.key, true);
    else this.inspect(box.members[0]!);
  }

  private _exportSvg(): void {
    const svg = this.exportSvg();
    if (!svg) return;
    const name = safeFileName(this.model.name, 'graph');
    downloadBlob(new Blob([svgToString(svg)], { type: 'image/svg+xml' }), `${name}.svg`);
  }

  private async _exportPng(): Promise<void> {
    const svg = this.exportSvg();
    if (!svg) return;
    try {
      const w = Number(svg.getAttribute('width'));
      const hgt = Number(svg.getAttribute('height'));
      const png = await svgToPng(svgToString(svg), w, hgt, pngScale(w, hgt));
      downloadBlob(png, `${safeFileName(this.model.name, 'graph')}.png`);
    } catch {
      this._searchCount.textContent = 'PNG export failed';
    }
  }

  /**
   * Downloads a vector PDF on landscape A4 pages: one page when the graph fits it with labels of at
   * least 6 pt, else bands of the graph at that size over several pages. Never throws.
   */
  async exportPdf(): Promise<void> {
    if (!this._layout) return;
    try {
      const { scale, pages, page } = exportPages(this._layout);
      const name = this.model.name;
      const pdf = await svgPagesToPdfBlob(
        pages.map((p, i) => {
          const svg = buildGraphSvg(this.model, p, { palette: LIGHT_PALETTE });
          const w = Number(svg.getAttribute('width')) * scale;
          const hgt = Number(svg.getAttribute('height')) * scale;
          return {
            svg: svgToString(svg),
            x: (page.width - w) / 2,
            y: PAGE_MARGIN,
            width: w,
            height: hgt,
            footer: pages.length > 1 ? `${name} · page ${i + 1} of ${pages.length}` : name,
          };
        }),
        page,
      );
      this._viewport.dataset.pdfPages = String(pages.length);
      downloadBlob(pdf, `${safeFileName(name, 'graph')}.pdf`);
    } catch {
      this._searchCount.textContent = 'PDF export failed';
    }
  }

  private get _boxByKey(): Map<string, GraphModel['boxes'][number]> {
    this._boxes ??= new Map(this.model.boxes.map((b) => [b.key, b]));
    return this._boxes;
  }

  private _sideBySide = false;
  private _sideButton: HTMLButtonElement | undefined;
  private _generation = 0;
  private readonly _viewport: HTMLElement;
  private readonly _inspector: HTMLElement;
  private readonly _overview: Overview;
  private _note!: HTMLElement;
  private _collapse!: HTMLButtonElement;
  private _refit = true;
  private _searchCount!: HTMLElement;
  private _query = '';
  private _layout: GraphLayout | undefined;
  private _layoutDone: Promise<void> | undefined;
  private _zoomGroup: SVGGElement | undefined;
  private _zoom: ZoomState = { k: 1, x: 0, y: 0 };
  private _boxes: Map<string, GraphModel['boxes'][number]> | undefined;
  private _disposed = false;
}

/** Largest side and pixel count of an exported PNG (browsers fail on bigger canvases). */
export const PNG_MAX_SIDE = 8192;
export const PNG_MAX_PIXELS = 32e6;

/**
 * The PNG scale: 2x for print, less for a figure that would exceed the canvas limits (the pixel
 * budget with 0.2% to spare: the canvas rounds each side up).
 */
export function pngScale(w: number, hgt: number): number {
  const pixels = Math.sqrt((0.998 * PNG_MAX_PIXELS) / (w * hgt));
  return Math.min(2, PNG_MAX_SIDE / w, PNG_MAX_SIDE / hgt, pixels);
}

/** The kinds present in a model, for the legend. */
function legendKinds(m: GraphModel): LegendKind[] {
  const kinds: LegendKind[] = ['forward'];
  if (m.phases.backward > 0) kinds.push('backward');
  if (m.nodes.some((n) => n.kind === 'input')) kinds.push('input');
  if (m.nodes.some((n) => n.kind === 'constant')) kinds.push('constant');
  if (m.nonFinite.length > 0) kinds.push('nonfinite');
  return kinds;
}

/** The DOM of a graph output: the view, or an error box. */
export interface GraphDom {
  node: HTMLElement;
  view?: GraphView;
}

/** Builds the view of a payload; a malformed payload gives the error box. Never throws. */
export function renderGraph(data: unknown, loadViz?: () => Promise<VizLike>): GraphDom {
  return renderOrError(
    'graph',
    () => parseGraphPayload(data),
    (model) => {
      const view = new GraphView(model, loadViz);
      return { node: view.node, view };
    },
  );
}

/** The MIME renderer widget: the view laid out at once, fitted to the output's width. */
export class GraphRenderer extends ViewRenderer<GraphView> {
  constructor(options: IRenderMime.IRendererOptions) {
    super(options, 'adlab-graph-output');
  }

  protected build(model: IRenderMime.IMimeModel): GraphDom {
    const started = performance.now();
    const dom = renderGraph(model.data[this.mimeType]);
    // Parsing, grouping and building the view run on the page's thread (the layout does not).
    dom.node.dataset.parseMs = (performance.now() - started).toFixed(0);
    return dom;
  }

  protected async present(view: GraphView): Promise<void> {
    try {
      await view.layout();
    } catch {
      // layout() falls back internally; anything else leaves the header and toolbar usable.
    }
  }

  protected fitWidth(view: GraphView): void {
    view.fit();
  }
}
