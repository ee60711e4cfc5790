import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { request } from 'undici';
import {
  validateBucketName,
  validateCorsDocument,
  validateObjectPath,
  validateSigningKeyName,
  validateStreamId,
} from '../../src/core';
import { DEMO_API_KEY, MAX_DOMAINS } from '../emulator/emulator';
import { bucketName, corsPolicy, hostName, objectPath } from '../emulator/rules';
import { SAMPLE } from '../emulator/sample-data';
import { useEmulator } from './harness';

/*
 * The emulator judges requests by its own rules, written from the reference, not by
 * the client's validators: where the reference is silent it accepts, so a client rule
 * stricter than the API could never hide behind the emulator. Each HTTP case asserts
 * what the emulator received and what it answered.
 */
const env = useEmulator();
const root = join(__dirname, '..', '..', '..');

async function send(method: string, path: string, body?: unknown) {
  const token = (
    (await (await request(`${env.url}/v1/access_token/${DEMO_API_KEY}`, { method: 'POST' })).body.json()) as {
      access_token: string;
    }
  ).access_token;
  env.emulator.clearRequests();
  const res = await request(env.url + path, {
    method: method as 'GET',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.body.json()) as Record<string, unknown>;
  const received = env.emulator.requests;
  assert.equal(received.length, 1);
  assert.deepEqual(
    [received[0]!.method, received[0]!.path, received[0]!.body],
    [method, path, body],
    'the emulator received the request as sent',
  );
  return { status: res.statusCode, body: json };
}

describe('the emulator has rules of its own', () => {
  it('neither the emulator nor its rules import the client validators', () => {
    const emulator = readFileSync(join(root, 'test', 'emulator', 'emulator.ts'), 'utf8');
    const rules = readFileSync(join(root, 'test', 'emulator', 'rules.ts'), 'utf8');
    assert.doesNotMatch(emulator, /from\s+['"][./]*src\/core\/validators['"]/);
    assert.doesNotMatch(
      emulator,
      /CorsDocumentSchema|validateBucketName|validateDomainName|validateObjectPath|isCorsHeader/,
    );
    assert.doesNotMatch(rules, /from\s+['"]/, 'rules.ts imports nothing');
  });

  it('the rules accept what the client refuses where the reference is silent', () => {
    // Each pair: the client refuses it (a choice of the extension), the emulator accepts it.
    const cases: [string, boolean, boolean][] = [
      ['bucket Bad_Bucket', validateBucketName('Bad_Bucket').ok, bucketName('Bad_Bucket').ok],
      ['bucket ab', validateBucketName('ab').ok, bucketName('ab').ok],
      ['object path a/../b', validateObjectPath('a/../b').ok, objectPath('a/../b').ok],
      ['CORS header X-Custom', validateCorsDocument({ 'X-Custom': 'v' }).ok, corsPolicy({ 'X-Custom': 'v' }).ok],
      [
        'CORS Max-Age as a number',
        validateCorsDocument({ 'Access-Control-Max-Age': 600 }).ok,
        corsPolicy({ 'Access-Control-Max-Age': 600 }).ok,
      ],
      [
        'CORS origin with a path',
        validateCorsDocument({ 'Access-Control-Allow-Origin': 'https://a.example/x' }).ok,
        corsPolicy({ 'Access-Control-Allow-Origin': 'https://a.example/x' }).ok,
      ],
    ];
    for (const [name, client, emulator] of cases) assert.deepEqual([name, client, emulator], [name, false, true]);
  });

  it('host names: plausible ones pass, what cannot be a host name does not', () => {
    for (const ok of [
      'live.example.com',
      'Live.Example.COM',
      'a.b',
      'xn--bcher-kva.example',
      `${'a'.repeat(63)}.example.com`,
      '1.example.com',
      'cdn.2024',
    ])
      assert.ok(hostName(ok).ok, ok);
    for (const bad of [
      '',
      'localhost',
      'https://live.example.com',
      'live.example.com/path',
      'live.example.com.',
      '.example.com',
      'a..b',
      '-a.example.com',
      'a-.example.com',
      'no_underscore.example.com',
      `${'a'.repeat(64)}.example.com`,
      '1.2.3.4',
      'live.example.com:8080',
      'bücher.example',
      `${'a.'.repeat(127)}ab`,
    ]) {
      assert.equal(hostName(bad).ok, false, bad);
    }
  });
});

describe('the emulator over HTTP: accepted where the reference is silent', () => {
  it('CORS POST: any header name, string values kept, numbers stored as the string a GET shows', async () => {
    const body = {
      'Access-Control-Allow-Origin': 'https://player.example.com/path',
      'X-Custom-Header': 'yes',
      'Access-Control-Max-Age': 600,
    };
    assert.deepEqual(await send('POST', `/v1/buckets/${SAMPLE.archiveBucket}/cors`, body), {
      status: 200,
      body: { status: 'ok' },
    });
    assert.deepEqual(env.emulator.account().buckets.get(SAMPLE.archiveBucket)?.cors, {
      'Access-Control-Allow-Origin': 'https://player.example.com/path',
      'X-Custom-Header': 'yes',
      'Access-Control-Max-Age': '600',
    });
  });

  it('CORS POST: a value that is an object, a list, a boolean or null is refused, naming the header', async () => {
    for (const [value, kind] of [
      [{ a: 1 }, 'an object'],
      [['*'], 'a list'],
      [true, 'a boolean'],
      [null, 'null'],
    ] as const) {
      const r = await send('POST', `/v1/buckets/${SAMPLE.archiveBucket}/cors`, {
        'Access-Control-Allow-Origin': value,
      });
      assert.deepEqual(r, {
        status: 400,
        body: {
          error: 1,
          message: 'Invalid CORS policy',
          error_description: `Access-Control-Allow-Origin: the value is ${kind}, not a string`,
        },
      });
    }
    assert.deepEqual(env.emulator.account().buckets.get(SAMPLE.archiveBucket)?.cors, {}, 'nothing was stored');
  });

  it('CORS DELETE of one header: any header name the policy holds; 404 when it holds none of that name', async () => {
    env.emulator.account().buckets.get(SAMPLE.archiveBucket)!.cors = {
      'X-Custom-Header': 'yes',
      'Access-Control-Allow-Origin': '*',
    };
    assert.equal((await send('DELETE', `/v1/buckets/${SAMPLE.archiveBucket}/cors/X-Custom-Header`)).status, 200);
    assert.deepEqual(env.emulator.account().buckets.get(SAMPLE.archiveBucket)?.cors, {
      'Access-Control-Allow-Origin': '*',
    });
    assert.equal((await send('DELETE', `/v1/buckets/${SAMPLE.archiveBucket}/cors/X-Custom-Header`)).status, 404);
    assert.equal(
      (await send('DELETE', `/v1/buckets/${SAMPLE.archiveBucket}/cors/constructor`)).status,
      404,
      'an inherited name is not a header the policy holds',
    );
  });

  it('purge: any non-empty path, stored as sent', async () => {
    for (const path of ['/leading/slash.m3u8', 'a/../b.ts', 'with space.ts', 'é/😀.ts']) {
      assert.equal((await send('POST', `/v1/buckets/${SAMPLE.mediaBucket}/cache/purge`, { path })).status, 200, path);
      assert.equal(env.emulator.account().purges.at(-1)?.path, path);
    }
    assert.equal((await send('POST', `/v1/buckets/${SAMPLE.mediaBucket}/cache/purge`, { path: '' })).status, 422);
    assert.deepEqual(await send('POST', `/v1/buckets/${SAMPLE.mediaBucket}/cache/purge`, { path: 42 }), {
      status: 400,
      body: { error: 14, message: 'required field missing: path' },
    });
  });

  it('create domain: a plausible host name in any case is kept as sent; duplicates are found whatever the case', async () => {
    const r = await send('POST', '/v1/domains', { name: 'Live.Example-TV.net', type: 'live' });
    assert.equal(r.status, 200);
    assert.equal((r.body.domain as { domain_name: string }).domain_name, 'Live.Example-TV.net');
    assert.equal((await send('POST', '/v1/domains', { name: 'live.example-tv.NET', type: 'vod' })).status, 409);
  });

  it('create domain: what cannot be a host name is a 422 naming the reason', async () => {
    for (const name of ['localhost', 'https://live.example.com', '1.2.3.4', 'no_underscore.example.com', '']) {
      const r = await send('POST', '/v1/domains', { name, type: 'live' });
      assert.equal(r.status, 422, name);
      assert.equal(r.body.message, 'Invalid domain name');
      assert.equal(typeof r.body.error_description, 'string');
    }
  });

  it('update a vod domain: a bucket name the client would refuse is accepted when the bucket exists', async () => {
    env.emulator.addBucket('Legacy_Bucket');
    const r = await send('PUT', `/v1/domains/${SAMPLE.vodDomainId}`, { bucket_name: 'Legacy_Bucket' });
    assert.equal(r.status, 200);
    assert.equal((r.body.domain as { bucket_name: string }).bucket_name, 'Legacy_Bucket');
    assert.equal((await send('PUT', `/v1/domains/${SAMPLE.vodDomainId}`, { bucket_name: 'a/b' })).status, 422);
    assert.equal((await send('PUT', `/v1/domains/${SAMPLE.vodDomainId}`, { bucket_name: 'not-there' })).status, 422);
  });

  it('signing keys: any stream id, any bucket that exists, and any name on create or rename', async () => {
    env.emulator.addBucket('Legacy_Bucket');
    const longName = 'n'.repeat(500);
    assert.equal(validateStreamId('stream-1').ok, false);
    assert.equal(validateSigningKeyName(longName).ok, false);
    const a = await send('POST', '/v1/signing-keys', { stream_id: 'stream-1' });
    assert.equal(a.status, 200);
    assert.equal((a.body.signing_key as { name: unknown }).name, null);
    const b = await send('POST', '/v1/signing-keys', { bucket_name: 'Legacy_Bucket', name: longName });
    assert.equal(b.status, 200);
    assert.equal((b.body.signing_key as { name: string }).name, longName);
    const id = (a.body.signing_key as { id: string }).id;
    assert.equal((await send('PUT', `/v1/signing-keys/${id}`, { name: longName })).status, 200);
    assert.equal(env.emulator.account().keys.get(id)?.name, longName);
  });
});

describe('the emulator over HTTP: what the reference states still holds', () => {
  it(`at most ${MAX_DOMAINS} domains`, async () => {
    for (let i = env.emulator.account().domains.size; i < MAX_DOMAINS; i++)
      assert.equal((await send('POST', '/v1/domains', { name: `d${i}.example.com`, type: 'vod' })).status, 200);
    assert.equal((await send('POST', '/v1/domains', { name: 'one-more.example.com', type: 'vod' })).status, 409);
  });

  it('a domain is live or vod; a live domain cannot be updated', async () => {
    assert.equal((await send('POST', '/v1/domains', { name: 'x.example.com', type: 'hls' })).status, 422);
    const r = await send('PUT', `/v1/domains/${SAMPLE.liveDomainId}`, { bucket_name: SAMPLE.mediaBucket });
    assert.deepEqual([r.status, r.body.message], [422, 'Live domains cannot be updated']);
  });

  it('one TLS subscription per domain', async () => {
    assert.equal((await send('POST', '/v1/tls/subscriptions', { domain_id: SAMPLE.liveDomainId })).status, 409);
  });

  it('a signing key is for exactly one target, and a domain target is a live domain', async () => {
    assert.equal((await send('POST', '/v1/signing-keys', {})).status, 400);
    assert.equal(
      (await send('POST', '/v1/signing-keys', { stream_id: SAMPLE.streamId, bucket_name: SAMPLE.mediaBucket })).status,
      400,
    );
    assert.equal((await send('POST', '/v1/signing-keys', { domain_id: SAMPLE.vodDomainId })).status, 422);
  });

  it('a bucket access policy is public or authenticated', async () => {
    assert.equal((await send('PUT', `/v1/buckets/${SAMPLE.mediaBucket}/policy/private`)).status, 400);
  });

  it('a CORS policy is an object', async () => {
    for (const body of [['*'], 'text', 42])
      assert.equal(
        (await send('POST', `/v1/buckets/${SAMPLE.mediaBucket}/cors`, body)).status,
        400,
        JSON.stringify(body),
      );
  });
});
