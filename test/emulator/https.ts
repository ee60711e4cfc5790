import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { Server, Socket } from 'node:net';
import { generate } from 'selfsigned';

/*
 * TLS for the emulator and the bench: a certificate authority made for this run, and a
 * server certificate it signs for localhost, 127.0.0.1 and ::1. Clients trust the CA
 * (ClientOptions.ca, NODE_EXTRA_CA_CERTS, curl --cacert), as a user would trust a
 * company's root. Nothing is written to disk unless asked (writeCaFile).
 */
export interface TestCertificates {
  /** The CA certificate (PEM): what a client trusts. */
  ca: string;
  /** The server's certificate (PEM), signed by the CA. */
  cert: string;
  /** The server's private key (PEM). */
  key: string;
  /** The CA's private key (PEM): the emulator's edge signs the certificates of issued domains with it. */
  caKey: string;
}

/** Makes a new CA and a server certificate signed by it (EC P-256, valid from an hour ago for two days). */
export async function makeCertificates(hosts: { dns?: string[]; ips?: string[] } = {}): Promise<TestCertificates> {
  const notBeforeDate = new Date(Date.now() - 3_600_000);
  const notAfterDate = new Date(Date.now() + 2 * 86_400_000);
  const common = { keyType: 'ec' as const, curve: 'P-256' as const, algorithm: 'sha256', notBeforeDate, notAfterDate };
  const ca = await generate([{ name: 'commonName', value: 'Qencode CDN test CA' }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const dns = hosts.dns ?? ['localhost'];
  const ips = hosts.ips ?? ['127.0.0.1', '::1'];
  const server = await generate([{ name: 'commonName', value: dns[0] ?? ips[0] ?? 'localhost' }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...dns.map((value) => ({ type: 2 as const, value })),
          ...ips.map((ip) => ({ type: 7 as const, ip })),
        ],
      },
    ],
  });
  return { ca: ca.cert, cert: server.cert, key: server.private, caKey: ca.private };
}

/** A server certificate for `dns` names, signed by the run's CA (the edge's, for a host or an issued domain). */
export async function issueCertificate(
  authority: Pick<TestCertificates, 'ca' | 'caKey'>,
  dns: string[],
  days = 90,
): Promise<{ cert: string; key: string }> {
  const notBeforeDate = new Date(Date.now() - 3_600_000);
  const notAfterDate = new Date(Date.now() + days * 86_400_000);
  const issued = await generate([{ name: 'commonName', value: dns[0]! }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: authority.caKey, cert: authority.ca },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: dns.map((value) => ({ type: 2 as const, value })) },
    ],
  });
  return { cert: issued.cert, key: issued.private };
}

let shared: Promise<TestCertificates> | undefined;

/** One set of certificates per process, made on first use: every HTTPS emulator of a test run serves it. */
export function testCertificates(): Promise<TestCertificates> {
  shared ??= makeCertificates();
  return shared;
}

/** Writes the CA to `file` (for curl --cacert or NODE_EXTRA_CA_CERTS) and returns the path. */
export function writeCaFile(certificates: TestCertificates, file: string): string {
  writeFileSync(file, certificates.ca, { mode: 0o644 });
  return file;
}

export interface HttpsOptions {
  /** Offer h2 by ALPN (HTTP/1.1 stays available). Default true; false: an HTTP/1.1-only TLS server. */
  h2?: boolean;
  /** Default: testCertificates(). */
  certificates?: TestCertificates;
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The emulator's server: plain HTTP/1.1 without `https`; with it, TLS offering h2 and
 * HTTP/1.1 by ALPN (node:http2's compatibility API gives one handler both), or
 * HTTP/1.1 alone when `h2` is false.
 */
export async function createApiServer(https: boolean | HttpsOptions | undefined, handler: ApiHandler): Promise<Server> {
  if (!https) return createHttpServer({ keepAlive: true }, handler);
  const options = https === true ? {} : https;
  const { cert, key } = options.certificates ?? (await testCertificates());
  const server =
    options.h2 === false
      ? createHttpsServer({ cert, key, keepAlive: true }, handler)
      : // The compatibility request and response are used as http's: the emulator touches only what both have.
        createSecureServer(
          { cert, key, allowHTTP1: true },
          handler as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void,
        );
  // As node:http does by default: a reply's frames leave at once, not after the client's delayed ACK (Nagle).
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  return server;
}
