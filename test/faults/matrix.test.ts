import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as api from '../../src/core';
import { QencodeClient, QencodeError } from '../../src/core';
import { Emulator, ERROR_IN_200_SHAPES, type Fault } from '../emulator/emulator';
import { SAMPLE } from '../emulator/sample-data';

/*
 * Every fault crossed with every class of operation. A cell passes when:
 * no unhandled rejection; it ends before the deadline; no create is sent twice
 * (the emulator's log proves it); a signing key's private key is either returned
 * or its loss is an error (never a silent success); and a failure's message names
 * the operation and a cause. Run with canary secrets: no message may carry them.
 */
const CANARY_KEY = `canary-apikey-${Math.random().toString(36).slice(2)}`;
const DEADLINE_MS = 3_000;

type FaultCase = { name: string; fault?: Fault; refused?: true; expect: 'ok' | 'error' | 'either' };
const FAULTS: FaultCase[] = [
  { name: 'connection refused', refused: true, expect: 'error' },
  { name: 'reset before headers', fault: { type: 'reset' }, expect: 'either' },
  { name: 'reset mid-body', fault: { type: 'reset-mid-body' }, expect: 'either' },
  { name: 'slow headers past the timeout', fault: { type: 'slow-headers', ms: 800 }, expect: 'either' },
  { name: 'slow body', fault: { type: 'slow-body', ms: 800 }, expect: 'either' },
  { name: '429 with Retry-After', fault: { type: 'rate-limit', retryAfter: 1 }, expect: 'either' },
  { name: '500', fault: { type: 'status', status: 500 }, expect: 'either' },
  { name: '502', fault: { type: 'status', status: 502 }, expect: 'either' },
  { name: '503', fault: { type: 'status', status: 503 }, expect: 'either' },
  { name: 'truncated JSON', fault: { type: 'malformed-json' }, expect: 'either' },
  { name: 'wrong content type', fault: { type: 'wrong-content-type' }, expect: 'either' },
  { name: 'missing required fields', fault: { type: 'missing-fields' }, expect: 'either' },
  { name: 'extra fields', fault: { type: 'extra-fields' }, expect: 'ok' },
  {
    name: '401 with an expired token',
    fault: { type: 'status', status: 401, body: { error: 5, message: 'Token expired' } },
    expect: 'either',
  },
  { name: 'oversized body', fault: { type: 'oversized', bytes: 300 * 1024 }, expect: 'either' },
  // A 200 whose body reports a failure: never a success, whatever the operation.
  ...ERROR_IN_200_SHAPES.map((shape): FaultCase => ({
    name: `200 with a failure body (${shape})`,
    fault: { type: 'error-in-200', shape },
    expect: 'error',
  })),
  { name: '200 with error: 0 around the reply', fault: { type: 'success-envelope' }, expect: 'ok' },
];
/** The stream the matrix's signing keys are created for: its keys are counted by it. */
const MATRIX_STREAM = '6d0c3a52-1b7e-4f0a-9c55-0a6f6b1e7a11';

type OpCase = {
  name: string;
  operation: string;
  method: string;
  path: string;
  create?: 'domain' | 'key';
  run: (c: QencodeClient) => Promise<unknown>;
};
const OPS: OpCase[] = [
  { name: 'list', operation: 'List domains', method: 'GET', path: '^/v1/domains$', run: (c) => api.listDomains(c) },
  {
    name: 'get',
    operation: 'Get domain',
    method: 'GET',
    path: '^/v1/domains/',
    run: (c) => api.getDomain(c, SAMPLE.vodDomainId),
  },
  {
    name: 'create',
    operation: 'Create signing key',
    method: 'POST',
    path: '^/v1/signing-keys$',
    create: 'key',
    run: (c) => api.createSigningKey(c, { streamId: MATRIX_STREAM }),
  },
  {
    name: 'create domain',
    operation: 'Create domain',
    method: 'POST',
    path: '^/v1/domains$',
    create: 'domain',
    run: (c) => api.createDomain(c, { name: 'matrix.example.com', type: 'live' }),
  },
  {
    name: 'update',
    operation: 'Update domain',
    method: 'PUT',
    path: '^/v1/domains/',
    run: (c) => api.setDomainBucket(c, SAMPLE.vodDomainId, SAMPLE.promoBucket),
  },
  {
    name: 'delete',
    operation: 'Delete signing key',
    method: 'DELETE',
    path: '^/v1/signing-keys/',
    run: (c) => api.deleteSigningKey(c, SAMPLE.streamKeyId),
  },
  {
    name: 'CORS get',
    operation: 'Get CORS policy',
    method: 'GET',
    path: '/cors$',
    run: (c) => api.getCors(c, SAMPLE.mediaBucket),
  },
  {
    name: 'CORS set',
    operation: 'Set CORS policy',
    method: 'POST',
    path: '/cors$',
    run: (c) => api.setCors(c, SAMPLE.mediaBucket, { 'Access-Control-Allow-Origin': '*' }),
  },
  {
    name: 'purge',
    operation: 'Purge object',
    method: 'POST',
    path: '/cache/purge$',
    run: (c) => api.purgeObject(c, SAMPLE.mediaBucket, 'a/b.ts'),
  },
  {
    name: 'token',
    operation: 'Get access token',
    method: 'POST',
    path: '^/v1/access_token/',
    run: (c) => c.verifyApiKey(),
  },
];

describe('fault-injection matrix', { timeout: 600_000 }, () => {
  let emulator: Emulator;
  let url: string;
  let refusedUrl: string;
  let unhandled = 0;
  let survived = 0;
  const onUnhandled = () => unhandled++;

  before(async () => {
    process.on('unhandledRejection', onUnhandled);
    emulator = new Emulator({ seed: true, apiKeys: [CANARY_KEY] });
    url = await emulator.start();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    refusedUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
  });

  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await emulator.stop();
    console.log(`faults survived: ${survived}/${FAULTS.length * OPS.length} cells`);
  });

  for (const f of FAULTS) {
    for (const op of OPS) {
      it(`${op.name} × ${f.name}`, async () => {
        emulator.addAccount(CANARY_KEY, true);
        emulator.clearFaults();
        emulator.clearRequests();
        const client = new QencodeClient({
          baseUrl: f.refused ? refusedUrl : url,
          apiKey: () => CANARY_KEY,
          timeouts: { connectMs: 500, headersMs: 400, bodyMs: 400, overallMs: DEADLINE_MS },
          retry: { baseDelayMs: 5, maxDelayMs: 20 },
          maxResponseBytes: 256 * 1024,
        });
        try {
          if (f.fault) emulator.addFault({ method: op.method, path: op.path, fault: f.fault, times: 1 });
          const started = Date.now();
          let result: unknown;
          let error: unknown;
          try {
            result = await op.run(client);
          } catch (e) {
            error = e;
          }
          const took = Date.now() - started;
          await new Promise((r) => setImmediate(r));

          assert.equal(unhandled, 0, 'no unhandled rejection');
          assert.ok(took < DEADLINE_MS + 500, `ended in ${took} ms, within the deadline`);
          if (f.expect === 'ok') assert.equal(error, undefined, `succeeds: ${String(error)}`);
          if (f.expect === 'error') assert.ok(error, 'fails');
          if (error !== undefined) {
            assert.ok(error instanceof QencodeError, `a typed error: ${String(error)}`);
            assert.ok(
              error.message.startsWith(`${op.operation} failed: `) ||
                error.message.startsWith('Get access token failed: '),
              error.message,
            );
            assert.ok(error.reason.length > 3, 'names a cause');
            assert.ok(
              !JSON.stringify({ ...error, message: error.message }).includes(CANARY_KEY),
              'no secret in the error',
            );
          }
          if (op.create) {
            // A create may be re-sent only after a 401, which the server answers before acting.
            const acted = emulator
              .requestsTo('POST', op.path)
              .filter((r) => r.status !== 401 && r.status !== undefined && r.status < 300);
            const refusedUnseen = emulator.requestsTo('POST', op.path).filter((r) => r.status !== 401);
            assert.ok(
              refusedUnseen.length <= 1,
              `a create is sent once, apart from a 401 replay (sent ${refusedUnseen.length})`,
            );
            assert.ok(acted.length <= 1, 'created at most once');
            const createdKeys = [...emulator.account(CANARY_KEY).keys.values()].filter(
              (k) => k.stream_id === MATRIX_STREAM,
            ).length;
            const createdDomains = [...emulator.account(CANARY_KEY).domains.values()].filter(
              (d) => d.domain_name === 'matrix.example.com',
            ).length;
            assert.ok(createdKeys <= 1 && createdDomains <= 1, 'no duplicate in the emulator state');
            if (op.create === 'key' && error === undefined) {
              assert.match(
                (result as api.CreatedSigningKey).privateKey,
                /BEGIN RSA PRIVATE KEY/,
                'a successful create returns its private key',
              );
              assert.equal(createdKeys, 1);
            }
          }
          survived++;
        } finally {
          await client.close();
        }
      });
    }
  }
});
