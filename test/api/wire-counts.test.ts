import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { purgeObject, runPool, type StoredToken } from '../../src/core';
import { SAMPLE } from '../emulator/sample-data';
import { expandAll, useTlsEmulator } from './tls-harness';

/*
 * What each scenario of issue 15 costs on the wire, counted, over TLS through a relay
 * (5 ms RTT): requests (the emulator's log), TCP connections and TLS handshakes (the
 * relay's ClientHello count). The bench times the same scenarios at 20 and 150 ms.
 */
const h2 = useTlsEmulator();
const paths = (n: number) => Array.from({ length: n }, (_, i) => `counts/${i}.ts`);
const purgeAll = (client: ReturnType<typeof h2.makeClient>, n: number) =>
  runPool(paths(n), 8, (p, s) => purgeObject(client, SAMPLE.mediaBucket, p, s), new AbortController().signal);

describe('wire counts, HTTP/2 server (ALPN offers h2 and HTTP/1.1)', () => {
  it('first use ever: 4 requests (token, 3 lists), 1 connection, 1 handshake, all h2', async () => {
    h2.reset();
    const kept: StoredToken[] = [];
    await expandAll(h2.makeClient({ onToken: (t) => kept.push(t) }));
    assert.deepEqual(h2.counts(), { requests: 4, connections: 1, handshakes: 1 });
    assert.deepEqual(
      h2.emulator.requests.map((r) => r.httpVersion),
      ['2.0', '2.0', '2.0', '2.0'],
    );
    assert.equal(kept.length, 1, 'the token is handed over, to keep');
    assert.ok(kept[0]!.expiresAt > Date.now() + 3_600_000);
  });

  it('cold start after a reload, token kept: 3 requests, no token request, 1 connection, 1 handshake', async () => {
    const token = await h2.makeClient().verifyApiKey();
    h2.reset();
    const told: StoredToken[] = [];
    await expandAll(h2.makeClient({ initialToken: token, onToken: (t) => told.push(t) }));
    assert.deepEqual(h2.counts(), { requests: 3, connections: 1, handshakes: 1 });
    assert.equal(h2.emulator.requestsTo('POST', '^/v1/access_token/').length, 0);
    assert.deepEqual(told, [], 'no new token to keep');
  });

  it('warm refresh: 3 requests over the open connection, no new connection or handshake', async () => {
    const client = h2.makeClient();
    await expandAll(client);
    h2.reset();
    await expandAll(client);
    assert.deepEqual(h2.counts(), { requests: 3, connections: 0, handshakes: 0 });
  });

  it('preconnect() opens the connection and sends nothing; the first expand then opens none', async () => {
    const token = await h2.makeClient().verifyApiKey();
    const client = h2.makeClient({ initialToken: token });
    h2.reset();
    assert.equal(await client.preconnect(), true);
    assert.deepEqual(h2.counts(), { requests: 0, connections: 1, handshakes: 1 });
    assert.equal(await client.preconnect(), true, 'a second call is a no-op');
    await expandAll(client);
    assert.deepEqual(h2.counts(), { requests: 3, connections: 1, handshakes: 1 });
  });

  it('a bulk purge at concurrency 8: one request per path, all over one connection', async () => {
    const client = h2.makeClient();
    await client.verifyApiKey();
    h2.reset();
    const result = await purgeAll(client, 40);
    assert.equal(result.done.length, 40);
    assert.deepEqual(
      h2.counts(),
      { requests: 40, connections: 0, handshakes: 0 },
      'the token’s connection carries them',
    );
    assert.ok(h2.emulator.maxInFlight >= 4, `purges run side by side on it (${h2.emulator.maxInFlight} at once)`);
  });

  it('a client without HTTP/2 gets HTTP/1.1 from the same server', async () => {
    h2.reset();
    await expandAll(h2.makeClient({ http2: false }));
    assert.ok(h2.emulator.requests.every((r) => r.httpVersion === '1.1'));
    assert.equal(h2.counts().requests, 4);
  });
});

describe('wire counts, HTTP/1.1-only server (the fallback)', () => {
  const h1 = useTlsEmulator({ https: { h2: false } });

  it('first use: 4 requests over HTTP/1.1, at most one connection per list in flight', async () => {
    h1.reset();
    const client = h1.makeClient();
    await expandAll(client);
    const c = h1.counts();
    assert.equal(c.requests, 4);
    assert.ok(h1.emulator.requests.every((r) => r.httpVersion === '1.1'));
    assert.ok(c.connections <= 3 && c.handshakes === c.connections, JSON.stringify(c));
    h1.reset();
    await expandAll(client);
    assert.deepEqual(h1.counts(), { requests: 3, connections: 0, handshakes: 0 }, 'a warm refresh reuses them');
  });

  it('a bulk purge at concurrency 8 opens at most 8 connections', async () => {
    const client = h1.makeClient();
    await client.verifyApiKey();
    h1.reset();
    const result = await purgeAll(client, 40);
    assert.equal(result.done.length, 40);
    assert.equal(h1.counts().requests, 40);
    assert.ok(h1.counts().connections <= 8, `${h1.counts().connections} connections`);
  });
});

describe('a kept token', () => {
  it('refused by the server (401) is replaced once, and the new one is handed over', async () => {
    const stale = await h2.makeClient().verifyApiKey();
    h2.emulator.addFault({
      path: '^/v1/domains$',
      fault: { type: 'status', status: 401, body: { error: 4, message: 'Invalid token' } },
      times: 1,
    });
    h2.reset();
    const told: StoredToken[] = [];
    const client = h2.makeClient({ initialToken: stale, onToken: (t) => told.push(t) });
    await expandAll(client);
    h2.emulator.clearFaults();
    assert.equal(h2.emulator.requestsTo('POST', '^/v1/access_token/').length, 1);
    assert.equal(h2.emulator.requestsTo('GET', '^/v1/domains$').length, 2);
    assert.equal(told.length, 1, 'the new token is handed over (the emulator signs the same one within a second)');
  });

  it('expired (or within the refresh margin) is not used', async () => {
    const token = await h2.makeClient().verifyApiKey();
    h2.reset();
    await expandAll(h2.makeClient({ initialToken: { value: token.value, expiresAt: Date.now() + 60_000 } }));
    assert.equal(h2.emulator.requestsTo('POST', '^/v1/access_token/').length, 1);
  });

  it("adding a key makes one token request: the check's token is the project's first", async () => {
    h2.reset();
    const token = await h2.makeClient().verifyApiKey();
    await expandAll(h2.makeClient({ initialToken: token }));
    assert.equal(h2.emulator.requestsTo('POST', '^/v1/access_token/').length, 1);
    assert.equal(typeof token.value, 'string');
    assert.ok(token.expiresAt > Date.now());
  });
});
