export * from './types';
export { collectStream, collectFromText } from './collector';
export { fromMediaOverrideUrl, toMediaOverrideUrl, withMediaOverride } from './media-override';
