/** Shapes, strides, broadcasting and axis handling, with errors that name the operation. */

export type Shape = readonly number[];

/** Number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Strides of an input broadcast to `outShape` (0 on broadcast axes). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, j) => {
    const i = j - offset;
    return i < 0 || shape[i] === 1 ? 0 : own[i];
  });
}

/** Formats a shape as `[2,3]` for error messages. */
export function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** True when both shapes have the same axes and sizes. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The NumPy broadcast of several shapes, or an error naming `op`, the shapes and the first axis
 * (counted from the end, as broadcasting aligns them) whose sizes clash.
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const out = tryBroadcast(shapes);
  if (typeof out === 'string')
    throw new Error(`${op}: shapes ${shapes.map(fmt).join(' and ')} cannot be broadcast (${out})`);
  return out;
}

/** The broadcast shape, or a description of the clash such as "axis -1: 3 vs 4". */
export function tryBroadcast(shapes: readonly Shape[]): number[] | string {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = rank - s.length + i;
      const d = s[i];
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j]) return `axis ${j - rank}: ${out[j]} vs ${d}`;
    }
  }
  return out;
}

/** Normalizes a possibly negative axis against `rank`, or throws naming `op`. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${op}: axis ${axis} is out of bounds for rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalizes `axis` (undefined means all axes) into a sorted list of distinct axes. */
export function normalizeAxes(
  op: string,
  axis: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = (typeof axis === 'number' ? [axis] : [...axis]).map((a) =>
    normalizeAxis(op, a, rank),
  );
  if (new Set(list).size !== list.length) {
    throw new RangeError(`${op}: repeated axis in ${JSON.stringify(axis)}`);
  }
  return list.sort((a, b) => a - b);
}

/** Checks a shape given by the user: a list of non-negative integers. */
export function checkShape(op: string, shape: unknown): number[] {
  if (
    !Array.isArray(shape) ||
    !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)
  ) {
    throw new TypeError(
      `${op}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  return shape as number[];
}
