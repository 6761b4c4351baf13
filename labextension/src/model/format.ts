/** Number formatting for tensor views (pure, no DOM). */
import type { PayloadDType } from 'adlab/protocol';

/** Formats one value of a tensor of the given dtype. */
export function formatValue(x: number, dtype: PayloadDType): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (dtype === 'bool') return x !== 0 ? 'true' : 'false';
  if (dtype === 'int32') return String(Math.trunc(x));
  return formatFloat(x, dtype === 'float32' ? 6 : 10);
}

/** Formats a float with at most `digits` significant digits, trimming trailing zeros. */
export function formatFloat(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return formatValue(x, 'float64');
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const ax = Math.abs(x);
  if (ax >= 1e6 || ax < 1e-4) {
    const [mant, exp] = x.toExponential(digits - 1).split('e');
    return `${trimZeros(mant!)}e${exp}`;
  }
  return trimZeros(x.toPrecision(digits));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Formats a shape like NumPy's repr: `[2, 3]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
