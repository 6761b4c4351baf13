/** The host fallback checks what a routine's CPU code returns against the outputs it declared. */
import { describe, expect, it } from 'vitest';
import { np } from '../../kernel-lib/src';
import { hostKernel } from '../../kernel-lib/src/backends/host-kernel';

describe('hostKernel', () => {
  const x = np.array([3, 1, 2], 'float64').concrete();
  const outs = [{ shape: [3], dtype: 'float64' as const }];

  it('puts the results on the operands’ backend', () => {
    const [y] = hostKernel('sort', [x], outs, ([d]) => [Float64Array.from(d!).sort()]);
    expect(Array.from(y!.dataSync())).toEqual([1, 2, 3]);
  });

  it('names the routine and the shapes when its code returns the wrong arrays', () => {
    expect(() => hostKernel('sort', [x], outs, () => [new Float64Array(2)])).toThrow(
      'sort (host routine): returned 1 arrays of lengths [2] for outputs of shapes [3]',
    );
    expect(() => hostKernel('eigh', [x], outs, () => [])).toThrow(
      'eigh (host routine): returned 0 arrays of lengths [] for outputs of shapes [3]',
    );
  });
});
