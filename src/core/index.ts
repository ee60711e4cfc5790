// The core's public face. Code of a chunk (esbuild.mjs CHUNKS) imports from the module itself, not from here:
// a chunk that imports this barrel bundles all of it (the build refuses two chunks holding the same module).
export * from './errors';
export {
  checkBaseUrl,
  DEFAULT_TIMEOUTS,
  MAX_RESPONSE_BYTES,
  type HttpMethod,
  type ProxySettings,
  type Timeouts,
} from './transport';
export { QencodeClient } from './client';
export {
  DEFAULT_RETRY,
  DEFAULT_TOKEN_FALLBACK_URL,
  type ClientOptions,
  type RequestLogEntry,
  type RetryPolicy,
} from './client-options';
export { parseRetryAfter, type CallSpec } from './reply';
export * from './operations';
export * from './bucket-operations';
export * from './paths';
export * from './redact';
export * from './schemas';
export * from './tokens';
export * from './validators';
export * from './purge';
export * from './lost-reply';
export * from './format';
export * from './stream';
export * from './plain-text';
export * from './edge';
