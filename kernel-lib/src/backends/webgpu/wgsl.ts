/**
 * WGSL building blocks the kernels share: element types, the flat thread index, and the source
 * offset of an output element under a strided view (shapes and strides are baked into the shader
 * text as constants; the pipeline cache is keyed by that text).
 */
import type { DType } from '../../core/dtype';
import { WORKGROUP } from './runtime';

/** The 32-bit word type a dtype is stored as (bool: 0u/1u). */
export function storageType(dtype: DType, op: string): 'f32' | 'i32' | 'u32' {
  if (dtype === 'float32') return 'f32';
  if (dtype === 'int32') return 'i32';
  if (dtype === 'bool') return 'u32';
  throw float64Error(op);
}

/** The error for float64 on the device (never a silent downcast). */
export function float64Error(op: string): Error {
  return new TypeError(
    `${op}: float64 is not supported on webgpu (WGSL has no 64-bit floats, and adlab does not ` +
      "downcast silently); use float32 (x.astype('float32'), or dtype 'float32' when creating), " +
      "or keep float64 work on the CPU (await x.to('cpu'))",
  );
}

/** `let i: u32 = ...;` the flat index of this thread when `groupsX` workgroups span x. */
export function flatIndex(groupsX: number, name = 'i'): string {
  return `let ${name}: u32 = gid.x + gid.y * ${groupsX * WORKGROUP}u;`;
}

/** The compute entry point header for one-thread-per-element kernels. */
export const ENTRY = `@compute @workgroup_size(${WORKGROUP}) fn main(@builtin(global_invocation_id) gid: vec3u)`;

/**
 * Statements computing `name: i32`, the source offset of flat output index `index` (a u32
 * expression) under `offset + sum_k i_k strides[k]` for an output of `shape`.
 */
export function stridedOffset(
  name: string,
  index: string,
  shape: readonly number[],
  offset: number,
  strides: readonly number[],
): string {
  const lines = [`var ${name}: i32 = ${offset};`, `{ var r: u32 = ${index};`];
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    if (shape[ax] === 1) continue;
    const s = strides[ax];
    const coord = ax === firstNonUnit(shape) ? 'r' : `(r % ${shape[ax]}u)`;
    if (s !== 0) lines.push(`${name} += i32(${coord}) * ${s};`);
    if (ax !== firstNonUnit(shape)) lines.push(`r = r / ${shape[ax]}u;`);
  }
  lines.push('}');
  return lines.join('\n  ');
}

function firstNonUnit(shape: readonly number[]): number {
  return shape.findIndex((d) => d !== 1);
}

/** Row-major strides of `shape` in elements. */
export function rowMajor(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}
