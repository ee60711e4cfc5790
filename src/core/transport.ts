/*
 * The wire: undici, proxies, timeouts, the reply size cap, and network failures as
 * QencodeErrors. It sends bytes and hands back a status, headers and text; what
 * those mean (Qencode's bodies, tokens, retries) is client.ts's and reply.ts's business.
 */
import { kPreconnect, originPoolFactory } from './connections';
import { createAgent, request, type Dispatcher } from './undici';
import { QencodeError, invalidInput } from './errors';

export interface Timeouts {
  /** TCP + TLS connect. */
  connectMs: number;
  /** From request sent to response headers. */
  headersMs: number;
  /** Between body chunks. */
  bodyMs: number;
  /** The whole operation, retries and token refresh included. */
  overallMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000, overallMs: 90_000 };

export interface ProxySettings {
  /** A proxy URL for every request (VS Code's http.proxy); overrides the environment. */
  url?: string;
  /** Hosts that bypass the proxy, comma-separated (VS Code's http.noProxy); overrides NO_PROXY. */
  noProxy?: string;
  /** Verify TLS certificates (VS Code's http.proxyStrictSSL). Default true. */
  strictSSL?: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Only https, except loopback, where the emulator and tests live. */
export function checkBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidInput('connect', `"${raw}" is not a valid API URL`);
  }
  const loopback =
    ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw invalidInput('connect', 'the API URL must start with https:// (http:// is allowed only for localhost)');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalidInput('connect', 'the API URL cannot carry credentials, a query or a fragment');
  }
  return url;
}

export type ReplyHeaders = Dispatcher.ResponseData['headers'];

/** One request on the wire. */
export interface WireRequest {
  /** Names the operation in the errors thrown, nothing more. */
  operation: string;
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Aborts the request; an abort is reported as 'cancelled'. */
  signal: AbortSignal;
  /** Called with the status as soon as the headers arrive, before the body is read. */
  onStatus?: (status: number) => void;
  /**
   * Safe to send again. undici holds a request it takes for non-idempotent (any POST)
   * until the others on its h2 connection are done; a purge is idempotent, and must
   * share the connection with the purges beside it.
   */
  idempotent?: boolean;
}

/** A whole reply: any status, the body read in full (within the cap) as UTF-8. */
export interface WireReply {
  status: number;
  headers: ReplyHeaders;
  text: string;
}

export interface TransportOptions {
  timeouts: Pick<Timeouts, 'connectMs' | 'headersMs' | 'bodyMs'>;
  maxResponseBytes: number;
  /** A dispatcher of the caller's, which close() leaves open; without it, one is made from `proxy`. */
  dispatcher?: Dispatcher;
  proxy?: ProxySettings;
  /** Offer HTTP/2 (ALPN) on https; HTTP/1.1 stays the fallback. Default true. */
  http2?: boolean;
  /** CA certificates (PEM) to trust besides Node's bundled roots: for connections to the API and to an https proxy. */
  ca?: string | readonly string[];
}

export class Transport {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;

  constructor(private readonly options: TransportOptions) {
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher = options.dispatcher ?? makeDispatcher(options);
  }

  /**
   * Opens a connection to `url`'s origin now (TCP and TLS, through the proxy tunnel if
   * any), so that the next request finds it ready; it sends no request. Resolves when the
   * connection is up, or has failed (the next request then connects as usual). A no-op
   * with a dispatcher of the caller's, or when a connection is already open or opening.
   */
  async preconnect(url: string): Promise<boolean> {
    if (!this.ownsDispatcher) return false;
    const origin = new URL(url).origin;
    return new Promise<boolean>((resolve) => {
      const handler = {
        onConnect() {},
        onHeaders: () => true,
        onData: () => true,
        onComplete() {},
        onError: () => resolve(false),
      };
      const opts = { origin, path: '/', method: 'GET' as const, [kPreconnect]: (error?: Error) => resolve(!error) };
      try {
        this.dispatcher.dispatch(opts, handler as unknown as Dispatcher.DispatchHandler);
      } catch {
        resolve(false);
      }
    });
  }

  /**
   * Sends one request, once. Any status is a reply; a failure to get a whole reply
   * (network, timeout, abort, a body over the cap) rejects with a QencodeError.
   */
  async send(req: WireRequest): Promise<WireReply> {
    try {
      const res = await request(this.dispatcher, req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        headersTimeout: this.options.timeouts.headersMs,
        bodyTimeout: this.options.timeouts.bodyMs,
        ...(req.idempotent !== undefined ? { idempotent: req.idempotent } : {}),
      });
      req.onStatus?.(res.statusCode);
      const text = await this.readBody(req.operation, res);
      return { status: res.statusCode, headers: res.headers, text };
    } catch (error) {
      throw wireError(req.operation, error, req.signal);
    }
  }

  /** Ends the connections at once (those of a dispatcher it made); requests under way reject. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.destroy();
  }

  private async readBody(operation: string, res: Dispatcher.ResponseData): Promise<string> {
    const max = this.options.maxResponseBytes;
    const declared = Number(res.headers['content-length']);
    const tooLarge = () =>
      new QencodeError({
        operation,
        kind: 'invalid-response',
        status: res.statusCode,
        reason: `the reply is larger than ${max / 1024 / 1024} MiB`,
      });
    if (declared > max) {
      res.body.destroy();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        res.body.destroy();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

/** How long an idle HTTP/1.1 connection is kept (a server's Keep-Alive hint can shorten it); an h2 connection stays open until the server ends it. */
export const KEEP_ALIVE_MS = 60_000;

/**
 * undici does not follow VS Code's proxy settings by itself: the proxy is chosen
 * here, from the settings when given, else from HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
 *
 * HTTP/2 is offered by ALPN on every TLS connection to the API: `allowH2` for a direct
 * one, and in `requestTls` for the TLS inside a proxy's CONNECT tunnel (undici builds
 * that connector from requestTls alone). The proxy itself is spoken to in HTTP/1.1.
 * Each origin's connections live in an OriginPool (connections.ts): one h2 connection
 * carries every request, and while the protocol is unknown, requests wait for the
 * first connection's answer instead of each opening its own.
 */
function makeDispatcher(options: TransportOptions): Dispatcher {
  const { proxy } = options;
  const http2 = options.http2 ?? true;
  const extra = typeof options.ca === 'string' ? [options.ca] : (options.ca ?? []);
  // One context for every connection: parsing Node's ~150 roots again per connection costs ~30 ms a handshake.
  // node:tls is loaded here, not with the module: activation loads this file and sends nothing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tlsModule = extra.length ? (require('node:tls') as typeof import('node:tls')) : undefined;
  const secureContext = tlsModule?.createSecureContext({ ca: [...tlsModule.rootCertificates, ...extra] });
  const tls = { rejectUnauthorized: proxy?.strictSSL ?? true, ...(secureContext ? { secureContext } : {}) };
  return createAgent({
    factory: originPoolFactory(),
    allowH2: http2,
    connect: { timeout: options.timeouts.connectMs, ...tls },
    requestTls: { ...tls, allowH2: http2 },
    proxyTls: tls,
    keepAliveTimeout: KEEP_ALIVE_MS,
    ...(proxy?.url ? { httpProxy: proxy.url, httpsProxy: proxy.url } : {}),
    ...(proxy?.noProxy !== undefined ? { noProxy: proxy.noProxy } : {}),
  });
}

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ENOTFOUND: 'the API host name could not be resolved',
  EAI_AGAIN: 'the API host name could not be resolved',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was closed unexpectedly',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
};

/** Any failure met while sending, as a QencodeError: a QencodeError as it is, else cancelled, timeout or network. */
export function wireError(operation: string, error: unknown, signal: AbortSignal): QencodeError {
  if (error instanceof QencodeError) return error;
  if (signal.aborted) return new QencodeError({ operation, kind: 'cancelled', reason: 'cancelled' });
  const e = error as { code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT')
    return new QencodeError({ operation, kind: 'timeout', reason: 'the server did not answer in time' });
  if (code === 'UND_ERR_BODY_TIMEOUT')
    return new QencodeError({ operation, kind: 'timeout', reason: 'the reply stalled part-way' });
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('UNABLE_TO_VERIFY'))
    return new QencodeError({ operation, kind: 'network', reason: `the TLS certificate was not accepted (${code})` });
  const cause = NETWORK_CAUSES[code] ?? `a network error occurred${code ? ` (${code})` : ''}`;
  return new QencodeError({ operation, kind: 'network', reason: cause });
}

/**
 * Runs `work` under an overall deadline of `overallMs`, with the caller's signal
 * folded in, and turns the aborts into cancelled or timeout errors.
 */
export async function withDeadline<T>(
  operation: string,
  overallMs: number,
  signal: AbortSignal | undefined,
  work: (s: AbortSignal) => Promise<T>,
): Promise<T> {
  // One controller and one timer: AbortSignal.timeout with AbortSignal.any cost a bulk purge a tenth of its CPU.
  const combined = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    combined.abort(new DOMException('The operation timed out.', 'TimeoutError'));
  }, overallMs);
  timer.unref();
  const onAbort = () => combined.abort(signal!.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await work(combined.signal);
  } catch (error) {
    if (signal?.aborted) throw new QencodeError({ operation, kind: 'cancelled', reason: 'cancelled' });
    if (timedOut && !(error instanceof QencodeError && error.kind !== 'cancelled')) {
      throw new QencodeError({
        operation,
        kind: 'timeout',
        reason: `no complete reply within ${formatSeconds(overallMs / 1000)}`,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** "12 s", or "10 minutes" from two minutes up. */
export function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  return s >= 120 ? `${Math.ceil(s / 60)} minutes` : `${s} s`;
}
