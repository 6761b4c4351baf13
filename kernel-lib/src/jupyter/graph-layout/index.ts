/**
 * The graph view's grouping, layout and light palette: plain data, no DOM and no Node APIs, shared
 * by the extension's live view (`adlab/graph-layout`) and the kernel's static picture.
 */
export * from './nodes';
export * from './grouping';
export * from './layout';
export * from './bands';
export * from './palette';
export * from './format';
