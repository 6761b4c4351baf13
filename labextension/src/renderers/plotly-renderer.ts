import type { Message } from '@lumino/messaging';
import { observeTheme } from '../view/dom';
import { ViewRenderer, type RenderedView } from './view-renderer';

/** A view drawn with plotly: drawn once it has a width, again on theme changes and resizes. */
export interface PlotlyView extends RenderedView {
  draw(): Promise<void>;
  resize(): void;
}

/**
 * A MIME renderer widget for plotly views (figures, optimizer runs): the shared lifecycle of
 * {@link ViewRenderer}; the view is drawn when attached and redrawn in the new theme when
 * JupyterLab's theme changes.
 */
export abstract class PlotlyRenderer<V extends PlotlyView = PlotlyView> extends ViewRenderer<V> {
  protected async present(view: V, attached: boolean): Promise<void> {
    if (attached) await view.draw();
  }

  protected fitWidth(view: V): void {
    view.resize();
  }

  /** Drawn again on entering the page: the theme may have changed meanwhile. */
  protected override viewAttached(view: V): void {
    void view.draw();
  }

  protected override onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // The theme's stylesheet can land after the body's attributes change: redraw again shortly.
    this._unobserveTheme = observeTheme(() => {
      void this.view?.draw();
      for (const ms of [200, 800]) setTimeout(() => void this.view?.draw(), ms);
    });
  }

  protected override onBeforeDetach(msg: Message): void {
    this._unobserveTheme?.();
    this._unobserveTheme = undefined;
    super.onBeforeDetach(msg);
  }

  private _unobserveTheme: (() => void) | undefined;
}
