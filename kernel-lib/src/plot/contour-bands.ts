/**
 * Filled contour bands for the static images, as smooth polygons: vega's `isocontour` transform
 * (marching squares with linear interpolation along cell edges) gives, for each level, the region
 * where the grid is at or above it; drawn in increasing order, each covers the bands below, so
 * the picture shows every band with curved edges instead of one square per grid value.
 *
 * The polygons come back in plot-area pixels, for a `geoshape` layer with an identity projection
 * laid over the panel's x/y scales.
 */
import type { FigureAxisPayload, FigureGridPayload } from '../jupyter/protocol';

/** One level's region (value ≥ `v`) as a GeoJSON feature in plot-area pixels. */
export interface BandFeature {
  type: 'Feature';
  properties: { v: number };
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
}

/** The plot area a panel's grid is drawn into. */
export interface PlotArea {
  width: number;
  height: number;
  x: FigureAxisPayload;
  y: FigureAxisPayload;
}

/** What vega's isocontour transform emits per level (in grid units: sample i at i + 0.5). */
interface IsoBand {
  contour: { coordinates: number[][][][] };
}

/**
 * A grid coordinate of vega's contours (sample i sits at i + 0.5) as a data value, read off the
 * sample positions `a` (uneven spacing allowed), extrapolated half a cell past the ends.
 */
function gridToData(a: readonly number[], g: number): number {
  const t = g - 0.5;
  if (a.length === 1) return a[0];
  const i = Math.max(0, Math.min(a.length - 2, Math.floor(t)));
  return a[i] + (t - i) * (a[i + 1] - a[i]);
}

/** A data value as a fraction of an axis (0 at range[0]), on its linear or log scale, flipped if reversed. */
function axisFraction(axis: FigureAxisPayload, v: number): number {
  const f = axis.scale === 'log' ? Math.log10 : (u: number) => u;
  const [a, b] = axis.range;
  const t = (f(v) - f(a)) / (f(b) - f(a));
  return axis.reversed ? 1 - t : t;
}

/** Rounds a pixel coordinate to 0.01 (finer than any print resolution; keeps files small). */
const px = (v: number) => Math.round(v * 100) / 100;

/**
 * The filled-band polygons of a contour series, lowest level first. On log levels the bands are
 * traced on log10 of the values, so the interpolated edges follow the log-spaced levels the
 * colour bar shows (linear interpolation of f would bend them towards the higher sample).
 * @example contourBands(series, { width: 200, height: 150, x: panel.x, y: panel.y })
 */
export function contourBands(s: FigureGridPayload, area: PlotArea): BandFeature[] {
  const log = s.logLevels === true;
  const unit = (v: number | null) =>
    v === null || !Number.isFinite(v) || (log && v <= 0) ? NaN : log ? Math.log10(v) : v;
  const values = s.z.map(unit);
  const levels = s.levels.filter((l) => Number.isFinite(unit(l)));
  const thresholds = levels.map(unit);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vega = require('vega') as typeof import('vega');
  const spec = {
    data: [
      { name: 'grid', values: [{ width: s.xs.length, height: s.ys.length, values }] },
      {
        name: 'bands',
        source: 'grid',
        transform: [{ type: 'isocontour', thresholds, smooth: true }],
      },
    ],
  };
  // Inline data only, so the dataflow has run when runAsync returns its promise (see render.ts).
  const view = new vega.View(vega.parse(spec as never), { renderer: 'none' });
  void view.runAsync();
  const bands = view.data('bands') as IsoBand[];
  view.finalize();
  const point = ([gx, gy]: number[]) => [
    px(area.width * axisFraction(area.x, gridToData(s.xs, gx))),
    px(area.height * (1 - axisFraction(area.y, gridToData(s.ys, gy)))),
  ];
  // One band per threshold, in their order (an empty one has no polygons).
  return bands.flatMap((b, k) =>
    b.contour.coordinates.length === 0
      ? []
      : [
          {
            type: 'Feature' as const,
            properties: { v: levels[k] },
            geometry: {
              type: 'MultiPolygon' as const,
              coordinates: b.contour.coordinates.map((poly) => poly.map((ring) => ring.map(point))),
            },
          },
        ],
  );
}
