import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import {
  checkBaseUrl,
  getDomain,
  isQencodeError,
  listDomains,
  purgeObject,
  QencodeClient,
  createDomain,
  redact,
  redactPath,
  type RequestLogEntry,
} from '../../src/core';
import { SAMPLE } from '../emulator/sample-data';
import { useEmulator, failure } from './harness';

const env = useEmulator();
const domainGets = () => env.emulator.requestsTo('GET', '^/v1/domains$');

describe('retries', () => {
  it('a GET is retried on 503 and then succeeds', async () => {
    env.emulator.addFault({ path: '^/v1/domains$', fault: { type: 'status', status: 503 }, times: 2 });
    assert.equal((await listDomains(env.client)).length, 4);
    assert.deepEqual(
      domainGets().map((r) => r.status),
      [503, 503, 200],
    );
  });

  it('gives up after 3 retries with the last error', async () => {
    env.emulator.addFault({ path: '^/v1/domains$', fault: { type: 'status', status: 502 } });
    const e = await failure(listDomains(env.client));
    assert.equal(e.status, 502);
    assert.equal(domainGets().length, 4);
  });

  it('a 500 is retried; a 501 or a 4xx is not', async () => {
    env.emulator.addFault({ path: '^/v1/domains$', fault: { type: 'status', status: 500 }, times: 1 });
    assert.equal((await listDomains(env.client)).length, 4);
    assert.deepEqual(
      domainGets().map((r) => r.status),
      [500, 200],
    );
    env.emulator.clearRequests();
    env.emulator.addFault({ path: '^/v1/domains$', fault: { type: 'status', status: 501 } });
    const e = await failure(listDomains(env.client));
    assert.equal(e.message, 'List domains failed: Injected HTTP 501 (HTTP 501).');
    assert.equal(domainGets().length, 1);
  });

  it('a create is never retried, whatever the failure', async () => {
    env.emulator.addFault({ path: '^/v1/domains$', method: 'POST', fault: { type: 'status', status: 503 } });
    await failure(createDomain(env.client, { name: 'new.example.com', type: 'live' }));
    assert.equal(env.emulator.requestsTo('POST', '^/v1/domains$').length, 1);
  });

  it('a purge is retried: it is an idempotent intent', async () => {
    env.emulator.addFault({ path: '/cache/purge$', fault: { type: 'reset' }, times: 1 });
    await purgeObject(env.client, SAMPLE.mediaBucket, 'a.m3u8');
    assert.equal(env.emulator.requestsTo('POST', '/cache/purge$').length, 2);
  });

  it('429 honours Retry-After', async () => {
    env.emulator.addFault({ path: '^/v1/domains$', fault: { type: 'rate-limit', retryAfter: 1 }, times: 1 });
    const started = Date.now();
    await listDomains(env.client);
    assert.ok(Date.now() - started >= 950, 'waited about a second');
    assert.deepEqual(
      domainGets().map((r) => r.status),
      [429, 200],
    );
  });

  it("Qencode's retry_after in the body is honoured too", async () => {
    env.emulator.addFault({
      path: '^/v1/domains$',
      fault: { type: 'rate-limit', retryAfter: 1, inBody: true },
      times: 1,
    });
    const started = Date.now();
    await listDomains(env.client);
    assert.ok(Date.now() - started >= 950);
  });

  it('a Retry-After beyond the cap is not waited for: the user is told when to try again', async () => {
    env.emulator.addFault({ path: '^/v1/domains$', fault: { type: 'rate-limit', retryAfter: 600 } });
    const e = await failure(listDomains(env.client));
    assert.equal(e.kind, 'rate-limited');
    assert.equal(e.retryAfter, 600);
    assert.match(e.message, /try again in 10 minutes/);
    assert.equal(domainGets().length, 1);
  });
});

describe('faults become clear errors', () => {
  it('connection refused', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const client = env.makeClient({ baseUrl: `http://127.0.0.1:${port}` });
    const e = await failure(client.verifyApiKey());
    assert.equal(e.kind, 'network');
    assert.match(e.message, /Get access token failed: the connection was refused\./);
  });

  it('malformed JSON', async () => {
    env.emulator.addFault({ path: '^/v1/domains/', fault: { type: 'malformed-json' } });
    const e = await failure(getDomain(env.client, SAMPLE.liveDomainId));
    assert.equal(e.kind, 'invalid-response');
    assert.match(e.message, /^Get domain failed: the reply is not JSON \(application\/json\) \(HTTP 200\)\.$/);
  });

  it('a wrong content type', async () => {
    env.emulator.addFault({ path: '^/v1/domains/', fault: { type: 'wrong-content-type' } });
    const e = await failure(getDomain(env.client, SAMPLE.liveDomainId));
    assert.match(e.message, /the reply is not JSON \(text\/html\)/);
  });

  it('missing required fields name the path at fault', async () => {
    env.emulator.addFault({ path: '^/v1/domains/', fault: { type: 'missing-fields' } });
    const e = await failure(getDomain(env.client, SAMPLE.liveDomainId));
    assert.equal(e.kind, 'invalid-response');
    assert.match(e.message, /unexpected shape: domain\.id: /);
  });

  it('extra fields are ignored', async () => {
    env.emulator.addFault({ path: '^/v1/domains/', fault: { type: 'extra-fields' } });
    assert.equal((await getDomain(env.client, SAMPLE.liveDomainId)).name, 'live.example-tv.com');
  });

  it('an oversized body is cut off at the cap', async () => {
    const client = env.makeClient({ maxResponseBytes: 64 * 1024 });
    env.emulator.addFault({ path: '^/v1/domains/', fault: { type: 'oversized', bytes: 200 * 1024 } });
    const e = await failure(getDomain(client, SAMPLE.liveDomainId));
    assert.match(e.message, /larger than 0\.0625 MiB|larger than/);
    assert.equal(e.kind, 'invalid-response');
  });

  it('slow headers past the timeout', async () => {
    const client = env.makeClient({ timeouts: { headersMs: 200 }, retry: { maxRetries: 0 } });
    env.emulator.addFault({ path: '^/v1/domains/', fault: { type: 'slow-headers', ms: 1000 } });
    const e = await failure(getDomain(client, SAMPLE.liveDomainId));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /did not answer in time/);
  });

  it('a stalled body past the body timeout', async () => {
    const client = env.makeClient({ timeouts: { bodyMs: 200 }, retry: { maxRetries: 0 } });
    env.emulator.addFault({ path: '^/v1/domains/', fault: { type: 'slow-body', ms: 1000 } });
    const e = await failure(getDomain(client, SAMPLE.liveDomainId));
    assert.equal(e.kind, 'timeout');
    assert.match(e.message, /stalled/);
  });

  it('the overall deadline bounds retries too', async () => {
    const client = env.makeClient({ timeouts: { overallMs: 400, headersMs: 300 } });
    env.emulator.latencyMs = 150;
    env.emulator.addFault({ path: '^/v1/domains$', fault: { type: 'status', status: 503 } });
    const started = Date.now();
    const e = await failure(listDomains(client));
    assert.ok(Date.now() - started < 1000);
    assert.ok(e.kind === 'timeout', e.message);
    assert.ok(domainGets().length >= 2, 'it did retry before the deadline');
  });

  it('a reset mid-body', async () => {
    const client = env.makeClient({ retry: { maxRetries: 0 } });
    env.emulator.addFault({ path: '^/v1/domains/', fault: { type: 'reset-mid-body' } });
    const e = await failure(getDomain(client, SAMPLE.liveDomainId));
    assert.ok(['network', 'invalid-response'].includes(e.kind), e.message);
  });

  it('a redirect is not followed, so the token does not travel', async () => {
    env.emulator.addFault({ path: '^/v1/domains$', fault: { type: 'redirect', location: 'http://127.0.0.1:1/steal' } });
    const e = await failure(listDomains(env.client));
    assert.match(e.message, /redirect, which is not followed/);
    assert.equal(domainGets().length, 1);
  });

  it('a cancelled call rejects as cancelled, at once', async () => {
    env.emulator.latencyMs = 2000;
    const controller = new AbortController();
    const p = listDomains(env.client, undefined, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const e = await failure(p);
    assert.equal(e.kind, 'cancelled');
    assert.equal(e.message, 'List domains was cancelled.');
    assert.ok(Date.now() - started < 500);
  });

  it('a 2xx reply carrying a non-zero Qencode error is an error', async () => {
    env.emulator.addFault({
      path: '^/v1/domains$',
      method: 'GET',
      fault: { type: 'status', status: 200, body: { error: 6, message: 'Service suspended' } },
    });
    const e = await failure(listDomains(env.client));
    assert.equal(e.code, 6);
    assert.equal(e.message, 'List domains failed: Service suspended (HTTP 200).');
  });

  it('the request id from the reply is kept', async () => {
    const e = await failure(getDomain(env.client, '00000000-0000-4000-8000-000000000000'));
    assert.match(e.requestId ?? '', /^emu-\d+$/);
  });
});

describe('logging and secrets', () => {
  it('logs an allow-list only, with the API key redacted from the token path', async () => {
    const entries: RequestLogEntry[] = [];
    const client = env.makeClient({ onRequest: (e) => entries.push(e) });
    await listDomains(client);
    assert.deepEqual(Object.keys(entries[0]!).sort(), [
      'attempt',
      'durationMs',
      'method',
      'operation',
      'outcome',
      'path',
      'status',
    ]);
    assert.equal(entries[0]!.path, '/v1/access_token/[redacted]');
    assert.equal(JSON.stringify(entries).includes('qencode-demo-key'), false);
    assert.equal(entries[1]!.path, '/v1/domains');
  });

  it('error messages never carry the key or the token', async () => {
    const key = 'canary-key-7f3a9b2c1d';
    const client = env.makeClient({ apiKey: () => key });
    const e = await failure(client.verifyApiKey());
    assert.equal(JSON.stringify({ ...e, message: e.message }).includes(key), false);
  });

  it('redact() removes token paths, bearer tokens, JWTs, PEM blocks and named secrets', () => {
    const text =
      'POST https://api/v1/access_token/SECRETKEY1234 Authorization: Bearer abc.def.ghi eyJhbGciOi.eyJzdWIi.sig -----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY----- and my-api-key-value';
    const out = redact(text, ['my-api-key-value']);
    for (const secret of ['SECRETKEY1234', 'abc.def.ghi', 'eyJhbGciOi', 'MIIB', 'my-api-key-value'])
      assert.equal(out.includes(secret), false, secret);
    assert.equal(redactPath('/v1/access_token/k?x'), '/v1/access_token/[redacted]?x');
  });
});

describe('base URL', () => {
  it('accepts https and loopback http only', () => {
    assert.equal(checkBaseUrl('https://api-cdn.qencode.com').host, 'api-cdn.qencode.com');
    assert.equal(checkBaseUrl('http://127.0.0.1:8787').port, '8787');
    assert.equal(checkBaseUrl('http://localhost:1').hostname, 'localhost');
    for (const bad of [
      'http://api-cdn.qencode.com',
      'ftp://x',
      'not a url',
      'https://user:pw@api-cdn.qencode.com',
      'http://127.0.0.1.evil.com',
    ]) {
      assert.throws(
        () => checkBaseUrl(bad),
        (e: unknown) => isQencodeError(e, 'invalid-input'),
        bad,
      );
    }
  });

  it('a base URL with a path prefix keeps it', async () => {
    const c = new QencodeClient({ baseUrl: `${env.url}/`, apiKey: () => 'k' });
    assert.equal(c.baseUrl, env.url);
    await c.close();
  });
});

describe('the account on errors', () => {
  const account = 'project-7c1e';

  it('an HTTP error from call() carries the client account, and the request was sent', async () => {
    const client = env.makeClient({ account });
    const missing = '00000000-0000-4000-8000-000000000000';
    const e = await failure(getDomain(client, missing));
    assert.equal(e.account, account);
    assert.equal(e.status, 404);
    assert.equal(
      e.message,
      'Get domain failed: Domain not found (HTTP 404).',
      'the message is unchanged: the account is for the UI',
    );
    assert.deepEqual(
      env.emulator.requestsTo('GET', '^/v1/domains/').map((r) => r.path),
      [`/v1/domains/${missing}`],
    );
  });

  it('a refused key from verifyApiKey() carries it', async () => {
    const client = env.makeClient({ account, apiKey: () => 'not-a-key-0000000000' });
    const e = await failure(client.verifyApiKey());
    assert.equal(e.kind, 'auth');
    assert.equal(e.account, account);
    assert.deepEqual(
      env.emulator.requests.map((r) => `${r.method} ${r.path}`),
      ['POST /v1/access_token/not-a-key-0000000000'],
    );
  });

  it('so does a refused key met inside call(), and an auth failure after a fresh token', async () => {
    const refused = await failure(listDomains(env.makeClient({ account, apiKey: () => 'not-a-key-0000000000' })));
    assert.equal(refused.account, account);
    assert.equal(refused.operation, 'get access token');
    env.emulator.clearRequests();
    env.emulator.addFault({
      path: '^/v1/domains$',
      fault: { type: 'status', status: 401, body: { error: 4, message: 'Invalid token' } },
    });
    const e = await failure(listDomains(env.makeClient({ account })));
    assert.equal(e.kind, 'auth');
    assert.equal(e.account, account);
    assert.equal(env.emulator.requestsTo('GET', '^/v1/domains$').length, 2);
  });

  it('so do network, timeout, cancelled and failure-in-200 errors', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    const refused = await failure(listDomains(env.makeClient({ account, baseUrl: `http://127.0.0.1:${port}` })));
    assert.equal(refused.kind, 'network');
    assert.equal(refused.account, account);

    env.emulator.addFault({ path: '^/v1/domains/', fault: { type: 'slow-headers', ms: 1000 }, times: 1 });
    const slow = await failure(
      getDomain(
        env.makeClient({ account, timeouts: { headersMs: 100 }, retry: { maxRetries: 0 } }),
        SAMPLE.liveDomainId,
      ),
    );
    assert.equal(slow.kind, 'timeout');
    assert.equal(slow.account, account);

    const controller = new AbortController();
    controller.abort();
    const cancelled = await failure(listDomains(env.makeClient({ account }), undefined, controller.signal));
    assert.equal(cancelled.kind, 'cancelled');
    assert.equal(cancelled.account, account);

    env.emulator.addFault({
      method: 'POST',
      path: '/cache/purge$',
      fault: { type: 'error-in-200', shape: 'status-failed' },
      times: 1,
    });
    const inBody = await failure(purgeObject(env.makeClient({ account }), SAMPLE.mediaBucket, 'a.ts'));
    assert.equal(inBody.account, account);
  });

  it('a bad base URL names the account too, and with() keeps it', () => {
    let error: unknown;
    try {
      new QencodeClient({ baseUrl: 'http://api-cdn.qencode.com', apiKey: () => 'k', account });
    } catch (e) {
      error = e;
    }
    assert.ok(isQencodeError(error, 'invalid-input'));
    assert.equal(error.account, account);
    assert.equal(error.with({ reason: 'another reason' }).account, account);
    assert.equal(error.details().account, account);
  });

  it('without an account, errors carry none', async () => {
    const e = await failure(getDomain(env.client, '00000000-0000-4000-8000-000000000000'));
    assert.equal(e.account, undefined);
  });
});
