import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as api from '../../src/core';
import { isInvalid, QencodeError } from '../../src/core';
import { SAMPLE } from '../emulator/sample-data';
import { useEmulator } from './harness';

/*
 * Replies the reference does not show but a real server plausibly sends, served by
 * the emulator in place of its own answer. Each case asserts the request the client
 * sent and what it made of the reply: accepted, or shown in part with what was left
 * out named, or refused as an invalid response that says why.
 */
const env = useEmulator();

/** The emulator answers the next request to `path` with this body and HTTP 200. */
function replyWith(method: string, path: string, body: unknown) {
  env.emulator.addFault({ method, path: `^${path}$`, fault: { type: 'status', status: 200, body }, times: 1 });
}

/** The one API request sent after the token: method, path and body. */
function received() {
  const requests = env.emulator.requests.filter((r) => !r.path.startsWith('/v1/access_token/'));
  assert.equal(requests.length, 1, requests.map((r) => `${r.method} ${r.path}`).join(', '));
  return [requests[0]!.method, requests[0]!.path, requests[0]!.body];
}

async function invalidResponse(promise: Promise<unknown>, reason: RegExp) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof QencodeError, String(error));
    assert.equal(error.kind, 'invalid-response');
    assert.match(error.reason, reason);
    return true;
  });
}

describe('CORS replies', () => {
  it('a number where the reference shows a string is shown as that string', async () => {
    replyWith('GET', '/v1/buckets/media-assets/cors', {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Max-Age': 1600,
    });
    const policy = await api.getCors(env.client, SAMPLE.mediaBucket);
    assert.deepEqual(received(), ['GET', '/v1/buckets/media-assets/cors', undefined]);
    assert.deepEqual(policy, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Max-Age': '1600' });
  });

  it('getCorsReply keeps the usable headers and names the ones it dropped', async () => {
    replyWith('GET', '/v1/buckets/media-assets/cors', {
      'Access-Control-Allow-Origin': 'https://player.example.com',
      'Access-Control-Allow-Methods': ['GET', 'HEAD'],
      'Access-Control-Allow-Credentials': true,
      'Access-Control-Expose-Headers': { list: 'Content-Length' },
      'Access-Control-Max-Age': 600,
    });
    const reply = await api.getCorsReply(env.client, SAMPLE.mediaBucket);
    assert.deepEqual(received(), ['GET', '/v1/buckets/media-assets/cors', undefined]);
    assert.deepEqual(reply, {
      policy: { 'Access-Control-Allow-Origin': 'https://player.example.com', 'Access-Control-Max-Age': '600' },
      dropped: ['Access-Control-Allow-Methods', 'Access-Control-Allow-Credentials', 'Access-Control-Expose-Headers'],
    });
  });

  it("getCorsReply of the emulator's own policy drops nothing", async () => {
    const reply = await api.getCorsReply(env.client, SAMPLE.mediaBucket);
    assert.deepEqual(received(), ['GET', '/v1/buckets/media-assets/cors', undefined]);
    assert.deepEqual(reply.dropped, []);
    assert.equal(reply.policy['Access-Control-Max-Age'], '1600');
  });

  it('a CORS reply that is a list is an invalid response that says so', async () => {
    replyWith('GET', '/v1/buckets/media-assets/cors', [{ 'Access-Control-Allow-Origin': '*' }]);
    await invalidResponse(
      api.getCors(env.client, SAMPLE.mediaBucket),
      /expected an object of CORS header names to values/,
    );
    assert.deepEqual(received(), ['GET', '/v1/buckets/media-assets/cors', undefined]);
  });
});

describe('lists', () => {
  it('a paginated domain list with extra keys everywhere and bucket_name null', async () => {
    replyWith('GET', '/v1/domains', {
      domains: [
        {
          id: 'a',
          domain_name: 'a.example.com',
          type: 'live',
          bucket_name: null,
          created: '2023-06-07 14:17:25',
          region: 'us-west',
        },
        {
          id: 'b',
          domain_name: 'b.example.com',
          type: 'vod',
          bucket_name: 'media-assets',
          created: '2023-06-09 10:45:03',
          cdn: { edge: true },
        },
        { id: 'c', domain_name: 'c.example.com', type: 'vod', created: '2024-01-15 16:30:00' },
      ],
      total: 3,
      page: 1,
      per_page: 50,
    });
    const domains = await api.listDomains(env.client);
    assert.deepEqual(received(), ['GET', '/v1/domains', undefined]);
    assert.deepEqual(domains, [
      { id: 'a', name: 'a.example.com', type: 'live', created: new Date('2023-06-07T14:17:25Z') },
      {
        id: 'b',
        name: 'b.example.com',
        type: 'vod',
        bucketName: 'media-assets',
        created: new Date('2023-06-09T10:45:03Z'),
      },
      { id: 'c', name: 'c.example.com', type: 'vod', created: new Date('2024-01-15T16:30:00Z') },
    ]);
  });

  it('a domain whose date is not a real one is an invalid item; the others show', async () => {
    replyWith('GET', '/v1/domains/live', {
      domains: [
        { id: 'a', domain_name: 'a.example.com', type: 'live', created: '0000-00-00 00:00:00' },
        { id: 'b', domain_name: 'b.example.com', type: 'live', created: '2023-06-07 14:17:25' },
      ],
    });
    const [bad, good] = await api.listDomains(env.client, 'live');
    assert.deepEqual(received(), ['GET', '/v1/domains/live', undefined]);
    assert.deepEqual(bad, {
      invalid: true,
      id: 'a',
      problem:
        'domains[0].created: "0000-00-00 00:00:00" is not a real date and time (expected a date like 2023-06-07 14:17:25)',
    });
    assert.ok(good && !isInvalid(good) && good.created.toISOString() === '2023-06-07T14:17:25.000Z');
  });

  it('signing keys with name null, name missing, and pagination fields', async () => {
    replyWith('GET', '/v1/signing-keys', {
      signing_keys: [
        { id: 'k1', stream_id: SAMPLE.streamId, name: null, created: '2023-06-12 15:00:40' },
        { id: 'k2', domain_id: SAMPLE.liveDomainId, created: '2023-06-07 14:17:25', extra: [1, 2] },
      ],
      total: 2,
      page: 1,
      per_page: 50,
    });
    const keys = await api.listSigningKeys(env.client);
    assert.deepEqual(received(), ['GET', '/v1/signing-keys', undefined]);
    assert.deepEqual(
      keys.map((k) => (isInvalid(k) ? k : [k.id, k.name, k.target.kind])),
      [
        ['k1', null, 'stream'],
        ['k2', null, 'domain'],
      ],
    );
  });
});

describe('single replies', () => {
  it('a domain whose date is not a real one is an invalid response naming the field', async () => {
    replyWith('GET', `/v1/domains/${SAMPLE.vodDomainId}`, {
      domain: {
        id: SAMPLE.vodDomainId,
        domain_name: 'vod.example-tv.com',
        type: 'vod',
        created: '2023-13-45 99:99:99',
      },
    });
    await invalidResponse(
      api.getDomain(env.client, SAMPLE.vodDomainId),
      /^the reply has an unexpected shape: domain\.created: "2023-13-45 99:99:99" is not a real date and time/,
    );
    assert.deepEqual(received(), ['GET', `/v1/domains/${SAMPLE.vodDomainId}`, undefined]);
  });

  it('a signing-key create reply with a date that is not real keeps the private key, with a valid date and the problem named', async () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n';
    replyWith('POST', '/v1/signing-keys', {
      signing_key: {
        id: 'k9',
        stream_id: SAMPLE.streamId,
        private_key: pem,
        created: '0000-00-00 00:00:00',
        name: null,
      },
    });
    const before = Date.now();
    const key = await api.createSigningKey(env.client, { streamId: SAMPLE.streamId });
    assert.deepEqual(received(), ['POST', '/v1/signing-keys', { stream_id: SAMPLE.streamId }]);
    assert.equal(key.privateKey, pem);
    assert.equal(key.id, 'k9');
    assert.ok(Number.isFinite(key.created.getTime()) && key.created.getTime() >= before);
    assert.match(key.problem ?? '', /^signing_key\.created: /);
  });

  it('a renamed key whose name comes back missing reads as no name', async () => {
    replyWith('PUT', `/v1/signing-keys/${SAMPLE.streamKeyId}`, {
      signing_key: { id: SAMPLE.streamKeyId, stream_id: SAMPLE.streamId, created: '2023-06-12 15:00:40' },
      status: 'ok',
    });
    const key = await api.renameSigningKey(env.client, SAMPLE.streamKeyId, 'New name');
    assert.deepEqual(received(), ['PUT', `/v1/signing-keys/${SAMPLE.streamKeyId}`, { name: 'New name' }]);
    assert.equal(key.name, null);
  });
});
