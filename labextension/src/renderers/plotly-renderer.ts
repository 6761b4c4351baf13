import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { observeTheme, observeWidth } from '../view/dom';

/** A view drawn with plotly: drawn once it has a width, again on theme changes and resizes. */
export interface PlotlyView {
  draw(): Promise<void>;
  resize(): void;
  dispose(): void;
}

/**
 * A MIME renderer widget for plotly views (figures, optimizer runs): builds the view from the
 * bundle in `build` (which never throws), draws it when attached, redraws it in the new theme when
 * JupyterLab's theme changes, and resizes it with the output area.
 */
export abstract class PlotlyRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions, className: string) {
    super();
    this.mimeType = options.mimeType;
    this.addClass(className);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this._clear();
    const dom = this.build(model);
    this.node.appendChild(dom.node);
    this._view = dom.view;
    if (this.isAttached) await this._view?.draw();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._clear();
    super.dispose();
  }

  /** The DOM of one bundle: the view, or an error box. */
  protected abstract build(model: IRenderMime.IMimeModel): { node: HTMLElement; view?: PlotlyView };

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // The theme's stylesheet can land after the body's attributes change: redraw again shortly.
    this._unobserve = observeTheme(() => {
      void this._view?.draw();
      for (const ms of [200, 800]) setTimeout(() => void this._view?.draw(), ms);
    });
    // Notebooks are virtualized: draw once the output has a width, resize when it changes.
    this._unobserveWidth = observeWidth(this.node, () => this._view?.resize());
    void this._view?.draw();
  }

  protected override onBeforeDetach(msg: Message): void {
    this._unobserve?.();
    this._unobserve = undefined;
    this._unobserveWidth?.();
    this._unobserveWidth = undefined;
    super.onBeforeDetach(msg);
  }

  private _clear(): void {
    this._view?.dispose();
    this._view = undefined;
    this.node.textContent = '';
  }

  protected readonly mimeType: string;
  private _view: PlotlyView | undefined;
  private _unobserve: (() => void) | undefined;
  private _unobserveWidth: (() => void) | undefined;
}
