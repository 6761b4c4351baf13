/** nn.conv (lax.conv_general_dilated style) against scipy, its derivatives and its errors. */
import { describe, expect, it } from 'vitest';
import { checkGrads, grad, nn, np, Tensor } from '../../kernel-lib/src';
import { expectClose, randn } from '../helpers/tensors';
import { ref } from './breadth-reference';

describe('nn.conv', () => {
  const x1 = np.reshape(np.arange(10, undefined, 1, 'float64'), [1, 2, 5]);
  const w1 = np.array(
    [
      [
        [1, 0, -1],
        [2, 1, 0],
      ],
    ],
    'float64',
  );
  const x2 = np.reshape(np.arange(32, undefined, 1, 'float64'), [1, 2, 4, 4]);
  const w2 = np.sub(np.reshape(np.arange(8, undefined, 1, 'float64'), [1, 2, 2, 2]), 3);

  it('1-D SAME with stride 2 and 2-D VALID match scipy.signal.correlate', () => {
    const y1 = nn.conv(x1, w1, { strides: 2, padding: 'SAME' });
    expect(y1.shape).toEqual([1, 1, 3]);
    expectClose(y1.reshape([-1]), ref.conv1d_same_s2, 0, 0);
    const y2 = nn.conv(x2, w2);
    expect(y2.shape).toEqual([1, 1, 3, 3]);
    expectClose(y2.reshape([3, 3]), ref.conv2d_valid, 0, 0);
  });
  it('SAME keeps the size at stride 1; dilation widens the window', () => {
    expect(
      nn.conv(np.ones([2, 3, 7, 6]), np.ones([4, 3, 3, 2]), { padding: 'SAME' }).shape,
    ).toEqual([2, 4, 7, 6]);
    expect(nn.conv(np.ones([1, 1, 9]), np.ones([1, 1, 3]), { rhsDilation: 2 }).shape).toEqual([
      1, 1, 5,
    ]);
    // lhs dilation 2 is the transposed convolution: 4 inputs spread to 7 positions.
    expect(nn.conv(np.ones([1, 1, 4]), np.ones([1, 1, 1]), { lhsDilation: 2 }).toArray()).toEqual([
      [[1, 0, 1, 0, 1, 0, 1]],
    ]);
  });
  it('is differentiable in the input and the kernels (transposed convolutions)', () => {
    checkGrads(
      (x: Tensor, w: Tensor) => nn.conv(x, w, { strides: [2, 1], padding: 'SAME' }),
      [randn(1, [2, 2, 5, 4]), randn(2, [3, 2, 3, 2])],
    );
    checkGrads(
      (x: Tensor, w: Tensor) => nn.conv(x, w, { strides: 3, padding: [[2, 1]] }),
      [randn(3, [1, 2, 8]), randn(4, [2, 2, 3])],
    );
    // d/dw of sum(conv(x, w)) is the sum of x over each window position.
    const g = grad((w: Tensor) => nn.conv(np.ones([1, 1, 4], 'float64'), w).sum())(
      np.ones([1, 1, 2], 'float64'),
    );
    expect(g.toArray()).toEqual([[[3, 3]]]);
  });
  it('names the shapes and options it rejects', () => {
    expect(() => nn.conv(np.ones([1, 2, 5]), np.ones([1, 3, 2]))).toThrow(
      'conv: expected lhs [N,C,L] or [N,C,H,W] and rhs [O,C,K] or [O,C,KH,KW] with equal C, got [1,2,5] and [1,3,2]',
    );
    expect(() => nn.conv(np.ones([1, 1, 5]), np.ones([1, 1, 2]), { strides: 0 })).toThrow(
      'conv: strides must be 1 positive integer(s), got 0',
    );
    expect(() =>
      nn.conv(np.ones([1, 1, 5]), np.ones([1, 1, 2]), { padding: 'FULL' as never }),
    ).toThrow(
      /conv: padding must be 'SAME', 'VALID' or 1 \[lo, hi\] integer pair\(s\), got "FULL"/,
    );
  });
});
