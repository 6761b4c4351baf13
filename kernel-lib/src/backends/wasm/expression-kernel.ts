/**
 * Fused elementwise expressions compiled to WebAssembly SIMD at run time (float32, four lanes):
 * one small module per expression, pattern of one-element inputs and transcendental policy,
 * sharing the kernels' memory.
 *
 * The exactly rounded ops (add, sub, mul, div, sqrt, neg, abs, the comparisons and select) give
 * in a float32 SIMD lane the float64 formula rounded to float32, so with them alone results are
 * bit-identical to the generated JavaScript loop (NaN payloads aside, as for the other wasm
 * kernels). Under the `'polynomial'` policy exp, tanh, logistic and log are compiled too, as the
 * float32 polynomials of `simd-math.ts` (within their stated ulp bounds, not bit-identical). Any
 * other op, dtype or input shape leaves the expression to the JavaScript loop.
 */
import type { DType } from '../../core/dtype';
import { schedule, type Expr, type ScalarOpName } from '../expression';
import type { Operand, TranscendentalPolicy } from '../backend';
import type { FastResult } from '../cpu';
import type { WasmArena } from './arena';
import type { WasmKernels } from './module';
import { leb as unsigned, POLYNOMIAL_OPS, set, simd, type SimdScratch } from './simd-math';

/** SIMD opcodes (after the 0xfd prefix) of the ops compiled here. */
const SIMD: Partial<Record<ScalarOpName, number>> = {
  add: 0xe4,
  sub: 0xe5,
  mul: 0xe6,
  div: 0xe7,
  sqrt: 0xe3,
  neg: 0xe1,
  abs: 0xe0,
  eq: 0x41,
  ne: 0x42,
  lt: 0x43,
  gt: 0x44,
  le: 0x45,
  ge: 0x46,
};
const BITSELECT = 0x52;
const COMPARISONS = new Set<ScalarOpName>(['eq', 'ne', 'lt', 'gt', 'le', 'ge']);

/**
 * `out[i] = expr(inputs at i, or at 0 for one-element inputs)` for `n` float32 elements, on the
 * arena's memory (resident inputs read in place, the result in a placed slot or copied out).
 */
export type WasmExprKernel = (
  arena: WasmArena,
  inputs: readonly Operand[],
  n: number,
) => FastResult;

const vec = (items: number[][]): number[] => [...unsigned(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...unsigned(body.length), ...body];
const name = (s: string): number[] => [
  ...unsigned(s.length),
  ...Array.from(s, (c) => c.charCodeAt(0)),
];

/**
 * The function body of `expr`, or `undefined` when it uses what is not compiled here. Locals:
 * input pointers 0..k-1, out k, byte count k+1, offset k+2, then one v128 per scalar and node.
 */
function body(
  expr: Expr,
  scalars: readonly boolean[],
  policy: TranscendentalPolicy,
): number[] | undefined {
  const k = scalars.length;
  const order = schedule(
    expr,
    scalars.map((): DType => 'float32'),
  );
  const [OUT, BYTES, OFF] = [k, k + 1, k + 2];
  const slot = new Map<Expr, number>();
  let next = k + 3;
  const setup: number[] = [];
  const loop: number[] = [];
  const constants = new Map<string, number>();
  const splat = (key: string, lanes: Float32Array | Int32Array) => {
    let local = constants.get(key);
    if (local === undefined) {
      constants.set(key, (local = next++));
      setup.push(...simd(0x0c), ...new Uint8Array(lanes.buffer), ...set(local)); // v128.const
    }
    return local;
  };
  const scratch: SimdScratch = {
    local: () => next++,
    f32: (v) => splat(`f${v}`, new Float32Array(4).fill(v)),
    i32: (v) => splat(`i${v}`, new Int32Array(4).fill(v)),
  };
  const push = (e: Expr): number[] => {
    if (e.kind === 'input' && !scalars[e.index])
      return [0x20, e.index, 0x20, OFF, 0x6a, ...simd(0x00), 4, 0]; // v128.load p_k + off
    return [0x20, ...unsigned(slot.get(e)!)];
  };
  const isComparison = (e: Expr) => e.kind === 'op' && COMPARISONS.has(e.op);
  // a comparison's lanes are masks, not 0/1: it may only be select's condition
  if (isComparison(expr)) return undefined;
  for (const [node, dtype] of order) {
    if (node.kind === 'input') {
      if (scalars[node.index]) {
        slot.set(node, next);
        setup.push(0x20, node.index, ...simd(0x09), 2, 0, 0x21, ...unsigned(next++)); // splat
      }
      continue;
    }
    if (node.kind === 'const') {
      if (dtype !== 'float32') return undefined;
      const bytes = new Uint8Array(new Float32Array([node.value]).buffer);
      slot.set(node, next);
      setup.push(0x43, ...bytes, ...simd(0x13), 0x21, ...unsigned(next++)); // f32x4.splat
      continue;
    }
    const { op, args } = node;
    if (args.some((a, i) => isComparison(a) !== (op === 'select' && i === 0))) return undefined;
    const polynomial = policy === 'polynomial' ? POLYNOMIAL_OPS[op as 'exp'] : undefined;
    if (op === 'select') {
      loop.push(...push(args[1]), ...push(args[2]), ...push(args[0]), ...simd(BITSELECT));
    } else if (polynomial !== undefined) {
      if (dtype !== 'float32') return undefined;
      const x = scratch.local();
      loop.push(...push(args[0]), ...set(x), ...polynomial(scratch, x));
    } else {
      const code = SIMD[op];
      if (code === undefined || dtype !== (COMPARISONS.has(op) ? 'bool' : 'float32'))
        return undefined;
      for (const a of args) loop.push(...push(a));
      loop.push(...simd(code));
    }
    slot.set(node, next);
    loop.push(0x21, ...unsigned(next++));
  }
  const store = [0x20, OUT, 0x20, OFF, 0x6a, ...push(expr), ...simd(0x0b), 4, 0];
  const step = [0x20, OFF, 0x41, 16, 0x6a, 0x21, OFF]; // off += 16
  const exit = [0x20, OFF, 0x20, BYTES, 0x4f, 0x0d, 1]; // br_if 1 when off >= bytes
  const code = [
    ...setup,
    ...[0x02, 0x40, 0x03, 0x40, ...exit, ...loop, ...store, ...step, 0x0c, 0, 0x0b, 0x0b],
    0x0b,
  ];
  const locals = vec([
    [1, 0x7f],
    [...unsigned(next - (k + 3)), 0x7b],
  ]);
  const fn = [...locals, ...code];
  return [...unsigned(fn.length), ...fn];
}

/** A module exporting `run(p_0, ..., p_k-1, out, bytes)`, importing env.memory. */
function moduleBytes(code: number[], k: number): Uint8Array {
  const type = vec([[0x60, ...vec(Array.from({ length: k + 2 }, () => [0x7f])), 0]]);
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x00, 1]]);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, type),
    ...section(2, imports),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('run'), 0x00, 0]])),
    ...section(10, vec([code])),
  ]);
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: { run: (...a: number[]) => void } };
}

const cache = new WeakMap<Expr, Map<string, WasmExprKernel | null>>();

/**
 * The compiled kernel of `expr` over float32 inputs (`scalars[k]`: input k has one element), or
 * `undefined` when the expression uses anything not compiled here (under `policy`).
 */
export function wasmExprKernel(
  w: WasmKernels,
  expr: Expr,
  scalars: readonly boolean[],
  policy: TranscendentalPolicy = 'exact',
): WasmExprKernel | undefined {
  let byPattern = cache.get(expr);
  if (byPattern === undefined) cache.set(expr, (byPattern = new Map()));
  const key = `${policy[0]}${scalars.map(Number).join('')}`;
  let kernel = byPattern.get(key);
  if (kernel === undefined) {
    kernel = null;
    const code = body(expr, scalars, policy);
    const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (code && api) {
      const bytes = moduleBytes(code, scalars.length);
      const instance = new api.Instance(new api.Module(bytes), { env: { memory: w.memory } });
      const run = instance.exports.run;
      kernel = (arena, inputs, n) => {
        arena.w.reset();
        const ptrs = inputs.map((x) => arena.ptr(x));
        const out = arena.output(n * 4); // slots and scratch are 16-byte aligned: whole lanes fit
        run(...ptrs, out, Math.ceil(n / 4) * 16);
        return arena.result(out, n, 'float32');
      };
    }
    byPattern.set(key, kernel);
  }
  return kernel ?? undefined;
}
