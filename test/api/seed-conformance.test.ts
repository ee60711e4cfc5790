import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { SAMPLE } from '../emulator/sample-data';
import { DEMO_API_KEY } from '../emulator/emulator';
import { useEmulator } from './harness';
import { SEED } from '../unit/seed-fixtures';

/*
 * The emulator answers each curl example of the seed with the shape the seed shows:
 * the same keys at every level, with values of the same types.
 */
const env = useEmulator();

/** `{domain: {created: 'string', ...}}`: keys and value types, recursively; arrays by their first item. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [value.length ? shape(value[0]) : 'empty'];
  if (value === null) return 'null';
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as object)
        .map(([k, v]) => [k, shape(v)])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  return typeof value;
}

const seedJson = (text: string) =>
  JSON.parse(
    text.replace(
      /"private_key": "([\s\S]*?)",\n"created"/,
      (_m, pem: string) => `"private_key": ${JSON.stringify(pem)},\n"created"`,
    ),
  ) as unknown;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const token = method === 'POST' && path.startsWith('/v1/access_token/') ? undefined : await accessToken();
  const res = await request(env.url + path, {
    method: method as 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.statusCode, json: await res.body.json() };
}

async function accessToken(): Promise<string> {
  const res = await request(`${env.url}/v1/access_token/${DEMO_API_KEY}`, { method: 'POST' });
  return ((await res.body.json()) as { access_token: string }).access_token;
}

describe("the emulator answers the seed's examples in the seed's shapes", () => {
  const cases: [string, () => Promise<{ status: number; json: unknown }>, string][] = [
    ['POST /v1/access_token/{api_key}', () => call('POST', `/v1/access_token/${DEMO_API_KEY}`), SEED.accessToken],
    [
      'POST /v1/domains',
      () => call('POST', '/v1/domains', { name: 'live.mydomain.com', type: 'live' }),
      SEED.createDomain,
    ],
    ['GET /v1/domains/{id}', () => call('GET', `/v1/domains/${SAMPLE.liveDomainId}`), SEED.createDomain],
    ['GET /v1/domains', () => call('GET', '/v1/domains/live'), SEED.listDomains],
    [
      'PUT /v1/domains/{id}',
      () => call('PUT', `/v1/domains/${SAMPLE.vodDomainId}`, { bucket_name: SAMPLE.promoBucket }),
      SEED.updateDomain,
    ],
    ['DELETE /v1/domains/{id}', () => call('DELETE', `/v1/domains/${SAMPLE.eventsDomainId}`), SEED.status],
    [
      'POST /v1/tls/subscriptions',
      () => call('POST', '/v1/tls/subscriptions', { domain_id: SAMPLE.eventsDomainId }),
      SEED.createTls,
    ],
    ['GET /v1/tls/subscriptions/{id}', () => call('GET', `/v1/tls/subscriptions/${SAMPLE.pendingTlsId}`), SEED.getTls],
    ['GET /v1/tls/subscriptions', () => call('GET', '/v1/tls/subscriptions'), SEED.listTls],
    [
      'DELETE /v1/tls/subscriptions/{id}',
      () => call('DELETE', `/v1/tls/subscriptions/${SAMPLE.pendingTlsId}`),
      SEED.status,
    ],
    [
      'POST /v1/signing-keys',
      () => call('POST', '/v1/signing-keys', { stream_id: SAMPLE.streamId }),
      SEED.createSigningKey,
    ],
    ['GET /v1/signing-keys/{id}', () => call('GET', `/v1/signing-keys/${SAMPLE.streamKeyId}`), SEED.getSigningKey],
    [
      'PUT /v1/signing-keys/{id}',
      () => call('PUT', `/v1/signing-keys/${SAMPLE.streamKeyId}`, { name: 'My signing key' }),
      SEED.renameSigningKey,
    ],
    ['DELETE /v1/signing-keys/{id}', () => call('DELETE', `/v1/signing-keys/${SAMPLE.bucketKeyId}`), SEED.status],
    [
      'PUT /v1/buckets/{bucket}/policy/{policy}',
      () => call('PUT', `/v1/buckets/${SAMPLE.mediaBucket}/policy/authenticated`),
      SEED.status,
    ],
    ['GET /v1/buckets/{bucket}/cors', () => call('GET', `/v1/buckets/${SAMPLE.mediaBucket}/cors`), SEED.getCors],
    [
      'POST /v1/buckets/{bucket}/cors',
      () => call('POST', `/v1/buckets/${SAMPLE.archiveBucket}/cors`, { 'Access-Control-Allow-Origin': '*' }),
      SEED.status,
    ],
    [
      'DELETE /v1/buckets/{bucket}/cors/{header}',
      () => call('DELETE', `/v1/buckets/${SAMPLE.mediaBucket}/cors/Access-Control-Allow-Origin`),
      SEED.status,
    ],
    ['DELETE /v1/buckets/{bucket}/cors', () => call('DELETE', `/v1/buckets/${SAMPLE.mediaBucket}/cors`), SEED.status],
    [
      'POST /v1/buckets/{bucket}/cache/purge_all',
      () => call('POST', `/v1/buckets/${SAMPLE.mediaBucket}/cache/purge_all`),
      SEED.status,
    ],
    [
      'POST /v1/buckets/{bucket}/cache/purge',
      () => call('POST', `/v1/buckets/${SAMPLE.mediaBucket}/cache/purge`, { path: 'path/to/object' }),
      SEED.status,
    ],
  ];
  for (const [name, run, example] of cases) {
    it(name, async () => {
      const { status, json } = await run();
      assert.equal(status, 200);
      assert.deepEqual(shape(json), shape(seedJson(example)));
    });
  }

  it('the signing-key list carries the shapes the seed shows: domain_id items without name, stream_id items with name null', async () => {
    const { json } = await call('GET', '/v1/signing-keys');
    const items = (json as { signing_keys: Record<string, unknown>[] }).signing_keys;
    const seedItems = (seedJson(SEED.listSigningKeys) as { signing_keys: Record<string, unknown>[] }).signing_keys;
    const byKind = (list: Record<string, unknown>[], key: string) => list.find((i) => key in i);
    assert.deepEqual(
      Object.keys(byKind(items, 'stream_id')!).sort(),
      Object.keys(byKind(seedItems, 'stream_id')!).sort(),
    );
    assert.equal(byKind(items, 'domain_id')?.name, null);
  });
});
