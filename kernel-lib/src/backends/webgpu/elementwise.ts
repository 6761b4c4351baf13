/**
 * Elementwise kernels: one thread per output element; each input is read at its broadcast
 * position (NumPy broadcasting: a size-1 axis is read with stride 0), converted from its storage
 * word to its WGSL type, the lowered scalar formula applied, and the result stored as a word.
 */
import type { DType } from '../../core/dtype';
import { broadcastStrides, sizeOf } from '../../core/shape';
import type { GpuStorage } from './memory';
import { groupsFor, WORKGROUP, type Runtime } from './runtime';
import { ENTRY, flatIndex, storageType, stridedOffset } from './wgsl';

/** How values are typed in the shader: float32 `f32`, int32 `i32`, bool `bool`. */
export type WgslType = 'f32' | 'i32' | 'bool';

export function wgslType(dtype: DType, op: string): WgslType {
  const s = storageType(dtype, op);
  return s === 'u32' ? 'bool' : s;
}

/** A scalar formula in WGSL: statements and the result expression, given the inputs' values. */
export interface Lowered {
  /** Helper functions the body calls (module scope). */
  readonly helpers: string;
  /** Statements computing `value` from the inputs `x0`, `x1`, ... (already typed). */
  readonly body: string;
  /** The WGSL expression of the result. */
  readonly value: string;
}

const load = (word: string, t: WgslType) => (t === 'bool' ? `(${word} != 0u)` : word);
const storeAs = (value: string, dtype: DType) =>
  dtype === 'bool'
    ? `select(0u, 1u, ${value})`
    : dtype === 'int32'
      ? `i32(${value})`
      : `f32(${value})`;

/** Runs `lowered` over the broadcast inputs `xs` into `out` of `outShape`. */
export function elementwise(
  rt: Runtime,
  lowered: Lowered,
  xs: readonly { storage: GpuStorage; shape: readonly number[]; dtype: DType }[],
  outShape: readonly number[],
  outDtype: DType,
  out: GpuStorage,
  op: string,
): void {
  const n = sizeOf(outShape);
  if (n === 0) return;
  const groups = groupsFor(n, WORKGROUP, rt.context.limits.maxDispatch);
  const decls = xs.map(
    (x, k) =>
      `@group(0) @binding(${k}) var<storage, read> in${k}: array<${storageType(x.dtype, op)}>;`,
  );
  const loads = xs.map((x, k) => {
    const t = wgslType(x.dtype, op);
    const same = x.shape.length === outShape.length && sizeOf(x.shape) === n;
    if (same) return `let x${k} = ${load(`in${k}[i]`, t)};`;
    if (sizeOf(x.shape) === 1) return `let x${k} = ${load(`in${k}[0]`, t)};`;
    const strides = broadcastStrides(x.shape, outShape);
    return `${stridedOffset(`p${k}`, 'i', outShape, 0, strides)}\n  let x${k} = ${load(`in${k}[p${k}]`, t)};`;
  });
  const code = `${decls.join('\n')}
@group(0) @binding(${xs.length}) var<storage, read_write> y: array<${storageType(outDtype, op)}>;
${lowered.helpers}
${ENTRY} {
  ${flatIndex(groups[0])}
  if (i >= ${n}u) { return; }
  ${loads.join('\n  ')}
  ${lowered.body}
  y[i] = ${storeAs(lowered.value, outDtype)};
}`;
  rt.run(code, [...xs.map((x) => x.storage.buffer), out.buffer], groups);
}
