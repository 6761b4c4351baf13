import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import { observeWidth } from '../view/dom';

/** What a rendered view offers its widget: disposal and, for a kernel-backed view, a live link. */
export interface RenderedView {
  dispose(): void;
  /** Its link to the kernel, attached while the widget is in the page. */
  live?: { attach(): void; detach(): void };
}

/**
 * The lifecycle every adlab MIME renderer widget shares: builds its view from the bundle in
 * `build` (which never throws), shows it (`present`), follows the output area's width (`fitWidth`),
 * attaches the view's live link while the widget is in the page, and disposes the view when the
 * bundle is replaced or the widget goes.
 */
export abstract class ViewRenderer<V extends RenderedView>
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
    if (!this._view) return;
    if (this.isAttached) this._view.live?.attach();
    await this.present(this._view, this.isAttached);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._clear();
    super.dispose();
  }

  /** The DOM of one bundle: the view, or an error box. */
  protected abstract build(model: IRenderMime.IMimeModel): { node: HTMLElement; view?: V };

  /** Draws or lays out a new view; `attached` says whether the widget is in the page yet. */
  protected abstract present(view: V, attached: boolean): Promise<void>;

  /** Follows a new width of the output area. */
  protected abstract fitWidth(view: V): void;

  /** The view's widget has entered the page (default: fit its width). */
  protected viewAttached(view: V): void {
    this.fitWidth(view);
  }

  /** Shows a newer bundle in the current view; false (the default) rebuilds the view. */
  protected updateInPlace(_view: V, _model: IRenderMime.IMimeModel): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** The view shown now, if any. */
  protected get view(): V | undefined {
    return this._view;
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // Notebooks are virtualized: follow the output's width, which it has only once in the page.
    this._unobserveWidth = observeWidth(this.node, () => {
      if (this._view) this.fitWidth(this._view);
    });
    this._view?.live?.attach();
    if (this._view) this.viewAttached(this._view);
  }

  protected override onBeforeDetach(msg: Message): void {
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
  private _unobserveWidth: (() => void) | undefined;
}
