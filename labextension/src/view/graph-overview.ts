/**
 * The overview (minimap) in the corner of the graph viewport: every box as a small coloured
 * rectangle, and the visible region as a frame. Clicking it pans the view there.
 */
import type { GraphModel } from '../model/graph-model';
import { boxClasses, kindColors, LIGHT_PALETTE, type GraphLayout } from 'adlab/graph-layout';
import type { ZoomState } from './graph-svg';
import { h } from './dom';

/** Size of the overview in CSS pixels (the graph is scaled to fit inside). */
const OVERVIEW_W = 160;
const OVERVIEW_H = 110;
/** The live view draws the graph offset by this padding (graph-svg's root translate). */
const PAD = 8;

/** The overview widget: a canvas of the boxes and a frame for the visible region. */
export class Overview {
  readonly node: HTMLElement;

  constructor(private readonly onPick: (x: number, y: number) => void) {
    this.node = h('div', 'adlab-graph-overview');
    this._canvas = h('canvas', 'adlab-graph-overview-canvas');
    this._frame = h('div', 'adlab-graph-overview-frame');
    this.node.append(this._canvas, this._frame);
    this.node.addEventListener('pointerdown', (e) => {
      e.stopPropagation();
      const r = this.node.getBoundingClientRect();
      this.onPick(
        (e.clientX - r.left - this._ox) / this._s,
        (e.clientY - r.top - this._oy) / this._s,
      );
    });
  }

  /** Draws the boxes of a layout (colours of the light palette: the overview is a sketch). */
  draw(model: GraphModel, layout: GraphLayout): void {
    const w = layout.width + 2 * PAD;
    const hgt = layout.height + 2 * PAD;
    this._s = Math.min(OVERVIEW_W / w, OVERVIEW_H / hgt);
    this._ox = (OVERVIEW_W - w * this._s) / 2;
    this._oy = (OVERVIEW_H - hgt * this._s) / 2;
    const dpr = window.devicePixelRatio || 1;
    this._canvas.width = OVERVIEW_W * dpr;
    this._canvas.height = OVERVIEW_H * dpr;
    const ctx = this._canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    for (const box of model.boxes) {
      const p = layout.boxes.get(box.key);
      if (!p) continue;
      const c = kindColors(boxClasses(model, box.members), LIGHT_PALETTE);
      ctx.fillStyle = c.stroke;
      const x = this._ox + (PAD + p.x - p.w / 2) * this._s;
      const y = this._oy + (PAD + p.y - p.h / 2) * this._s;
      ctx.fillRect(x, y, Math.max(1, p.w * this._s), Math.max(1, p.h * this._s));
    }
  }

  /** Moves the frame to the region a viewport of vw x vh shows at zoom state z. */
  showView(z: ZoomState, vw: number, vh: number): void {
    const x0 = -z.x / z.k;
    const y0 = -z.y / z.k;
    const left = Math.max(0, this._ox + x0 * this._s);
    const top = Math.max(0, this._oy + y0 * this._s);
    const right = Math.min(OVERVIEW_W, this._ox + (x0 + vw / z.k) * this._s);
    const bottom = Math.min(OVERVIEW_H, this._oy + (y0 + vh / z.k) * this._s);
    Object.assign(this._frame.style, {
      left: `${left}px`,
      top: `${top}px`,
      width: `${Math.max(2, right - left)}px`,
      height: `${Math.max(2, bottom - top)}px`,
    });
  }

  private readonly _canvas: HTMLCanvasElement;
  private readonly _frame: HTMLElement;
  private _s = 1;
  private _ox = 0;
  private _oy = 0;
}
