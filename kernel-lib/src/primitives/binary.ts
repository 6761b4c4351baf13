/**
 * Elementwise binary primitives with NumPy broadcasting. Operands share a dtype (the numpy layer
 * promotes first); reverse rules sum cotangents back to each operand's shape with `unbroadcast`.
 */
import type { Aval, Primitive } from '../core/primitive';
import { broadcastShapes, sizeOf } from '../core/shape';
import type { Tensor } from '../core/tensor';
import { opExprOnce, type ScalarOpName } from '../backends/expression';
import * as ops from '../numpy/ops';
import { batchBroadcasting } from './batching';
import {
  addTangents,
  elementwiseImpl,
  linear,
  sameDType,
  unbroadcast,
  zeroDerivative,
} from './helpers';

type Binary = Primitive<Record<string, never>>;
type Rules = Pick<Binary, 'jvp' | 'vjp'>;

function binaryAval(name: string, [a, b]: readonly Aval[], dtype?: 'bool'): Aval[] {
  const shape = broadcastShapes(name, a.shape, b.shape);
  return [{ shape, dtype: dtype ?? sameDType(name, [a, b]) }];
}

/** A binary elementwise primitive from its scalar op (the formula: backends/expression/ops.ts). */
export function binary(name: string, op: ScalarOpName, rules: Rules, outDType?: 'bool'): Binary {
  const expression = opExprOnce(op);
  return {
    name,
    abstractEval: (xs) => binaryAval(name, xs, outDType),
    impl: elementwiseImpl(expression),
    flops: (_i, [out]) => sizeOf(out.shape),
    batch: batchBroadcasting,
    expression,
    ...rules,
  };
}

/** Reverse rule from the partial derivatives: ct_a = ct ∂y/∂a, ct_b = ct ∂y/∂b, unbroadcast. */
export function fromPartials(
  partials: (a: Tensor, b: Tensor, y: Tensor) => [Tensor, Tensor],
): Rules {
  return {
    jvp: ([da, db], [a, b], [y]) => {
      const [pa, pb] = partials(a, b, y);
      return [
        addTangents(
          linear(da, (t) => ops.mul(t, pa)),
          linear(db, (t) => ops.mul(t, pb)),
        ),
      ];
    },
    vjp: ([ct], [a, b], [y]) => {
      let memo: [Tensor, Tensor] | undefined;
      const ps = () => (memo ??= partials(a, b, y));
      return [
        () => unbroadcast(ops.mul(ct, ps()[0]), a.shape),
        () => unbroadcast(ops.mul(ct, ps()[1]), b.shape),
      ];
    },
  };
}

// d(a + b) = da + db
export const add = binary('add', 'add', {
  jvp: ([da, db], _x, [y]) => [linear(addTangents(da, db), (t) => ops.broadcastTo(t, y.shape))],
  vjp: ([ct], [a, b]) => [() => unbroadcast(ct, a.shape), () => unbroadcast(ct, b.shape)],
});

// d(a - b) = da - db
export const sub = binary('sub', 'sub', {
  jvp: ([da, db], _x, [y]) => [
    linear(addTangents(da, linear(db, ops.neg)), (t) => ops.broadcastTo(t, y.shape)),
  ],
  vjp: ([ct], [a, b]) => [() => unbroadcast(ct, a.shape), () => unbroadcast(ops.neg(ct), b.shape)],
});

// d(a b) = da b + a db
export const mul = binary('mul', 'mul', {
  jvp: ([da, db], [a, b]) => [
    addTangents(
      linear(da, (t) => ops.mul(t, b)),
      linear(db, (t) => ops.mul(a, t)),
    ),
  ],
  vjp: ([ct], [a, b]) => [
    () => unbroadcast(ops.mul(ct, b), a.shape),
    () => unbroadcast(ops.mul(a, ct), b.shape),
  ],
});

// d(a / b) = da / b - (a / b²) db = (da - y db) / b
export const div = binary('div', 'div', {
  jvp: ([da, db], [, b], [y]) => [
    linear(
      addTangents(
        da,
        linear(db, (t) => ops.neg(ops.mul(y, t))),
      ),
      (t) => ops.div(t, b),
    ),
  ],
  vjp: ([ct], [a, b], [y]) => {
    const ctOverB = ops.div(ct, b);
    return [
      () => unbroadcast(ctOverB, a.shape),
      () => unbroadcast(ops.neg(ops.mul(ctOverB, y)), b.shape),
    ];
  },
});

// d(a^b) = b a^(b-1) da + log(a) a^b db. Conventions: the da term is 0 where b = 0 (so 0^0 has
// derivative 0 in the base) and the db term is 0 where a = 0 (a^b is flat in b there, for b > 0).
export const pow = binary(
  'pow',
  'pow',
  fromPartials((a, b, y) => {
    const zero = ops.zerosLike(y);
    const dBase = ops.where(ops.equal(b, 0), zero, ops.mul(b, ops.pow(a, ops.sub(b, 1))));
    const safeA = ops.where(ops.equal(a, 0), ops.onesLike(a), a);
    const dExponent = ops.where(ops.equal(a, 0), zero, ops.mul(ops.log(safeA), y));
    return [dBase, dExponent];
  }),
);

// d max(a, b) = da where a > b, db where b > a, and (da + db) / 2 at ties (convention, as JAX).
export const maximum = binary(
  'maximum',
  'max',
  fromPartials((a, b) => tieSplit(a, b)),
);

// d min(a, b): the mirror image of maximum, with the same half-and-half split at ties.
export const minimum = binary(
  'minimum',
  'min',
  fromPartials((a, b) => tieSplit(b, a)),
);

/** Partials of max(a, b): 1 for the larger operand, 1/2 each at a tie. */
function tieSplit(a: Tensor, b: Tensor): [Tensor, Tensor] {
  const shape = broadcastShapes('maximum', a.shape, b.shape);
  const wa = ops.add(
    ops.astype(ops.greater(a, b), a.dtype),
    ops.mul(ops.astype(ops.equal(a, b), a.dtype), 0.5),
  );
  return [ops.broadcastTo(wa, shape), ops.broadcastTo(ops.sub(1, wa), shape)];
}

/** A comparison or logical op: a bool result, zero derivative. */
const cmp = (name: string, op: ScalarOpName): Binary => binary(name, op, zeroDerivative, 'bool');

export const less = cmp('less', 'lt');
export const lessEqual = cmp('less_equal', 'le');
export const greater = cmp('greater', 'gt');
export const greaterEqual = cmp('greater_equal', 'ge');
export const equal = cmp('equal', 'eq');
export const notEqual = cmp('not_equal', 'ne');
export const logicalAnd = cmp('logical_and', 'logical_and');
export const logicalOr = cmp('logical_or', 'logical_or');
export const logicalXor = cmp('logical_xor', 'logical_xor');

/** The binary family, for the registry. */
export const binaryPrimitives = {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  less,
  lessEqual,
  greater,
  greaterEqual,
  equal,
  notEqual,
  logicalAnd,
  logicalOr,
  logicalXor,
};
