/**
 * The staged `whileLoop`, after jax.lax.while_loop: where the condition's value is not known (under
 * jit, or batched under vmap), the loop becomes one primitive, `while`, whose parameters are two
 * traced programs, `cond` (carry -> bool scalar) and `body` (carry -> carry). Values the programs
 * close over that belong to a transform (tracers) are made explicit inputs, so every transform sees
 * them. Eagerly the primitive runs the loop; under jit it is one equation of the program; under
 * vmap a batched predicate runs the loop until every example is done, each example's carry frozen
 * (by a select) once its own predicate fails; under jvp the loop carries (value, tangent) pairs.
 * Reverse mode has no rule, as in JAX: the trip count is not known ahead.
 */
import type { Aval, Primitive } from '../core/primitive';
import { flatten, unflatten } from '../core/pytree';
import { fmt, shapesEqual } from '../core/shape';
import { bind, Tracer } from '../core/trace';
import { Tensor, type ConcreteTensor, type TensorLike } from '../core/tensor';
import { asTensor } from '../numpy/convert';
import { zerosLike } from '../numpy/creation';
import { any } from '../numpy/logic';
import { notEqual, where } from '../numpy/math';
import { reshape } from '../numpy/shape';
import { batchFirst, batchSize } from '../primitives/batching';
import { trace } from './jit';
import { jvp } from './jvp';
import { Program, type Atom } from './program';
import { vmap } from './vmap';

/** Inputs are [...condConsts, ...bodyConsts, ...carry]; the outputs are the final carry. */
interface WhileParams {
  /** [...condConsts, ...carry] -> [bool scalar]. */
  readonly cond: Program;
  /** [...bodyConsts, ...carry] -> carry. */
  readonly body: Program;
  readonly condConsts: number;
  readonly bodyConsts: number;
}

const avalOf = (x: Tensor): Aval => ({ shape: x.shape, dtype: x.dtype });

/** The inputs of a `while` split into the cond's constants, the body's and the carry. */
function parts<T>(xs: readonly T[], p: WhileParams) {
  const n = p.condConsts + p.bodyConsts;
  return { c1: xs.slice(0, p.condConsts), c2: xs.slice(p.condConsts, n), carry: xs.slice(n) };
}

/** Traces `f` into a program; tracers it closes over become leading inputs (returned as consts). */
function traceClosed(
  f: (xs: Tensor[]) => Tensor[],
  avals: readonly Aval[],
): { program: Program; consts: Tensor[] } {
  const { program } = trace(f, avals);
  const consts: Tensor[] = [];
  const hoisted = new Map<Tensor, number>();
  const types = [...program.avals];
  const atom = (a: Atom): Atom => {
    if (!('constant' in a) || !(a.constant instanceof Tracer)) return a;
    let v = hoisted.get(a.constant);
    if (v === undefined) {
      v = types.length;
      types.push(avalOf(a.constant));
      hoisted.set(a.constant, v);
      consts.push(a.constant);
    }
    return { variable: v };
  };
  const equations = program.equations.map((e) => ({ ...e, inputs: e.inputs.map(atom) }));
  const outputs = program.outputs.map(atom);
  return {
    program: new Program([...hoisted.values(), ...program.inputs], equations, outputs, types),
    consts,
  };
}

/** Binds `while` with the given programs and inputs. */
function bindWhile(
  cond: Program,
  body: Program,
  c1: readonly Tensor[],
  c2: readonly Tensor[],
  carry: readonly Tensor[],
): Tensor[] {
  const params: WhileParams = { cond, body, condConsts: c1.length, bodyConsts: c2.length };
  return bind(whilePrimitive, [...c1, ...c2, ...carry], params);
}

export const whilePrimitive: Primitive<WhileParams> = {
  name: 'while',
  abstractEval: (inputs, p) => parts(inputs, p).carry,
  impl: (xs, p) => {
    const { c1, c2, carry } = parts<Tensor>(xs, p);
    let value = carry;
    while (p.cond.run([...c1, ...value])[0].item()) value = p.body.run([...c2, ...value]);
    return value as ConcreteTensor[];
  },
  // The loop of pairs: (x, dx) <- (body(x), J_body(x) dx) while cond(x); the tangent of the
  // result is the tangent carried out of the last iteration.
  jvp: (dxs, xs, _ys, p) => {
    const { c1, c2, carry } = parts(xs, p);
    const tangents = xs.map((x, i) => dxs[i] ?? zerosLike(x));
    const { c2: dc2, carry: dcarry } = parts(tangents, p);
    const k = carry.length;
    const m = c2.length;
    const cond = trace(
      (ls) => p.cond.run([...ls.slice(0, c1.length), ...ls.slice(c1.length, c1.length + k)]),
      [...c1, ...carry, ...dcarry].map(avalOf),
    ).program;
    const body = trace(
      (ls) => {
        const primals = [...ls.slice(0, m), ...ls.slice(2 * m, 2 * m + k)];
        const tans = [...ls.slice(m, 2 * m), ...ls.slice(2 * m + k)];
        const [ys, dys] = jvp((...zs: Tensor[]) => p.body.run(zs), primals, tans);
        return [...ys, ...dys];
      },
      [...c2, ...dc2, ...carry, ...dcarry].map(avalOf),
    ).program;
    return bindWhile(cond, body, c1, [...c2, ...dc2], [...carry, ...dcarry]).slice(k);
  },
  vjp: () => {
    throw new Error(
      'whileLoop: reverse-mode differentiation (grad, vjp) of a loop whose condition is traced ' +
        '(under jit or vmap) is not supported, as in JAX: its trip count is not known ahead. ' +
        'Use fori or scan with a static trip count, or jvp (forward mode) instead',
    );
  },
  // Every carry entry is batched (the body may mix batched values into any of them); the loop
  // runs while any example's predicate holds, and an example whose predicate fails keeps its carry.
  batch: (xs, bdims, p) => {
    const size = batchSize(xs, bdims);
    const n = p.condConsts + p.bodyConsts;
    const ins = xs.map((x, i) => batchFirst(x, bdims[i], i < n ? undefined : size));
    const axes = ins.map((_, i) => (i < n && bdims[i] === null ? null : 0));
    const { c1, c2, carry } = parts(ins, p);
    const { c1: a1, c2: a2, carry: aCarry } = parts(axes, p);
    const predicate = (consts: Tensor[], values: Tensor[]): Tensor =>
      vmap((...zs: Tensor[]) => p.cond.run(zs)[0], { inAxes: [...a1, ...aCarry] })(
        ...consts,
        ...values,
      );
    const cond = trace(
      (ls) => [any(predicate(ls.slice(0, c1.length), ls.slice(c1.length)))],
      [...c1, ...carry].map(avalOf),
    ).program;
    const body = trace(
      (ls) => {
        const values = ls.slice(c1.length + c2.length);
        const active = predicate(ls.slice(0, c1.length), values);
        const next: Tensor[] = vmap((...zs: Tensor[]) => p.body.run(zs), {
          inAxes: [...a2, ...aCarry],
        })(...ls.slice(c1.length, c1.length + c2.length), ...values);
        return next.map((y, i) =>
          where(reshape(active, [size, ...y.shape.slice(1).map(() => 1)]), y, values[i]),
        );
      },
      [...c1, ...c2, ...carry].map(avalOf),
    ).program;
    const outs = bindWhile(cond, body, c1, [...c1, ...c2], carry);
    return [outs, outs.map(() => 0)];
  },
};

const typesOf = (ts: readonly Tensor[]) => ts.map((t) => `${t.dtype}${fmt(t.shape)}`).join(', ');

/**
 * Runs `while (condFn(v)) v = body(v)` from `init` as one `while` primitive. The carry's tensors
 * are the loop state; its JS numbers (and other static parts) must stay as they are.
 */
export function stagedWhileLoop<T>(
  condFn: (value: T) => TensorLike | boolean,
  body: (value: T) => T,
  init: T,
): T {
  const [leaves, def] = flatten(init);
  const isTensor = leaves.map((l) => l instanceof Tensor);
  const carry = leaves.filter((l): l is Tensor => l instanceof Tensor);
  const rebuild = (ts: readonly Tensor[]): T => {
    let k = 0;
    return unflatten<T>(
      def,
      leaves.map((l, i) => (isTensor[i] ? ts[k++] : l)),
    );
  };
  const avals = carry.map(avalOf);
  const cond = traceClosed((ts) => {
    const c = asTensor(condFn(rebuild(ts)));
    if (c.size !== 1)
      throw new Error(`whileLoop: the condition must have one element, got ${fmt(c.shape)}`);
    const p = reshape(c, []);
    return [p.dtype === 'bool' ? p : notEqual(p, 0)];
  }, avals);
  const body2 = traceClosed((ts) => {
    const [outLeaves, outDef] = flatten(body(rebuild(ts)));
    const outs = outLeaves.filter((l): l is Tensor => l instanceof Tensor);
    const sameTypes =
      outs.length === ts.length &&
      outs.every((o, i) => shapesEqual(o.shape, ts[i].shape) && o.dtype === ts[i].dtype);
    if (JSON.stringify(outDef) !== JSON.stringify(def) || !sameTypes) {
      throw new Error(
        `whileLoop: the body must return the carry's structure, shapes and dtypes: got (${typesOf(outs)}) for (${typesOf(ts)})`,
      );
    }
    outLeaves.forEach((l, i) => {
      if (isTensor[i] !== l instanceof Tensor || (!isTensor[i] && l !== leaves[i])) {
        throw new Error(
          `whileLoop: the body changes the JS number at carry leaf ${i} (${String(leaves[i])} -> ` +
            `${String(l)}); a loop whose condition is traced (under jit or vmap) keeps JS numbers ` +
            "fixed, so make it a tensor (e.g. np.array(0, 'int32'))",
        );
      }
    });
    return outs;
  }, avals);
  return rebuild(bindWhile(cond.program, body2.program, cond.consts, body2.consts, carry));
}
