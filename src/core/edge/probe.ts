import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { ClientRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import { checkServerIdentity, connect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { QencodeError } from '../errors';
import type { HeaderList } from './cors-check';

/*
 * One look at what the edge serves for a URL: a request that reads no body, over a
 * connection whose phases are timed (DNS, TCP, TLS, first byte) and whose certificate is
 * kept, verified by hand so a wrong one is reported (names, issuer, expiry) rather than
 * only refused. https only; redirects are reported, never followed; no cookie, no
 * credentials, no key and no token is ever sent (only the headers the caller names).
 * Bounded: a deadline for the whole look, at most PROBE_LIMITS.bodyBytes read of a body,
 * at most PROBE_LIMITS.headers headers kept.
 */

export const PROBE_LIMITS = {
  /** The whole look: connect, TLS, request, first byte. */
  deadlineMs: 20_000,
  /** A connection's TCP and TLS handshakes together. */
  handshakeMs: 10_000,
  /** Of a GET's body (sent when a host refuses HEAD): enough to see it starts. */
  bodyBytes: 64,
  headers: 100,
  headerValueChars: 2048,
} as const;

export interface CertificateInfo {
  subject: string;
  /** The DNS names it covers (subjectAltName), in order. */
  names: string[];
  issuer: string;
  validFrom: Date;
  validTo: Date;
  fingerprint256: string;
}

export interface ProbeTimings {
  /** Undefined on a connection kept from before (or a connection to an address, with no lookup). */
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  /** From the request sent to the first byte of the answer. */
  firstByteMs: number;
  totalMs: number;
  /** The look went over a connection kept from an earlier one. */
  reused: boolean;
}

export interface ProbeResult {
  url: string;
  method: string;
  status: number;
  statusText: string;
  /** As the edge sent them, in order (at most PROBE_LIMITS.headers, values clipped). */
  headers: HeaderList;
  timings: ProbeTimings;
  certificate?: CertificateInfo;
  /** The address connected to. */
  remoteAddress?: string;
  /** HEAD was refused (405 or 501), so a GET of one byte was sent instead. */
  fellBackToGet: boolean;
}

/** The TLS handshake gave a certificate this client does not trust for the host: what it was, and why. */
export class CertificateProblem extends Error {
  constructor(
    readonly reason: string,
    readonly certificate: CertificateInfo | undefined,
  ) {
    super(`the certificate presented is not trusted for this host: ${reason}`);
    this.name = 'CertificateProblem';
  }
}

export interface ProbeOptions {
  method?: 'HEAD' | 'GET' | 'OPTIONS';
  /** Sent as given, and nothing else but Host, User-Agent and Accept. */
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Connections kept between looks (EdgeAgent); one of its own otherwise, closed after. */
  agent?: EdgeAgent;
}

/** Where to connect instead of the URL's host: the emulator or the bench's relay. */
export interface ConnectTarget {
  host: string;
  port: number;
}

interface SocketFacts {
  started: number;
  lookup?: number;
  connect?: number;
  secure?: number;
  certificate?: CertificateInfo;
  used: boolean;
}

const facts = new WeakMap<Socket, SocketFacts>();

function certificateInfo(cert: PeerCertificate | undefined): CertificateInfo | undefined {
  if (!cert || !cert.subject) return undefined;
  const names = (cert.subjectaltname ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.startsWith('DNS:'))
    .map((n) => n.slice(4));
  const name = (x: Record<string, unknown> | undefined) =>
    x ? String(x.CN ?? x.O ?? Object.values(x).map(String).join(' ')) : '';
  return {
    subject: name(cert.subject as unknown as Record<string, unknown>),
    names,
    issuer: name(cert.issuer as unknown as Record<string, unknown>),
    validFrom: new Date(cert.valid_from),
    validTo: new Date(cert.valid_to),
    fingerprint256: cert.fingerprint256 ?? '',
  };
}

/**
 * Keep-alive connections to edge hosts, each verified by hand: the handshake is timed,
 * its certificate kept, and a socket is handed to a request only once its certificate
 * is trusted for the host. `connectTo` sends every connection to one address (SNI and
 * Host stay the real host's); `ca` adds a trusted root (the emulator's).
 */
export class EdgeAgent extends Agent {
  constructor(
    private readonly edge: { connectTo?: ConnectTarget; ca?: string } = {},
    options: AgentOptions = {},
  ) {
    super({ keepAlive: true, maxSockets: 8, timeout: 30_000, ...options });
  }

  override createConnection(
    options: RequestOptions,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): undefined {
    const done = (error: Error | null, socket?: Socket) => callback?.(error, socket as Duplex);
    const host = String(options.servername || options.host).replace(/^\[(.*)\]$/, '$1');
    const record: SocketFacts = { started: performance.now(), used: false };
    const socket: TLSSocket = connect({
      ...(options as ConnectionOptions),
      ...(this.edge.connectTo ? { host: this.edge.connectTo.host, port: this.edge.connectTo.port } : {}),
      // SNI names a host, never an address (RFC 6066).
      ...(isIP(host) ? {} : { servername: host }),
      ...(this.edge.ca ? { ca: this.edge.ca } : {}),
      // Verified below, by hand: a certificate that is refused is still described.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    facts.set(socket, record);
    socket.once('lookup', () => (record.lookup = performance.now()));
    socket.once('connect', () => (record.connect = performance.now()));
    let settled = false;
    // A server that accepts and then says nothing must not hold the look: the handshake has its own deadline.
    const timer = setTimeout(
      () => settle(new Error(`no TLS handshake within ${PROBE_LIMITS.handshakeMs / 1000} s`)),
      PROBE_LIMITS.handshakeMs,
    );
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        done(error);
      } else done(null, socket);
    };
    socket.once('secureConnect', () => {
      record.secure = performance.now();
      const peer = socket.getPeerCertificate();
      record.certificate = certificateInfo(peer);
      settle(
        socket.authorized && !checkServerIdentity(host, peer)
          ? null
          : new CertificateProblem(untrusted(host, socket, peer), record.certificate),
      );
    });
    socket.once('error', (error) => settle(error));
    return undefined;
  }
}

/** Why a certificate is not trusted for the host, in words. */
function untrusted(host: string, socket: TLSSocket, peer: PeerCertificate): string {
  const code = String(socket.authorizationError ?? '');
  const identity = checkServerIdentity(host, peer);
  if (identity || code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `it does not name ${host} (it names ${peer.subjectaltname || peer.subject?.CN || 'nothing'})`;
  if (code === 'CERT_HAS_EXPIRED') return `it expired on ${new Date(peer.valid_to).toISOString().slice(0, 10)}`;
  if (code === 'CERT_NOT_YET_VALID')
    return `it is valid only from ${new Date(peer.valid_from).toISOString().slice(0, 10)}`;
  if (/SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF/.test(code))
    return `it is not signed by an authority this machine trusts (${code})`;
  return code || 'it is not trusted';
}

function timingsOf(socket: Socket, sentAt: number, firstByteAt: number, endedAt: number): ProbeTimings {
  const f = facts.get(socket);
  const reused = !f || f.used;
  if (f) f.used = true;
  if (reused) return { firstByteMs: firstByteAt - sentAt, totalMs: endedAt - sentAt, reused: true };
  const afterLookup = f.lookup ?? f.started;
  return {
    ...(f.lookup !== undefined ? { dnsMs: f.lookup - f.started } : {}),
    ...(f.connect !== undefined ? { connectMs: f.connect - afterLookup } : {}),
    ...(f.secure !== undefined ? { tlsMs: f.secure - (f.connect ?? afterLookup) } : {}),
    firstByteMs: firstByteAt - Math.max(sentAt, f.secure ?? sentAt),
    totalMs: endedAt - f.started,
    reused: false,
  };
}

function keptHeaders(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length && out.length < PROBE_LIMITS.headers; i += 2)
    out.push([raw[i]!, raw[i + 1]!.slice(0, PROBE_LIMITS.headerValueChars)]);
  return out;
}

/** One request; the answer's head, and at most PROBE_LIMITS.bodyBytes of its body, discarded. */
function send(url: URL, method: string, headers: Record<string, string>, agent: EdgeAgent, signal: AbortSignal) {
  return new Promise<{
    response: IncomingMessage;
    socket: Socket;
    sentAt: number;
    firstByteAt: number;
    endedAt: number;
  }>((resolve, reject) => {
    const sentAt = performance.now();
    // A ClientRequest, not https.request: VS Code's extension host replaces the agent of https.request
    // calls (its proxy support), and a look at the edge must go to the edge, over this agent's verified sockets.
    const options = {
      protocol: 'https:',
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || 443,
      path: `${url.pathname}${url.search}`,
      method,
      headers,
      agent,
      signal,
    };
    // Until a connection is made the request has no socket for the signal to close: it fails at once, and a
    // connection that comes later is closed (the agent's handshake deadline bounds it too).
    const abort = () => {
      req.destroy();
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const req = new ClientRequest(options, (response) => {
      signal.removeEventListener('abort', abort);
      const firstByteAt = performance.now();
      let read = 0;
      const finish = () => resolve({ response, socket: req.socket!, sentAt, firstByteAt, endedAt: performance.now() });
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        // Not a byte more than needed: the connection goes, the answer is kept.
        if (read > PROBE_LIMITS.bodyBytes) {
          response.destroy();
          finish();
        }
      });
      response.once('end', finish);
      response.once('error', finish);
    });
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    req.once('error', (error) => {
      signal.removeEventListener('abort', abort);
      reject(error);
    });
    req.end();
  });
}

/**
 * A HEAD (or the method asked for) to the URL; where the host refuses HEAD (405, 501), a
 * GET of one byte instead. Throws a CertificateProblem when the certificate is not trusted
 * for the host, a QencodeError('invalid-input') for a URL that is not https, and the
 * network's error otherwise (a timeout as QencodeError('timeout')).
 */
export async function probeUrl(rawUrl: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const url = new URL(rawUrl);
  if (url.protocol !== 'https:')
    throw new QencodeError({
      kind: 'invalid-input',
      operation: 'checkUrl',
      reason: `only https addresses are checked, not ${url.protocol}`,
    });
  if (url.username || url.password)
    throw new QencodeError({
      kind: 'invalid-input',
      operation: 'checkUrl',
      reason: 'an address with credentials in it is not checked',
    });
  url.hash = '';
  const agent = options.agent ?? new EdgeAgent();
  const deadline = AbortSignal.timeout(PROBE_LIMITS.deadlineMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const headers = { 'user-agent': 'qencode-cdn-vscode', accept: '*/*', ...(options.headers ?? {}) };
  const method = options.method ?? 'HEAD';
  try {
    let fellBackToGet = false;
    let answer = await send(url, method, headers, agent, signal);
    if (method === 'HEAD' && (answer.response.statusCode === 405 || answer.response.statusCode === 501)) {
      fellBackToGet = true;
      answer = await send(url, 'GET', { ...headers, range: 'bytes=0-0' }, agent, signal);
    }
    const { response, socket } = answer;
    const certificate = facts.get(socket)?.certificate;
    return {
      url: url.href,
      method: fellBackToGet ? 'GET' : method,
      status: response.statusCode ?? 0,
      statusText: response.statusMessage ?? '',
      headers: keptHeaders(response.rawHeaders),
      timings: timingsOf(socket, answer.sentAt, answer.firstByteAt, answer.endedAt),
      ...(certificate ? { certificate } : {}),
      ...(socket.remoteAddress ? { remoteAddress: socket.remoteAddress } : {}),
      fellBackToGet,
    };
  } catch (error) {
    if (options.signal?.aborted)
      throw new QencodeError({ kind: 'cancelled', operation: 'checkUrl', reason: 'cancelled' });
    if (deadline.aborted)
      throw new QencodeError({
        kind: 'timeout',
        operation: 'checkUrl',
        reason: `no answer from ${url.host} within ${PROBE_LIMITS.deadlineMs / 1000} s`,
      });
    throw error;
  } finally {
    if (!options.agent) agent.destroy();
  }
}
