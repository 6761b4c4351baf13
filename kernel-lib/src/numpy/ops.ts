/** Every numpy-layer function in one flat module: what rules and tensor methods call. */
export * from './convert';
export * from './creation';
export * from './math';
export * from './reductions';
export * from './shape';
export * from './linalg';
export { sizeOf, shapesEqual } from '../core/shape';
