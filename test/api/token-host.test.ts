import assert from 'node:assert/strict';
import { failure } from './harness';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  DEFAULT_TOKEN_FALLBACK_URL,
  isQencodeError,
  listDomains,
  QencodeClient,
  type ClientOptions,
  type RequestLogEntry,
} from '../../src/core';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';

/*
 * The reference puts every method on api-cdn but posts its token example to
 * api-live. The client asks the base URL first and, only when that host has no
 * token route (404), the fallback; API calls always go to the base URL.
 */
const tokenPath = `/v1/access_token/${DEMO_API_KEY}`;
const isToken = (r: { path: string }) => r.path.startsWith('/v1/access_token/');

/** The API host with no token route. */
let api: Emulator;
/** A host that serves only the token route, for the API host's accounts. */
let tokenOnly: Emulator;
/** An ordinary host, token route and all, sharing the same accounts. */
let full: Emulator;
/** A second host with no token route. */
let noToken: Emulator;
const clients: QencodeClient[] = [];

function client(overrides: Partial<ClientOptions>): QencodeClient {
  const c = new QencodeClient({
    baseUrl: api.url,
    apiKey: () => DEMO_API_KEY,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...overrides,
  });
  clients.push(c);
  return c;
}

before(async () => {
  api = new Emulator({ seed: true, tokenRoute: false });
  tokenOnly = new Emulator({ shareAccountsWith: api, apiRoutes: false });
  full = new Emulator({ shareAccountsWith: api });
  noToken = new Emulator({ shareAccountsWith: api, tokenRoute: false });
  await Promise.all([api, tokenOnly, full, noToken].map((e) => e.start()));
});

beforeEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  api.addAccount(DEMO_API_KEY, true);
  for (const e of [api, tokenOnly, full, noToken]) {
    e.clearFaults();
    e.clearRequests();
  }
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([api, tokenOnly, full, noToken].map((e) => e.stop()));
});

describe('where the token comes from', () => {
  it('the default fallback is api-live, and it is https', () => {
    assert.equal(DEFAULT_TOKEN_FALLBACK_URL, 'https://api-live.qencode.com');
    const c = client({ tokenFallbackUrl: DEFAULT_TOKEN_FALLBACK_URL });
    assert.equal(c.tokenFallbackUrl, 'https://api-live.qencode.com');
    assert.equal(c.tokenHost, undefined, 'no token has been served yet');
  });

  it('the fallback URL is checked like the base URL: https only, except loopback', () => {
    for (const bad of ['http://api-live.qencode.com', 'not a url', 'https://user:pw@api-live.qencode.com']) {
      assert.throws(
        () => new QencodeClient({ baseUrl: 'https://api-cdn.qencode.com', apiKey: () => 'k', tokenFallbackUrl: bad }),
        (e: unknown) => isQencodeError(e, 'invalid-input'),
        bad,
      );
    }
  });

  it('a 404 at the base URL: the token comes from the fallback, and every API call goes to the base URL', async () => {
    const served: string[] = [];
    const log: RequestLogEntry[] = [];
    const c = client({
      tokenFallbackUrl: tokenOnly.url,
      onTokenHost: (u) => served.push(u),
      onRequest: (e) => log.push(e),
    });
    assert.equal((await listDomains(c)).length, 4);
    await listDomains(c, 'live');

    // The API host: one token request refused with 404, then the API calls, with the fallback's token.
    assert.deepEqual(
      api.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      [`POST ${tokenPath} 404`, 'GET /v1/domains 200', 'GET /v1/domains/live 200'],
    );
    // The token host: the token request only.
    assert.deepEqual(
      tokenOnly.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      [`POST ${tokenPath} 200`],
    );
    const token = tokenOnly.issuedTokens.at(-1)!;
    assert.ok(
      api.requests.filter((r) => !isToken(r)).every((r) => r.authorization === `Bearer ${token}`),
      'the API host accepted the token the fallback issued',
    );
    assert.equal(tokenOnly.requests[0]!.hasAuth, false);

    assert.deepEqual(served, [tokenOnly.url]);
    assert.equal(c.tokenHost, tokenOnly.url);
    assert.ok(!served.join().includes(DEMO_API_KEY), 'the key is never in what is reported');
    assert.deepEqual(
      log.map((e) => [e.operation, e.status, e.host]),
      [
        ['get access token', 404, undefined],
        ['get access token', 200, new URL(tokenOnly.url).origin],
        ['list domains', 200, undefined],
        ['list domains', 200, undefined],
      ],
    );
  });

  it('later token requests go straight to the host that served the last one', async () => {
    const served: string[] = [];
    const c = client({ tokenFallbackUrl: tokenOnly.url, onTokenHost: (u) => served.push(u) });
    await c.verifyApiKey();
    await c.verifyApiKey();
    await listDomains(c);
    assert.equal(api.requests.filter(isToken).length, 1, 'the base URL was asked once only');
    assert.equal(tokenOnly.requests.filter(isToken).length, 2);
    assert.deepEqual(
      api.requests.filter((r) => !isToken(r)).map((r) => r.path),
      ['/v1/domains'],
    );
    assert.deepEqual(served, [tokenOnly.url], 'reported once: the host did not change');
  });

  it('a token refused by an API call is replaced from the host that served it', async () => {
    const c = client({ tokenFallbackUrl: tokenOnly.url });
    await listDomains(c);
    api.addFault({
      method: 'GET',
      path: '^/v1/domains$',
      fault: { type: 'status', status: 401, body: { error: 5, message: 'Token expired' } },
      times: 1,
    });
    assert.equal((await listDomains(c)).length, 4);
    assert.equal(api.requests.filter(isToken).length, 1, 'the base URL was not asked again');
    assert.equal(tokenOnly.requests.filter(isToken).length, 2);
    assert.deepEqual(
      api.requestsTo('GET', '^/v1/domains$').map((r) => r.status),
      [200, 401, 200],
    );
    assert.equal(api.requestsTo('GET', '^/v1/domains$')[2]!.authorization, `Bearer ${tokenOnly.issuedTokens.at(-1)}`);
  });

  it('when the remembered host starts answering 404, the other one is asked again', async () => {
    const served: string[] = [];
    const c = client({ baseUrl: full.url, tokenFallbackUrl: tokenOnly.url, onTokenHost: (u) => served.push(u) });
    full.addFault({ method: 'POST', path: '^/v1/access_token/', fault: { type: 'status', status: 404 }, times: 1 });
    await c.verifyApiKey();
    assert.equal(c.tokenHost, tokenOnly.url);
    tokenOnly.addFault({
      method: 'POST',
      path: '^/v1/access_token/',
      fault: { type: 'status', status: 404 },
      times: 1,
    });
    await c.verifyApiKey();
    assert.equal(c.tokenHost, full.url);
    assert.deepEqual(served, [tokenOnly.url, full.url]);
    assert.deepEqual(
      full.requests.map((r) => r.status),
      [404, 200],
    );
    assert.deepEqual(
      tokenOnly.requests.map((r) => r.status),
      [200, 404],
    );
  });

  it('a 401 at the base URL does not fall back: the key was refused', async () => {
    const c = client({ baseUrl: full.url, apiKey: () => 'not-a-key-0000000000', tokenFallbackUrl: tokenOnly.url });
    const e = await failure(c.verifyApiKey());
    assert.equal(e.kind, 'auth');
    assert.equal(e.message, 'Get access token failed: the API key was refused (HTTP 401).');
    assert.deepEqual(
      full.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      ['POST /v1/access_token/not-a-key-0000000000 401'],
    );
    assert.equal(tokenOnly.requests.length, 0, 'the fallback was not asked');
  });

  it('a 403 or a 500 at the base URL does not fall back either', async () => {
    full.addFault({ method: 'POST', path: '^/v1/access_token/', fault: { type: 'status', status: 403 }, times: 1 });
    const e403 = await failure(client({ baseUrl: full.url, tokenFallbackUrl: tokenOnly.url }).verifyApiKey());
    assert.equal(e403.kind, 'auth');
    full.addFault({ method: 'POST', path: '^/v1/access_token/', fault: { type: 'status', status: 500 } });
    const e500 = await failure(
      client({
        baseUrl: full.url,
        tokenFallbackUrl: tokenOnly.url,
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
      }).verifyApiKey(),
    );
    assert.equal(e500.status, 500);
    assert.deepEqual(
      full.requests.map((r) => r.status),
      [403, 500, 500],
      'the 500 is retried at the base URL',
    );
    assert.equal(tokenOnly.requests.length, 0, 'the fallback was not asked');
  });

  it('a 404 carrying "key not found" (code 3) is a refused key, not a missing route', async () => {
    full.addFault({
      method: 'POST',
      path: '^/v1/access_token/',
      fault: { type: 'status', status: 404, body: { error: 3, message: 'API key not found' } },
      times: 1,
    });
    const e = await failure(client({ baseUrl: full.url, tokenFallbackUrl: tokenOnly.url }).verifyApiKey());
    assert.equal(e.kind, 'auth');
    assert.deepEqual(
      full.requests.map((r) => r.status),
      [404],
    );
    assert.equal(tokenOnly.requests.length, 0, 'the fallback was not asked');
  });

  it('a logger that throws does not break the token', async () => {
    const broken = () => {
      throw new Error('logger broke');
    };
    const c = client({ tokenFallbackUrl: tokenOnly.url, onTokenHost: broken });
    assert.equal((await listDomains(c)).length, 4);
    assert.equal(c.tokenHost, tokenOnly.url);
  });

  it('a 401 at the fallback is "the API key was refused"', async () => {
    const c = client({ apiKey: () => 'not-a-key-0000000000', tokenFallbackUrl: tokenOnly.url });
    const e = await failure(c.verifyApiKey());
    assert.equal(e.kind, 'auth');
    assert.equal(e.message, 'Get access token failed: the API key was refused (HTTP 401).');
    assert.deepEqual(
      api.requests.map((r) => r.status),
      [404],
    );
    assert.deepEqual(
      tokenOnly.requests.map((r) => r.status),
      [401],
    );
    assert.equal(c.tokenHost, undefined);
  });

  it('a 404 with no fallback configured says the token route was not found at that host, without the key', async () => {
    const c = client({});
    const e = await failure(c.verifyApiKey());
    assert.equal(e.kind, 'http');
    assert.equal(e.status, 404);
    assert.equal(
      e.message,
      `Get access token failed: the token route was not found at ${new URL(api.url).origin}; check the API URL (HTTP 404).`,
    );
    // The emulator, like many servers, echoes the path it has no route for: the key must not come back with it.
    assert.ok(!JSON.stringify({ ...e, message: e.message }).includes(DEMO_API_KEY), 'no key in the error');
    assert.deepEqual(
      api.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      [`POST ${tokenPath} 404`],
    );
    assert.equal(tokenOnly.requests.length, 0);
  });

  it('a 404 at both hosts names both', async () => {
    const c = client({ tokenFallbackUrl: noToken.url });
    const e = await failure(listDomains(c));
    assert.equal(
      e.message,
      `Get access token failed: the token route was not found at ${new URL(api.url).origin} or at ${new URL(noToken.url).origin}; check the API URL (HTTP 404).`,
    );
    assert.deepEqual(
      api.requests.map((r) => r.status),
      [404],
      'no API call without a token',
    );
    assert.deepEqual(
      noToken.requests.map((r) => r.status),
      [404],
    );
  });

  it('the token-only host serves nothing else', async () => {
    const c = client({ baseUrl: tokenOnly.url });
    const e = await failure(listDomains(c));
    assert.equal(e.status, 404);
    assert.deepEqual(
      tokenOnly.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      [`POST ${tokenPath} 200`, 'GET /v1/domains 404'],
    );
  });
});
