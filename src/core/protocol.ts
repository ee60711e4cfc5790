/*
 * Qencode's side of a call: the access token (where it is asked for, and the cache),
 * what a reply body means (errors inside a 200 included), status codes, and the one
 * retry loop that API calls and token requests share. The bytes go through
 * transport.ts, which knows none of this.
 */
import type { z } from 'zod';
import { QencodeError, type ErrorKind } from './errors';
import { apiPath } from './paths';
import { redact, redactPath } from './redact';
import { GateClosedError, RateGate, type GateTicket } from './rate-gate';
import { AccessTokenResponse, describeIssues } from './schemas';
import { TokenCache, type StoredToken } from './tokens';
import type { Dispatcher } from './undici';
import {
  checkBaseUrl,
  DEFAULT_TIMEOUTS,
  formatSeconds,
  MAX_RESPONSE_BYTES,
  Transport,
  wireError,
  withDeadline,
  type HttpMethod,
  type ProxySettings,
  type ReplyHeaders,
  type Timeouts,
} from './transport';

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

export interface CallSpec<T> {
  operation: string;
  method: HttpMethod;
  path: string;
  body?: unknown;
  schema: z.ZodType<T>;
  /** Safe to send again (reads, updates, deletes, purges). Creates are never retried. */
  idempotent: boolean;
  /**
   * A 2xx reply that says "error" but still carries a valid payload: kept through
   * this, with the failure noted, when the payload exists nowhere else (a private key).
   */
  salvage?: (value: T, failure: string) => T;
}

const REQUEST_ID_HEADERS = ['x-request-id', 'x-qencode-request-id', 'request-id', 'x-correlation-id'];
/** Worth a second try when the call is idempotent: busy, or a server-side fault that may pass. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
/** Qencode error codes (from its other APIs): 4 bad token, 5 token expired, 8 busy. */
const TOKEN_REFUSED_CODES = new Set([4, 5]);
const BUSY_CODE = 8;
const KEY_REFUSED_CODES = new Set([2, 3]);
/** 429s one call may wait out at its gate without spending a retry; past it, the retry policy counts them. */
const MAX_GATED_RESENDS = 10;

/** A checked base URL without its trailing slashes: the prefix of every request URL. */
function normaliseBaseUrl(raw: string): string {
  return checkBaseUrl(raw).href.replace(/\/+$/, '');
}

/** The error with the API key taken out of whatever the server said. */
function scrubbed(error: QencodeError, apiKey: string): QencodeError {
  const clean = (text: string | undefined) => (text === undefined ? undefined : redact(text, [apiKey]));
  const changes = {
    reason: clean(error.reason)!,
    apiMessage: clean(error.apiMessage),
    apiDescription: clean(error.apiDescription),
  };
  const same =
    changes.reason === error.reason &&
    changes.apiMessage === error.apiMessage &&
    changes.apiDescription === error.apiDescription;
  return same ? error : error.with(changes);
}

/**
 * What a caller's failure hook makes of one failed attempt, before the retry policy:
 * the error for the policy to judge (rewritten if need be), 'resend' to send again at
 * once as the same attempt, or 'restart' to send again at once counting from zero.
 * The hook throws to stop.
 */
type FailureVerdict = QencodeError | 'resend' | 'restart';

interface Attempts<T> {
  /** Safe to send again: without it, the retry policy stops at the first failure. */
  idempotent: boolean;
  signal: AbortSignal;
  /** Attempt number `attempt` (0 first). A QencodeError goes to onFailure; any other error ends the loop. */
  send: (attempt: number) => Promise<T>;
  onFailure: (error: QencodeError) => FailureVerdict;
}

export class QencodeClient {
  readonly baseUrl: string;
  /** Where a token is asked for when the base URL has no token route; undefined: nowhere. */
  readonly tokenFallbackUrl?: string;
  readonly account?: string;
  /** The host that served the last token; token requests go there first. */
  private tokenServedBy?: string;
  private readonly timeouts: Timeouts;
  private readonly retry: RetryPolicy;
  private readonly transport: Transport;
  private readonly tokens: TokenCache;
  private readonly random: () => number;
  private readonly gates = new Map<string, RateGate>();

  constructor(private readonly options: ClientOptions) {
    this.account = options.account;
    try {
      this.baseUrl = normaliseBaseUrl(options.baseUrl);
      if (options.tokenFallbackUrl !== undefined) this.tokenFallbackUrl = normaliseBaseUrl(options.tokenFallbackUrl);
    } catch (error) {
      throw this.withAccount(error);
    }
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.transport = new Transport({
      timeouts: this.timeouts,
      maxResponseBytes: options.maxResponseBytes ?? MAX_RESPONSE_BYTES,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.proxy ? { proxy: options.proxy } : {}),
      ...(options.http2 !== undefined ? { http2: options.http2 } : {}),
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
    });
    this.random = options.random ?? Math.random;
    // A token is bound to the origin it was issued for, at the moment this client (whose base URL never changes) is made.
    const origin = new URL(this.baseUrl).origin;
    const initial =
      options.initialToken && (options.initialToken.origin ?? origin) === origin ? options.initialToken : undefined;
    const onToken = options.onToken;
    this.tokens = new TokenCache(() => this.fetchToken(), options.now, {
      ...(initial ? { initial } : {}),
      ...(onToken ? { onToken: (token: StoredToken) => onToken({ ...token, origin }) } : {}),
    });
  }

  /** The URL of the host that served the last token (the base URL or the fallback); undefined before the first. */
  get tokenHost(): string | undefined {
    return this.tokenServedBy;
  }

  /**
   * Fetches a token now, bypassing the cache: how an API key is checked before it is
   * saved. Returns the token, which is the project's first: pass it as `initialToken`
   * to the project's client (and keep it), so adding a key makes one token request.
   */
  async verifyApiKey(signal?: AbortSignal): Promise<StoredToken> {
    this.tokens.clear();
    try {
      const value = await withDeadline('get access token', this.timeouts.overallMs, signal, (s) => this.tokens.get(s));
      return { ...(this.tokens.current() ?? { value, expiresAt: Date.now() }), origin: new URL(this.baseUrl).origin };
    } catch (error) {
      throw this.withAccount(error);
    }
  }

  /**
   * Opens the connection to the API now (TCP and TLS, through the proxy if any)
   * without sending anything, so the first call finds it ready: call it while the
   * token or the key is being read. Resolves true when a connection is up or was
   * already there, false when it failed (the first call then connects as usual);
   * never rejects. A no-op with a `dispatcher` of the caller's.
   */
  preconnect(): Promise<boolean> {
    return this.transport.preconnect(this.baseUrl).catch(() => false);
  }

  /** The rate gate of an operation (see ClientOptions.rateGate): for its stats. */
  gate(operation: string): RateGate {
    let gate = this.gates.get(operation);
    if (!gate) this.gates.set(operation, (gate = new RateGate()));
    return gate;
  }

  /** Ends the connections at once; calls still under way reject. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  /** One API call: token, send, validate, with one re-authentication and the retry policy. */
  async call<T>(spec: CallSpec<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await withDeadline(spec.operation, this.timeouts.overallMs, signal, (s) => this.callWithRetries(spec, s));
    } catch (error) {
      throw this.withAccount(error);
    }
  }

  /** Every QencodeError leaving the client names its account. */
  private withAccount(error: unknown): unknown {
    if (!(error instanceof QencodeError) || this.account === undefined || error.account === this.account) return error;
    return error.with({ account: this.account });
  }

  private callWithRetries<T>(spec: CallSpec<T>, signal: AbortSignal): Promise<T> {
    /** The token of the attempt under way; undefined while it is being fetched. */
    let token: string | undefined;
    let reauthenticated = false;
    const gate = this.options.rateGate === false ? undefined : this.gate(spec.operation);
    /** The gate's pass for the attempt under way; undefined until the gate let it through. */
    let ticket: GateTicket | undefined;
    let gatedResends = 0;
    return this.withRetries({
      idempotent: spec.idempotent,
      signal,
      send: async (attempt) => {
        token = undefined;
        ticket = undefined;
        token = await this.tokens.get(signal);
        if (gate) ticket = await this.pass(gate, spec.operation, signal);
        try {
          const value = await this.send(spec, signal, attempt, token);
          if (ticket) gate?.accepted(ticket);
          return value;
        } catch (error) {
          if (gate && ticket && error instanceof QencodeError && error.status !== undefined) {
            if (error.kind === 'rate-limited')
              gate.throttled(ticket, error.retryAfter === undefined ? undefined : error.retryAfter * 1000);
            else gate.accepted(ticket);
          }
          throw error;
        }
      },
      onFailure: (error) => {
        // The token request failed: it has had its own retries, so the call ends with its error.
        if (token === undefined) throw error;
        // A 429 the gate has paused for: wait at the gate (in send) and send again, without spending a retry.
        const pauseMs = (error.retryAfter ?? 1) * 1000;
        if (
          gate &&
          ticket &&
          error.kind === 'rate-limited' &&
          spec.idempotent &&
          pauseMs > 0 &&
          pauseMs <= this.retry.retryAfterCapMs &&
          ++gatedResends <= MAX_GATED_RESENDS
        ) {
          return 'resend';
        }
        if (!isTokenRefused(error)) return error;
        this.tokens.invalidate(token);
        if (reauthenticated) {
          throw error.with({
            kind: 'auth',
            reason: 'the API key was accepted but its token was refused; re-enter the API key',
          });
        }
        reauthenticated = true;
        return 'resend';
      },
    });
  }

  /** Waits at the gate; a pause beyond the Retry-After cap is a rate-limited error now, as the server's 429 would be. */
  private async pass(gate: RateGate, operation: string, signal: AbortSignal): Promise<GateTicket> {
    try {
      return await gate.acquire(signal, this.retry.retryAfterCapMs);
    } catch (error) {
      if (!(error instanceof GateClosedError)) throw error;
      throw new QencodeError({
        operation,
        kind: 'rate-limited',
        retryAfter: Math.ceil(error.waitMs / 1000),
        reason: 'too many requests',
      });
    }
  }

  private fetchToken(): Promise<string> {
    // Shared by every waiting caller, so it runs under its own deadline, not one caller's signal.
    return withDeadline('get access token', this.timeouts.overallMs, undefined, async (s) => {
      const apiKey = (await this.options.apiKey()).trim();
      if (!apiKey) throw new QencodeError({ operation: 'get access token', kind: 'auth', reason: 'no API key is set' });
      const spec: CallSpec<{ access_token: string }> = {
        operation: 'get access token',
        method: 'POST',
        path: apiPath('get access token', 'access_token', apiKey),
        schema: AccessTokenResponse,
        // Asking for a token twice is harmless: the worst case is one unused token.
        idempotent: true,
      };
      // The host that served the last token first; the other only if that one has no token route (404).
      const first = this.tokenServedBy ?? this.baseUrl;
      const hosts = [
        first,
        ...[this.baseUrl, this.tokenFallbackUrl].filter((h): h is string => h !== undefined && h !== first),
      ];
      const notFoundAt: string[] = [];
      let host = hosts[0]!;
      const reply = await this.withRetries({
        idempotent: spec.idempotent,
        signal: s,
        send: (attempt) => this.send(spec, s, attempt, undefined, host),
        onFailure: (caught) => {
          // A server may echo the request path, key included, in its message.
          const error = scrubbed(caught, apiKey);
          if (error.status === 401 || error.status === 403 || KEY_REFUSED_CODES.has(error.code ?? -1)) {
            throw error.with({ kind: 'auth', reason: 'the API key was refused' });
          }
          // Only a 404 that is not a refused key (code 3, key not found) means this host has no token route.
          if (error.kind === 'http' && error.status === 404) {
            notFoundAt.push(new URL(host).origin);
            const next = hosts[notFoundAt.length];
            if (next === undefined)
              throw error.with({
                reason: `the token route was not found at ${notFoundAt.join(' or at ')}; check the API URL`,
              });
            host = next;
            return 'restart';
          }
          return error;
        },
      });
      this.noteTokenHost(host);
      return reply.access_token;
    });
  }

  private noteTokenHost(host: string): void {
    if (this.tokenServedBy === host) return;
    this.tokenServedBy = host;
    try {
      this.options.onTokenHost?.(host);
    } catch {
      // A logger's failure is not the token's.
    }
  }

  /**
   * The one retry loop, for API calls and token requests alike: send, let the caller's
   * hook look at a failure, then let the retry policy (retryDelay) wait or stop.
   */
  private async withRetries<T>(a: Attempts<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await a.send(attempt);
      } catch (caught) {
        if (!(caught instanceof QencodeError)) throw caught;
        const verdict = a.onFailure(caught);
        if (verdict === 'resend') attempt--;
        else if (verdict === 'restart') attempt = -1;
        else await sleep(retryDelay(this.retry, this.random, a.idempotent, verdict, attempt), a.signal);
      }
    }
  }

  /** One attempt: the request through the transport, logged, and its reply read by the protocol rule. */
  private async send<T>(
    spec: CallSpec<T>,
    signal: AbortSignal,
    attempt: number,
    token: string | undefined,
    base = this.baseUrl,
  ): Promise<T> {
    const started = performance.now();
    let status: number | undefined;
    const log = (outcome: RequestLogEntry['outcome']) =>
      this.options.onRequest?.({
        operation: spec.operation,
        method: spec.method,
        path: redactPath(spec.path),
        ...(status !== undefined ? { status } : {}),
        durationMs: Math.round(performance.now() - started),
        attempt,
        outcome,
        ...(base !== this.baseUrl ? { host: new URL(base).origin } : {}),
      });
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (spec.body !== undefined) headers['content-type'] = 'application/json';
      const reply = await this.transport.send({
        operation: spec.operation,
        method: spec.method,
        url: base + spec.path,
        headers,
        ...(spec.body !== undefined ? { body: JSON.stringify(spec.body) } : {}),
        signal,
        onStatus: (s) => (status = s),
        idempotent: spec.idempotent,
      });
      const result = interpret(spec, reply.status, reply.headers, reply.text);
      log('ok');
      return result;
    } catch (error) {
      const qe = wireError(spec.operation, error, signal);
      log(qe.kind);
      throw qe;
    }
  }
}

/**
 * The retry policy: how long to wait before the attempt after `attempt`, or, by
 * throwing, the error to stop with. Only idempotent requests are retried, and only
 * for a busy server, a server fault that may pass (429, 500, 502-504) or a network
 * failure. A Retry-After (header or `retry_after`) is honoured up to the cap; past
 * it the user is told when to try again. Otherwise, full jitter up to an
 * exponentially growing ceiling.
 */
function retryDelay(
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

/**
 * Status, body and schema to a value, or to a QencodeError that says why.
 *
 * The protocol rule, for every operation: a reply is a failure when its status is
 * not 2xx, or when its body says so whatever the status (Qencode's other APIs
 * answer 200 with the failure in the body). See readEnvelope for what "says so" is.
 */
function interpret<T>(spec: CallSpec<T>, status: number, headers: ReplyHeaders, text: string): T {
  const operation = spec.operation;
  const requestId = REQUEST_ID_HEADERS.map((h) => headers[h]).find((v) => typeof v === 'string') as string | undefined;
  const retryAfterHeader = parseRetryAfter(headers['retry-after']);
  let body: unknown;
  let parsed = true;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = false;
  }
  const envelope = readEnvelope(body);
  const base = {
    operation,
    status,
    ...(requestId ? { requestId } : {}),
    ...(envelope.code !== undefined ? { code: envelope.code } : {}),
    ...(envelope.message ? { apiMessage: envelope.message } : {}),
    ...(envelope.description ? { apiDescription: envelope.description } : {}),
  };
  const retryAfter = retryAfterHeader ?? envelope.retryAfter;
  const withRetry = retryAfter !== undefined ? { retryAfter } : {};
  const ok = status >= 200 && status < 300;

  if (status >= 300 && status < 400) {
    throw new QencodeError({
      ...base,
      kind: 'http',
      reason: 'the server answered with a redirect, which is not followed so that the credentials stay with the API',
    });
  }
  if (status === 429 || envelope.code === BUSY_CODE) {
    throw new QencodeError({
      ...base,
      ...withRetry,
      kind: 'rate-limited',
      reason: envelope.message ?? 'too many requests',
    });
  }
  if (!ok || envelope.failed) {
    const cause = ok ? 'the API reported a failure without saying why' : statusCause(status);
    const reason = envelope.description ?? envelope.message ?? cause;
    if (ok && parsed && spec.salvage) {
      const kept = spec.schema.safeParse(payload(body, envelope) ?? {});
      if (kept.success) return spec.salvage(kept.data, reason);
    }
    throw new QencodeError({ ...base, ...withRetry, kind: 'http', reason });
  }
  if (!parsed) {
    const type = String(headers['content-type'] ?? 'no content type');
    throw new QencodeError({
      ...base,
      kind: 'invalid-response',
      reason: `the reply is not JSON (${type.split(';')[0]})`,
    });
  }
  const result = spec.schema.safeParse(payload(body, envelope) ?? {});
  if (!result.success) {
    throw new QencodeError({
      ...base,
      kind: 'invalid-response',
      reason: `the reply has an unexpected shape: ${describeIssues(result.error)}`,
    });
  }
  return result.data;
}

/** What a reply body says about success, apart from its payload. */
interface Envelope {
  /** The body reports a failure. */
  failed: boolean;
  /** Qencode's numeric `error` code, 0 included. */
  code?: number;
  message?: string;
  description?: string;
  retryAfter?: number;
  /** Top-level keys that are envelope, not payload: dropped before the schema sees the body. */
  envelopeKeys: string[];
}

/** `status` values that report a failure, and those that report success. */
const FAILED_STATUS = /^(error|errored|fail|failed|failure)$/i;
const OK_STATUS = /^(ok|success|succeeded)$/i;
/** `error` strings that mean "no error". */
const NO_ERROR_TEXT = /^(|0|false|null|none)$/i;
const ENVELOPE_KEYS = ['error', 'status', 'message', 'error_description', 'description', 'retry_after'];

/**
 * Reads a reply's envelope. A body reports a failure when:
 * - `error` is a non-zero number (or a string of digits): a Qencode code;
 * - `error` is `true`, a non-empty object, or any other text (the text is the message);
 * - `status` is "error" or "failed" (any case; also "fail", "failure", "errored").
 * `error` 0, "0", false, null or "" and `status` "ok" mean success.
 */
function readEnvelope(body: unknown): Envelope {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { failed: false, envelopeKeys: [] };
  const b = body as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 500) : undefined);
  let failed = false;
  let code: number | undefined;
  let errorText: string | undefined;
  let nested: Record<string, unknown> = {};
  const e = b.error;
  if (typeof e === 'number') {
    code = e;
    failed = e !== 0;
  } else if (typeof e === 'boolean') {
    failed = e;
  } else if (typeof e === 'string') {
    const t = e.trim();
    if (/^-?\d+$/.test(t)) {
      code = Number(t);
      failed = code !== 0;
    } else if (!NO_ERROR_TEXT.test(t)) {
      failed = true;
      errorText = text(t);
    }
  } else if (Array.isArray(e)) {
    failed = e.length > 0;
    errorText = text(e.filter((x) => typeof x === 'string').join('; '));
  } else if (typeof e === 'object' && e !== null) {
    // {"error": {"code": 4, "message": "..."}}, as some APIs nest it.
    nested = e as Record<string, unknown>;
    failed = Object.keys(nested).length > 0;
    if (typeof nested.code === 'number' && Number.isInteger(nested.code)) code = nested.code;
  }
  const status = typeof b.status === 'string' ? b.status.trim() : undefined;
  if (status !== undefined && FAILED_STATUS.test(status)) failed = true;
  const message = text(b.message) ?? text(nested.message) ?? errorText;
  const description =
    text(b.error_description) ??
    text(nested.error_description) ??
    text(nested.description) ??
    (failed ? text(b.description) : undefined);
  const retryAfter = typeof b.retry_after === 'number' && b.retry_after >= 0 ? b.retry_after : undefined;
  // A success envelope around a payload that is itself a map (the CORS GET reply) is not part of that map.
  const marked = 'error' in b || (status !== undefined && OK_STATUS.test(status));
  return {
    failed,
    ...(code !== undefined ? { code } : {}),
    ...(message ? { message } : {}),
    ...(description ? { description } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    envelopeKeys: marked && !failed ? ENVELOPE_KEYS.filter((k) => k in b) : [],
  };
}

/** The body less its success envelope. */
function payload(body: unknown, envelope: Envelope): unknown {
  if (envelope.envelopeKeys.length === 0) return body;
  const keys = new Set(envelope.envelopeKeys);
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([k]) => !keys.has(k)));
}

function statusCause(status: number): string {
  if (status === 400 || status === 422) return 'the request was refused as invalid';
  if (status === 401) return 'not authorised';
  if (status === 403) return 'permission denied';
  if (status === 404) return 'not found';
  if (status === 409) return 'it conflicts with the current state';
  if (status >= 500) return 'the Qencode service had an error';
  return `unexpected HTTP status ${status}`;
}

function isTokenRefused(error: QencodeError): boolean {
  return error.kind === 'http' && (error.status === 401 || TOKEN_REFUSED_CODES.has(error.code ?? -1));
}

/** Seconds, from a delta or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
