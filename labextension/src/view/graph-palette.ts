/**
 * The legend above the live graph view. The colours by node kind are shared with the exports and
 * the kernel's static picture (`adlab/graph-layout`); the live view takes them from CSS variables
 * in style/graph.css (light values equal to LIGHT_PALETTE, dark ones with the same hues).
 */
import { LEGEND_KINDS, type LegendKind } from 'adlab/graph-layout';
import { h } from './dom';

/** The legend above the live view: one swatch per kind, coloured by the same CSS as the boxes. */
export function legend(kinds: readonly LegendKind[]): HTMLElement {
  const box = h('div', 'adlab-graph-legend');
  for (const { kind, text } of LEGEND_KINDS) {
    if (!kinds.includes(kind)) continue;
    const item = h('span', `adlab-graph-legend-item adlab-graph-legend-${kind}`);
    item.append(h('span', `adlab-graph-swatch adlab-graph-${kind}`), h('span', '', text));
    box.appendChild(item);
  }
  return box;
}
