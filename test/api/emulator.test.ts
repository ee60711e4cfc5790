import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { createTlsSubscription, getTlsSubscription, listDomains, listSigningKeys } from '../../src/core';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';
import { SAMPLE } from '../emulator/sample-data';
import { useEmulator } from './harness';

const env = useEmulator({ seed: true, admin: true, apiKeys: [DEMO_API_KEY, 'second-account-key-42'] });

async function raw(method: string, path: string, body?: unknown, token?: string) {
  const res = await request(env.url + path, {
    method: method as 'GET',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

async function token(key = DEMO_API_KEY) {
  return (await raw('POST', `/v1/access_token/${key}`)).body.access_token as string;
}

describe('emulator', () => {
  it('issues JWTs with iat, sub and exp, 24 h apart by default', async () => {
    const t = await token();
    const claims = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as Record<string, number>;
    assert.equal(claims.exp! - claims.iat!, 86400);
    assert.ok(claims.sub);
  });

  it('refuses an unknown token with 401 and a Qencode-style body', async () => {
    const r = await raw('GET', '/v1/domains', undefined, 'x.y.z');
    assert.deepEqual(r, { status: 401, body: { error: 4, message: 'Invalid token' } });
  });

  it('refuses an expired token with code 5', async () => {
    const emulator = new Emulator({ tokenTtlSeconds: 1 });
    const url = await emulator.start();
    try {
      const t = (
        (await (await request(`${url}/v1/access_token/${DEMO_API_KEY}`, { method: 'POST' })).body.json()) as {
          access_token: string;
        }
      ).access_token;
      await new Promise((r) => setTimeout(r, 1100));
      const res = await request(`${url}/v1/domains`, { headers: { authorization: `Bearer ${t}` } });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(await res.body.json(), { error: 5, message: 'Token expired' });
    } finally {
      await emulator.stop();
    }
  });

  it('keeps each API key an account of its own', async () => {
    const second = env.makeClient({ apiKey: () => 'second-account-key-42' });
    env.emulator.account('second-account-key-42').domains.clear();
    assert.equal((await listDomains(second)).length, 0);
    assert.equal((await listDomains(env.client)).length, 4);
  });

  it('answers bad input with 400 or 422 and a body naming the field', async () => {
    const t = await token();
    assert.deepEqual(await raw('POST', '/v1/domains', { type: 'live' }, t), {
      status: 400,
      body: { error: 14, message: 'required field missing: name' },
    });
    assert.equal((await raw('POST', '/v1/domains', { name: 'x.example.com', type: 'hls' }, t)).status, 422);
    assert.equal((await raw('POST', '/v1/domains', '{not json', t)).status, 400);
    assert.equal((await raw('PUT', `/v1/buckets/${SAMPLE.mediaBucket}/policy/private`, undefined, t)).status, 400);
    assert.deepEqual(
      await raw(
        'POST',
        `/v1/buckets/${SAMPLE.mediaBucket}/cors`,
        { 'Access-Control-Allow-Origin': { origin: '*' } },
        t,
      ),
      {
        status: 400,
        body: {
          error: 1,
          message: 'Invalid CORS policy',
          error_description: 'Access-Control-Allow-Origin: the value is an object, not a string',
        },
      },
    );
    assert.equal(
      (await raw('POST', `/v1/buckets/${SAMPLE.mediaBucket}/cors`, [{ 'Access-Control-Allow-Origin': '*' }], t)).status,
      400,
    );
  });

  it('CORS POST replaces the whole policy', async () => {
    const t = await token();
    await raw('POST', `/v1/buckets/${SAMPLE.mediaBucket}/cors`, { 'Access-Control-Allow-Origin': '*' }, t);
    assert.deepEqual((await raw('GET', `/v1/buckets/${SAMPLE.mediaBucket}/cors`, undefined, t)).body, {
      'Access-Control-Allow-Origin': '*',
    });
  });

  it('deleting a domain deletes its TLS subscriptions and leaves its signing keys', async () => {
    const t = await token();
    await raw('DELETE', `/v1/domains/${SAMPLE.liveDomainId}`, undefined, t);
    assert.equal(env.emulator.account().tls.has(SAMPLE.issuedTlsId), false);
    const keys = await listSigningKeys(env.client);
    assert.ok(keys.some((k) => 'id' in k && k.id === SAMPLE.domainKeyId));
  });

  it('TLS subscriptions start pending and are issued by the admin call', async () => {
    const created = await createTlsSubscription(env.client, SAMPLE.eventsDomainId);
    assert.equal(created.status, 'pending');
    const r = await request(`${env.url}/_emulator/tls/${created.id}/issue`, { method: 'POST' });
    assert.equal(r.statusCode, 200);
    assert.equal((await getTlsSubscription(env.client, created.id)).status, 'issued');
  });

  it('TLS subscriptions are issued after the configured delay', async () => {
    const emulator = new Emulator({ seed: true, tlsIssueDelayMs: 50 });
    const url = await emulator.start();
    try {
      const client = env.makeClient({ baseUrl: url });
      const created = await createTlsSubscription(client, SAMPLE.eventsDomainId);
      assert.equal(created.status, 'pending');
      await new Promise((r) => setTimeout(r, 150));
      assert.equal((await getTlsSubscription(client, created.id)).status, 'issued');
    } finally {
      await emulator.stop();
    }
  });

  it('serves the request log and faults over the admin routes', async () => {
    await raw('POST', '/_emulator/faults', { path: '^/v1/domains$', fault: { type: 'status', status: 418 }, times: 1 });
    const t = await token();
    assert.equal((await raw('GET', '/v1/domains', undefined, t)).status, 418);
    assert.equal((await raw('GET', '/v1/domains', undefined, t)).status, 200);
    const log = (await raw('GET', '/_emulator/requests')).body.requests as {
      method: string;
      path: string;
      hasAuth: boolean;
      status: number;
    }[];
    assert.deepEqual(
      log.slice(-2).map((r) => [r.method, r.path, r.hasAuth, r.status]),
      [
        ['GET', '/v1/domains', true, 418],
        ['GET', '/v1/domains', true, 200],
      ],
    );
  });

  it('keeps admin routes off unless enabled', async () => {
    const emulator = new Emulator();
    const url = await emulator.start();
    try {
      assert.equal((await request(`${url}/_emulator/requests`)).statusCode, 404);
    } finally {
      await emulator.stop();
    }
  });

  it('counts requests in flight', async () => {
    env.emulator.latencyMs = 50;
    await Promise.all(Array.from({ length: 5 }, () => listDomains(env.client)));
    assert.ok(env.emulator.maxInFlight >= 5, `max in flight ${env.emulator.maxInFlight}`);
  });
});
