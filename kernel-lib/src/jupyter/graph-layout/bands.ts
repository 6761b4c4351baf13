/**
 * Layouts for export. An expanded graph is a tall narrow column (a loop body repeated 190 times is
 * 190 rows), which scaled onto one page leaves unreadable labels. Here the column is cut into bands
 * between rows and the bands are set side by side: for a PNG or SVG, as many as bring the picture
 * near a landscape page's aspect; for a PDF, as many as fit a page at a scale where labels stay
 * readable, on as many pages as needed. An edge whose ends fall in different bands is drawn as two
 * dashed stubs (out of its source, into its target). Pure arithmetic on a {@link GraphLayout}.
 */
import type { GraphLayout, PlacedBox, RoutedEdge } from './layout';

/** Landscape A4 in points, and its aspect (width / height). */
export const A4_LANDSCAPE = { width: 841.89, height: 595.28 } as const;
/** Page margin in points (the footer sits in the bottom margin). */
export const PAGE_MARGIN = 24;
/** Smallest PDF scale: 12 px labels print at 6 pt. */
export const MIN_PRINT_SCALE = 0.5;
/** Horizontal gap between bands, in layout pixels. */
const BAND_GAP = 40;
/** Length of the stubs drawn for an edge cut between bands. */
const STUB = 16;

/**
 * [top, bottom] of each band, in layout pixels: runs of whole rows of boxes, each band at most
 * `maxHeight` tall (unless one row is taller).
 */
export function cutBands(layout: GraphLayout, maxHeight: number): [number, number][] {
  const spans = [...layout.boxes.values()]
    .map((b): [number, number] => [b.y - b.h / 2, b.y + b.h / 2])
    .sort((a, b) => a[0] - b[0]);
  // Rows: overlapping vertical spans merged.
  const rows: [number, number][] = [];
  for (const [t, b] of spans) {
    const last = rows[rows.length - 1];
    if (last && t <= last[1]) last[1] = Math.max(last[1], b);
    else rows.push([t, b]);
  }
  // Bands: runs of whole rows, each with a small margin above and below.
  const m = 4;
  const bands: [number, number][] = [];
  let first: [number, number] | undefined;
  let last: [number, number] | undefined;
  // The first band starts at the top, the last ends at the bottom (a single band: the layout itself).
  const top = (): number => (bands.length === 0 ? 0 : first![0] - m);
  for (const row of rows) {
    if (first && last && row[1] + m - top() > maxHeight) {
      bands.push([top(), last[1] + m]);
      first = undefined;
    }
    first ??= row;
    last = row;
  }
  if (first && last) {
    const t = top();
    bands.push([t, Math.max(last[1] + m, Math.min(layout.height, t + maxHeight))]);
  }
  return bands.length ? bands : [[0, layout.height]];
}

/**
 * Sets the bands side by side, `perPage` to a page: one layout per page, each in its own
 * coordinates, with the boxes whose centers lie in its bands and the edges between them.
 */
export function arrangeBands(
  layout: GraphLayout,
  bands: readonly [number, number][],
  perPage: number,
): GraphLayout[] {
  const bandOf = (y: number): number => {
    const i = bands.findIndex(([, b]) => y < b);
    return i < 0 ? bands.length - 1 : i;
  };
  const where = new Map<string, { band: number; box: PlacedBox }>();
  for (const [key, box] of layout.boxes) where.set(key, { band: bandOf(box.y), box });
  const pages: GraphLayout[] = [];
  const shift = (band: number): [number, number] => [
    (band % perPage) * (layout.width + BAND_GAP),
    -bands[band]![0],
  ];
  for (let first = 0; first < bands.length; first += perPage) {
    const last = Math.min(bands.length, first + perPage) - 1;
    const height = Math.max(...bands.slice(first, last + 1).map(([t, b]) => b - t));
    pages.push({
      width: (last - first + 1) * (layout.width + BAND_GAP) - BAND_GAP,
      height,
      boxes: new Map(),
      edges: [],
      engine: layout.engine,
    });
  }
  const pageOf = (band: number): GraphLayout => pages[Math.floor(band / perPage)]!;
  for (const [key, { band, box }] of where) {
    const [dx, dy] = shift(band);
    pageOf(band).boxes.set(key, { ...box, x: box.x + dx, y: box.y + dy });
  }
  for (const e of layout.edges) {
    const from = where.get(e.from);
    const to = where.get(e.to);
    if (!from || !to) continue;
    if (from.band === to.band) {
      const [dx, dy] = shift(from.band);
      const points = e.points.map(([x, y]): [number, number] => [x + dx, y + dy]);
      pageOf(from.band).edges.push({ ...e, points });
      continue;
    }
    const out = pageOf(from.band).boxes.get(e.from)!;
    const into = pageOf(to.band).boxes.get(e.to)!;
    const stub = (kind: 'out' | 'in', a: [number, number], b: [number, number]): RoutedEdge => ({
      from: e.from,
      to: e.to,
      kind: 'line',
      points: [a, b],
      cut: kind,
    });
    pageOf(from.band).edges.push(
      stub('out', [out.x, out.y + out.h / 2], [out.x, out.y + out.h / 2 + STUB]),
    );
    pageOf(to.band).edges.push(
      stub('in', [into.x, into.y - into.h / 2 - STUB], [into.x, into.y - into.h / 2]),
    );
  }
  return pages;
}

/**
 * The layout of a PNG or SVG export: unchanged unless it is taller than a portrait page, else cut
 * into as many bands side by side as bring it nearest the aspect of a landscape page.
 */
export function exportLayout(
  layout: GraphLayout,
  aspect = A4_LANDSCAPE.width / A4_LANDSCAPE.height,
): GraphLayout {
  const { width: w, height: h } = layout;
  if (w <= 0 || h <= 0 || w / h >= 1 / aspect) return layout;
  const k = Math.max(1, Math.round(Math.sqrt((aspect * h) / w)));
  if (k === 1) return layout;
  const bands = cutBands(layout, (h / k) * 1.02);
  return arrangeBands(layout, bands, bands.length)[0]!;
}

/** Pages of a PDF export and the scale (points per layout pixel) they are drawn at. */
export interface ExportPages {
  scale: number;
  pages: GraphLayout[];
  /** The page size in points (landscape A4). */
  page: { width: number; height: number };
}

/**
 * The pages of a PDF export: one landscape A4 page when the {@link exportLayout} fits it at a
 * scale of at least {@link MIN_PRINT_SCALE}; otherwise bands at that scale, as many side by side as
 * the page's width holds, on as many pages as needed.
 */
export function exportPages(layout: GraphLayout, minScale = MIN_PRINT_SCALE): ExportPages {
  const page = { width: A4_LANDSCAPE.width, height: A4_LANDSCAPE.height };
  const cw = page.width - 2 * PAGE_MARGIN;
  const ch = page.height - 2 * PAGE_MARGIN;
  const one = exportLayout(layout);
  const fit = Math.min(1, cw / (one.width + 16), ch / (one.height + 16));
  if (fit >= minScale) return { scale: fit, pages: [one], page };
  // Too wide even for one band at minScale: fit the width and accept smaller labels.
  const scale = Math.min(minScale, cw / (layout.width + 16));
  const perPage = Math.max(1, Math.floor((cw / scale - 16 + BAND_GAP) / (layout.width + BAND_GAP)));
  const bands = cutBands(layout, ch / scale - 16);
  return { scale, pages: arrangeBands(layout, bands, perPage), page };
}
