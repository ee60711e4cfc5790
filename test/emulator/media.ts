import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { AccountState } from './emulator';
import { issueCertificate, type TestCertificates } from './https';

/*
 * The emulator's media server: the objects of its buckets over HTTP, as the CDN serves
 * them at https://{bucket}.media-storage.{region}.qencode.com/{path}. It listens on
 * 127.0.0.1 (an ephemeral port unless told) and finds the bucket in one of two ways:
 *
 * 1. The path-prefix form, for clients that connect to 127.0.0.1 as they are:
 *      http://127.0.0.1:PORT/{bucket}.media-storage.{region}.qencode.com/{path}
 *    The first path segment is the host the real URL names. This is what
 *    `toMediaOverrideUrl(realUrl, 'http://127.0.0.1:PORT')` (src/core/stream) produces,
 *    and `fromMediaOverrideUrl` turns back. The extension maps media-storage URLs here
 *    through a setting that only a loopback API URL may use (as the demo key): it wraps
 *    its fetcher in `withMediaOverride(fetchText, base)` and the collector keeps
 *    working with real URLs, so buckets, paths and purges are those of the real URL.
 * 2. The Host header, for clients that resolve the real host name to 127.0.0.1:
 *      GET /{path}  with  Host: {bucket}.media-storage.{region}.qencode.com
 *
 * In both forms a vod playback domain's host (e.g. vod.example-tv.com) serves the
 * bucket the domain is set to, as the CDN does.
 *
 * Objects live in the account's bucket records (`objects`, path to body and content
 * type), seeded from the sample data or put here. Choices where nothing is known:
 * - A host whose region is not the bucket's answers 404 NoSuchBucket, as an unknown
 *   bucket does; errors are S3-style XML bodies.
 * - An `authenticated` bucket answers 403 without an `auth` query parameter; any value
 *   is accepted (the signed-token claims are not public, so none is checked).
 * - The bucket's CORS headers are sent with every object.
 * - GET and HEAD only; single byte ranges (`Range: bytes=a-b`) answer 206.
 * Every request is logged (as the API's are) so tests assert what was read.
 *
 * It behaves like an edge (for the extension's edge checks):
 * - A cache per object: the first read is `X-Cache: MISS` with `Age: 0`, later reads
 *   `HIT` with an `Age` that grows; a purge through the API (emulator.ts) makes the next
 *   read a MISS. A cached answer keeps the CORS headers it was cached with, as an edge
 *   keeps a response's headers until it is purged.
 * - CORS: every answer of a bucket (errors too, preflights too) carries the bucket's CORS
 *   policy as headers, a change reaching the edge `corsPropagationMs` after it was made.
 *   `OPTIONS` answers 200 with those headers and no body. Origins are not compared here:
 *   the policy's headers are sent as they are, and the browser (the extension's check)
 *   judges them.
 * - TLS (`startTls`): a media-storage host gets a certificate for its name; a playback
 *   domain gets one only once its TLS subscription is issued, and before that the
 *   default certificate (for localhost), which a client refuses for the domain.
 */

export interface MediaObject {
  body: string | Buffer;
  contentType: string;
}

/** An object as sample data lists it. */
export interface MediaObjectSpec extends MediaObject {
  path: string;
}

export interface MediaRequest {
  seq: number;
  method: string;
  /** The host the request named (path prefix or Host header). */
  host: string;
  bucket?: string;
  /** The object path, decoded. */
  path: string;
  query: string;
  range?: string;
  /** The request's CORS headers (Origin, Access-Control-Request-*), as sent. */
  cors?: Record<string, string>;
  /** It carried an Authorization or a Cookie header. */
  credentials: boolean;
  status?: number;
  startedAt: number;
  finishedAt?: number;
}

export type MediaFault =
  | { type: 'status'; status: number }
  | { type: 'reset' }
  | { type: 'latency'; ms: number }
  | { type: 'body'; body: string; contentType?: string };

export interface MediaFaultRule {
  /** A regular expression matched against the object path. */
  path?: string;
  fault: MediaFault;
  /** How many requests it applies to; unlimited when absent. */
  times?: number;
}

export interface MediaServerOptions {
  port?: number;
  /** Added to every request (the bench reads a stream at 20 ms per request). */
  latencyMs?: number;
  /** How long a CORS change takes to reach the edge. */
  corsPropagationMs?: number;
}

interface CachedObject {
  at: number;
  cors: Record<string, string>;
}

type BucketOf = NonNullable<ReturnType<AccountState['buckets']['get']>>;

const MEDIA_STORAGE_HOST = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.media-storage\.([a-z0-9-]+)\.qencode\.com$/;

const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  mpd: 'application/dash+xml',
  ts: 'video/mp2t',
  mp4: 'video/mp4',
  m4s: 'video/mp4',
  m4v: 'video/mp4',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  vtt: 'text/vtt',
  webvtt: 'text/vtt',
  ttml: 'application/ttml+xml',
  json: 'application/json',
  jpg: 'image/jpeg',
  key: 'application/octet-stream',
};

/** The content type the server gives a path when none was set: by its extension, keys and anything else `application/octet-stream`. */
export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[/\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

/** The real address of an object: https://{bucket}.media-storage.{region}.qencode.com/{path}. */
export function mediaStorageUrl(bucket: string, region: string, path: string): string {
  return `https://${bucket}.media-storage.${region}.qencode.com/${path.split('/').map(encodeURIComponent).join('/')}`;
}

function xmlError(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
}

export class MediaServer {
  readonly requests: MediaRequest[] = [];
  latencyMs: number;
  corsPropagationMs: number;
  /** Added to the edge's clock: a test makes the cached copies older without waiting. */
  clockOffsetMs = 0;
  private readonly faults: MediaFaultRule[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly cache = new Map<string, CachedObject>();
  private server?: Server;
  private tlsServer?: Server;
  private seq = 0;

  /** `accounts` is read on every request, so accounts added or replaced later are served. */
  constructor(
    private readonly accounts: () => Iterable<AccountState>,
    private readonly options: MediaServerOptions = {},
  ) {
    this.latencyMs = options.latencyMs ?? 0;
    this.corsPropagationMs = options.corsPropagationMs ?? 0;
  }

  private now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** An edge node the purges miss: its copies stay (for "still cached" after a purge). */
  missPurges = false;

  /** The edge forgets its copies: of one object, or of the whole bucket (`path` null). */
  purge(bucket: string, path: string | null): void {
    if (this.missPurges) return;
    for (const key of [...this.cache.keys()]) {
      const [b, p] = key.split('\n');
      if (b === bucket && (path === null || p === path)) this.cache.delete(key);
    }
  }

  /** A fresh edge: no copies, CORS changes at once, the clock as it is. */
  resetEdge(): void {
    this.cache.clear();
    this.corsPropagationMs = this.options.corsPropagationMs ?? 0;
    this.clockOffsetMs = 0;
    this.missPurges = false;
  }

  /** Whether the edge holds a copy of this object now (for any host). */
  cached(bucket: string, path: string): boolean {
    return [...this.cache.keys()].some((k) => k.startsWith(`${bucket}\n${path}\n`));
  }

  /** The CORS policy the edge applies now: a change reaches it after corsPropagationMs. */
  private edgeCors(record: BucketOf): Record<string, string> {
    const changed = record.corsChanged;
    if (changed && Date.now() - changed.at < this.corsPropagationMs) return changed.previous;
    return record.cors;
  }

  /** The https address (with startTls), e.g. https://127.0.0.1:PORT: clients connect here with the real host as SNI and Host. */
  get tlsUrl(): string {
    const address = this.tlsServer?.address() as AddressInfo | null;
    if (!address) throw new Error('the media server does not serve TLS (startTls)');
    return `https://127.0.0.1:${address.port}`;
  }

  /**
   * Serves the same over TLS, as the edge does: each host's certificate is signed by the
   * run's CA (`certificates.ca` is what a client trusts) and made on first use.
   */
  async startTls(certificates: TestCertificates, port = 0): Promise<string> {
    const contexts = new Map<string, Promise<SecureContext>>();
    const fallback = createSecureContext({ key: certificates.key, cert: certificates.cert });
    this.tlsServer = createTlsServer(
      {
        key: certificates.key,
        cert: certificates.cert,
        SNICallback: (servername, done) => {
          const host = servername.toLowerCase();
          const served = this.certifiedHost(host);
          if (!served) return done(null, fallback);
          let context = contexts.get(served);
          if (!context) {
            context = issueCertificate(certificates, [host]).then((c) => createSecureContext(c));
            contexts.set(served, context);
          }
          context.then((c) => done(null, c)).catch((error: Error) => done(error));
        },
      },
      (req, res) => void this.handle(req, res),
    );
    this.tlsServer.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.tlsServer!.once('error', reject);
      this.tlsServer!.listen(port, '127.0.0.1', () => resolve());
    });
    return this.tlsUrl;
  }

  /**
   * The key under which a host's certificate is kept, when the edge has one for it: a
   * media-storage host always; a playback domain once its TLS subscription is issued (a
   * new issue, a new certificate).
   */
  private certifiedHost(host: string): string | undefined {
    if (MEDIA_STORAGE_HOST.test(host)) return host;
    for (const account of this.accounts()) {
      const domain = [...account.domains.values()].find((d) => d.domain_name.toLowerCase() === host);
      if (!domain) continue;
      const issued = [...account.tls.values()].find((t) => t.domain_id === domain.id && t.status === 'issued');
      return issued ? `${host}\n${issued.id}` : undefined;
    }
    return undefined;
  }

  /** The base URL, e.g. http://127.0.0.1:PORT: the value of the media-storage override. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('the media server is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<string> {
    this.server = createServer({ keepAlive: true }, (req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return this.url;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(
      [this.server, this.tlsServer].map(
        (server) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
      ),
    );
  }

  /** The local URL of a real media-storage (or vod domain) URL: the path-prefix form. */
  localUrl(realUrl: string): string {
    const url = new URL(realUrl);
    return `${this.url}/${url.hostname}${url.pathname}${url.search}`;
  }

  /** Stores an object in the bucket of that name (of `account`, or the first account that has it). */
  put(
    bucket: string,
    path: string,
    body: string | Buffer,
    contentType = contentTypeFor(path),
    account?: AccountState,
  ): void {
    const record = (account ? [account] : [...this.accounts()]).map((a) => a.buckets.get(bucket)).find(Boolean);
    if (!record) throw new Error(`no bucket ${bucket}`);
    record.objects.set(path, { body, contentType });
  }

  addFault(rule: MediaFaultRule): void {
    this.faults.push({ ...rule });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** The object paths read with GET, in order, optionally only those that answered `status`. */
  pathsRead(status?: number): string[] {
    return this.requests
      .filter((r) => r.method === 'GET' && (status === undefined || r.status === status))
      .map((r) => r.path);
  }

  private bucketFor(host: string): { name: string; record: BucketOf } | undefined {
    const storage = MEDIA_STORAGE_HOST.exec(host);
    for (const account of this.accounts()) {
      if (storage) {
        const record = account.buckets.get(storage[1]!);
        if (record && record.region === storage[2]) return { name: storage[1]!, record };
        continue;
      }
      const domain = [...account.domains.values()].find(
        (d) => d.type === 'vod' && d.domain_name.toLowerCase() === host,
      );
      const record = domain?.bucket_name ? account.buckets.get(domain.bucket_name) : undefined;
      if (record) return { name: domain!.bucket_name!, record };
    }
    return undefined;
  }

  private takeFault(path: string): MediaFault | undefined {
    const index = this.faults.findIndex((r) => !r.path || new RegExp(r.path).test(path));
    const rule = this.faults[index];
    if (!rule) return undefined;
    if (rule.times !== undefined && --rule.times <= 0) this.faults.splice(index, 1);
    return rule.fault;
  }

  /** The edge's copy (one per host and path): its age and the CORS headers it was cached with; a first read (a MISS) caches it now. */
  private fromCache(bucket: string, path: string, host: string, cors: Record<string, string>): Record<string, string> {
    const key = `${bucket}\n${path}\n${host}`;
    const now = this.now();
    const copy = this.cache.get(key);
    if (!copy) {
      this.cache.set(key, { at: now, cors });
      return { ...cors, 'x-cache': 'MISS', age: '0' };
    }
    return { ...copy.cors, 'x-cache': 'HIT', age: String(Math.max(0, Math.floor((now - copy.at) / 1000))) };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://media');
    const headerHost = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    let host: string;
    let rawPath: string;
    if (MEDIA_STORAGE_HOST.test(headerHost) || !/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(headerHost)) {
      host = headerHost;
      rawPath = url.pathname.slice(1);
    } else {
      const slash = url.pathname.indexOf('/', 1);
      host = (slash < 0 ? url.pathname.slice(1) : url.pathname.slice(1, slash)).toLowerCase();
      rawPath = slash < 0 ? '' : url.pathname.slice(slash + 1);
    }
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath;
    }
    const corsHeaders = Object.fromEntries(
      Object.entries(req.headers).filter(
        (e): e is [string, string] => /^(origin|access-control-request-.*)$/.test(e[0]) && typeof e[1] === 'string',
      ),
    );
    const record: MediaRequest = {
      seq: ++this.seq,
      method: req.method ?? 'GET',
      host,
      path,
      query: url.search,
      credentials: req.headers.authorization !== undefined || req.headers.cookie !== undefined,
      ...(Object.keys(corsHeaders).length ? { cors: corsHeaders } : {}),
      startedAt: Date.now(),
    };
    if (req.headers.range) record.range = req.headers.range;
    this.requests.push(record);
    res.on('close', () => (record.finishedAt = Date.now()));
    const send = (status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(record.method === 'HEAD' ? undefined : body);
    };
    const xml = { 'content-type': 'application/xml' };

    const fault = this.takeFault(path);
    if (this.latencyMs > 0) await delay(this.latencyMs);
    if (fault?.type === 'latency') await delay(fault.ms);
    if (fault?.type === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'status')
      return send(fault.status, xmlError('InjectedFault', `Injected HTTP ${fault.status}`), xml);
    if (fault?.type === 'body') return send(200, fault.body, { 'content-type': fault.contentType ?? 'text/plain' });

    const bucket = this.bucketFor(host);
    if (!bucket) return send(404, xmlError('NoSuchBucket', `No bucket is served at ${host}`), xml);
    record.bucket = bucket.name;
    const cors = this.edgeCors(bucket.record);
    if (record.method === 'OPTIONS') return send(200, '', { ...cors, allow: 'GET, HEAD, OPTIONS' });
    if (record.method !== 'GET' && record.method !== 'HEAD')
      return send(405, xmlError('MethodNotAllowed', 'Only GET and HEAD are served'), {
        ...cors,
        ...xml,
        allow: 'GET, HEAD, OPTIONS',
      });
    if (bucket.record.policy === 'authenticated' && !url.searchParams.has('auth'))
      return send(403, xmlError('AccessDenied', 'This bucket is authenticated: a signed URL (auth=...) is required'), {
        ...cors,
        ...xml,
      });
    const object = bucket.record.objects.get(path);
    if (!object) return send(404, xmlError('NoSuchKey', `No object ${path} in ${bucket.name}`), { ...cors, ...xml });
    const body = Buffer.isBuffer(object.body) ? object.body : Buffer.from(object.body, 'utf8');
    const headers: Record<string, string> = {
      ...this.fromCache(bucket.name, path, host, cors),
      'content-type': object.contentType,
      'accept-ranges': 'bytes',
      'cache-control': 'public, max-age=86400',
      etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`,
    };
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    if (req.headers.range && range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, body.length - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
      if (start > end || start >= body.length) return send(416, '', { 'content-range': `bytes */${body.length}` });
      return send(206, body.subarray(start, end + 1), {
        ...headers,
        'content-range': `bytes ${start}-${end}/${body.length}`,
      });
    }
    return send(200, body, headers);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
