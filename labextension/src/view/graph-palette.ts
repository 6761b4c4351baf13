/**
 * The graph's colours by node kind, and the legend that names them. The live view takes the same
 * colours from CSS variables in style/graph.css (light values equal to {@link LIGHT_PALETTE}, dark
 * ones with the same hues); exported figures inline this palette so they look the same in any theme.
 */
import { h } from './dom';

/** Fill and stroke of one node kind. */
export interface KindColors {
  fill: string;
  stroke: string;
}

/** Fixed colours for exported figures (light, print-friendly). */
export const LIGHT_PALETTE = {
  background: '#ffffff',
  text: '#1a1a1a',
  muted: '#555555',
  edge: '#8a8a8a',
  forward: { fill: '#e8f1fb', stroke: '#2f6db5' },
  backward: { fill: '#fdf0e3', stroke: '#c26a12' },
  input: { fill: '#e6f4ea', stroke: '#2e7d32' },
  constant: { fill: '#f2f2f2', stroke: '#777777' },
  nonFinite: '#d32f2f',
  nonFiniteFill: '#fde0e0',
  regionForward: 'rgba(47, 109, 181, 0.06)',
  regionBackward: 'rgba(194, 106, 18, 0.07)',
};

/** The palette type (exports use {@link LIGHT_PALETTE}). */
export type GraphPalette = typeof LIGHT_PALETTE;

/** The node kinds the legend shows, in order, with their CSS class suffix. */
export const LEGEND_KINDS = [
  { kind: 'forward', text: 'forward op' },
  { kind: 'backward', text: 'backward op (dashed)' },
  { kind: 'input', text: 'input' },
  { kind: 'constant', text: 'constant' },
  { kind: 'nonfinite', text: 'non-finite value' },
] as const;

/** A kind the legend can show. */
export type LegendKind = (typeof LEGEND_KINDS)[number]['kind'];

/** The colours of a box with these CSS classes (input and constant win over the phase). */
export function kindColors(cls: readonly string[], pal: GraphPalette): KindColors {
  if (cls.includes('adlab-graph-input')) return pal.input;
  if (cls.includes('adlab-graph-constant')) return pal.constant;
  if (cls.includes('adlab-graph-backward')) return pal.backward;
  return pal.forward;
}

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
