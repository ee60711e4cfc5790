import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as api from '../../src/core';
import { QencodeClient } from '../../src/core';
import { SAMPLE } from '../emulator/sample-data';
import { useEmulator, failure } from './harness';

/*
 * Qencode's other APIs report a failure inside a 200: `error` non-zero, true or
 * text, or `status` "error"/"failed". The client reads that once, in reply.ts
 * layer, for every operation; these tests drive it through the operations a user
 * most needs not to be told "done" when they were not.
 */
const env = useEmulator();

/** Every body shape that must be a failure, with the reason the user must see. */
const FAILURE_BODIES: { name: string; body: Record<string, unknown>; reason: string; code?: number }[] = [
  {
    name: 'error: 1 with a message',
    body: { error: 1, message: 'Bucket is locked' },
    reason: 'Bucket is locked',
    code: 1,
  },
  {
    name: 'error: true with a message',
    body: { error: true, message: 'Bucket is locked' },
    reason: 'Bucket is locked',
  },
  { name: 'error as text', body: { error: 'Bucket is locked' }, reason: 'Bucket is locked' },
  {
    name: 'status "error" with a message',
    body: { status: 'error', message: 'Bucket is locked' },
    reason: 'Bucket is locked',
  },
  {
    name: 'status "failed" with a message',
    body: { status: 'failed', message: 'Bucket is locked' },
    reason: 'Bucket is locked',
  },
  {
    name: 'status "error" with a description',
    body: { status: 'error', message: 'Refused', error_description: 'Bucket is locked' },
    reason: 'Bucket is locked',
  },
  {
    name: 'error: "7" (a code as text)',
    body: { error: '7', message: 'Bucket is locked' },
    reason: 'Bucket is locked',
    code: 7,
  },
];

type Op = {
  name: string;
  operation: string;
  method: string;
  path: string;
  body?: unknown;
  run: (c: QencodeClient) => Promise<unknown>;
};
const OPS: Op[] = [
  {
    name: 'delete domain',
    operation: 'Delete domain',
    method: 'DELETE',
    path: `/v1/domains/${SAMPLE.vodDomainId}`,
    run: (c) => api.deleteDomain(c, SAMPLE.vodDomainId),
  },
  {
    name: 'purge object',
    operation: 'Purge object',
    method: 'POST',
    path: `/v1/buckets/${SAMPLE.mediaBucket}/cache/purge`,
    body: { path: 'videos/a.m3u8' },
    run: (c) => api.purgeObject(c, SAMPLE.mediaBucket, 'videos/a.m3u8'),
  },
  {
    name: 'purge bucket',
    operation: 'Purge bucket',
    method: 'POST',
    path: `/v1/buckets/${SAMPLE.mediaBucket}/cache/purge_all`,
    run: (c) => api.purgeBucket(c, SAMPLE.mediaBucket),
  },
  {
    name: 'set policy',
    operation: 'Set bucket access policy',
    method: 'PUT',
    path: `/v1/buckets/${SAMPLE.mediaBucket}/policy/authenticated`,
    run: (c) => api.setBucketPolicy(c, SAMPLE.mediaBucket, 'authenticated'),
  },
  {
    name: 'set CORS',
    operation: 'Set CORS policy',
    method: 'POST',
    path: `/v1/buckets/${SAMPLE.mediaBucket}/cors`,
    body: { 'Access-Control-Allow-Origin': '*' },
    run: (c) => api.setCors(c, SAMPLE.mediaBucket, { 'Access-Control-Allow-Origin': '*' }),
  },
  {
    name: 'get CORS',
    operation: 'Get CORS policy',
    method: 'GET',
    path: `/v1/buckets/${SAMPLE.mediaBucket}/cors`,
    run: (c) => api.getCors(c, SAMPLE.mediaBucket),
  },
  {
    name: 'delete signing key',
    operation: 'Delete signing key',
    method: 'DELETE',
    path: `/v1/signing-keys/${SAMPLE.streamKeyId}`,
    run: (c) => api.deleteSigningKey(c, SAMPLE.streamKeyId),
  },
  // The rest of the operations: a failure in a 200 is a failure for every one of them.
  {
    name: 'get domain',
    operation: 'Get domain',
    method: 'GET',
    path: `/v1/domains/${SAMPLE.vodDomainId}`,
    run: (c) => api.getDomain(c, SAMPLE.vodDomainId),
  },
  {
    name: 'list domains',
    operation: 'List domains',
    method: 'GET',
    path: '/v1/domains',
    run: (c) => api.listDomains(c),
  },
  {
    name: 'list vod domains',
    operation: 'List domains',
    method: 'GET',
    path: '/v1/domains/vod',
    run: (c) => api.listDomains(c, 'vod'),
  },
  {
    name: 'create domain',
    operation: 'Create domain',
    method: 'POST',
    path: '/v1/domains',
    body: { name: 'new.example.com', type: 'live' },
    run: (c) => api.createDomain(c, { name: 'new.example.com', type: 'live' }),
  },
  {
    name: 'set domain bucket',
    operation: 'Update domain',
    method: 'PUT',
    path: `/v1/domains/${SAMPLE.vodDomainId}`,
    body: { bucket_name: SAMPLE.promoBucket },
    run: (c) => api.setDomainBucket(c, SAMPLE.vodDomainId, SAMPLE.promoBucket),
  },
  {
    name: 'create TLS subscription',
    operation: 'Create TLS subscription',
    method: 'POST',
    path: '/v1/tls/subscriptions',
    body: { domain_id: SAMPLE.eventsDomainId },
    run: (c) => api.createTlsSubscription(c, SAMPLE.eventsDomainId),
  },
  {
    name: 'get TLS subscription',
    operation: 'Get TLS subscription',
    method: 'GET',
    path: `/v1/tls/subscriptions/${SAMPLE.pendingTlsId}`,
    run: (c) => api.getTlsSubscription(c, SAMPLE.pendingTlsId),
  },
  {
    name: 'list TLS subscriptions',
    operation: 'List TLS subscriptions',
    method: 'GET',
    path: '/v1/tls/subscriptions',
    run: (c) => api.listTlsSubscriptions(c),
  },
  {
    name: 'delete TLS subscription',
    operation: 'Delete TLS subscription',
    method: 'DELETE',
    path: `/v1/tls/subscriptions/${SAMPLE.pendingTlsId}`,
    run: (c) => api.deleteTlsSubscription(c, SAMPLE.pendingTlsId),
  },
  {
    name: 'get signing key',
    operation: 'Get signing key',
    method: 'GET',
    path: `/v1/signing-keys/${SAMPLE.streamKeyId}`,
    run: (c) => api.getSigningKey(c, SAMPLE.streamKeyId),
  },
  {
    name: 'list signing keys',
    operation: 'List signing keys',
    method: 'GET',
    path: '/v1/signing-keys',
    run: (c) => api.listSigningKeys(c),
  },
  {
    name: 'rename signing key',
    operation: 'Rename signing key',
    method: 'PUT',
    path: `/v1/signing-keys/${SAMPLE.streamKeyId}`,
    body: { name: 'x' },
    run: (c) => api.renameSigningKey(c, SAMPLE.streamKeyId, 'x'),
  },
  {
    name: 'delete CORS policy',
    operation: 'Delete CORS policy',
    method: 'DELETE',
    path: `/v1/buckets/${SAMPLE.mediaBucket}/cors`,
    run: (c) => api.deleteCors(c, SAMPLE.mediaBucket),
  },
  {
    name: 'delete CORS header',
    operation: 'Delete CORS header',
    method: 'DELETE',
    path: `/v1/buckets/${SAMPLE.mediaBucket}/cors/Access-Control-Max-Age`,
    run: (c) => api.deleteCorsHeader(c, SAMPLE.mediaBucket, 'Access-Control-Max-Age'),
  },
];

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The one request the emulator received for this operation: sent once, with the body the operation means. */
function receivedOnce(op: Op) {
  const got = env.emulator.requestsTo(op.method, `^${escape(op.path)}$`);
  assert.equal(got.length, 1, `${op.method} ${op.path} is sent once and not retried (got ${got.length})`);
  const r = got[0]!;
  assert.equal(r.status, 200, 'the emulator answered 200');
  assert.match(r.authorization ?? '', /^Bearer eyJ/, 'with the bearer token');
  if (op.body !== undefined) assert.deepEqual(r.body, op.body, 'with the body the operation means');
  else assert.equal(r.body, undefined, 'with no body');
  return r;
}

describe('a failure reported inside a 200 reply', () => {
  for (const op of OPS) {
    for (const shape of FAILURE_BODIES) {
      it(`${op.name}: ${shape.name} is an error, not a success`, async () => {
        env.emulator.addFault({
          method: op.method,
          path: `^${escape(op.path)}$`,
          fault: { type: 'error-in-200', body: shape.body },
          times: 1,
        });
        const e = await failure(op.run(env.client));
        assert.equal(e.kind, 'http');
        assert.equal(e.status, 200, 'the status is kept');
        assert.equal(e.reason, shape.reason);
        assert.equal(e.code, shape.code);
        assert.equal(e.message, `${op.operation} failed: Bucket is locked (HTTP 200).`);
        receivedOnce(op);
      });
    }
  }

  it('create signing key: a reply that says "error" but carries the private key keeps the key, with the failure noted', async () => {
    const key = {
      id: '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a',
      stream_id: SAMPLE.streamId,
      created: '2024-06-01 12:00:00',
      name: null,
      private_key: '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n',
    };
    env.emulator.addFault({
      method: 'POST',
      path: '^/v1/signing-keys$',
      fault: {
        type: 'status',
        status: 200,
        body: { signing_key: key, status: 'error', message: 'Quota nearly reached' },
      },
      times: 1,
    });
    const created = await api.createSigningKey(env.client, { streamId: SAMPLE.streamId });
    assert.equal(created.privateKey, key.private_key);
    assert.equal(created.id, key.id);
    assert.match(created.problem ?? '', /the server also reported a failure \(Quota nearly reached\)/);
    assert.deepEqual(
      env.emulator.requestsTo('POST', '^/v1/signing-keys$').map((r) => r.body),
      [{ stream_id: SAMPLE.streamId }],
    );
  });

  it('create signing key: a reply that says "error" and carries no key is a failure (the command then re-reads the list)', async () => {
    env.emulator.addFault({
      method: 'POST',
      path: '^/v1/signing-keys$',
      fault: { type: 'error-in-200', body: { status: 'error', message: 'Bucket is locked' } },
      times: 1,
    });
    const e = await failure(api.createSigningKey(env.client, { streamId: SAMPLE.streamId }));
    assert.equal(e.status, 200);
    assert.equal(api.isLostReply(e), true, 'a 2xx failure on a create leaves it unknown whether it happened');
  });

  it('the emulator fault shapes are failures too, and the request was not acted on', async () => {
    for (const shape of ['code', 'true', 'text', 'status-error', 'status-failed'] as const) {
      env.emulator.clearRequests();
      env.emulator.addFault({
        method: 'DELETE',
        path: '^/v1/domains/',
        fault: { type: 'error-in-200', shape },
        times: 1,
      });
      const e = await failure(api.deleteDomain(env.client, SAMPLE.liveDomainId));
      assert.equal(e.reason, 'Injected failure in a 200 reply', shape);
      assert.equal(env.emulator.requestsTo('DELETE', `^/v1/domains/${SAMPLE.liveDomainId}$`).length, 1);
      assert.ok(env.emulator.account().domains.has(SAMPLE.liveDomainId), 'the domain is still there');
    }
  });

  it('a failure body without a message still says what happened', async () => {
    env.emulator.addFault({
      method: 'DELETE',
      path: '^/v1/domains/',
      fault: { type: 'error-in-200', body: { status: 'error' } },
      times: 1,
    });
    const e = await failure(api.deleteDomain(env.client, SAMPLE.liveDomainId));
    assert.equal(e.message, 'Delete domain failed: the API reported a failure without saying why (HTTP 200).');
  });

  it('an error object nested in the body is a failure with its message and code', async () => {
    env.emulator.addFault({
      method: 'POST',
      path: '/cache/purge$',
      fault: { type: 'error-in-200', body: { error: { code: 3, message: 'Purge quota exceeded' } } },
      times: 1,
    });
    const e = await failure(api.purgeObject(env.client, SAMPLE.mediaBucket, 'a.ts'));
    assert.equal(e.reason, 'Purge quota exceeded');
    assert.equal(e.code, 3);
  });

  it('"status" in any case counts: "FAILED" is a failure', async () => {
    env.emulator.addFault({
      method: 'PUT',
      path: '/policy/',
      fault: { type: 'error-in-200', body: { status: 'FAILED', message: 'No such bucket' } },
      times: 1,
    });
    const e = await failure(api.setBucketPolicy(env.client, SAMPLE.mediaBucket, 'public'));
    assert.equal(e.reason, 'No such bucket');
  });

  it('a token reply reporting a failure is an error, not a token', async () => {
    env.emulator.addFault({
      method: 'POST',
      path: '^/v1/access_token/',
      fault: { type: 'error-in-200', body: { error: true, message: 'Project disabled' } },
      times: 1,
    });
    const e = await failure(env.client.verifyApiKey());
    assert.equal(e.message, 'Get access token failed: Project disabled (HTTP 200).');
    assert.equal(env.emulator.requestsTo('POST', '^/v1/access_token/').length, 1);
  });

  it('busy (8) inside a 200 is still waited for and retried', async () => {
    env.emulator.addFault({
      method: 'POST',
      path: '/cache/purge$',
      fault: { type: 'error-in-200', body: { error: 8, message: 'System busy', retry_after: 0 } },
      times: 1,
    });
    await api.purgeObject(env.client, SAMPLE.mediaBucket, 'a.ts');
    assert.deepEqual(
      env.emulator.requestsTo('POST', '/cache/purge$').map((r) => r.body),
      [{ path: 'a.ts' }, { path: 'a.ts' }],
    );
    assert.equal(env.emulator.account().purges.at(-1)?.path, 'a.ts');
  });

  it('an expired-token code (5) inside a 200 still gets a fresh token and one retry', async () => {
    env.emulator.addFault({
      method: 'DELETE',
      path: '^/v1/domains/',
      fault: { type: 'error-in-200', body: { error: 5, message: 'Token expired' } },
      times: 1,
    });
    await api.deleteDomain(env.client, SAMPLE.liveDomainId);
    assert.equal(env.emulator.requestsTo('POST', '^/v1/access_token/').length, 2);
    assert.equal(env.emulator.requestsTo('DELETE', '^/v1/domains/').length, 2);
    assert.equal(env.emulator.account().domains.has(SAMPLE.liveDomainId), false);
  });
});

describe('a success envelope is a success', () => {
  const SUCCESS_BODIES: Record<string, unknown>[] = [
    { error: 0 },
    { error: false },
    { status: 'ok' },
    { error: 0, status: 'ok', message: 'Done' },
    { error: '0' },
    { error: null },
    { error: '' },
  ];
  for (const body of SUCCESS_BODIES) {
    it(`${JSON.stringify(body)} on delete domain, purge object and set policy`, async () => {
      env.emulator.addFault({
        method: 'DELETE',
        path: '^/v1/domains/',
        fault: { type: 'status', status: 200, body },
        times: 1,
      });
      env.emulator.addFault({
        method: 'POST',
        path: '/cache/purge$',
        fault: { type: 'status', status: 200, body },
        times: 1,
      });
      env.emulator.addFault({
        method: 'PUT',
        path: '/policy/',
        fault: { type: 'status', status: 200, body },
        times: 1,
      });
      await api.deleteDomain(env.client, SAMPLE.liveDomainId);
      await api.purgeObject(env.client, SAMPLE.mediaBucket, 'x.ts');
      await api.setBucketPolicy(env.client, SAMPLE.mediaBucket, 'public');
      assert.equal(env.emulator.requestsTo('DELETE', `^/v1/domains/${SAMPLE.liveDomainId}$`).length, 1);
      assert.deepEqual(
        env.emulator.requestsTo('POST', '/cache/purge$').map((r) => r.body),
        [{ path: 'x.ts' }],
      );
      assert.equal(env.emulator.requestsTo('PUT', `^/v1/buckets/${SAMPLE.mediaBucket}/policy/public$`).length, 1);
    });
  }

  it('a real reply wrapped in error: 0 reads as the reply (list domains)', async () => {
    env.emulator.addFault({ method: 'GET', path: '^/v1/domains$', fault: { type: 'success-envelope' }, times: 1 });
    assert.equal((await api.listDomains(env.client)).length, 4);
  });
});

describe('the CORS GET reply: a header map, never an error row', () => {
  const path = `/v1/buckets/${SAMPLE.mediaBucket}/cors`;

  it('{"error": 1, "message": "x"} is an error', async () => {
    env.emulator.addFault({
      method: 'GET',
      path: '/cors$',
      fault: { type: 'error-in-200', body: { error: 1, message: 'x' } },
      times: 1,
    });
    const e = await failure(api.getCors(env.client, SAMPLE.mediaBucket));
    assert.equal(e.message, 'Get CORS policy failed: x (HTTP 200).');
    assert.equal(env.emulator.requestsTo('GET', `^${path}$`).length, 1);
  });

  it('{"error": "x"} is an error, not a header named "error"', async () => {
    env.emulator.addFault({
      method: 'GET',
      path: '/cors$',
      fault: { type: 'error-in-200', body: { error: 'x' } },
      times: 1,
    });
    const e = await failure(api.getCors(env.client, SAMPLE.mediaBucket));
    assert.equal(e.reason, 'x');
  });

  it('{"status": "error", "message": "x"} is an error, not two header rows', async () => {
    env.emulator.addFault({
      method: 'GET',
      path: '/cors$',
      fault: { type: 'error-in-200', body: { status: 'error', message: 'x' } },
      times: 1,
    });
    const e = await failure(api.getCors(env.client, SAMPLE.mediaBucket));
    assert.equal(e.reason, 'x');
  });

  it('a header map inside a success envelope is the header map alone', async () => {
    env.emulator.addFault({ method: 'GET', path: '/cors$', fault: { type: 'success-envelope' }, times: 1 });
    const policy = await api.getCors(env.client, SAMPLE.mediaBucket);
    assert.deepEqual(policy, env.emulator.account().buckets.get(SAMPLE.mediaBucket)!.cors);
    assert.equal('error' in policy, false);
    const [r] = env.emulator.requestsTo('GET', `^${path}$`);
    assert.equal(r?.status, 200);
  });

  it('{"status": "ok", "error": 0, "message": ...} around headers leaves only the headers', async () => {
    const body = { status: 'ok', error: 0, message: 'Done', 'Access-Control-Allow-Origin': '*' };
    env.emulator.addFault({ method: 'GET', path: '/cors$', fault: { type: 'status', status: 200, body }, times: 1 });
    assert.deepEqual(await api.getCors(env.client, SAMPLE.mediaBucket), { 'Access-Control-Allow-Origin': '*' });
  });
});
