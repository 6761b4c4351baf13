/**
 * The tensor data model: strict validation of an `application/vnd.adlab.tensor.v1+json` payload
 * and its translation into a view model the renderer draws. No DOM here.
 */
import type { PayloadDType, TensorPayload } from 'adlab/protocol';
import {
  decodeNumber,
  describe,
  DTYPES,
  fail,
  isJsonNumber,
  isNonNegInt,
  isPlainObject,
  parseSafely,
  parseStats,
  type ParseResult,
  type StatsModel,
} from './validate';

/** Largest rank and value count the renderer accepts (a payload beyond these is malformed). */
export const MAX_RANK = 32;
/** More kept values than this would freeze the page as a DOM table: the kernel truncates far earlier. */
export const MAX_VALUES = 20_000;
/** At most this many 2-D blocks are drawn for an n-d tensor; the rest are summarized. */
export const MAX_BLOCKS = 12;

/** A heatmap grid, decoded (row-major `rows` x `cols`). */
export interface HeatmapModel {
  rows: number;
  cols: number;
  values: number[];
  /** True when the grid covers the whole matrix (block-averaged), false for shown entries only. */
  complete: boolean;
}

/** One 2-D block of the values table: the trailing two axes at a fixed leading index. */
export interface BlockModel {
  /** The leading index (empty for rank <= 2), e.g. [0, 3] for `t[0, 3, :, :]`. */
  lead: number[];
  /** Row labels (kept indices of axis rank-2; [] for rank < 2) and column labels. */
  rowIndices: number[];
  colIndices: number[];
  /** Values[r][c], decoded. */
  cells: number[][];
}

/** An entry in the list of blocks: a block, or a gap where leading indices were skipped. */
export type BlockEntry = { kind: 'block'; block: BlockModel } | { kind: 'gap' };

/** Everything the tensor view shows. */
export interface TensorModel {
  shape: number[];
  dtype: PayloadDType;
  size: number;
  truncated: boolean;
  indices: number[][];
  stats?: StatsModel;
  heatmap?: HeatmapModel;
  blocks: BlockEntry[];
  /** Number of leading-index blocks not drawn (beyond {@link MAX_BLOCKS}). */
  hiddenBlocks: number;
}

function decodeNumberArray(
  raw: unknown,
  what: string,
  expectedLength: number,
  allowBool: boolean,
): number[] {
  if (!Array.isArray(raw)) fail(`${what} must be an array, got ${describe(raw)}`);
  if (raw.length !== expectedLength) {
    fail(`${what} has ${raw.length} entries, expected ${expectedLength}`);
  }
  const out = new Array<number>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v: unknown = raw[i];
    if (isJsonNumber(v) || (allowBool && typeof v === 'boolean')) out[i] = decodeNumber(v);
    else fail(`${what}[${i}] is not a number (got ${describe(v)})`);
  }
  return out;
}

function parseHeatmap(raw: unknown): HeatmapModel {
  if (!isPlainObject(raw)) fail(`heatmap must be an object, got ${describe(raw)}`);
  const { rows, cols } = raw;
  if (!isNonNegInt(rows) || rows < 1 || rows > 1024)
    fail('heatmap.rows must be an integer in [1, 1024]');
  if (!isNonNegInt(cols) || cols < 1 || cols > 1024)
    fail('heatmap.cols must be an integer in [1, 1024]');
  return {
    rows,
    cols,
    values: decodeNumberArray(raw.values, 'heatmap.values', rows * cols, true),
    complete: true,
  };
}

function parseIndices(raw: unknown, shape: number[]): number[][] {
  if (!Array.isArray(raw)) fail(`view.indices must be an array, got ${describe(raw)}`);
  if (raw.length !== shape.length) {
    fail(`view.indices has ${raw.length} axes but shape has ${shape.length}`);
  }
  return raw.map((axis: unknown, a) => {
    if (!Array.isArray(axis)) fail(`view.indices[${a}] must be an array, got ${describe(axis)}`);
    let prev = -1;
    return axis.map((i: unknown) => {
      if (!isNonNegInt(i) || i >= shape[a]!) {
        fail(
          `view.indices[${a}] holds ${typeof i === 'number' ? i : describe(i)}, not an index below ${shape[a]}`,
        );
      }
      if (i <= prev) fail(`view.indices[${a}] is not strictly increasing`);
      prev = i;
      return i;
    });
  });
}

/** Builds the 2-D blocks over the trailing two axes. */
function buildBlocks(
  shape: number[],
  indices: number[][],
  values: number[],
): { blocks: BlockEntry[]; hiddenBlocks: number } {
  const rank = shape.length;
  const rowIndices = rank >= 2 ? indices[rank - 2]! : [];
  const colIndices = rank >= 1 ? indices[rank - 1]! : [];
  const nRows = rank >= 2 ? rowIndices.length : 1;
  const nCols = rank >= 1 ? colIndices.length : 1;
  const leadAxes = indices.slice(0, Math.max(0, rank - 2));
  const nLead = leadAxes.reduce((n, ax) => n * ax.length, 1);
  const blocks: BlockEntry[] = [];
  const blockSize = nRows * nCols;
  const shown = Math.min(nLead, MAX_BLOCKS);
  let prevLead: number[] | undefined;
  for (let b = 0; b < shown; b++) {
    // Decompose b into positions along the leading axes (row-major).
    const pos = new Array<number>(leadAxes.length);
    let rem = b;
    for (let a = leadAxes.length - 1; a >= 0; a--) {
      const len = leadAxes[a]!.length;
      pos[a] = rem % len;
      rem = Math.floor(rem / len);
    }
    const lead = pos.map((p, a) => leadAxes[a]![p]!);
    if (prevLead && skipsIndices(prevLead, lead, shape)) blocks.push({ kind: 'gap' });
    prevLead = lead;
    const cells: number[][] = [];
    for (let r = 0; r < nRows; r++) {
      const start = b * blockSize + r * nCols;
      cells.push(values.slice(start, start + nCols));
    }
    blocks.push({ kind: 'block', block: { lead, rowIndices, colIndices, cells } });
  }
  return { blocks, hiddenBlocks: nLead - shown };
}

/** True when going from leading index `a` to `b` skips some index (row-major order). */
function skipsIndices(a: number[], b: number[], shape: number[]): boolean {
  const flat = (idx: number[]): number => idx.reduce((acc, i, k) => acc * shape[k]! + i, 0);
  return flat(b) - flat(a) > 1;
}

/**
 * Validates a tensor payload strictly and builds its view model.
 * Never throws: a malformed payload gives `{ ok: false, error }`.
 */
export function parseTensorPayload(data: unknown): ParseResult<TensorModel> {
  return parseSafely(parseOrThrow, data);
}

function parseOrThrow(data: unknown): TensorModel {
  if (!isPlainObject(data)) fail(`payload must be an object, got ${describe(data)}`);
  const p = data as Partial<Record<keyof TensorPayload, unknown>>;
  const { shape, dtype, size, view, truncated } = p;

  if (!Array.isArray(shape)) fail(`shape must be an array, got ${describe(shape)}`);
  if (shape.length > MAX_RANK) fail(`rank ${shape.length} exceeds ${MAX_RANK}`);
  shape.forEach((d: unknown, a) => {
    if (!isNonNegInt(d)) fail(`shape[${a}] is not a non-negative integer`);
  });
  const dims = shape as number[];

  if (typeof dtype !== 'string' || !(DTYPES as readonly string[]).includes(dtype)) {
    fail(`dtype must be one of ${DTYPES.join(', ')}`);
  }
  const product = dims.reduce((n, d) => n * d, 1);
  if (!isNonNegInt(size)) fail('size must be a non-negative integer');
  if (size !== product) fail(`size ${size} does not match shape (${product})`);
  if (typeof truncated !== 'boolean')
    fail(`truncated must be a boolean, got ${describe(truncated)}`);

  if (!isPlainObject(view)) fail(`view must be an object, got ${describe(view)}`);
  const indices = parseIndices(view.indices, dims);
  const expected = indices.reduce((n, ax) => n * ax.length, 1);
  if (expected > MAX_VALUES) fail(`view holds ${expected} values, more than ${MAX_VALUES}`);
  const values = decodeNumberArray(view.values, 'view.values', expected, dtype === 'bool');

  const model: TensorModel = {
    shape: dims,
    dtype: dtype as PayloadDType,
    size,
    truncated,
    indices,
    ...buildBlocks(dims, indices, values),
  };
  if (p.stats !== undefined) model.stats = parseStats(p.stats, 'stats');
  if (p.heatmap !== undefined) {
    if (dims.length !== 2) fail('heatmap is only allowed for 2-D tensors');
    model.heatmap = parseHeatmap(p.heatmap);
  } else if (dims.length === 2 && size > 0) {
    model.heatmap = {
      rows: indices[0]!.length,
      cols: indices[1]!.length,
      values,
      complete: !indices.some((ax, a) => ax.length !== dims[a]),
    };
  }
  return model;
}
