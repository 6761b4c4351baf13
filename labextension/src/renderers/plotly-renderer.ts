import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { observeTheme, observeWidth } from '../view/dom';

/** A view drawn with plotly: drawn once it has a width, again on theme changes and resizes. */
export interface PlotlyView {
  draw(): Promise<void>;
  resize(): void;
  dispose(): void;
  /** Its link to the kernel, attached while the widget is in the page. */
  live?: { attach(): void; detach(): void };
}

/**
 * A MIME renderer widget for plotly views (figures, optimizer runs): builds the view from the
 * bundle in `build` (which never throws), draws it when attached, redraws it in the new theme when
 * JupyterLab's theme changes, and resizes it with the output area. A view with a live link is
 * attached to its kernel while the widget is in the page.
 */
export abstract class PlotlyRenderer<V extends PlotlyView = PlotlyView>
  extends Widget
  implements IRenderMime.IRenderer
{
  constructor(options: IRenderMime.IRendererOptions, className: string) {
    super();
    this.mimeType = options.mimeType;
    this.addClass(className);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    if (this._view && (await this.updateInPlace(this._view, model))) return;
    this._clear();
    const dom = this.build(model);
    this.node.appendChild(dom.node);
    this._view = dom.view;
    if (this.isAttached) {
      this._view?.live?.attach();
      await this._view?.draw();
    }
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._clear();
    super.dispose();
  }

  /** The DOM of one bundle: the view, or an error box. */
  protected abstract build(model: IRenderMime.IMimeModel): { node: HTMLElement; view?: V };

  /** Shows a newer bundle in the current view; false (the default) rebuilds the view. */
  protected updateInPlace(_view: V, _model: IRenderMime.IMimeModel): Promise<boolean> {
    return Promise.resolve(false);
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // The theme's stylesheet can land after the body's attributes change: redraw again shortly.
    this._unobserve = observeTheme(() => {
      void this._view?.draw();
      for (const ms of [200, 800]) setTimeout(() => void this._view?.draw(), ms);
    });
    // Notebooks are virtualized: draw once the output has a width, resize when it changes.
    this._unobserveWidth = observeWidth(this.node, () => this._view?.resize());
    this._view?.live?.attach();
    void this._view?.draw();
  }

  protected override onBeforeDetach(msg: Message): void {
    this._unobserve?.();
    this._unobserve = undefined;
    this._unobserveWidth?.();
    this._unobserveWidth = undefined;
    this._view?.live?.detach();
    super.onBeforeDetach(msg);
  }

  private _clear(): void {
    this._view?.live?.detach();
    this._view?.dispose();
    this._view = undefined;
    this.node.textContent = '';
  }

  protected readonly mimeType: string;
  private _view: V | undefined;
  private _unobserve: (() => void) | undefined;
  private _unobserveWidth: (() => void) | undefined;
}
