/**
 * Validates `application/vnd.adlab.figure.v1+json` (the plotting API's payload, `FigurePayload` in
 * adlab/protocol) before anything is drawn: every array, number and string is checked, so a
 * malformed payload gives a reason in the error box instead of a broken plot. No DOM here.
 */
import type {
  FigureAxisPayload,
  FigurePanelPayload,
  FigurePayload,
  FigureSeriesPayload,
} from 'adlab/protocol';
import {
  describe,
  fail,
  isPlainObject,
  parseName,
  parseSafely,
  type ParseResult,
} from './validate';

/** Most panels, series per panel and points per series a figure may carry (the kernel thins to far less). */
const LIMITS = { panels: 64, series: 64, points: 200_000 };

function obj(raw: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(raw)) fail(`${what} must be an object, got ${describe(raw)}`);
  return raw;
}

function finite(raw: unknown, what: string): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) fail(`${what} must be a finite number`);
  return raw;
}

/** An array of finite numbers (or nulls, where `gaps`), at most `LIMITS.points` long. */
function numbers(raw: unknown, what: string, gaps: true): (number | null)[];
function numbers(raw: unknown, what: string, gaps?: false): number[];
function numbers(raw: unknown, what: string, gaps = false): (number | null)[] {
  if (!Array.isArray(raw)) fail(`${what} must be an array, got ${describe(raw)}`);
  if (raw.length > LIMITS.points)
    fail(`${what} has ${raw.length} entries (at most ${LIMITS.points})`);
  return raw.map((v: unknown, i) => {
    if (v === null && gaps) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${what}[${i}] is not a finite number`);
    return v;
  });
}

function sameLength(a: unknown[], b: unknown[], what: string): void {
  if (a.length !== b.length) fail(`${what}: ${a.length} x values but ${b.length} y values`);
}

function color(raw: unknown, what: string): string {
  if (typeof raw !== 'string' || !/^#[0-9a-fA-F]{3,8}$/.test(raw))
    fail(`${what} must be a #rrggbb colour`);
  return raw;
}

function ticks(raw: unknown, what: string): { values: number[]; labels: string[] } {
  const t = obj(raw, what);
  const values = numbers(t.values, `${what}.values`);
  if (!Array.isArray(t.labels) || t.labels.length !== values.length)
    fail(`${what}.labels must be an array of ${values.length} strings`);
  return { values, labels: t.labels.map((l: unknown, i) => parseName(l, `${what}.labels[${i}]`)) };
}

function axis(raw: unknown, what: string): FigureAxisPayload {
  const a = obj(raw, what);
  if (a.scale !== 'linear' && a.scale !== 'log') fail(`${what}.scale must be 'linear' or 'log'`);
  const range = numbers(a.range, `${what}.range`);
  if (range.length !== 2) fail(`${what}.range must be [lo, hi]`);
  if (a.scale === 'log' && !(range[0] > 0 && range[1] > 0))
    fail(`${what}.range must be positive on a log axis`);
  const out: FigureAxisPayload = {
    label: parseName(a.label, `${what}.label`),
    scale: a.scale,
    range: [range[0], range[1]],
  };
  if (a.ticks !== undefined) out.ticks = ticks(a.ticks, `${what}.ticks`);
  if (a.reversed === true) out.reversed = true;
  return out;
}

function series(raw: unknown, what: string): FigureSeriesPayload {
  const s = obj(raw, what);
  const name = parseName(s.name, `${what}.name`);
  switch (s.kind) {
    case 'line': {
      const x = numbers(s.x, `${what}.x`, true);
      const y = numbers(s.y, `${what}.y`, true);
      sameLength(x, y, what);
      const out: FigureSeriesPayload = {
        kind: 'line',
        name,
        color: color(s.color, `${what}.color`),
        x,
        y,
        lines: s.lines === true,
        markers: s.markers === true,
      };
      if (s.size !== undefined) out.size = finite(s.size, `${what}.size`);
      return out;
    }
    case 'heatmap':
    case 'contour': {
      const xs = numbers(s.xs, `${what}.xs`);
      const ys = numbers(s.ys, `${what}.ys`);
      const z = numbers(s.z, `${what}.z`, true);
      if (z.length !== xs.length * ys.length)
        fail(`${what}.z has ${z.length} values, expected ${xs.length} × ${ys.length}`);
      const out: FigureSeriesPayload = {
        kind: s.kind,
        name,
        xs,
        ys,
        z,
        levels: numbers(s.levels, `${what}.levels`),
        logLevels: s.logLevels === true,
        zLabel: parseName(s.zLabel ?? '', `${what}.zLabel`),
      };
      if (out.logLevels && out.levels.some((l) => l <= 0)) fail(`${what}.levels must be positive`);
      if (s.colorbar !== undefined) out.colorbar = ticks(s.colorbar, `${what}.colorbar`);
      return out;
    }
    case 'bars': {
      const lo = numbers(s.lo, `${what}.lo`);
      const hi = numbers(s.hi, `${what}.hi`);
      const height = numbers(s.height, `${what}.height`);
      if (lo.length !== hi.length || lo.length !== height.length)
        fail(`${what}: lo, hi and height must have the same length`);
      return { kind: 'bars', name, color: color(s.color, `${what}.color`), lo, hi, height };
    }
    case 'stems': {
      const x = numbers(s.x, `${what}.x`);
      const y = numbers(s.y, `${what}.y`);
      sameLength(x, y, what);
      return { kind: 'stems', name, color: color(s.color, `${what}.color`), x, y };
    }
    default:
      return fail(`${what}.kind must be line, heatmap, contour, bars or stems`);
  }
}

function panel(raw: unknown, what: string): FigurePanelPayload {
  const p = obj(raw, what);
  if (!Array.isArray(p.series) || p.series.length > LIMITS.series)
    fail(`${what}.series must be an array of at most ${LIMITS.series} series`);
  if (!Array.isArray(p.notes)) fail(`${what}.notes must be an array of strings`);
  return {
    title: parseName(p.title, `${what}.title`),
    x: axis(p.x, `${what}.x`),
    y: axis(p.y, `${what}.y`),
    series: p.series.map((s: unknown, i) => series(s, `${what}.series[${i}]`)),
    notes: p.notes.map((n: unknown, i) => parseName(n, `${what}.notes[${i}]`)),
    ...(p.equalAspect === true ? { equalAspect: true } : {}),
  };
}

function parse(data: unknown): FigurePayload {
  const f = obj(data, 'the figure');
  if (!Array.isArray(f.panels) || f.panels.length === 0 || f.panels.length > LIMITS.panels)
    fail(`panels must be an array of 1 to ${LIMITS.panels} panels`);
  const columns = f.columns;
  if (typeof columns !== 'number' || !Number.isSafeInteger(columns) || columns < 1)
    fail('columns must be a positive integer');
  return {
    title: parseName(f.title ?? '', 'title'),
    columns,
    panels: f.panels.map((p: unknown, i) => panel(p, `panels[${i}]`)),
  };
}

/** Parses a figure payload. Never throws. */
export function parseFigurePayload(data: unknown): ParseResult<FigurePayload> {
  return parseSafely(parse, data);
}
