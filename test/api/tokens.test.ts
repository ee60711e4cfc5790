import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listDomains, readJwtExpiry, REFRESH_MARGIN_MS, TokenCache, TOKEN_LIFETIME_MS } from '../../src/core';
import { useEmulator } from './harness';

const jwt = (claims: object) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const tokenRequests = () => env.emulator.requests.filter((r) => r.path.startsWith('/v1/access_token/'));

const env = useEmulator({ seed: true, tokenTtlSeconds: 3600 });

describe('access tokens', () => {
  it('reads exp from a JWT, and nothing from a token that is not one', () => {
    assert.equal(readJwtExpiry(jwt({ exp: 1_700_000_000 })), 1_700_000_000_000);
    assert.equal(readJwtExpiry('opaque-token'), undefined);
    assert.equal(readJwtExpiry('a.!!!.c'), undefined);
    assert.equal(readJwtExpiry(jwt({ exp: 'soon' })), undefined);
  });

  it('caches a token until exp less the margin, then refreshes', async () => {
    let now = 1_000_000;
    let fetched = 0;
    const cache = new TokenCache(
      async () => jwt({ exp: (now + 3_600_000) / 1000, n: ++fetched }),
      () => now,
    );
    const first = await cache.get();
    assert.equal(await cache.get(), first);
    now += 3_600_000 - REFRESH_MARGIN_MS - 1;
    assert.equal(await cache.get(), first, 'still valid just before the margin');
    now += 2;
    assert.notEqual(await cache.get(), first, 'refreshed inside the margin');
    assert.equal(fetched, 2);
  });

  it('holds a token without exp for 24 h less the margin', async () => {
    let now = 0;
    let fetched = 0;
    const cache = new TokenCache(
      async () => `opaque-${++fetched}`,
      () => now,
    );
    await cache.get();
    now = TOKEN_LIFETIME_MS - REFRESH_MARGIN_MS - 1;
    assert.equal(await cache.get(), 'opaque-1');
    now += 2;
    assert.equal(await cache.get(), 'opaque-2');
  });

  it('50 concurrent calls with no token cause exactly one token request', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => listDomains(env.client)));
    assert.equal(results.length, 50);
    assert.equal(tokenRequests().length, 1);
    assert.equal(env.emulator.requestsTo('GET', '^/v1/domains$').length, 50);
  });

  it('a cached token is reused across calls', async () => {
    await listDomains(env.client);
    await listDomains(env.client);
    assert.equal(tokenRequests().length, 1);
  });

  it('on 401 with an expired token it refreshes once and retries once', async () => {
    await listDomains(env.client);
    env.emulator.addFault({
      path: '^/v1/domains$',
      fault: { type: 'status', status: 401, body: { error: 5, message: 'Token expired' } },
      times: 1,
    });
    const list = await listDomains(env.client);
    assert.equal(list.length, 4);
    assert.equal(tokenRequests().length, 2);
    const calls = env.emulator.requestsTo('GET', '^/v1/domains$');
    assert.equal(calls.length, 3);
    const refresh = tokenRequests()[1]!;
    assert.ok(
      calls[1]!.seq < refresh.seq && refresh.seq < calls[2]!.seq,
      'a new token is fetched between the 401 and the retry',
    );
  });

  it('a Qencode token code in a 200 reply is treated like a 401', async () => {
    env.emulator.addFault({
      path: '^/v1/domains$',
      fault: { type: 'status', status: 200, body: { error: 4, message: 'Invalid token' } },
      times: 1,
    });
    assert.equal((await listDomains(env.client)).length, 4);
    assert.equal(tokenRequests().length, 2);
  });

  it('a second 401 after a fresh token is an auth error, not a loop', async () => {
    env.emulator.addFault({
      path: '^/v1/domains$',
      fault: { type: 'status', status: 401, body: { error: 4, message: 'Invalid token' } },
    });
    await assert.rejects(
      listDomains(env.client),
      (e: Error & { kind?: string }) => e.kind === 'auth' && /re-enter the API key/.test(e.message),
    );
    assert.equal(tokenRequests().length, 2);
    assert.equal(env.emulator.requestsTo('GET', '^/v1/domains$').length, 2);
  });

  it('a token that expired on the server, though our clock thinks not, is replaced and the call succeeds', async () => {
    env.emulator.tokenTtlSeconds = 1;
    // The client's clock lags ten hours, so it believes the 1 s token is still fresh.
    const client = env.makeClient({ now: () => Date.now() - 10 * 3600 * 1000 });
    await listDomains(client);
    await new Promise((r) => setTimeout(r, 1100));
    env.emulator.tokenTtlSeconds = 3600;
    assert.equal((await listDomains(client)).length, 4);
    assert.equal(tokenRequests().length, 2);
    assert.deepEqual(
      env.emulator.requestsTo('GET', '^/v1/domains$').map((r) => r.status),
      [200, 401, 200],
    );
  });
});

describe('a caller that has given up', () => {
  it('starts no token fetch when its signal is already aborted', async () => {
    let fetches = 0;
    const cache = new TokenCache(async () => {
      fetches++;
      return 'x.y.z';
    });
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await assert.rejects(cache.get(controller.signal), /gone/);
    assert.equal(fetches, 0);
  });
});
