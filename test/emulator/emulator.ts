import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createApiServer, type HttpsOptions } from './https';
import { RateLimiter, type RateLimitOptions } from './rate-limit';
import { bucketName, corsHeaderName, corsPolicy, hostName, isDomainType, objectPath, signingKeyName } from './rules';
import { MediaServer, type MediaObject, type MediaServerOptions } from './media';
import { sampleData, type SampleData } from './sample-data';
import { CERTIFICATE_DAYS, TlsIssuer, type IssuerOptions } from './tls-issuer';

/*
 * A local Qencode Content Delivery API, faithful to the seed (shared/spec): the same
 * paths, bodies and response shapes as its examples. State lives in memory, one
 * account per API key. Choices where the seed is silent:
 * - Errors are Qencode-style bodies {error, message, error_description}; codes:
 *   1 invalid request, 2 bad API key, 4 bad token, 5 token expired, 8 busy,
 *   10 not found, 11 limit reached, 12 conflict, 14 required field missing.
 * - Deleting a domain deletes its TLS subscriptions (a certificate cannot outlive
 *   its domain); signing keys that named it stay, with a dangling domain_id.
 * - POST .../cors replaces the whole policy.
 * - A TLS subscription's `message` (the CNAME instruction) is in the create reply
 *   only, as in the seed's examples.
 * - Buckets cannot be listed or created through the API; an account knows the
 *   buckets it was seeded with or that a test added, and others get 404.
 */

export const DEMO_API_KEY = 'qencode-demo-key-0123456789abcdef';
export const MAX_DOMAINS = 20;
const CNAME_TARGET = 'j.sni.global.fastly.net.';

export interface EmulatorOptions {
  port?: number;
  apiKeys?: string[];
  tokenTtlSeconds?: number;
  /** Pending TLS subscriptions become `issued` after this delay; undefined: only via admin (or `dns`). */
  tlsIssueDelayMs?: number;
  /**
   * Issue certificates as Qencode does: once the domain's CNAME resolves to the
   * target at this DNS server; a CNAME pointing elsewhere fails after `failAfterMs`.
   */
  dns?: IssuerOptions;
  /** Added to every API request. */
  latencyMs?: number;
  seed?: boolean | SampleData;
  /** Serve the /_emulator/ admin routes over HTTP. The in-process API is always there. */
  admin?: boolean;
  /** false: POST /v1/access_token/{key} answers 404, as on a host whose token route lives elsewhere. Default true. */
  tokenRoute?: boolean;
  /** false: every route but the token route answers 404 (a token-only host). Default true. */
  apiRoutes?: boolean;
  /** Also serve the buckets' objects over HTTP, as media-storage hosts do (./media.ts): `emulator.media`. */
  media?: boolean | MediaServerOptions;
  /**
   * Share that emulator's accounts, token secret and canary lists, so each accepts the
   * other's tokens; the request log stays this one's. A token-only host for `main`:
   * `new Emulator({ shareAccountsWith: main, apiRoutes: false })`.
   */
  shareAccountsWith?: Emulator;
  /** Serve HTTPS with the run's test certificate (./https.ts): h2 and HTTP/1.1 by ALPN, or HTTP/1.1 alone with `{ h2: false }`. */
  https?: boolean | HttpsOptions;
  /** Refuse API requests past N per second with 429 and Retry-After (./rate-limit.ts); also settable later as `rateLimiter`. */
  rateLimit?: RateLimitOptions;
}

export type Fault =
  | { type: 'latency'; ms: number }
  | { type: 'status'; status: number; body?: unknown }
  | { type: 'rate-limit'; retryAfter: number; inBody?: boolean }
  | { type: 'reset' }
  | { type: 'reset-mid-body' }
  | { type: 'slow-headers'; ms: number }
  | { type: 'slow-body'; ms: number }
  | { type: 'malformed-json' }
  | { type: 'wrong-content-type' }
  | { type: 'oversized'; bytes: number }
  | { type: 'missing-fields' }
  | { type: 'extra-fields' }
  | { type: 'redirect'; location: string }
  /** A 200 whose body reports a failure, the way Qencode's other APIs do; the request is not acted on. `body` overrides `shape`. */
  | { type: 'error-in-200'; shape?: ErrorIn200Shape; body?: unknown }
  /** A successful reply wrapped in a success envelope: `error: 0` added at the top level. */
  | { type: 'success-envelope' };

/** The failure bodies Qencode's APIs send with a 200. */
export type ErrorIn200Shape = 'code' | 'true' | 'text' | 'status-error' | 'status-failed';
export const ERROR_IN_200_SHAPES: readonly ErrorIn200Shape[] = [
  'code',
  'true',
  'text',
  'status-error',
  'status-failed',
];

export function errorIn200Body(
  shape: ErrorIn200Shape = 'code',
  message = 'Injected failure in a 200 reply',
): Record<string, unknown> {
  if (shape === 'true') return { error: true, message };
  if (shape === 'text') return { error: message };
  if (shape === 'status-error') return { status: 'error', message };
  if (shape === 'status-failed') return { status: 'failed', message };
  return { error: 1, message };
}

export interface FaultRule {
  method?: string;
  /** A regular expression matched against the request path. */
  path?: string;
  fault: Fault;
  /** How many requests it applies to; unlimited when absent. */
  times?: number;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  body: unknown;
  /** An Authorization header was present. */
  hasAuth: boolean;
  authorization?: string;
  status?: number;
  startedAt: number;
  finishedAt?: number;
  /** '1.1' or '2.0'. */
  httpVersion?: string;
}

/** The records the emulator keeps: the seed's, and what the API adds to a TLS subscription over time. */
type DomainRecord = SampleData['domains'][number];
type TlsRecord = SampleData['tls'][number] & { message?: string; expires?: string; issueTimer?: NodeJS.Timeout };
type KeyRecord = SampleData['keys'][number];
interface BucketRecord {
  region: string;
  policy: 'public' | 'authenticated';
  cors: Record<string, string>;
  /** When `cors` was last changed, and what the edge served before it (the edge applies a change after a delay). */
  corsChanged?: { at: number; previous: Record<string, string> };
  objects: Map<string, MediaObject>;
}

/** A new CORS policy for a bucket: what the edge served until now is kept until the change reaches it. */
function setCors(bucket: BucketRecord, next: Record<string, string>): void {
  bucket.corsChanged = { at: Date.now(), previous: { ...bucket.cors } };
  bucket.cors = next;
}
export interface PurgeRecord {
  bucket: string;
  path: string | null;
  at: string;
}

export interface AccountState {
  domains: Map<string, DomainRecord>;
  tls: Map<string, TlsRecord>;
  keys: Map<string, KeyRecord>;
  buckets: Map<string, BucketRecord>;
  purges: PurgeRecord[];
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly description?: string,
  ) {
    super(message);
  }
}

const notFound = (what: string) => new ApiError(404, 10, `${what} not found`);
const invalid = (message: string, description?: string) => new ApiError(400, 1, message, description);
const missing = (field: string) => new ApiError(400, 14, `required field missing: ${field}`);

export function timestamp(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export class Emulator {
  readonly accounts: Map<string, AccountState>;
  readonly requests: RecordedRequest[] = [];
  private readonly faults: FaultRule[] = [];
  private readonly secret: Buffer;
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private issuer?: TlsIssuer;
  private seq = 0;
  private inFlight = 0;
  /** The most API requests in flight at once since the last reset. */
  maxInFlight = 0;
  latencyMs: number;
  tokenTtlSeconds: number;
  /** Every access token and private key this emulator handed out: canaries for leak scans. */
  readonly issuedTokens: string[];
  readonly issuedPrivateKeys: string[];
  /** A share of API requests (0 to 1) that get one of these faults at random: for soak tests. */
  randomFaults?: { rate: number; faults: Fault[] };
  /** The media server, when started with the `media` option. */
  media?: MediaServer;
  /** The rate limit in force, if any (the `rateLimit` option, or set by a test). */
  rateLimiter?: RateLimiter;

  constructor(private readonly options: EmulatorOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 24 * 3600;
    const shared = options.shareAccountsWith;
    this.accounts = shared?.accounts ?? new Map();
    this.secret = shared?.secret ?? randomBytes(32);
    this.issuedTokens = shared?.issuedTokens ?? [];
    this.issuedPrivateKeys = shared?.issuedPrivateKeys ?? [];
    for (const key of options.apiKeys ?? (shared ? [] : [DEMO_API_KEY])) this.addAccount(key);
    if (options.rateLimit) this.rateLimiter = new RateLimiter(options.rateLimit);
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('the emulator is not listening');
    return `${this.options.https ? 'https' : 'http'}://127.0.0.1:${address.port}`;
  }

  async start(): Promise<string> {
    if (this.options.dns) {
      this.issuer = new TlsIssuer(this.options.dns, CNAME_TARGET, timestamp);
      for (const account of this.accounts.values()) {
        for (const t of account.tls.values()) {
          const domain = account.domains.get(t.domain_id);
          if (t.status === 'pending' && domain) this.issuer.watch(t, domain.domain_name);
        }
      }
    }
    this.server = await createApiServer(this.options.https, (req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    if (this.options.media) {
      this.media = new MediaServer(() => this.accounts.values(), this.options.media === true ? {} : this.options.media);
      await this.media.start();
    }
    return this.url;
  }

  async stop(): Promise<void> {
    for (const account of this.accounts.values()) for (const t of account.tls.values()) clearTimeout(t.issueTimer);
    this.issuer?.stop();
    await this.media?.stop();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // ---- the in-process admin API (tests use it; /_emulator/ serves the same over HTTP) ----
  addAccount(apiKey: string, seed = this.options.seed): AccountState {
    const account: AccountState = {
      domains: new Map(),
      tls: new Map(),
      keys: new Map(),
      buckets: new Map(),
      purges: [],
    };
    this.accounts.set(apiKey, account);
    if (seed) this.load(account, seed === true ? sampleData() : seed);
    return account;
  }

  account(apiKey = this.options.apiKeys?.[0] ?? DEMO_API_KEY): AccountState {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error('no such account');
    return account;
  }

  addBucket(name: string, region = 'us-west', apiKey?: string): void {
    this.account(apiKey).buckets.set(name, { region, policy: 'public', cors: {}, objects: new Map() });
  }

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  clearRequests(): void {
    this.requests.length = 0;
    this.maxInFlight = this.inFlight;
  }

  /** API requests only, optionally filtered by method and a path regex. */
  requestsTo(method?: string, path?: string | RegExp): RecordedRequest[] {
    const re = typeof path === 'string' ? new RegExp(path) : path;
    return this.requests.filter((r) => (!method || r.method === method) && (!re || re.test(r.path)));
  }

  issueTls(id: string, status = 'issued'): void {
    for (const account of this.accounts.values()) {
      const t = account.tls.get(id);
      if (t) {
        clearTimeout(t.issueTimer);
        t.status = status;
        if (status === 'issued') t.expires = timestamp(new Date(Date.now() + CERTIFICATE_DAYS * 86_400_000));
        return;
      }
    }
    throw new Error(`no TLS subscription ${id}`);
  }

  load(account: AccountState, data: SampleData): void {
    for (const b of data.buckets)
      account.buckets.set(b.name, {
        region: b.region,
        policy: b.policy ?? 'public',
        cors: { ...(b.cors ?? {}) },
        objects: new Map((b.objects ?? []).map((o) => [o.path, { body: o.body, contentType: o.contentType }])),
      });
    for (const d of data.domains) account.domains.set(d.id, { ...d });
    for (const t of data.tls) account.tls.set(t.id, { ...t });
    for (const k of data.keys) account.keys.set(k.id, { ...k });
    account.purges.push(...data.purges);
  }

  // ---- tokens ----
  private sign(sub: string): string {
    const now = Math.floor(Date.now() / 1000);
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ iat: now, sub, exp: now + this.tokenTtlSeconds })}`;
    return `${head}.${createHmac('sha256', this.secret).update(head).digest('base64url')}`;
  }

  private verify(header: string | undefined): AccountState {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    if (!token) throw new ApiError(401, 4, 'Authorization header with a bearer token is required');
    const [h, p, s] = token.split('.');
    if (!h || !p || !s || createHmac('sha256', this.secret).update(`${h}.${p}`).digest('base64url') !== s) {
      throw new ApiError(401, 4, 'Invalid token');
    }
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { sub: string; exp: number };
    if (claims.exp * 1000 <= Date.now()) throw new ApiError(401, 5, 'Token expired');
    const account = this.accounts.get(claims.sub);
    if (!account) throw new ApiError(401, 4, 'Invalid token');
    return account;
  }

  // ---- HTTP ----
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const rawPath = url.pathname;
    if (rawPath.startsWith('/_emulator/')) return this.handleAdmin(req, res, rawPath);

    const record: RecordedRequest = {
      seq: ++this.seq,
      method: req.method ?? 'GET',
      path: rawPath,
      body: undefined,
      hasAuth: !!req.headers.authorization,
      startedAt: Date.now(),
    };
    if (req.headers.authorization) record.authorization = req.headers.authorization;
    record.httpVersion = req.httpVersion;
    this.requests.push(record);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => {
      this.inFlight--;
      record.finishedAt = Date.now();
    });
    res.setHeader('x-request-id', `emu-${record.seq}`);

    let text = '';
    try {
      text = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    // Recorded before any fault, so the log shows what was sent even when the reply is a fault.
    let bodyIsJson = true;
    if (text) {
      try {
        record.body = JSON.parse(text);
      } catch {
        bodyIsJson = false;
      }
    }
    const retryAfter = this.rateLimiter?.check(rawPath);
    if (retryAfter !== undefined)
      return this.send(
        res,
        record,
        429,
        { error: 8, message: 'Rate limit exceeded, try again later' },
        { 'retry-after': String(retryAfter) },
      );
    const fault = this.takeFault(record.method, rawPath);
    if (this.latencyMs > 0) await delay(this.latencyMs);
    if (fault?.type === 'latency') await delay(fault.ms);
    if (fault?.type === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'rate-limit') {
      return this.send(
        res,
        record,
        429,
        {
          error: 8,
          message: 'System busy, try again later',
          ...(fault.inBody ? { retry_after: fault.retryAfter } : {}),
        },
        fault.inBody ? {} : { 'retry-after': String(fault.retryAfter) },
      );
    }
    if (fault?.type === 'status')
      return this.send(res, record, fault.status, fault.body ?? { error: 1, message: `Injected HTTP ${fault.status}` });
    if (fault?.type === 'redirect') return this.send(res, record, 307, {}, { location: fault.location });
    if (fault?.type === 'error-in-200') return this.send(res, record, 200, fault.body ?? errorIn200Body(fault.shape));

    let status = 200;
    let body: unknown;
    try {
      if (!bodyIsJson) throw invalid('Request body is not valid JSON');
      body = this.route(req, record, decodePath(rawPath));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      status = error.status;
      body = {
        error: error.code,
        message: error.message,
        ...(error.description ? { error_description: error.description } : {}),
      };
    }
    if (fault?.type === 'slow-headers') await delay(fault.ms);
    return this.send(res, record, status, body, {}, fault);
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const random = this.randomFaults;
    if (random && random.faults.length && Math.random() < random.rate)
      return random.faults[Math.floor(Math.random() * random.faults.length)];
    const index = this.faults.findIndex(
      (r) => (!r.method || r.method === method) && (!r.path || new RegExp(r.path).test(path)),
    );
    const rule = this.faults[index];
    if (!rule) return undefined;
    if (rule.times !== undefined && --rule.times <= 0) this.faults.splice(index, 1);
    return rule.fault;
  }

  private send(
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    fault?: Fault,
  ): void {
    record.status = status;
    let text = JSON.stringify(body);
    let type = 'application/json';
    if (fault?.type === 'missing-fields') text = JSON.stringify(stripRequired(body));
    if (fault?.type === 'extra-fields') text = JSON.stringify(addExtra(body));
    if (
      fault?.type === 'success-envelope' &&
      status < 300 &&
      typeof body === 'object' &&
      body !== null &&
      !Array.isArray(body)
    )
      text = JSON.stringify({ error: 0, ...body });
    if (fault?.type === 'malformed-json') text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    if (fault?.type === 'wrong-content-type') {
      type = 'text/html';
      text = '<html><body>Service temporarily unavailable</body></html>';
    }
    if (fault?.type === 'oversized') text = JSON.stringify({ padding: 'x'.repeat(fault.bytes) });
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers });
    if (fault?.type === 'reset-mid-body') {
      res.write(text.slice(0, Math.floor(text.length / 2)));
      setTimeout(() => res.socket?.destroy(), 10);
      return;
    }
    if (fault?.type === 'slow-body') {
      res.write(text.slice(0, 1));
      setTimeout(() => res.end(text.slice(1)), fault.ms);
      return;
    }
    res.end(text);
  }

  private route(req: IncomingMessage, record: RecordedRequest, seg: string[]): unknown {
    const method = record.method;
    if (seg[0] !== 'v1') throw notFound('route');
    // Like many servers, it names the path it has no route for: the API key included, for the token route.
    const noRoute = () => new ApiError(404, 10, `No route for ${method} ${record.path}`);
    if (seg[1] === 'access_token' && this.options.tokenRoute === false) throw noRoute();
    if (seg[1] === 'access_token' && seg.length === 3 && method === 'POST') {
      if (!this.accounts.has(seg[2]!)) throw new ApiError(401, 2, 'Invalid API key');
      const token = this.sign(seg[2]!);
      this.issuedTokens.push(token);
      return { access_token: token };
    }
    if (this.options.apiRoutes === false) throw noRoute();
    const account = this.verify(req.headers.authorization);
    const body = (record.body ?? {}) as Record<string, unknown>;
    const [, resource, a, b, c] = seg;
    const n = seg.length;

    if (resource === 'domains') {
      if (n === 2 && method === 'GET') return { domains: [...account.domains.values()] };
      if (n === 2 && method === 'POST') return { domain: this.createDomain(account, body) };
      if (n === 3 && method === 'GET' && (a === 'live' || a === 'vod'))
        return { domains: [...account.domains.values()].filter((d) => d.type === a) };
      if (n === 3) {
        const domain = account.domains.get(a!);
        if (!domain) throw notFound('Domain');
        if (method === 'GET') return { domain };
        if (method === 'PUT') return { domain: this.updateDomain(account, domain, body) };
        if (method === 'DELETE') {
          account.domains.delete(domain.id);
          for (const t of [...account.tls.values()]) if (t.domain_id === domain.id) account.tls.delete(t.id);
          return { status: 'ok' };
        }
      }
    }
    if (resource === 'tls' && a === 'subscriptions') {
      if (n === 3 && method === 'GET') return { tls_subscriptions: [...account.tls.values()].map(tlsView) };
      if (n === 3 && method === 'POST') return { tls_subscription: this.createTls(account, body) };
      if (n === 4) {
        const t = account.tls.get(b!);
        if (!t) throw notFound('TLS subscription');
        if (method === 'GET') return { tls_subscription: tlsView(t) };
        if (method === 'DELETE') {
          clearTimeout(t.issueTimer);
          account.tls.delete(t.id);
          return { status: 'ok' };
        }
      }
    }
    if (resource === 'signing-keys') {
      if (n === 2 && method === 'GET') return { signing_keys: [...account.keys.values()] };
      if (n === 2 && method === 'POST') return { signing_key: this.createKey(account, body) };
      if (n === 3) {
        const key = account.keys.get(a!);
        if (!key) throw notFound('Signing key');
        if (method === 'GET') return { signing_key: key };
        if (method === 'PUT') {
          if (typeof body.name !== 'string' || !body.name.trim()) throw missing('name');
          key.name = body.name;
          return { signing_key: key };
        }
        if (method === 'DELETE') {
          account.keys.delete(key.id);
          return { status: 'ok' };
        }
      }
    }
    if (resource === 'buckets' && a) {
      const bucket = account.buckets.get(a);
      if (!bucket) throw notFound('Bucket');
      if (b === 'policy' && n === 5 && method === 'PUT') {
        if (c !== 'public' && c !== 'authenticated')
          throw invalid(`Unknown policy "${c}"`, "Policy name can either be 'public' or 'authenticated'");
        bucket.policy = c;
        return { status: 'ok' };
      }
      if (b === 'cors' && n === 4) {
        if (method === 'GET') return bucket.cors;
        if (method === 'DELETE') {
          setCors(bucket, {});
          return { status: 'ok' };
        }
        if (method === 'POST') {
          const policy = corsPolicy(record.body);
          if (!policy.ok) throw invalid('Invalid CORS policy', policy.message);
          setCors(bucket, policy.value);
          return { status: 'ok' };
        }
      }
      if (b === 'cors' && n === 5 && method === 'DELETE') {
        if (!corsHeaderName(c!).ok) throw invalid('Invalid CORS header name');
        if (!Object.hasOwn(bucket.cors, c!)) throw notFound('CORS header');
        const next = { ...bucket.cors };
        delete next[c!];
        setCors(bucket, next);
        return { status: 'ok' };
      }
      if (b === 'cache' && n === 5 && method === 'POST') {
        if (c === 'purge_all') {
          account.purges.push({ bucket: a, path: null, at: timestamp() });
          this.media?.purge(a, null);
          return { status: 'ok' };
        }
        if (c === 'purge') {
          if (typeof body.path !== 'string') throw missing('path');
          const v = objectPath(body.path);
          if (!v.ok) throw new ApiError(422, 1, v.message);
          account.purges.push({ bucket: a, path: v.value, at: timestamp() });
          this.media?.purge(a, v.value);
          return { status: 'ok' };
        }
      }
    }
    throw new ApiError(404, 10, `No route for ${method} ${record.path}`);
  }

  private createDomain(account: AccountState, body: Record<string, unknown>): DomainRecord {
    if (typeof body.name !== 'string') throw missing('name');
    if (typeof body.type !== 'string') throw missing('type');
    if (!isDomainType(body.type))
      throw new ApiError(422, 1, `Unknown domain type "${body.type}"`, "type is 'live' or 'vod'");
    const v = hostName(body.name);
    if (!v.ok) throw new ApiError(422, 1, 'Invalid domain name', v.message);
    if ([...account.domains.values()].some((d) => d.domain_name.toLowerCase() === v.value.toLowerCase()))
      throw new ApiError(409, 12, `Domain ${v.value} already exists`);
    if (account.domains.size >= MAX_DOMAINS)
      throw new ApiError(
        409,
        11,
        `Domain limit reached: at most ${MAX_DOMAINS} custom domains; contact support for more`,
      );
    const domain: DomainRecord = { created: timestamp(), id: randomUUID(), type: body.type, domain_name: v.value };
    account.domains.set(domain.id, domain);
    return domain;
  }

  private updateDomain(account: AccountState, domain: DomainRecord, body: Record<string, unknown>): DomainRecord {
    if (domain.type === 'live')
      throw new ApiError(422, 1, 'Live domains cannot be updated', 'Delete the domain and create a new one');
    if (typeof body.bucket_name !== 'string') throw missing('bucket_name');
    const bucket = bucketName(body.bucket_name);
    if (!bucket.ok) throw new ApiError(422, 1, 'Invalid bucket name', bucket.message);
    if (!account.buckets.has(body.bucket_name)) throw new ApiError(422, 1, `Bucket ${body.bucket_name} not found`);
    domain.bucket_name = body.bucket_name;
    return {
      bucket_name: domain.bucket_name,
      created: domain.created,
      id: domain.id,
      type: domain.type,
      domain_name: domain.domain_name,
    };
  }

  private createTls(account: AccountState, body: Record<string, unknown>): TlsRecord & { message: string } {
    if (typeof body.domain_id !== 'string') throw missing('domain_id');
    const domain = account.domains.get(body.domain_id);
    if (!domain) throw new ApiError(422, 1, `Domain ${body.domain_id} not found`);
    // A failed or expired subscription may be renewed by a new one; a live one may not be doubled.
    if (
      [...account.tls.values()].some(
        (t) => t.domain_id === domain.id && t.status !== 'failed' && t.status !== 'expired',
      )
    ) {
      throw new ApiError(409, 12, `Domain ${domain.domain_name} already has a TLS subscription`);
    }
    const t: TlsRecord = { status: 'pending', created: timestamp(), domain_id: domain.id, id: randomUUID() };
    if (this.options.tlsIssueDelayMs !== undefined) {
      t.issueTimer = setTimeout(() => (t.status = 'issued'), this.options.tlsIssueDelayMs);
      t.issueTimer.unref();
    }
    account.tls.set(t.id, t);
    this.issuer?.watch(t, domain.domain_name);
    return {
      ...tlsView(t),
      message: `TLS subscription created. You should verify your domain ownership. Create a CNAME for '${domain.domain_name}' and point it to '${CNAME_TARGET}'.`,
    };
  }

  private createKey(account: AccountState, body: Record<string, unknown>): KeyRecord & { private_key: string } {
    const targets = ['stream_id', 'domain_id', 'bucket_name'].filter((k) => body[k] !== undefined);
    if (targets.length === 0) throw missing('stream_id, domain_id or bucket_name');
    if (targets.length > 1) throw invalid('Give only one of stream_id, domain_id and bucket_name');
    if (body.name !== undefined && body.name !== null && !signingKeyName(body.name).ok)
      throw new ApiError(422, 1, 'Invalid name', 'name is a string');
    const key: KeyRecord = {
      created: timestamp(),
      id: randomUUID(),
      name: typeof body.name === 'string' ? body.name : null,
    };
    if (typeof body.stream_id === 'string') key.stream_id = body.stream_id;
    else if (typeof body.domain_id === 'string') {
      const domain = account.domains.get(body.domain_id);
      if (!domain) throw new ApiError(422, 1, `Domain ${body.domain_id} not found`);
      if (domain.type !== 'live')
        throw new ApiError(422, 1, 'A signing key can be bound to a live playback domain only');
      key.domain_id = domain.id;
    } else if (typeof body.bucket_name === 'string') {
      if (!account.buckets.has(body.bucket_name)) throw new ApiError(422, 1, `Bucket ${body.bucket_name} not found`);
      key.bucket_name = body.bucket_name;
    } else throw invalid('stream_id, domain_id and bucket_name are strings');
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    account.keys.set(key.id, key);
    this.issuedPrivateKeys.push(privateKey);
    return { ...key, private_key: privateKey };
  }

  // ---- /_emulator/ admin over HTTP (for the CLI, the demo and curl) ----
  private async handleAdmin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!this.options.admin) return json(404, { error: 10, message: 'admin routes are disabled (start with --admin)' });
    const body: Record<string, unknown> = await readBody(req)
      .then((t) => (t ? (JSON.parse(t) as Record<string, unknown>) : {}))
      .catch(() => ({}));
    const route = `${req.method} ${path}`;
    if (route === 'GET /_emulator/requests')
      return json(200, { requests: this.requests, maxInFlight: this.maxInFlight });
    if (route === 'DELETE /_emulator/requests') return (this.clearRequests(), json(200, { status: 'ok' }));
    if (route === 'POST /_emulator/faults')
      return (this.addFault(body as unknown as FaultRule), json(200, { status: 'ok' }));
    if (route === 'DELETE /_emulator/faults') return (this.clearFaults(), json(200, { status: 'ok' }));
    if (route === 'POST /_emulator/latency')
      return ((this.latencyMs = Number(body.ms) || 0), json(200, { status: 'ok' }));
    if (route === 'GET /_emulator/state') {
      const state = Object.fromEntries(
        [...this.accounts.entries()].map(([key, a], i) => [
          `account${i + 1}`,
          {
            apiKeyLength: key.length,
            domains: [...a.domains.values()],
            tls: [...a.tls.values()].map(tlsView),
            keys: [...a.keys.values()],
            buckets: Object.fromEntries(a.buckets),
            purges: a.purges,
          },
        ]),
      );
      return json(200, state);
    }
    const issue = /^POST \/_emulator\/tls\/([^/]+)\/issue$/.exec(route);
    if (issue) {
      try {
        this.issueTls(decodeURIComponent(issue[1]!), typeof body.status === 'string' ? body.status : 'issued');
        return json(200, { status: 'ok' });
      } catch {
        return json(404, { error: 10, message: 'TLS subscription not found' });
      }
    }
    if (route === 'POST /_emulator/edge' && this.media) {
      if (typeof body.corsPropagationMs === 'number') this.media.corsPropagationMs = body.corsPropagationMs;
      if (typeof body.clockOffsetMs === 'number') this.media.clockOffsetMs = body.clockOffsetMs;
      return json(200, { status: 'ok' });
    }
    if (route === 'POST /_emulator/buckets' && typeof body.name === 'string') {
      for (const key of this.accounts.keys())
        this.addBucket(body.name, typeof body.region === 'string' ? body.region : 'us-west', key);
      return json(200, { status: 'ok' });
    }
    return json(404, { error: 10, message: `no admin route ${route}` });
  }
}

function tlsView(t: TlsRecord) {
  // The CNAME instructions are in the create reply only; a failure's reason and an expiry date show when there is one.
  return {
    status: t.status,
    created: t.created,
    domain_id: t.domain_id,
    id: t.id,
    ...(t.status === 'failed' && t.message ? { message: t.message } : {}),
    ...(t.expires ? { expires: t.expires } : {}),
  };
}

/** Splits the raw path into decoded segments; an encoded "/" stays inside its segment. */
function decodePath(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) reject(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Drops `id`, `created`, `domain_name` and `access_token` wherever they appear. */
function stripRequired(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(stripRequired);
  if (typeof body !== 'object' || body === null) return body;
  return Object.fromEntries(
    Object.entries(body)
      .filter(([k]) => !['id', 'created', 'domain_name', 'access_token'].includes(k))
      .map(([k, v]) => [k, stripRequired(v)]),
  );
}

function addExtra(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(addExtra);
  if (typeof body !== 'object' || body === null) return body;
  return {
    ...Object.fromEntries(Object.entries(body).map(([k, v]) => [k, addExtra(v)])),
    x_unexpected: { nested: [1, 2, 3] },
    another_field: 'ignored',
  };
}
