/**
 * Monomorphic loops for common scalar ops (an expression that is one op on the inputs in order):
 * one loop per op, so the JS
 * engine inlines `Math.tanh` or `+` instead of calling a closure per element. Each loop computes
 * exactly what the formula computes (float64, stored into the output's dtype).
 */
import type { TypedArray } from '../../core/dtype';
import type { ScalarOpName } from '../expression';

type UnaryLoop = (a: TypedArray, out: TypedArray, n: number) => void;
type BinaryLoop = (
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  n: number,
  period: number,
  swap: boolean,
) => void;

/** One loop per unary op (same results as calling the formula per element). */
export const unaryLoops: Partial<Record<ScalarOpName, UnaryLoop>> = {
  neg: (a, out, n) => {
    for (let i = 0; i < n; i++) out[i] = -a[i];
  },
  abs: (a, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]);
  },
  sqrt: (a, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
  },
  exp: (a, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
  },
  log: (a, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.log(a[i]);
  },
  tanh: (a, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.tanh(a[i]);
  },
  sin: (a, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.sin(a[i]);
  },
  cos: (a, out, n) => {
    for (let i = 0; i < n; i++) out[i] = Math.cos(a[i]);
  },
};

// `b` repeats with `period` along `a` (period n: same shape; 1: a scalar; else a broadcast row).
// With `swap` the formula's operands are (b, a).
export const binaryLoops: Partial<Record<ScalarOpName, BinaryLoop>> = {
  add: (a, b, out, n, p) => {
    for (let i = 0, j = 0; i < n; i++) {
      out[i] = a[i] + b[j];
      if (++j === p) j = 0;
    }
  },
  mul: (a, b, out, n, p) => {
    for (let i = 0, j = 0; i < n; i++) {
      out[i] = a[i] * b[j];
      if (++j === p) j = 0;
    }
  },
  sub: (a, b, out, n, p, swap) => {
    if (swap) {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = b[j] - a[i];
        if (++j === p) j = 0;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] - b[j];
        if (++j === p) j = 0;
      }
    }
  },
  div: (a, b, out, n, p, swap) => {
    if (swap) {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = b[j] / a[i];
        if (++j === p) j = 0;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] / b[j];
        if (++j === p) j = 0;
      }
    }
  },
  max: (a, b, out, n, p, swap) => {
    for (let i = 0, j = 0; i < n; i++) {
      const x = swap ? b[j] : a[i];
      const y = swap ? a[i] : b[j];
      out[i] = x > y || x !== x ? x : y;
      if (++j === p) j = 0;
    }
  },
  min: (a, b, out, n, p, swap) => {
    for (let i = 0, j = 0; i < n; i++) {
      const x = swap ? b[j] : a[i];
      const y = swap ? a[i] : b[j];
      out[i] = x < y || x !== x ? x : y;
      if (++j === p) j = 0;
    }
  },
  // Comparisons give 0/1; with `swap` the comparison is mirrored (b > a is a < b).
  gt: (a, b, out, n, p, swap) => {
    if (swap) {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] < b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] > b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    }
  },
  ge: (a, b, out, n, p, swap) => {
    if (swap) {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] <= b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] >= b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    }
  },
  lt: (a, b, out, n, p, swap) => {
    if (swap) {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] > b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] < b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    }
  },
  le: (a, b, out, n, p, swap) => {
    if (swap) {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] >= b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] <= b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    }
  },
  eq: (a, b, out, n, p, swap) => {
    if (swap) {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] === b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] === b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    }
  },
  ne: (a, b, out, n, p, swap) => {
    if (swap) {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] !== b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    } else {
      for (let i = 0, j = 0; i < n; i++) {
        out[i] = a[i] !== b[j] ? 1 : 0;
        if (++j === p) j = 0;
      }
    }
  },
};

/** `out[i] = c[i] ? a[i] : b[i]`, each operand repeating with its own period. */
export function whereLoop(
  c: TypedArray,
  a: TypedArray,
  b: TypedArray,
  out: TypedArray,
  n: number,
  pc: number,
  pa: number,
  pb: number,
): void {
  for (let i = 0, ic = 0, ia = 0, ib = 0; i < n; i++) {
    out[i] = c[ic] ? a[ia] : b[ib];
    if (++ic === pc) ic = 0;
    if (++ia === pa) ia = 0;
    if (++ib === pb) ib = 0;
  }
}

/**
 * The period of `shape` broadcast to `outShape` when it only repeats along leading axes (its
 * non-leading-1 axes equal the trailing axes of `outShape`), else 0.
 */
export function trailingPeriod(shape: readonly number[], outShape: readonly number[]): number {
  let lead = 0;
  while (lead < shape.length && shape[lead] === 1) lead++;
  const rest = shape.length - lead;
  if (rest > outShape.length) return 0;
  let size = 1;
  for (let j = 1; j <= rest; j++) {
    const d = shape[shape.length - j];
    if (d !== outShape[outShape.length - j]) return 0;
    size *= d;
  }
  return size;
}
