/**
 * Elementwise kernels: one thread per output element; each input is read at its broadcast
 * position (NumPy broadcasting: a size-1 axis is read with stride 0), converted from its storage
 * word to its WGSL type, the lowered scalar formula applied, and the result stored as a word.
 */
import type { DType } from '../../core/dtype';
import { broadcastStrides, sizeOf } from '../../core/shape';
import { exprText, type Expr } from '../expression';
import type { WgslType } from '../expression';
import { lowerToWgsl, wgslType, type WgslLowered } from '../expression/wgsl';
import type { GpuStorage } from './memory';
import { groupsFor, WORKGROUP, type Runtime } from './runtime';
import { ENTRY, flatIndex, storageType, stridedOffset } from './wgsl';

const load = (word: string, t: WgslType) => (t === 'bool' ? `(${word} != 0u)` : word);
const storeAs = (value: string, dtype: DType) =>
  dtype === 'bool'
    ? `select(0u, 1u, ${value})`
    : dtype === 'int32'
      ? `i32(${value})`
      : `f32(${value})`;

/**
 * Runs the scalar expression `expr` over the broadcast inputs `xs` into `out` of `outShape` (a
 * fused chain is one expression, so one kernel). The WGSL is generated per expression, dtypes and
 * shapes; the runtime caches the compiled pipeline by that text.
 */
export function elementwise(
  rt: Runtime,
  expr: Expr,
  xs: readonly { storage: GpuStorage; shape: readonly number[]; dtype: DType }[],
  outShape: readonly number[],
  outDtype: DType,
  out: GpuStorage,
): void {
  const n = sizeOf(outShape);
  if (n === 0) return;
  const groups = groupsFor(n, WORKGROUP, rt.context.limits.maxDispatch);
  const key = `${xs.map((x) => `${x.dtype}[${x.shape}]`).join()}>${outDtype}[${outShape}]`;
  let codes = generated.get(expr);
  if (!codes) generated.set(expr, (codes = new Map()));
  let code = codes.get(key);
  if (code === undefined) {
    code = shader(expr, xs, outShape, outDtype, n, groups[0]);
    codes.set(key, code);
  }
  rt.run(code, [...xs.map((x) => x.storage.buffer), out.buffer], groups);
}

/** Generated shader text per expression (the same object comes back for every call of a primitive). */
const generated = new WeakMap<Expr, Map<string, string>>();

function shader(
  expr: Expr,
  xs: readonly { shape: readonly number[]; dtype: DType }[],
  outShape: readonly number[],
  outDtype: DType,
  n: number,
  groupsX: number,
): string {
  const op = exprText(expr);
  const lowered: WgslLowered = lowerToWgsl(
    expr,
    xs.map((x, k) => ({ code: `x${k}`, dtype: x.dtype })),
  );
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
  return `${decls.join('\n')}
@group(0) @binding(${xs.length}) var<storage, read_write> y: array<${storageType(outDtype, op)}>;
${lowered.functions}
${ENTRY} {
  ${flatIndex(groupsX)}
  if (i >= ${n}u) { return; }
  ${loads.join('\n  ')}
  ${lowered.statements.join('\n  ')}
  y[i] = ${storeAs(lowered.result, outDtype)};
}`;
}
