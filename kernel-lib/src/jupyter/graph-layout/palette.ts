/**
 * The graph's colours by node kind, the legend's kinds, and how a box is painted in the light
 * style. The live view takes the same colours from CSS variables in labextension/style/graph.css
 * (light values equal to {@link LIGHT_PALETTE}, dark ones with the same hues); exported figures and
 * the kernel's static picture inline this palette so they look the same in any theme.
 */

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

/** SVG attributes of a painted box: its rectangle and its two text lines. */
export interface BoxPaint {
  rect: Record<string, string>;
  title: string;
  subtitle: string;
}

/**
 * How a box with these CSS classes is painted in a fixed palette: fill and stroke by kind, a
 * thick stroke for an output, red for a non-finite value, dashed for the backward pass.
 */
export function boxPaint(cls: readonly string[], pal: GraphPalette): BoxPaint {
  const scheme = kindColors(cls, pal);
  const rect: Record<string, string> = {
    fill: scheme.fill,
    stroke: scheme.stroke,
    'stroke-width': cls.includes('adlab-graph-is-output') ? '2.5' : '1.2',
  };
  if (cls.includes('adlab-graph-nonfinite')) {
    rect.stroke = pal.nonFinite;
    rect['stroke-width'] = '3';
  }
  if (cls.includes('adlab-graph-first-nonfinite')) rect.fill = pal.nonFiniteFill;
  if (cls.includes('adlab-graph-backward')) rect['stroke-dasharray'] = '4 2';
  return { rect, title: pal.text, subtitle: pal.muted };
}
