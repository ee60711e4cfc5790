/*
 * How a QencodeClient is set up (client.ts): where it sends, the key, proxy and
 * timeouts, the retry policy, what it logs, and the token it starts with.
 */
import type { ErrorKind, QencodeError } from './errors';
import type { Dispatcher } from './undici';
import { formatSeconds, type ProxySettings, type Timeouts } from './transport';
import type { StoredToken } from './tokens';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the user is told when to try again. */
  retryAfterCapMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  retryAfterCapMs: 30_000,
};

/** What is logged about a request: an allow-list, never headers or bodies. */
export interface RequestLogEntry {
  operation: string;
  method: string;
  path: string;
  status?: number;
  durationMs: number;
  attempt: number;
  outcome: 'ok' | ErrorKind;
  /** The origin the request went to, present only when it is not the base URL's (a token from the fallback host). */
  host?: string;
}

/**
 * Where a token is asked for when the base URL has no token route: the reference's
 * token example posts to this host, while every other method lives on api-cdn.
 */
export const DEFAULT_TOKEN_FALLBACK_URL = 'https://api-live.qencode.com';

export interface ClientOptions {
  baseUrl: string;
  /**
   * Asked for a token (same path, /v1/access_token/{key}) only when the base URL
   * answers that route with 404. Undefined: no fallback. Checked like baseUrl.
   * API calls always go to baseUrl. See DEFAULT_TOKEN_FALLBACK_URL.
   */
  tokenFallbackUrl?: string;
  /**
   * Called with the URL (origin, plus any path prefix) of the host that served a
   * token, the first time and whenever it changes: for a log line such as
   * "token served by <origin>". Never carries the key.
   */
  onTokenHost?: (url: string) => void;
  /** An opaque id (the extension's project id) set on every QencodeError the client throws. */
  account?: string;
  /** Read when a token is needed, so a replaced key takes effect at once. */
  apiKey: () => string | Promise<string>;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  maxResponseBytes?: number;
  dispatcher?: Dispatcher;
  /** Proxy settings; without them HTTPS_PROXY, HTTP_PROXY and NO_PROXY apply. */
  proxy?: ProxySettings;
  /**
   * Offer HTTP/2 by ALPN (default true): where the server takes it, every request to
   * it goes over one connection; HTTP/1.1 stays the fallback. Not with `dispatcher`.
   */
  http2?: boolean;
  /**
   * CA certificates (PEM) to trust besides Node's bundled roots (`tls.rootCertificates`),
   * for the API and an https proxy. Given, it replaces NODE_EXTRA_CA_CERTS for this
   * client, as Node's `ca` option does. Not with `dispatcher`.
   */
  ca?: string | readonly string[];
  /**
   * A token kept from before (SecretStorage): used while it is valid, so a reload makes
   * no token request; a 401 still refreshes it. See verifyApiKey() and onToken. A token
   * whose `origin` is not this client's base URL's is never sent (it is dropped).
   */
  initialToken?: StoredToken;
  /** Told of each token fetched, with this client's origin, to keep for the next session (a throw is ignored). */
  onToken?: (token: StoredToken) => void;
  /**
   * One rate gate per operation for all its calls (default true): the first 429 pauses
   * every call of that operation until its Retry-After, then they go at a pace learned
   * from the replies (rate-gate.ts). false: each call waits out its own 429s, alone.
   */
  rateGate?: boolean;
  onRequest?: (entry: RequestLogEntry) => void;
  /** For tests: jitter source and clock. */
  random?: () => number;
  now?: () => number;
}

/** Worth a second try when the call is idempotent: busy, or a server-side fault that may pass. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * The retry policy: how long to wait before the attempt after `attempt`, or, by
 * throwing, the error to stop with. Only idempotent requests are retried, and only
 * for a busy server, a server fault that may pass (429, 500, 502-504) or a network
 * failure. A Retry-After (header or `retry_after`) is honoured up to the cap; past
 * it the user is told when to try again. Otherwise, full jitter up to an
 * exponentially growing ceiling.
 */
export function retryDelay(
  policy: RetryPolicy,
  random: () => number,
  idempotent: boolean,
  error: QencodeError,
  attempt: number,
): number {
  const retryable =
    error.kind === 'rate-limited' ||
    (error.kind === 'http' && RETRYABLE_STATUS.has(error.status ?? 0)) ||
    error.kind === 'network';
  if (!idempotent || !retryable || attempt >= policy.maxRetries) throw error;
  if (error.retryAfter !== undefined) {
    const delay = error.retryAfter * 1000;
    if (delay > policy.retryAfterCapMs) {
      throw error.with({
        kind: 'rate-limited',
        reason: `the API is busy; try again in ${formatSeconds(error.retryAfter)}`,
      });
    }
    return delay;
  }
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}
