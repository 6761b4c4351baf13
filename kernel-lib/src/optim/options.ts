/** Option checking shared by the optimizers: errors name the function and the option. */

/** Throws unless `value` is a finite number > 0 (or, with `allowZero`, >= 0). */
export function positive(op: string, name: string, value: unknown, allowZero = false): number {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (!allowZero && value === 0)
  ) {
    const what = allowZero ? 'a non-negative number' : 'a positive number';
    throw new RangeError(`${op}: option '${name}' must be ${what}, got ${show(value)}`);
  }
  return value;
}

/** Throws unless `value` is an integer >= min. */
export function integer(op: string, name: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(
      `${op}: option '${name}' must be an integer >= ${min}, got ${show(value)}`,
    );
  }
  return value;
}

/** Throws unless lo <= value < hi (or lo < value < hi with `openLow`). */
export function inRange(
  op: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  openLow = false,
): number {
  if (typeof value !== 'number' || !(openLow ? value > lo : value >= lo) || !(value < hi)) {
    throw new RangeError(
      `${op}: option '${name}' must be in ${openLow ? '(' : '['}${lo}, ${hi}), got ${show(value)}`,
    );
  }
  return value;
}

/** Throws on options the function does not know (catches typos such as `learningrate`). */
export function knownKeys(op: string, options: object, keys: readonly string[]): void {
  for (const k of Object.keys(options)) {
    if (!keys.includes(k))
      throw new RangeError(`${op}: unknown option '${k}' (known: ${keys.join(', ')})`);
  }
}

/** A short rendering of a bad value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  return String(value);
}
