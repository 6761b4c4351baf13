/**
 * Static probes of a function's derivatives at a point, displayed richly: the Jacobian built
 * column by column from JVPs and row by row from VJPs (with both modes timed and the adjoint
 * identity checked), and the Hessian-vector product against finite differences of gradients (with
 * the Hessian and its spectrum for small n).
 */
export * from './jacobian-probe';
export * from './hvp-probe';
