import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';

/**
 * A MIME renderer widget for views that need no lifecycle (no lazy library, no resize): subclasses
 * build the DOM from the payload in `render`, which never throws (see `renderOrError`).
 */
export abstract class StaticRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: IRenderMime.IRendererOptions, className: string) {
    super();
    this._mimeType = options.mimeType;
    this.addClass(className);
  }

  renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.node.textContent = '';
    this.node.appendChild(this.render(model.data[this._mimeType]).node);
    return Promise.resolve();
  }

  /** The view of one payload, or the error box. */
  protected abstract render(data: unknown): { node: HTMLElement };

  private readonly _mimeType: string;
}
