/**
 * The series legend of the static images, compact for print: line samples (not large dots) close
 * above the plot, as many entries a row as their label widths allow, long labels cut with an
 * ellipsis, so three runs take one line of a 3.5 in figure instead of a quarter of its height.
 */

import { estimatedLabelWidth as labelWidth, PRINT_LEGEND } from './style';

/** Gaps in font sizes: line sample, sample to label, between entries. */
const { sample: SAMPLE, textGap: TEXT_GAP, entryGap: ENTRY_GAP } = PRINT_LEGEND;

/**
 * How many columns of entries fit in `width` points: the most for which every row, each column as
 * wide as its widest label, stays inside (vega aligns a legend's columns).
 * @example legendColumns(['lbfgs', 'newton', 'adam'], 250, 8) // 3
 */
export function legendColumns(labels: readonly string[], width: number, fontSize: number): number {
  const lead = (SAMPLE + TEXT_GAP) * fontSize;
  const widths = labels.map((l) => Math.min(labelWidth(l, fontSize), width - lead));
  for (let c = labels.length; c > 1; c--) {
    let total = (c - 1) * ENTRY_GAP * fontSize;
    for (let k = 0; k < c; k++) {
      let w = 0;
      for (let i = k; i < widths.length; i += c) w = Math.max(w, widths[i]);
      total += lead + w;
    }
    if (total <= width) return c;
  }
  return 1;
}

/**
 * The Vega-Lite legend of a panel's series in a plot `width` points wide: line samples, a
 * column count from the labels' widths, labels cut at the width.
 */
export function seriesLegend(
  labels: readonly string[],
  width: number,
  fontSize: number,
): Record<string, unknown> {
  const lead = (SAMPLE + TEXT_GAP) * fontSize;
  return {
    orient: 'top',
    title: null,
    offset: Math.round(fontSize * 0.5),
    padding: 0,
    columns: legendColumns(labels, width, fontSize),
    columnPadding: ENTRY_GAP * fontSize,
    rowPadding: Math.round(fontSize * 0.25),
    labelLimit: Math.max(40, width - lead),
    labelOffset: TEXT_GAP * fontSize,
    symbolType: 'stroke',
    symbolStrokeWidth: 1.5,
    // A stroke symbol's size is its length squared.
    symbolSize: (SAMPLE * fontSize) ** 2,
  };
}
