/*
 * Sending a call: QencodeClient, the access token (where it is asked for, and the
 * cache), and the one retry loop that API calls and token requests share. What a
 * reply means is reply.ts; the bytes go through transport.ts, which knows neither.
 */
import { QencodeError } from './errors';
import { apiPath } from './paths';
import { redact, redactPath } from './redact';
import { GateClosedError, RateGate, type GateTicket } from './rate-gate';
import { pause } from './pause';
import { isKeyRefusedCode, isTokenRefused, readReply, type CallSpec } from './reply';
import { AccessTokenResponse } from './schemas';
import {
  DEFAULT_RETRY,
  retryDelay,
  type ClientOptions,
  type RequestLogEntry,
  type RetryPolicy,
} from './client-options';
import { TokenCache, type StoredToken } from './tokens';
import {
  checkBaseUrl,
  DEFAULT_TIMEOUTS,
  MAX_RESPONSE_BYTES,
  Transport,
  wireError,
  withDeadline,
  type Timeouts,
} from './transport';

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
          if (error.status === 401 || error.status === 403 || isKeyRefusedCode(error.code)) {
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
        else await pause(retryDelay(this.retry, this.random, a.idempotent, verdict, attempt), a.signal);
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
      const result = readReply(spec, reply.status, reply.headers, reply.text);
      log('ok');
      return result;
    } catch (error) {
      const qe = wireError(spec.operation, error, signal);
      log(qe.kind);
      throw qe;
    }
  }
}
