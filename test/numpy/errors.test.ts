/** Every error names the operation and the offending shapes, dtypes or axes. */
import { describe, expect, it } from 'vitest';
import { grad, jvp, np, numerics, Tensor, vjp } from '../../kernel-lib/src';

describe('error messages', () => {
  it('matmul names the inner dimensions', () => {
    expect(() => np.matmul(np.ones([2, 3]), np.ones([4, 5]))).toThrow(
      'matmul: inner dimensions differ: [2,3] @ [4,5]',
    );
  });
  it('matmul names both full shapes, the clashing sizes and suggests a transpose', () => {
    expect(() => np.matmul(np.ones([32, 20]), np.ones([32, 20]))).toThrow(
      'matmul: inner dimensions differ: [32,20] @ [32,20] (20 vs 32: the last axis of a, the second-to-last of b); did you mean a @ bᵀ (np.matrixTranspose(b))?',
    );
    expect(() => np.matmul(np.ones([3, 2]), np.ones([3, 4]))).toThrow(/did you mean aᵀ @ b/);
    expect(() => np.matmul(np.ones([4, 2, 3]), np.ones([5, 3, 2]))).toThrow(
      'matmul: batch axes of [4,2,3] @ [5,3,2] cannot be broadcast: [4] vs [5] (batch axis -1: 4 vs 5)',
    );
  });
  it('layerNorm and batchNorm validate scale and shift against the normalized axes', () => {
    const x = np.ones([4, 3]);
    const good = { scale: np.ones([3]), shift: np.zeros([3]) };
    expect(() => numerics.layerNorm(x, { ...good, scale: np.ones([4]) })).toThrow(
      'layerNorm: scale has shape [4] but the normalized axes [1] of input [4,3] have shape [3]',
    );
    expect(() => numerics.layerNorm(x, { ...good, shift: np.ones([3, 1]) })).toThrow(
      'layerNorm: shift has shape [3,1] but the normalized axes [1] of input [4,3] have shape [3]',
    );
    const state = { mean: np.zeros([3]), var: np.ones([3]) };
    expect(() => numerics.batchNorm(x, { ...good, shift: np.zeros([2]) }, state)).toThrow(
      'batchNorm: shift has shape [2] but feature axis 1 of input [4,3] has size 3',
    );
    expect(() =>
      numerics.batchNorm(x, good, { ...state, var: np.ones([4]) }, { training: false }),
    ).toThrow('batchNorm: state.var has shape [4] but feature axis 1 of input [4,3] has size 3');
  });
  it('grad of a non-scalar output points to vjp and jacrev', () => {
    expect(() => grad((x: Tensor) => np.sin(x))(np.ones([3]))).toThrow(
      /grad: .*float scalar.*float32\[3\].*use vjp or jacrev/,
    );
  });
  it('an unknown dtype is explicit', () => {
    expect(() => np.zeros([2], 'float16' as never)).toThrow(
      `full: unknown dtype "float16"; expected one of bool, int32, float32, float64`,
    );
    expect(() => np.ones([2]).astype('complex64' as never)).toThrow(
      /astype: unknown dtype "complex64"/,
    );
  });
  it('broadcasting names the shapes and the clashing axis', () => {
    expect(() => np.add(np.ones([2, 3]), np.ones([4]))).toThrow(
      'add: shapes [2,3] and [4] cannot be broadcast (axis -1: 3 vs 4)',
    );
  });
  it('reshape names the shapes and sizes', () => {
    expect(() => np.reshape(np.ones([2, 3]), [4])).toThrow(
      'reshape: cannot reshape [2,3] (6 elements) into [4]',
    );
  });
  it('axes out of bounds name the axis and rank', () => {
    expect(() => np.sum(np.ones([2, 3]), 2)).toThrow('sum: axis 2 is out of bounds for rank 2');
  });
  it('take names the bad index', () => {
    expect(() => np.take(np.ones([3]), [5])).toThrow(
      'take: index 5 is out of bounds for axis 0 with size 3',
    );
    expect(() => np.take(np.ones([3]), [-5])).toThrow(
      'take: index -5 is out of bounds for axis 0 with size 3',
    );
  });
  it('where requires a bool condition', () => {
    expect(() => np.where(np.ones([2]), 1, 0)).toThrow(
      'where: condition must be bool, got float32 [2]',
    );
  });
  it('grad refuses integer inputs', () => {
    expect(() => grad((x: Tensor) => np.sum(x))(np.arange(3))).toThrow(
      /grad: can only differentiate with respect to float32\/float64 inputs, got int32\[3\]/,
    );
  });
  it('jvp checks tangent shapes', () => {
    expect(() => jvp(np.sin, [np.ones([2])], [np.ones([3])])).toThrow(
      'jvp: tangent 0 is float32[3] but its primal is float32[2]',
    );
  });
  it('vjp and jvp want argument lists', () => {
    expect(() => vjp(np.sin, np.ones([2]) as never)).toThrow(
      'vjp: primals must be the list of arguments, e.g. vjp(f, [x]) or vjp(f, [W, b])',
    );
    expect(() => jvp(np.sin, np.ones([2]) as never, [])).toThrow(
      /jvp: primals and tangents must be lists/,
    );
  });
  it('a pullback checks cotangent shapes', () => {
    const [, pullback] = vjp(np.sin, [np.ones([2])]);
    expect(() => pullback(np.ones([3]) as never)).toThrow(
      'vjp: cotangent 0 has shape [3] but the output has shape [2]',
    );
  });
  it('a tracer that escapes its transform is reported', () => {
    let leaked: Tensor | undefined;
    grad((x: Tensor) => {
      leaked = x;
      return np.sum(x);
    })(np.ones([2]));
    expect(() => np.sin(leaked!)).toThrow(/sin: a tracer escaped its transform/);
  });
  it('linalg checks squareness', () => {
    expect(() => np.linalg.solve(np.ones([2, 3]), np.ones([2]))).toThrow(
      'solve: expected square matrices in the last two axes, got [2,3]',
    );
    expect(() => np.linalg.inv(np.ones([2, 3]))).toThrow(
      'inv: expected square matrices in the last two axes, got [2,3]',
    );
    expect(() => np.linalg.inv(np.ones([3]))).toThrow(
      'inv: expected square matrices in the last two axes, got [3]',
    );
  });
  it('ragged nested arrays are rejected', () => {
    expect(() => np.array([[1, 2], [3]])).toThrow(
      'array: ragged nested array: expected length 2 at depth 1',
    );
  });
  it('the kernel can keep going after errors: state is untouched', () => {
    const x = np.array([1, 2]);
    expect(() => np.matmul(x, np.ones([3, 3]))).toThrow();
    expect(x.toArray()).toEqual([1, 2]);
  });
});
