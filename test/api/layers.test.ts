import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listDomains, QencodeClient, type RequestLogEntry } from '../../src/core';
import { Transport, withDeadline } from '../../src/core/transport';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';
import { useEmulator, failure } from './harness';

/*
 * src/core/http.ts is two layers: transport.ts, the wire, which knows nothing of
 * Qencode, and client.ts with reply.ts, Qencode's rules with the one retry loop that API calls
 * and token requests share. These tests hold each to its side of the cut.
 */
const env = useEmulator();

describe('the transport alone', () => {
  let server: Server;
  let url = '';
  const transport = new Transport({
    timeouts: { connectMs: 1000, headersMs: 1000, bodyMs: 1000 },
    maxResponseBytes: 1024,
  });
  const send = (path: string, signal = AbortSignal.timeout(5000)) =>
    transport.send({ operation: 'probe', method: 'GET', url: url + path, headers: {}, signal });

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/html-500')
        return void res
          .writeHead(500, { 'content-type': 'text/html', 'x-request-id': 'r1' })
          .end('<h1>{"error": 1}</h1>');
      if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(4096));
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 2000);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await transport.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('any status is a reply: a 500 with an HTML body comes back as status, headers and text, read by nobody', async () => {
    const statuses: number[] = [];
    const reply = await transport.send({
      operation: 'probe',
      method: 'GET',
      url: `${url}/html-500`,
      headers: {},
      signal: AbortSignal.timeout(5000),
      onStatus: (s) => statuses.push(s),
    });
    assert.equal(reply.status, 500);
    assert.equal(reply.headers['x-request-id'], 'r1');
    assert.equal(reply.text, '<h1>{"error": 1}</h1>');
    assert.deepEqual(statuses, [500], 'the status is told before the body is read');
  });

  it('a reply over the cap is invalid-response with its status; a refused connection is network; an abort is cancelled', async () => {
    const big = await failure(send('/big'));
    assert.equal(big.kind, 'invalid-response');
    assert.equal(big.status, 200);
    assert.equal(big.message, 'Probe failed: the reply is larger than 0.0009765625 MiB (HTTP 200).');

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await failure(
      transport.send({
        operation: 'probe',
        method: 'GET',
        url: `http://127.0.0.1:${port}/`,
        headers: {},
        signal: AbortSignal.timeout(5000),
      }),
    );
    assert.equal(refused.kind, 'network');
    assert.equal(refused.reason, 'the connection was refused');

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const cancelled = await failure(send('/slow', controller.signal));
    assert.equal(cancelled.kind, 'cancelled');
  });

  it('withDeadline: past the deadline a timeout, the caller aborting is cancelled', async () => {
    const timedOut = await failure(withDeadline('probe', 100, undefined, (s) => send('/slow', s)));
    assert.equal(timedOut.kind, 'timeout');
    assert.equal(timedOut.message, 'Probe failed: no complete reply within 1 s.');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const cancelled = await failure(withDeadline('probe', 5000, controller.signal, (s) => send('/slow', s)));
    assert.equal(cancelled.message, 'Probe was cancelled.');
  });
});

describe('one retry loop for API calls and token requests', () => {
  const attempts = (log: RequestLogEntry[], operation: string) =>
    log.filter((e) => e.operation === operation).map((e) => `${e.attempt}:${e.status ?? e.outcome}`);

  it('a token request and an API call retry alike: attempts 0 to 3, then the last error', async () => {
    const log: RequestLogEntry[] = [];
    env.emulator.addFault({ method: 'POST', path: '^/v1/access_token/', fault: { type: 'status', status: 503 } });
    const tokenError = await failure(env.makeClient({ onRequest: (e) => log.push(e) }).verifyApiKey());
    env.emulator.clearFaults();
    env.emulator.addFault({ method: 'GET', path: '^/v1/domains$', fault: { type: 'status', status: 503 } });
    const callError = await failure(listDomains(env.makeClient({ onRequest: (e) => log.push(e) })));
    assert.equal(tokenError.status, 503);
    assert.equal(callError.status, 503);
    assert.deepEqual(attempts(log, 'get access token'), ['0:503', '1:503', '2:503', '3:503', '0:200']);
    assert.deepEqual(attempts(log, 'list domains'), ['0:503', '1:503', '2:503', '3:503']);
  });

  it('a Retry-After past the cap is not waited for, on the token route as on an API call', async () => {
    env.emulator.addFault({
      method: 'POST',
      path: '^/v1/access_token/',
      fault: { type: 'rate-limit', retryAfter: 600 },
      times: 1,
    });
    const tokenError = await failure(env.makeClient({}).verifyApiKey());
    env.emulator.addFault({
      method: 'GET',
      path: '^/v1/domains$',
      fault: { type: 'rate-limit', retryAfter: 600 },
      times: 1,
    });
    const callError = await failure(listDomains(env.makeClient({})));
    for (const e of [tokenError, callError]) {
      assert.equal(e.kind, 'rate-limited');
      assert.match(e.reason, /^the API is busy; try again in 10 minutes$/);
    }
    assert.equal(env.emulator.requestsTo('POST', '^/v1/access_token/').filter((r) => r.status === 429).length, 1);
    assert.equal(env.emulator.requestsTo('GET', '^/v1/domains$').length, 1);
  });

  it('a fresh token resends as the same attempt; a token route missing at the base URL restarts the count at the fallback', async () => {
    const log: RequestLogEntry[] = [];
    env.emulator.addFault({
      method: 'GET',
      path: '^/v1/domains$',
      fault: { type: 'status', status: 401, body: { error: 5, message: 'Token expired' } },
      times: 1,
    });
    await listDomains(env.makeClient({ onRequest: (e) => log.push(e) }));
    assert.deepEqual(attempts(log, 'list domains'), ['0:401', '0:200']);

    const api = new Emulator({ seed: true, tokenRoute: false });
    const tokenOnly = new Emulator({ shareAccountsWith: api, apiRoutes: false });
    await Promise.all([api.start(), tokenOnly.start()]);
    const client = new QencodeClient({
      baseUrl: api.url,
      tokenFallbackUrl: tokenOnly.url,
      apiKey: () => DEMO_API_KEY,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      onRequest: (e) => log.push(e),
    });
    try {
      log.length = 0;
      tokenOnly.addFault({
        method: 'POST',
        path: '^/v1/access_token/',
        fault: { type: 'status', status: 503 },
        times: 1,
      });
      await client.verifyApiKey();
      assert.deepEqual(
        log.map((e) => `${e.attempt}:${e.status}:${e.host ?? 'base'}`),
        ['0:404:base', `0:503:${new URL(tokenOnly.url).origin}`, `1:200:${new URL(tokenOnly.url).origin}`],
      );
    } finally {
      await client.close();
      await Promise.all([api.stop(), tokenOnly.stop()]);
    }
  });
});
