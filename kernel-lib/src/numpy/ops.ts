/** Every numpy-layer function in one flat module: what rules and tensor methods call. */
export * from './convert';
export * from './creation';
export * from './math';
export * from './reductions';
export * from './shape';
export * from './linalg';
export { norm } from './norms';
export * from './transcendental';
export * from './rounding';
export * from './logic';
export * from './layout';
export * from './cumulative';
export * from './sorting';
export * from './products';
export * from './at';
export { polygamma } from './special';
export { sizeOf, shapesEqual } from '../core/shape';
