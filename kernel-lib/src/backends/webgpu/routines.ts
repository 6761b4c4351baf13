/**
 * The routines WebGPU runs as WGSL kernels instead of host steps (`Backend.routines`; the
 * routing itself is `backends/routines.ts`): cumsum (`scan.ts`), sort and argsort (`sort.ts`)
 * for float32 and int32, conv (`convolution.ts`) for float32. A routine or dtype missing here
 * (and the dense factorizations, `backends/linalg.ts`) runs as an ordered host step
 * (`runtime.ts`).
 */
import type { DType } from '../../core/dtype';
import type { Backend, Operand } from '../backend';
import type { GpuStorage } from './memory';
import type { Runtime } from './runtime';
import { conv } from './convolution';
import { cumsum } from './scan';
import { sortLines, type SortOutput } from './sort';

/** What the routines need from the backend: its runtime, operand buffers, output allocation. */
export interface RoutineContext {
  rt: Runtime;
  gpu(x: Operand): GpuStorage;
  alloc(shape: readonly number[], dtype: DType, op: string): GpuStorage;
}

const numeric = (x: Operand) => x.dtype === 'float32' || x.dtype === 'int32';

/** The native routines of a WebGPU backend. */
export function webgpuRoutines({ rt, gpu, alloc }: RoutineContext): Backend['routines'] {
  const sorted = (
    x: Operand,
    o: { shape: readonly number[]; dtype: DType },
    { axis, descending }: { axis: number; descending: boolean },
    output: SortOutput,
  ) => {
    if (!numeric(x)) return undefined;
    const out = alloc(o.shape, o.dtype, output === 'values' ? 'sort' : 'argsort');
    sortLines(rt, gpu(x), x.shape, axis, descending, output, out);
    return [out];
  };
  return {
    cumsum([x], [o], { axis, reverse }) {
      if (!numeric(x)) return undefined;
      const out = alloc(o.shape, o.dtype, 'cumsum');
      cumsum(rt, gpu(x), x.shape, axis, reverse, out);
      return [out];
    },
    sort: ([x], [o], params) => sorted(x, o, params, 'values'),
    argsort: ([x], [o], params) => sorted(x, o, params, 'positions'),
    conv([x, w], [o], params) {
      if (x.dtype !== 'float32' || w.dtype !== 'float32') return undefined;
      const out = alloc(o.shape, o.dtype, 'conv');
      conv(rt, gpu(x), x.shape, gpu(w), w.shape, o.shape, params, out);
      return [out];
    },
  };
}
