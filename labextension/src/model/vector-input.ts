/**
 * Vectors a person types or pastes into a live control: numbers separated by commas, spaces or new
 * lines, optionally in brackets (a NumPy or JSON printout pastes as is). No DOM here.
 */

/** The parsed vector, or why the text is not one of `length` numbers. */
export type VectorInput = { ok: true; values: number[] } | { ok: false; error: string };

/** Parses `text` as exactly `length` finite numbers. */
export function parseVectorText(text: string, length: number, name = 'v'): VectorInput {
  const tokens = text
    .replace(/^[\s[(]+|[\s\])]+$/g, '')
    .split(/[\s,;]+/)
    .filter((t) => t.length > 0);
  if (tokens.length !== length)
    return { ok: false, error: `${name} needs ${length} numbers, got ${tokens.length}` };
  const values: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const x = Number(tokens[i]);
    if (!Number.isFinite(x))
      return {
        ok: false,
        error: `${name}[${i}] is not a finite number: ${tokens[i]!.slice(0, 20)}`,
      };
    values.push(x);
  }
  return { ok: true, values };
}

/** A vector as text that {@link parseVectorText} reads back exactly. */
export function vectorText(values: readonly number[]): string {
  return values.map((v) => String(v)).join(', ');
}

/** A random direction of unit norm (normal entries by Box–Muller, then normalized), rounded to 4 digits. */
export function randomDirection(length: number, random: () => number = Math.random): number[] {
  const z = Array.from({ length }, () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  });
  const norm = Math.hypot(...z) || 1;
  return z.map((v) => Number((v / norm).toPrecision(4)));
}
