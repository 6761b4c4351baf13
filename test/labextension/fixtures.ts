import type { TensorPayload } from 'adlab/protocol';
import { vi } from 'vitest';

/**
 * Captures the file names of downloads (jsdom cannot save): call `restore()` when done.
 * @example const downloads = captureDownloads(); await view.exportAs('png'); downloads.names
 */
export function captureDownloads(): { names: string[]; restore: () => void } {
  const names: string[] = [];
  const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
    this: HTMLAnchorElement,
  ) {
    names.push(this.download);
  });
  URL.createObjectURL ??= () => 'blob:x';
  URL.revokeObjectURL ??= () => undefined;
  return { names, restore: () => click.mockRestore() };
}

/** A well-formed 2x3 float32 tensor. */
export function tensor2x3(): TensorPayload {
  return {
    shape: [2, 3],
    dtype: 'float32',
    size: 6,
    view: {
      indices: [
        [0, 1],
        [0, 1, 2],
      ],
      values: [1, 2, 3, 4, 5, 6.5],
    },
    truncated: false,
    stats: { min: 1, max: 6.5, mean: 3.5833333, nonFinite: 0 },
  };
}

/** Kept indices in the manner of NumPy's edgeitems. */
export function edge(n: number, k = 3): number[] {
  if (n <= 2 * k) return Array.from({ length: n }, (_, i) => i);
  return [
    ...Array.from({ length: k }, (_, i) => i),
    ...Array.from({ length: k }, (_, i) => n - k + i),
  ];
}

/** A truncated payload of the given shape whose values are their flat position in the view. */
export function truncated(shape: number[]): TensorPayload {
  const indices = shape.map((d) => edge(d));
  const count = indices.reduce((n, ax) => n * ax.length, 1);
  return {
    shape,
    dtype: 'float64',
    size: shape.reduce((n, d) => n * d, 1),
    view: { indices, values: Array.from({ length: count }, (_, i) => i) },
    truncated: indices.some((ax, a) => ax.length !== shape[a]),
  };
}
