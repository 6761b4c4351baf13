/**
 * Contour lines of a grid by marching squares, for the static images (plotly draws its own on
 * screen). Each level gives straight segments; the renderers draw them as they are, so no
 * chaining into polylines is needed.
 */

/** One segment of a contour line, in data coordinates, at `level`. */
export interface ContourSegment {
  x: number;
  y: number;
  x2: number;
  y2: number;
  level: number;
}

/**
 * The segments where z crosses each level. `z[j][i]` is the value at (xs[i], ys[j]); cells with a
 * non-finite corner are skipped. A saddle cell (opposite corners on the same side) is split the
 * same way every time, which is enough for a picture.
 */
export function contourSegments(
  xs: readonly number[],
  ys: readonly number[],
  z: readonly (readonly (number | null)[])[],
  levels: readonly number[],
): ContourSegment[] {
  const out: ContourSegment[] = [];
  for (const level of levels) {
    for (let j = 0; j + 1 < ys.length; j++) {
      for (let i = 0; i + 1 < xs.length; i++) {
        // Corners counter-clockwise from bottom-left: (i,j), (i+1,j), (i+1,j+1), (i,j+1).
        const corners: [number, number, number | null][] = [
          [xs[i], ys[j], z[j][i]],
          [xs[i + 1], ys[j], z[j][i + 1]],
          [xs[i + 1], ys[j + 1], z[j + 1][i + 1]],
          [xs[i], ys[j + 1], z[j + 1][i]],
        ];
        if (corners.some((c) => c[2] === null || !Number.isFinite(c[2]))) continue;
        const points: [number, number][] = [];
        for (let e = 0; e < 4; e++) {
          const [xa, ya, za] = corners[e] as [number, number, number];
          const [xb, yb, zb] = corners[(e + 1) % 4] as [number, number, number];
          if (za < level !== zb < level) {
            const t = (level - za) / (zb - za);
            points.push([xa + t * (xb - xa), ya + t * (yb - ya)]);
          }
        }
        // Two crossings: one segment; four (a saddle): two segments, pairing edges in order.
        for (let p = 0; p + 1 < points.length; p += 2) {
          out.push({
            x: points[p][0],
            y: points[p][1],
            x2: points[p + 1][0],
            y2: points[p + 1][1],
            level,
          });
        }
      }
    }
  }
  return out;
}
