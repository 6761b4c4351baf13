/** checkGrads reports per-element relative errors, forward and reverse. */
import { describe, expect, it } from 'vitest';
import { checkGrads, customVjp, np, Tensor } from '../../kernel-lib/src';
import { randn } from '../helpers/tensors';

describe('checkGrads per-element report', () => {
  const f = (x: Tensor, y: Tensor) => np.mul(np.tanh(x), np.exp(y));
  const args = [randn(0, [3]), randn(1, [3])];

  it('forward: one relative error per output element; reverse per input element on request', () => {
    const report = checkGrads(f, args, { order: 2, perElement: true });
    const fwd1 = report.find((r) => r.order === 1 && r.mode === 'fwd')!;
    expect(fwd1.relErrors).toHaveLength(3);
    const rev1 = report.find((r) => r.order === 1 && r.mode === 'rev')!;
    expect(rev1.relErrors).toHaveLength(6);
    for (const r of report) expect(Math.max(...r.relErrors)).toBeLessThan(1e-6);
    const plain = checkGrads(f, args, { order: 1 });
    expect(plain.find((r) => r.mode === 'rev')!.relErrors).toHaveLength(1);
  });

  it('a wrong reverse rule is caught element by element', () => {
    const sq = customVjp(
      (x: Tensor) => np.square(x),
      (x: Tensor) => [np.square(x), x],
      (r: unknown, ct: unknown) => [
        np.mul(ct as Tensor, np.mul(r as Tensor, np.array([2, 2, 3], 'float64'))),
      ],
    );
    expect(() =>
      checkGrads(sq as never, [randn(2, [3])], { order: 1, modes: ['rev'], perElement: true }),
    ).toThrow(/VJP vs finite differences per element/);
  });
});
