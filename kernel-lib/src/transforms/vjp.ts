/**
 * Reverse mode. While `f` runs, a tape records each primitive applied to tracked values; the
 * pullback then walks the tape backwards once, calling each primitive's `vjp` rule: ct_x = Jᵀ ct_y.
 * The walk is a loop over the tape (no recursion), so long chains cannot overflow the stack, and
 * the rules run as ordinary operations, so an outer transform differentiates the backward pass too.
 */
import { isFloat } from '../core/dtype';
import type { AnyPrimitive, Cotangent, Tangent } from '../core/primitive';
import { flatten, tensorLeaves, unflatten, type TreeResult } from '../core/pytree';
import { fmt, shapesEqual } from '../core/shape';
import { bind, isTracerOf, reportDerivative, Trace, Tracer, withTrace } from '../core/trace';
import type { Tensor } from '../core/tensor';
import { zerosLike } from '../numpy/creation';
import { transformName } from './naming';
import { add } from '../numpy/math';
import { installVjpOf } from '../primitives/special';
import type { AnyFunction, ArgsOf, VjpTyped } from './types';
import { symbolicZero } from '../primitives/helpers';

/** Id of a value the tape does not track (constants, integer results). */
const UNTRACKED = -1;

class ReverseTracer extends Tracer {
  constructor(
    readonly trace: ReverseTrace,
    readonly primal: Tensor,
    readonly id: number,
  ) {
    super();
  }
}

interface TapeEntry {
  prim: AnyPrimitive;
  params: unknown;
  inputIds: number[];
  outputIds: number[];
  xs: Tensor[];
  ys: Tensor[];
  residuals?: unknown;
}

class ReverseTrace extends Trace {
  readonly tape: TapeEntry[] = [];
  nextId = 0;

  lift(x: Tensor): ReverseTracer {
    return new ReverseTracer(this, x, UNTRACKED);
  }

  track(x: Tensor): ReverseTracer {
    return new ReverseTracer(this, x, this.nextId++);
  }

  process(prim: AnyPrimitive, tracers: ReverseTracer[], params: unknown): ReverseTracer[] {
    const xs = tracers.map((t) => t.primal);
    let ys: Tensor[];
    let residuals: unknown;
    if (prim.forwardWithResiduals) ({ ys, residuals } = prim.forwardWithResiduals(xs, params));
    else ys = bind(prim, xs, params);
    if (tracers.every((t) => t.id === UNTRACKED)) return ys.map((y) => this.lift(y));
    const outs = ys.map((y) => (isFloat(y.dtype) ? this.track(y) : this.lift(y)));
    const inputIds = tracers.map((t) => t.id);
    this.tape.push({ prim, params, inputIds, outputIds: outs.map((o) => o.id), xs, ys, residuals });
    return outs;
  }
}

let backwardDepth = 0;

/** True while a pullback is running (graph capture labels those nodes as the backward pass). */
export function inBackwardPass(): boolean {
  return backwardDepth > 0;
}

/** Walks the tape backwards from the output cotangents; returns the cotangent of every id. */
function backward(tape: readonly TapeEntry[], cts: Map<number, Tensor>): Map<number, Tensor> {
  backwardDepth++;
  try {
    for (let k = tape.length - 1; k >= 0; k--) {
      const e = tape[k];
      if (!e.outputIds.some((id) => cts.has(id))) continue;
      e.outputIds.forEach((id, i) => {
        const ct = cts.get(id);
        if (ct !== undefined) reportDerivative('cotangent', e.ys[i], ct);
      });
      const outCts = e.outputIds.map((id, i) => cts.get(id) ?? symbolicZero(e.ys[i]));
      const inCts: Cotangent[] = e.prim.vjpWithResiduals
        ? e.prim.vjpWithResiduals(outCts, e.residuals, e.params)
        : e.prim.vjp(outCts, e.xs, e.ys, e.params);
      e.inputIds.forEach((id, i) => {
        if (id === UNTRACKED) return;
        const given = inCts[i];
        const ct = typeof given === 'function' ? given() : given;
        if (ct === null || ct === undefined) return;
        const prev = cts.get(id);
        cts.set(id, prev === undefined ? ct : add(prev, ct));
      });
      for (const id of e.outputIds) cts.delete(id);
    }
    return cts;
  } finally {
    backwardDepth--;
  }
}

/** The result of {@link vjp}: the output, the pullback, and `aux` when `hasAux` is set. */
export type VjpResult<Out, In> = [out: Out, pullback: (ct: Out) => In, aux?: unknown];

/**
 * Evaluates `f(...primals)` and returns its output with the pullback `ct => Jᵀ ct` (reverse mode).
 * With `hasAux`, `f` returns [out, aux] and aux comes back third, undifferentiated.
 * @example const [y, pullback] = vjp(f, [x]); const [dx] = pullback(np.onesLike(y))
 */
export function vjp<
  F extends AnyFunction,
  const P extends ArgsOf<F>,
  const O extends { hasAux?: boolean } = object,
>(f: F, primals: P, options?: O): VjpTyped<F, P, O>;
export function vjp<Out = Tensor>(
  f: (...args: never[]) => unknown,
  primals: readonly unknown[],
  options?: { hasAux?: boolean },
): [Out, (ct: Out) => TreeResult, unknown];
export function vjp<Out = Tensor>(
  f: (...args: never[]) => unknown,
  primals: readonly unknown[],
  options: { hasAux?: boolean } = {},
): [Out, (ct: Out) => TreeResult, unknown] {
  if (!Array.isArray(primals)) {
    throw new TypeError(
      'vjp: primals must be the list of arguments, e.g. vjp(f, [x]) or vjp(f, [W, b])',
    );
  }
  const [xs, inDef] = tensorLeaves(primals);
  return withTrace(
    (level) => {
      const trace = new ReverseTrace(level);
      trace.label = transformName('vjp', f);
      return trace;
    },
    (trace) => {
      const inputs = xs.map((x) => trace.track(x));
      let result = f(...(unflatten(inDef, inputs) as never[]));
      let aux: unknown;
      if (options.hasAux) {
        if (!Array.isArray(result) || result.length !== 2) {
          throw new Error('vjp: with hasAux the function must return [output, aux]');
        }
        [result, aux] = result;
        aux = unwrapTree(aux, trace);
      }
      const [outs, outDef] = tensorLeaves(result);
      const outPrimals = outs.map((y) => (isTracerOf(y, trace) ? (y as ReverseTracer).primal : y));
      const pullback = (ct: Out): unknown[] => {
        const [cts] = tensorLeaves(ct);
        if (cts.length !== outs.length)
          throw new Error(
            `vjp: pullback expects ${outs.length} cotangent leaves, got ${cts.length}`,
          );
        const seeds = new Map<number, Tensor>();
        outs.forEach((y, i) => {
          if (!shapesEqual(cts[i].shape, y.shape)) {
            throw new Error(
              `vjp: cotangent ${i} has shape ${fmt(cts[i].shape)} but the output has shape ${fmt(y.shape)}`,
            );
          }
          if (isTracerOf(y, trace) && (y as ReverseTracer).id !== UNTRACKED) {
            const id = (y as ReverseTracer).id;
            const prev = seeds.get(id);
            seeds.set(id, prev === undefined ? cts[i] : add(prev, cts[i]));
          }
        });
        const all = backward(trace.tape, seeds);
        const grads = inputs.map((t, i) => all.get(t.id) ?? zerosLike(xs[i]));
        grads.forEach((g, i) => reportDerivative('cotangent', xs[i], g));
        return unflatten<unknown[]>(inDef, grads);
      };
      return [unflatten<Out>(outDef, outPrimals), pullback, aux];
    },
  );
}

/** Replaces this trace's tracers in an aux tree by their primal values. */
function unwrapTree(tree: unknown, trace: ReverseTrace): unknown {
  const [leaves, def] = flatten(tree);
  return unflatten(
    def,
    leaves.map((l) => (isTracerOf(l, trace) ? (l as ReverseTracer).primal : l)),
  );
}

installVjpOf((f, xs, cts) => {
  const [, pullback] = vjp((...args: Tensor[]) => f(...args), xs);
  return pullback(cts as never) as Tangent[];
});
