import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';
import type { LiveLink } from '../kernel/live-link';

/** What a view gives its renderer: the DOM, and its live link when it has one. */
export interface RenderedView {
  node: HTMLElement;
  live?: LiveLink;
}

/**
 * A MIME renderer widget for views without a lazy library or resize handling: subclasses build the
 * DOM from the payload in `render`, which never throws (see `renderOrError`). A view with a live link
 * is attached to its kernel while the widget is in the page.
 */
export abstract class StaticRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions, className: string) {
    super();
    this._mimeType = options.mimeType;
    this.addClass(className);
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this._view?.live?.detach();
    this.node.textContent = '';
    this._view = this.render(model.data[this._mimeType]);
    this.node.appendChild(this._view.node);
    if (this.isAttached) this._view.live?.attach();
    return Promise.resolve();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._view?.live?.attach();
  }

  protected override onBeforeDetach(msg: Message): void {
    this._view?.live?.detach();
    super.onBeforeDetach(msg);
  }

  /** The view of one payload, or the error box. */
  protected abstract render(data: unknown): RenderedView;

  private readonly _mimeType: string;
  private _view: RenderedView | undefined;
}
