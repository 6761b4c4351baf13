/** The CPU backend: typed arrays owned by the garbage collector, kernels in plain TypeScript. */
import type { DType, TypedArray } from '../../core/dtype';
import type {
  Backend,
  BackendArena,
  LinalgKernel,
  LinalgRoutine,
  MatmulTranspose,
  Operand,
  ReduceKind,
  Storage,
  TranscendentalPolicy,
} from '../backend';
import type { Expr, ScalarOpName } from '../expression';
import { swapLastAxes } from '../swap-last';
import { elementwise } from './elementwise';
import { hostLinalg } from './linalg-routines';
import { matmul } from './matmul';
import { reduce } from './reduce';
import { readStrided, scatterAdd, take, writeStrided } from './strided';

interface CpuStorage extends Storage {
  readonly data: TypedArray;
}

/** The typed array behind an operand on a typed-array backend. */
export const cpuData = (x: Operand): TypedArray => (x.storage as CpuStorage).data;

/**
 * A fast kernel's result: a fresh typed array, or storage it keeps in its own memory (a slot of
 * a jitted program's arena frame) whose `data` is a view of that memory.
 */
export type FastResult = TypedArray | (Storage & { readonly data: TypedArray });

/**
 * Faster kernels that a typed-array backend may try first (the WebAssembly backend); each returns
 * `undefined` to leave the case to the TypeScript kernel.
 */
export interface FastKernels {
  /** See `Backend.nativeOps`. */
  readonly nativeOps?: ReadonlySet<ScalarOpName>;
  /** See `Backend.polynomialOps`. */
  readonly polynomialOps?: ReadonlySet<ScalarOpName>;
  /** See `Backend.arena`. */
  readonly arena?: BackendArena;
  elementwise?(
    expr: Expr,
    xs: readonly Operand[],
    outShape: readonly number[],
    outDtype: DType,
    policy?: TranscendentalPolicy,
  ): FastResult | undefined;
  reduce?(
    kind: ReduceKind,
    x: Operand,
    axes: readonly number[],
    outDtype: DType,
  ): FastResult | undefined;
  /** Takes `transpose` flags (see Backend.matmul) when `matmulTransposes` is set. */
  matmulTransposes?: boolean;
  matmul?(
    a: Operand,
    b: Operand,
    outShape: readonly number[],
    transpose?: MatmulTranspose,
  ): FastResult | undefined;
}

/** A backend on garbage-collected typed arrays: the TypeScript kernels, after any `fast` ones. */
export function createCpuBackend(name: string, fast: FastKernels = {}): Backend {
  const store = (r: FastResult): Storage => (ArrayBuffer.isView(r) ? self.fromHost(r) : r);
  const self: Backend = {
    name,
    nativeOps: fast.nativeOps,
    polynomialOps: fast.polynomialOps,
    arena: fast.arena,
    fromHost: (array) => ({ backend: self, data: array }) as CpuStorage,
    readSync: (storage) => (storage as CpuStorage).data,
    dispose: () => {},
    elementwise: (expr, xs, outShape, outDtype, policy) =>
      store(
        fast.elementwise?.(expr, xs, outShape, outDtype, policy) ??
          elementwise(
            expr,
            xs.map((x) => ({ data: cpuData(x), shape: x.shape, dtype: x.dtype })),
            outShape,
            outDtype,
          ),
      ),
    reduce: (kind, x, axes, outDtype) =>
      store(
        fast.reduce?.(kind, x, axes, outDtype) ?? reduce(kind, cpuData(x), x.shape, axes, outDtype),
      ),
    matmulTransposes: fast.matmulTransposes,
    matmul: (a, b, outShape, transpose) => {
      const done = fast.matmul?.(a, b, outShape, transpose);
      if (done) return store(done);
      const [pa, pb] = [transpose?.a ? swapLastAxes(a) : a, transpose?.b ? swapLastAxes(b) : b];
      return self.fromHost(matmul(cpuData(pa), pa.shape, cpuData(pb), pb.shape, outShape, a.dtype));
    },
    readStrided: (x, view, outShape) =>
      self.fromHost(readStrided(cpuData(x), view, outShape, x.dtype)),
    writeStrided: (parts, outShape, dtype) =>
      self.fromHost(
        writeStrided(
          parts.map((p) => ({ data: cpuData(p.x), shape: p.x.shape, view: p.view })),
          outShape,
          dtype,
        ),
      ),
    take: (x, indices, axis, outShape) =>
      self.fromHost(take(cpuData(x), x.shape, cpuData(indices), axis, outShape, x.dtype)),
    scatterAdd: (ct, indices, axis, outShape) =>
      self.fromHost(scatterAdd(cpuData(ct), cpuData(indices), axis, outShape, ct.dtype)),
    linalg: Object.fromEntries(
      Object.entries(hostLinalg).map(([name, routine]) => [
        name,
        ((xs, outs) =>
          routine(
            xs.map((x) => ({ data: cpuData(x), shape: x.shape })),
            outs,
          ).map((r) => self.fromHost(r))) satisfies LinalgKernel,
      ]),
    ) as Record<LinalgRoutine, LinalgKernel>,
  };
  return self;
}

/** The reference backend: every kernel in plain TypeScript. */
export const cpuBackend: Backend = createCpuBackend('cpu');
