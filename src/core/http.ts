/*
 * The API client's public names, in two layers:
 * - transport.ts, the wire: undici, proxies, timeouts, the reply size cap, the
 *   overall deadline, and network failures as QencodeErrors;
 * - protocol.ts, Qencode's rules: QencodeClient, the access token and its fallback
 *   host, what a reply body means (errors inside a 200 included), and the one retry
 *   loop for API calls and token requests.
 * Only what the rest of the extension uses is exported here; the layers' own
 * helpers stay between them.
 */
export {
  checkBaseUrl,
  DEFAULT_TIMEOUTS,
  MAX_RESPONSE_BYTES,
  type HttpMethod,
  type ProxySettings,
  type Timeouts,
} from './transport';
export {
  DEFAULT_RETRY,
  DEFAULT_TOKEN_FALLBACK_URL,
  parseRetryAfter,
  QencodeClient,
  type CallSpec,
  type ClientOptions,
  type RequestLogEntry,
  type RetryPolicy,
} from './protocol';
