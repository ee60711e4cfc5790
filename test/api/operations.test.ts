import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as api from '../../src/core';
import { isInvalid, QencodeError, type Listed } from '../../src/core';
import { SAMPLE } from '../emulator/sample-data';
import { useEmulator } from './harness';

const env = useEmulator();

/** The API requests after the token request: what the client actually sent. */
function sent() {
  return env.emulator.requests.filter((r) => !r.path.startsWith('/v1/access_token/'));
}

function only() {
  const requests = sent();
  assert.equal(
    requests.length,
    1,
    `expected exactly one API request, got ${requests.map((r) => `${r.method} ${r.path}`).join(', ')}`,
  );
  const r = requests[0]!;
  assert.match(r.authorization ?? '', /^Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+$/, 'a bearer token is sent');
  return r;
}

async function rejects(promise: Promise<unknown>, expected: Partial<QencodeError>) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof QencodeError, `expected a QencodeError, got ${String(error)}`);
    for (const [k, v] of Object.entries(expected)) assert.deepEqual(error[k as keyof QencodeError], v, `error.${k}`);
    return true;
  });
}

function valid<T extends object>(items: Listed<T>[]): T[] {
  return items.filter((i): i is T => !isInvalid(i));
}

describe('access token', () => {
  it('POSTs the API key in the path without an Authorization header', async () => {
    await env.client.verifyApiKey();
    const [r] = env.emulator.requests;
    assert.equal(r?.method, 'POST');
    assert.equal(r?.path, '/v1/access_token/qencode-demo-key-0123456789abcdef');
    assert.equal(r?.hasAuth, false);
    assert.equal(r?.body, undefined);
  });

  it('turns a refused key into an auth error', async () => {
    const client = env.makeClient({ apiKey: () => 'not-a-real-key-123' });
    await rejects(client.verifyApiKey(), { kind: 'auth', operation: 'get access token', status: 401, code: 2 });
  });
});

describe('playback domains', () => {
  it('create domain sends name and type, and normalises the reply', async () => {
    const d = await api.createDomain(env.client, { name: 'Live.MyDomain.com', type: 'live' });
    const r = only();
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/v1/domains');
    assert.deepEqual(r.body, { name: 'live.mydomain.com', type: 'live' });
    assert.equal(d.name, 'live.mydomain.com');
    assert.equal(d.type, 'live');
    assert.ok(d.created instanceof Date && !Number.isNaN(d.created.getTime()));
    assert.ok(env.emulator.account().domains.has(d.id));
  });

  it('create domain refuses an invalid name without sending anything', async () => {
    await rejects(api.createDomain(env.client, { name: 'no_underscores.example.com', type: 'vod' }), {
      kind: 'invalid-input',
    });
    assert.equal(env.emulator.requests.length, 0);
  });

  it('create domain past the 20-domain limit is a 409 that says so', async () => {
    for (let i = env.emulator.account().domains.size; i < 20; i++)
      await api.createDomain(env.client, { name: `d${i}.example.com`, type: 'vod' });
    env.emulator.clearRequests();
    await rejects(api.createDomain(env.client, { name: 'one-more.example.com', type: 'vod' }), {
      status: 409,
      code: 11,
    });
    assert.equal(sent().length, 1, 'a create is never retried');
  });

  it('get domain', async () => {
    const d = await api.getDomain(env.client, SAMPLE.vodDomainId);
    const r = only();
    assert.equal(r.method, 'GET');
    assert.equal(r.path, `/v1/domains/${SAMPLE.vodDomainId}`);
    assert.equal(d.bucketName, 'media-assets');
    assert.equal(d.type, 'vod');
  });

  it('get domain: an unknown id is a 404 naming the operation', async () => {
    await assert.rejects(
      api.getDomain(env.client, '00000000-0000-4000-8000-000000000000'),
      /^QencodeError: Get domain failed: Domain not found \(HTTP 404\)\.$|Get domain failed: Domain not found \(HTTP 404\)\./,
    );
  });

  it('list domains, all and by type', async () => {
    const all = valid(await api.listDomains(env.client));
    assert.equal(all.length, 4);
    const live = valid(await api.listDomains(env.client, 'live'));
    assert.deepEqual(
      live.map((d) => d.type),
      ['live', 'live'],
    );
    const vod = valid(await api.listDomains(env.client, 'vod'));
    assert.deepEqual(vod.map((d) => d.name).sort(), ['archive.example-tv.com', 'vod.example-tv.com']);
    assert.deepEqual(
      sent().map((r) => `${r.method} ${r.path}`),
      ['GET /v1/domains', 'GET /v1/domains/live', 'GET /v1/domains/vod'],
    );
  });

  it('update a vod domain sends bucket_name with PUT', async () => {
    const d = await api.setDomainBucket(env.client, SAMPLE.vodDomainId, SAMPLE.promoBucket);
    const r = only();
    assert.equal(r.method, 'PUT');
    assert.equal(r.path, `/v1/domains/${SAMPLE.vodDomainId}`);
    assert.deepEqual(r.body, { bucket_name: 'promo-clips' });
    assert.equal(d.bucketName, 'promo-clips');
  });

  it('update of a live domain is refused by the API with its reason', async () => {
    await rejects(api.setDomainBucket(env.client, SAMPLE.liveDomainId, SAMPLE.promoBucket), {
      status: 422,
      apiMessage: 'Live domains cannot be updated',
    });
  });

  it('update refuses an invalid bucket name before sending', async () => {
    await rejects(api.setDomainBucket(env.client, SAMPLE.vodDomainId, 'Bad_Bucket'), { kind: 'invalid-input' });
    assert.equal(env.emulator.requests.length, 0);
  });

  it('delete domain', async () => {
    await api.deleteDomain(env.client, SAMPLE.eventsDomainId);
    const r = only();
    assert.equal(r.method, 'DELETE');
    assert.equal(r.path, `/v1/domains/${SAMPLE.eventsDomainId}`);
    assert.equal(env.emulator.account().domains.has(SAMPLE.eventsDomainId), false);
  });

  it('delete domain of an id already gone is a 404', async () => {
    await rejects(api.deleteDomain(env.client, '00000000-0000-4000-8000-000000000000'), {
      status: 404,
      operation: 'delete domain',
    });
  });
});

describe('TLS subscriptions', () => {
  it('create sends domain_id and keeps the CNAME message', async () => {
    const t = await api.createTlsSubscription(env.client, SAMPLE.eventsDomainId);
    const r = only();
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/v1/tls/subscriptions');
    assert.deepEqual(r.body, { domain_id: SAMPLE.eventsDomainId });
    assert.equal(t.status, 'pending');
    assert.match(
      t.message ?? '',
      /CNAME for 'events\.example-tv\.com' and point it to 'j\.sni\.global\.fastly\.net\.'/,
    );
  });

  it('create for a domain that has one already is a 409, sent once', async () => {
    await rejects(api.createTlsSubscription(env.client, SAMPLE.liveDomainId), { status: 409 });
    assert.equal(sent().length, 1);
  });

  it('get', async () => {
    const t = await api.getTlsSubscription(env.client, SAMPLE.issuedTlsId);
    assert.equal(only().path, `/v1/tls/subscriptions/${SAMPLE.issuedTlsId}`);
    assert.equal(t.status, 'issued');
    assert.equal(t.domainId, SAMPLE.liveDomainId);
  });

  it('list', async () => {
    const list = valid(await api.listTlsSubscriptions(env.client));
    const r = only();
    assert.equal(`${r.method} ${r.path}`, 'GET /v1/tls/subscriptions');
    assert.deepEqual(list.map((t) => t.status).sort(), ['issued', 'pending']);
  });

  it('delete, then delete again is a 404', async () => {
    await api.deleteTlsSubscription(env.client, SAMPLE.pendingTlsId);
    assert.equal(`${only().method} ${only().path}`, `DELETE /v1/tls/subscriptions/${SAMPLE.pendingTlsId}`);
    await rejects(api.deleteTlsSubscription(env.client, SAMPLE.pendingTlsId), { status: 404 });
  });
});

describe('signing keys', () => {
  it('create for a stream sends stream_id alone and returns the private key once', async () => {
    const k = await api.createSigningKey(env.client, { streamId: SAMPLE.streamId });
    const r = only();
    assert.equal(`${r.method} ${r.path}`, 'POST /v1/signing-keys');
    assert.deepEqual(r.body, { stream_id: SAMPLE.streamId });
    assert.deepEqual(Object.keys(r.body as object), ['stream_id'], 'the target field and nothing else');
    assert.match(k.privateKey, /^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----\n?$/);
    assert.deepEqual(k.target, { kind: 'stream', streamId: SAMPLE.streamId });
    const again = await api.getSigningKey(env.client, k.id);
    assert.equal('privateKey' in again, false, 'the private key is never returned again');
  });

  it('create for a live domain and for a bucket send domain_id and bucket_name', async () => {
    await api.createSigningKey(env.client, { domainId: SAMPLE.eventsDomainId });
    await api.createSigningKey(env.client, { bucketName: SAMPLE.mediaBucket });
    assert.deepEqual(
      sent().map((r) => r.body),
      [{ domain_id: SAMPLE.eventsDomainId }, { bucket_name: 'media-assets' }],
    );
  });

  it('create takes the signal as its third argument; naming is a separate PUT', async () => {
    const controller = new AbortController();
    const k = await api.createSigningKey(env.client, { bucketName: SAMPLE.mediaBucket }, controller.signal);
    assert.equal(k.name, null);
    const named = await api.renameSigningKey(env.client, k.id, 'Media bucket', controller.signal);
    assert.equal(named.name, 'Media bucket');
    assert.deepEqual(
      sent().map((r) => [r.method, r.path, r.body]),
      [
        ['POST', '/v1/signing-keys', { bucket_name: 'media-assets' }],
        ['PUT', `/v1/signing-keys/${k.id}`, { name: 'Media bucket' }],
      ],
    );
  });

  it('create with an aborted signal sends nothing and says it was cancelled', async () => {
    await env.client.verifyApiKey(); // a token in hand, so the aborted call starts no token request of its own
    const controller = new AbortController();
    controller.abort();
    await rejects(api.createSigningKey(env.client, { streamId: SAMPLE.streamId }, controller.signal), {
      kind: 'cancelled',
    });
    assert.deepEqual(sent(), []);
  });

  it('create refuses a target naming two fields (or none) before sending, so the body is never ambiguous', async () => {
    const two = { streamId: SAMPLE.streamId, bucketName: SAMPLE.mediaBucket } as unknown as api.SigningKeyFor;
    await rejects(api.createSigningKey(env.client, two), { kind: 'invalid-input' });
    await rejects(api.createSigningKey(env.client, {} as unknown as api.SigningKeyFor), { kind: 'invalid-input' });
    assert.equal(env.emulator.requests.length, 0);
  });

  it('create for a vod domain is refused by the API, and not retried', async () => {
    await rejects(api.createSigningKey(env.client, { domainId: SAMPLE.vodDomainId }), { status: 422 });
    assert.equal(sent().length, 1);
  });

  it('create refuses a stream id that is not a UUID before sending', async () => {
    await rejects(api.createSigningKey(env.client, { streamId: 'stream-1' }), { kind: 'invalid-input' });
    assert.equal(env.emulator.requests.length, 0);
  });

  it('get', async () => {
    const k = await api.getSigningKey(env.client, SAMPLE.bucketKeyId);
    assert.equal(only().path, `/v1/signing-keys/${SAMPLE.bucketKeyId}`);
    assert.deepEqual(k.target, { kind: 'bucket', bucketName: 'promo-clips' });
    assert.equal(k.name, 'Promo clips');
  });

  it('list: absent and null names, and all three targets', async () => {
    const keys = valid(await api.listSigningKeys(env.client));
    assert.equal(`${only().method} ${only().path}`, 'GET /v1/signing-keys');
    assert.deepEqual(keys.map((k) => k.target.kind).sort(), ['bucket', 'domain', 'stream']);
    assert.equal(keys.find((k) => k.id === SAMPLE.domainKeyId)?.name, null);
  });

  it('rename sends name with PUT', async () => {
    const k = await api.renameSigningKey(env.client, SAMPLE.domainKeyId, '  Live site key ');
    const r = only();
    assert.equal(`${r.method} ${r.path}`, `PUT /v1/signing-keys/${SAMPLE.domainKeyId}`);
    assert.deepEqual(r.body, { name: 'Live site key' });
    assert.equal(k.name, 'Live site key');
  });

  it('rename refuses an empty name before sending', async () => {
    await rejects(api.renameSigningKey(env.client, SAMPLE.domainKeyId, '   '), { kind: 'invalid-input' });
    assert.equal(env.emulator.requests.length, 0);
  });

  it('delete, and a 404 for one already gone', async () => {
    await api.deleteSigningKey(env.client, SAMPLE.streamKeyId);
    assert.equal(`${only().method} ${only().path}`, `DELETE /v1/signing-keys/${SAMPLE.streamKeyId}`);
    await rejects(api.deleteSigningKey(env.client, SAMPLE.streamKeyId), {
      status: 404,
      operation: 'delete signing key',
    });
  });
});

describe('buckets', () => {
  it('set access policy', async () => {
    await api.setBucketPolicy(env.client, SAMPLE.mediaBucket, 'authenticated');
    const r = only();
    assert.equal(`${r.method} ${r.path}`, 'PUT /v1/buckets/media-assets/policy/authenticated');
    assert.equal(r.body, undefined);
    assert.equal(env.emulator.account().buckets.get('media-assets')?.policy, 'authenticated');
  });

  it('set access policy on an unknown bucket is a 404', async () => {
    await rejects(api.setBucketPolicy(env.client, 'no-such-bucket', 'public'), { status: 404 });
  });

  it('get CORS returns the policy object', async () => {
    const cors = await api.getCors(env.client, SAMPLE.mediaBucket);
    assert.equal(`${only().method} ${only().path}`, 'GET /v1/buckets/media-assets/cors');
    assert.equal(cors['Access-Control-Max-Age'], '1600');
    assert.equal(Object.keys(cors).length, 4);
  });

  it('set CORS posts the document', async () => {
    await api.setCors(env.client, SAMPLE.archiveBucket, {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Max-Age': '600',
    });
    const r = only();
    assert.equal(`${r.method} ${r.path}`, 'POST /v1/buckets/vod-archive/cors');
    assert.deepEqual(r.body, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Max-Age': '600' });
  });

  it('set CORS refuses an unknown header before sending', async () => {
    await rejects(api.setCors(env.client, SAMPLE.archiveBucket, { 'X-Frame-Options': 'DENY' }), {
      kind: 'invalid-input',
    });
    assert.equal(env.emulator.requests.length, 0);
  });

  it('delete CORS', async () => {
    await api.deleteCors(env.client, SAMPLE.mediaBucket);
    assert.equal(`${only().method} ${only().path}`, 'DELETE /v1/buckets/media-assets/cors');
    assert.deepEqual(env.emulator.account().buckets.get('media-assets')?.cors, {});
  });

  it('delete one CORS header', async () => {
    await api.deleteCorsHeader(env.client, SAMPLE.mediaBucket, 'Access-Control-Max-Age');
    assert.equal(`${only().method} ${only().path}`, 'DELETE /v1/buckets/media-assets/cors/Access-Control-Max-Age');
    assert.equal('Access-Control-Max-Age' in (env.emulator.account().buckets.get('media-assets')?.cors ?? {}), false);
  });

  it('delete one CORS header that is not set is a 404', async () => {
    await rejects(api.deleteCorsHeader(env.client, SAMPLE.archiveBucket, 'Access-Control-Max-Age'), { status: 404 });
  });

  it('purge a whole bucket', async () => {
    await api.purgeBucket(env.client, SAMPLE.mediaBucket);
    const r = only();
    assert.equal(`${r.method} ${r.path}`, 'POST /v1/buckets/media-assets/cache/purge_all');
    assert.equal(env.emulator.account().purges.at(-1)?.path, null);
  });

  it('purge one object sends its path, without a leading slash', async () => {
    await api.purgeObject(env.client, SAMPLE.mediaBucket, '/videos/intro/master.m3u8');
    const r = only();
    assert.equal(`${r.method} ${r.path}`, 'POST /v1/buckets/media-assets/cache/purge');
    assert.deepEqual(r.body, { path: 'videos/intro/master.m3u8' });
  });

  it('purge refuses a path with ".." before sending', async () => {
    await rejects(api.purgeObject(env.client, SAMPLE.mediaBucket, 'a/../../etc'), { kind: 'invalid-input' });
    assert.equal(env.emulator.requests.length, 0);
  });
});
