/**
 * Conjugate gradients for A x = b with A symmetric positive definite, known only by its action.
 * In exact arithmetic it finishes in at most n steps; each step costs one matvec.
 */
import type { Tensor } from '../core/tensor';
import { add, mul, sub } from '../numpy/math';
import { vdot } from '../numpy/linalg';
import { reshape } from '../numpy/shape';
import { zerosLike } from '../numpy/creation';
import type { OperatorLike } from './linear-operator';

/** Options of {@link cg}. */
export interface CgOptions {
  /** Stop when ‖r‖ <= max(tol ‖b‖, atol) (default tol 1e-6, atol 0). */
  tol?: number;
  atol?: number;
  /** Iteration cap (default 10 n). */
  maxIter?: number;
  /** An approximation of A⁻¹ applied to residuals (r -> M⁻¹ r), as a function or an operator. */
  preconditioner?: OperatorLike;
  /** Starting point (default 0). */
  x0?: Tensor;
}

/** The result of {@link cg}. */
export interface CgResult {
  /** The approximate solution (shape and dtype of b). */
  x: Tensor;
  iterations: number;
  converged: boolean;
  /** ‖r_k‖ = ‖b - A x_k‖ (as recurred) for k = 0..iterations. */
  residualNorms: number[];
  /** True if a direction with pᵀ A p <= 0 was met (A is not positive definite); x is the iterate before it. */
  negativeCurvature: boolean;
}

const action = (op: OperatorLike) => (typeof op === 'function' ? op : (v: Tensor) => op.matvec(v));

/**
 * Solves A x = b by (preconditioned) conjugate gradients; `A` is a LinearOperator or a function
 * v -> A v, b any shape the function accepts.
 * @example const { x, iterations, residualNorms } = cg((v) => np.matmul(A, v), b, { tol: 1e-10 })
 */
export function cg(a: OperatorLike, b: Tensor, options: CgOptions = {}): CgResult {
  const { tol = 1e-6, atol = 0 } = options;
  const matvec = action(a);
  const apply = (v: Tensor) => reshape(matvec(v), b.shape);
  const precondition = options.preconditioner ? action(options.preconditioner) : undefined;
  const maxIter = options.maxIter ?? 10 * b.size;
  const dot = (u: Tensor, v: Tensor) => vdot(u, v).item();
  let x = options.x0 ?? zerosLike(b);
  let r = options.x0 ? sub(b, apply(x)) : b;
  let z = precondition ? reshape(precondition(r), b.shape) : r;
  let p = z;
  let rz = dot(r, z);
  let rnorm = Math.sqrt(dot(r, r));
  const target = Math.max(tol * Math.sqrt(dot(b, b)), atol);
  const residualNorms = [rnorm];
  let k = 0;
  let negativeCurvature = false;
  while (rnorm > target && k < maxIter) {
    const ap = apply(p);
    const pap = dot(p, ap);
    if (!(pap > 0)) {
      negativeCurvature = true;
      break;
    }
    const alpha = rz / pap;
    x = add(x, mul(p, alpha));
    r = sub(r, mul(ap, alpha));
    z = precondition ? reshape(precondition(r), b.shape) : r;
    const rzNext = dot(r, z);
    p = add(z, mul(p, rzNext / rz));
    rz = rzNext;
    rnorm = Math.sqrt(dot(r, r));
    residualNorms.push(rnorm);
    k++;
  }
  return { x, iterations: k, converged: rnorm <= target, residualNorms, negativeCurvature };
}
