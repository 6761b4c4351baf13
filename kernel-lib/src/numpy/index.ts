/**
 * The `np` namespace (after jax.numpy), `np.linalg`, `nn` (after jax.nn) and `random` (after
 * jax.random). Installing the tensor methods here keeps core/ free of import cycles.
 */
import { installTensorMethods } from '../core/tensor';
import { installNumberToTensor } from '../core/pytree';
import * as ops from './ops';
import * as linalgFns from './linalg';
import * as nnFns from './nn';
import * as randomFns from './random';
import * as activationFns from './activations';
import * as specialFns from './special';
import { conv } from './convolution';
import * as decompositions from './decompositions';
import { matrixNorm, norm, vectorNorm } from './norms';

installTensorMethods(ops);
installNumberToTensor((x) => ops.array(x));

/** Linear algebra, after jax.numpy.linalg. */
export const linalg = {
  solve: linalgFns.solve,
  inv: linalgFns.inv,
  det: linalgFns.det,
  slogdet: linalgFns.slogdet,
  cholesky: linalgFns.cholesky,
  eigh: linalgFns.eigh,
  norm,
  svd: decompositions.svd,
  qr: decompositions.qr,
  eigvalsh: decompositions.eigvalsh,
  pinv: decompositions.pinv,
  lstsq: decompositions.lstsq,
  cond: decompositions.cond,
  matrixPower: decompositions.matrixPower,
  vectorNorm,
  matrixNorm,
};

/** Building blocks the rules use that users reach through `adlab/extend` instead. */
const INTERNAL = [
  'asTensor',
  'promote',
  'toFloat',
  'sliceStatic',
  'padStatic',
  'takeIndices',
  'scatterAddIndices',
  'sizeOf',
  'shapesEqual',
  'putAlongAxis',
  'knownValues',
  'polygamma',
  'adjugate',
] as const;

const publicOps = Object.fromEntries(
  Object.entries(ops).filter(([name]) => !(INTERNAL as readonly string[]).includes(name)),
) as Omit<typeof ops, (typeof INTERNAL)[number]>;

/** Tensor functions after jax.numpy. @example np.sum(np.sin(np.linspace(0, 1, 5))) */
export const np = {
  ...publicOps,
  /** Variance (NumPy's name). */
  var: ops.variance,
  linalg,
};

/** Neural-network functions after jax.nn. */
export const nn = { ...nnFns, ...activationFns, conv };

/** Special functions after jax.scipy.special. @example special.erf(x); special.gammaln(x) */
export const special = { ...specialFns };

/** Random numbers from explicit keys, after jax.random. */
export const random = { ...randomFns };
