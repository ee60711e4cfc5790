export * from './cache-state';
export * from './cors-check';
export * from './probe';
