/** Creating tensors: constants, ranges and identity matrices. */
import { allocate, checkDType, storedValue, type DType } from '../core/dtype';
import { checkShape, sizeOf } from '../core/shape';
import { ConcreteTensor, type Tensor } from '../core/tensor';
import { tensorFromHost } from '../backends';

/** A tensor of `shape` filled with `value`. @example np.full([2, 3], 7) */
export function full(
  shape: readonly number[],
  value: number | boolean,
  dtype: DType = typeof value === 'boolean' ? 'bool' : 'float32',
): Tensor {
  checkShape('full', shape);
  checkDType(dtype, 'full');
  const data = allocate(dtype, sizeOf(shape));
  data.fill(storedValue(dtype, Number(value)));
  return tensorFromHost(data, [...shape], dtype);
}

/** Zeros. @example np.zeros([2, 2], 'float64') */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 0, dtype);
}

/** Ones. @example np.ones([3]) */
export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}

/** Zeros with the shape and dtype of `x`, on its device. */
export function zerosLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return fullLike(x, 0, dtype);
}

/** Ones with the shape and dtype of `x`, on its device. */
export function onesLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return fullLike(x, 1, dtype);
}

/** `value` with the shape and dtype of `x`, on its device (placed there as `x` is). */
export function fullLike(x: Tensor, value: number, dtype: DType = x.dtype): Tensor {
  const made = full(x.shape, value, dtype);
  const like = concreteOrUndefined(x);
  if (!like || like.device === made.device) return made;
  const c = made.concrete();
  const y = new ConcreteTensor(like.backend.fromHost(c.readSync()), c.shape, c.dtype);
  y.committed = like.committed;
  return y;
}

/** The concrete value under `x`, undefined for an abstract one (under jit). */
function concreteOrUndefined(x: Tensor): ConcreteTensor | undefined {
  try {
    return x.concrete();
  } catch {
    return undefined;
  }
}

/**
 * Evenly spaced values in [start, stop) with `step`; one argument means [0, stop). Integers give
 * int32, otherwise float32. @example np.arange(5); np.arange(0, 1, 0.25)
 */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new RangeError('arange: step must not be zero');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const dt = dtype ?? ([start, stop, step].every(Number.isInteger) ? 'int32' : 'float32');
  const data = allocate(dt, n);
  for (let i = 0; i < n; i++) data[i] = storedValue(dt, start + i * step);
  return tensorFromHost(data, [n], dt);
}

/** `num` evenly spaced values from start to stop inclusive. @example np.linspace(0, 1, 5) */
export function linspace(start: number, stop: number, num = 50, dtype: DType = 'float32'): Tensor {
  if (!Number.isInteger(num) || num < 0)
    throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  const data = allocate(dtype, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return tensorFromHost(data, [num], dtype);
}

/**
 * The n x m identity (m defaults to n), like NumPy's `eye(N, M, dtype)`; the dtype may also come
 * second. @example np.eye(3); np.eye(2, 3); np.eye(3, 'float64')
 */
export function eye(n: number, mOrDType?: number | DType, dtype?: DType): Tensor {
  const m = typeof mOrDType === 'number' ? mOrDType : n;
  const dt = typeof mOrDType === 'string' ? mOrDType : (dtype ?? 'float32');
  checkShape('eye', [n, m]);
  checkDType(dt, 'eye');
  const data = allocate(dt, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return tensorFromHost(data, [n, m], dt);
}

/**
 * `num` values from base^start to base^stop inclusive, evenly spaced on a log scale.
 * @example np.logspace(0, 3, 4)  // [1, 10, 100, 1000]
 */
export function logspace(
  start: number,
  stop: number,
  num = 50,
  options: { base?: number; dtype?: DType } = {},
): Tensor {
  const { base = 10, dtype = 'float32' } = options;
  const exponents = linspace(start, stop, num, 'float64').concrete().readSync();
  const data = allocate(dtype, num);
  for (let i = 0; i < num; i++) data[i] = base ** exponents[i];
  return tensorFromHost(data, [num], dtype);
}
