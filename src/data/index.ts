export * from './buckets';
export * from './data-layer';
export * from './project-data';
export * from './project-state';
