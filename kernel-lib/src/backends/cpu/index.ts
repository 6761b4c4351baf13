/** The CPU backend: typed arrays owned by the garbage collector, kernels in plain TypeScript. */
import type { TypedArray } from '../../core/dtype';
import type { Backend, Operand, Storage } from '../backend';
import { elementwise } from './elementwise';
import { matmul } from './matmul';
import { reduce } from './reduce';
import { readStrided, scatterAdd, take, writeStrided } from './strided';

interface CpuStorage extends Storage {
  readonly data: TypedArray;
}

const data = (x: Operand): TypedArray => (x.storage as CpuStorage).data;

/** The default backend. */
export const cpuBackend: Backend = {
  name: 'cpu',
  fromHost: (array) => ({ backend: cpuBackend, data: array }) as CpuStorage,
  readSync: (storage) => (storage as CpuStorage).data,
  dispose: () => {},
  elementwise: (fn, xs, outShape, outDtype) =>
    cpuBackend.fromHost(
      elementwise(
        fn,
        xs.map((x) => ({ data: data(x), shape: x.shape })),
        outShape,
        outDtype,
      ),
    ),
  reduce: (kind, x, axes, outDtype) =>
    cpuBackend.fromHost(reduce(kind, data(x), x.shape, axes, outDtype)),
  matmul: (a, b, outShape) =>
    cpuBackend.fromHost(matmul(data(a), a.shape, data(b), b.shape, outShape, a.dtype)),
  readStrided: (x, view, outShape) =>
    cpuBackend.fromHost(readStrided(data(x), view, outShape, x.dtype)),
  writeStrided: (parts, outShape, dtype) =>
    cpuBackend.fromHost(
      writeStrided(
        parts.map((p) => ({ data: data(p.x), shape: p.x.shape, view: p.view })),
        outShape,
        dtype,
      ),
    ),
  take: (x, indices, axis, outShape) =>
    cpuBackend.fromHost(take(data(x), x.shape, data(indices), axis, outShape, x.dtype)),
  scatterAdd: (ct, indices, axis, outShape) =>
    cpuBackend.fromHost(scatterAdd(data(ct), data(indices), axis, outShape, ct.dtype)),
};
