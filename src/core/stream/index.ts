export * from './types';
export { collectStream, collectFromText } from './collector';
export { fromMediaOverrideUrl, toMediaOverrideUrl, withMediaOverride } from './media-override';
export * from './http-fetch';
export * from './urls';
export { MANIFEST_BUDGET, clip } from './budget';
