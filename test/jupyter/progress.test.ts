import { describe, expect, it } from 'vitest';
import { setDisplayHook } from '../../kernel-lib/src/jupyter/display';
import { clock, progress, progressLine } from '../../kernel-lib/src/jupyter/progress';

describe('progressLine', () => {
  it('shows count, percent, bar, values, rate and ETA', () => {
    const line = progressLine({
      label: 'adam',
      n: 250,
      total: 1000,
      elapsedMs: 500,
      values: { loss: 0.012345, gradNorm: 3.2e-5, lr: 0.1 },
      done: false,
    });
    expect(line).toBe(
      'adam  25%|█████               | 250/1000 · loss 0.01235 · |g| 3.20e-5 · lr 0.1 · 500 it/s · ETA 0:02',
    );
  });

  it('without a total, counts and shows the elapsed time', () => {
    expect(
      progressLine({ label: '', n: 12, total: undefined, elapsedMs: 3000, values: {}, done: true }),
    ).toBe('12 it · 4.00 it/s · 0:03 total');
  });

  it('formats clocks', () => {
    expect(clock(65)).toBe('1:05');
    expect(clock(3725)).toBe('1:02:05');
    expect(clock(Infinity)).toBe('?');
  });
});

describe('progress', () => {
  it('iterates a count, rate-limited, and ends with a final line', () => {
    const lines: [string, boolean][] = [];
    const bar = progress(5000, { write: (l, f) => lines.push([l, f]), updatesPerSecond: 1e9 });
    let sum = 0;
    for (const k of bar) {
      sum += k;
      bar.set({ loss: 1 / (k + 1) });
    }
    expect(sum).toBe((5000 * 4999) / 2);
    expect(bar.n).toBe(5000);
    expect(lines.at(-1)![1]).toBe(true);
    expect(lines.at(-1)![0]).toMatch(
      /^100%\|█{20}\| 5000\/5000 · loss 2\.00e-4 · .* it\/s · \d+:\d\d total$/,
    );
    expect(lines.filter(([, f]) => f).length).toBe(1);
  });

  it('draws at most updatesPerSecond times a second', async () => {
    const lines: string[] = [];
    const bar = progress(50, { write: (l) => lines.push(l), updatesPerSecond: 20 });
    const t0 = performance.now();
    for await (const _ of bar) await new Promise((r) => setTimeout(r, 4));
    const seconds = (performance.now() - t0) / 1000;
    expect(lines.length).toBeLessThanOrEqual(Math.ceil(seconds * 20) + 2);
    expect(lines.length).toBeGreaterThanOrEqual(2);
  });

  it('in a notebook, shows one output and updates it in place', async () => {
    const calls: { id?: string; update?: boolean; text: string }[] = [];
    setDisplayHook((bundle, o) =>
      calls.push({ id: o.displayId, update: o.update, text: String(bundle['text/plain']) }),
    );
    try {
      const bar = progress(['a', 'b', 'c'], { label: '<b>x</b>', updatesPerSecond: 1e9 });
      const seen: string[] = [];
      for await (const s of bar) seen.push(s);
      expect(seen).toEqual(['a', 'b', 'c']);
    } finally {
      setDisplayHook(undefined);
    }
    expect(calls[0]!.update).toBe(false);
    expect(calls.slice(1).every((c) => c.update)).toBe(true);
    expect(new Set(calls.map((c) => c.id)).size).toBe(1);
    expect(calls.at(-1)!.text).toMatch(/^<b>x<\/b> 100%.* 3\/3/);
  });

  it('escapes the HTML line', () => {
    let html = '';
    setDisplayHook((bundle) => (html = String(bundle['text/html'])));
    try {
      for (const _ of progress(1, { label: '<img src=x onerror=alert(1)>' }));
    } finally {
      setDisplayHook(undefined);
    }
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
  });

  it('rejects what it cannot count', () => {
    expect(() => progress(-1)).toThrow(/non-negative integer, got -1/);
    expect(() => progress({} as never)).toThrow(/expected an iterable or a count/);
  });
});
