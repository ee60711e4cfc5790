import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownBuckets } from '../../src/data/buckets';
import { formatPolicy, planCorsSave, samePolicy } from '../../src/resources/buckets/cors-plan';
import { keyFileBase } from '../../src/resources/keys/key-file';
import { describeTargets, outcome } from '../../src/resources/purge/history';
import { parseCname } from '../../src/resources/tls/certificate';

/* The logic of the VS Code layer that needs no VS Code, under plain Node. */

describe('CNAME instructions', () => {
  it("reads the record from the create reply's message", () => {
    assert.deepEqual(
      parseCname(
        "TLS subscription created. Create a CNAME for 'live.mydomain.com' and point it to 'j.sni.global.fastly.net.'.",
      ),
      {
        name: 'live.mydomain.com',
        target: 'j.sni.global.fastly.net.',
      },
    );
    assert.equal(parseCname('pending'), undefined);
    assert.equal(parseCname(undefined), undefined);
  });
});

describe('the CORS document and its save plan', () => {
  const origin = 'Access-Control-Allow-Origin';
  const age = 'Access-Control-Max-Age';

  it('formats in the documented header order, others after, sorted', () => {
    assert.equal(
      formatPolicy({ 'X-Z': '1', [age]: '600', 'X-A': '2', [origin]: '*' }),
      `{\n  "${origin}": "*",\n  "${age}": "600",\n  "X-A": "2",\n  "X-Z": "1"\n}\n`,
    );
    assert.equal(formatPolicy({}), '{}\n');
  });

  it('compares by own keys and values', () => {
    assert.equal(samePolicy({ a: '1', b: '2' }, { b: '2', a: '1' }), true);
    assert.equal(samePolicy({ a: '1' }, { a: '2' }), false);
    assert.equal(samePolicy({}, { constructor: 'x' }), false);
  });

  it('plans nothing when equal; deletes removed headers one by one, then posts', () => {
    assert.deepEqual(planCorsSave({ [origin]: '*' }, { [origin]: '*' }), {
      deleteAll: false,
      deleteHeaders: [],
      post: false,
    });
    assert.deepEqual(planCorsSave({ [origin]: '*', [age]: '600' }, { [origin]: '*' }), {
      deleteAll: false,
      deleteHeaders: [age],
      post: false,
    });
    assert.deepEqual(planCorsSave({ [origin]: '*' }, { [origin]: 'https://a.example' }), {
      deleteAll: false,
      deleteHeaders: [],
      post: true,
    });
  });

  it('deletes the whole policy for {} or when a header the API cannot delete one by one was removed', () => {
    assert.deepEqual(planCorsSave({ [origin]: '*' }, {}), { deleteAll: true, deleteHeaders: [], post: false });
    assert.deepEqual(planCorsSave({ [origin]: '*', 'X-Other': '1' }, { [origin]: '*' }), {
      deleteAll: true,
      deleteHeaders: [],
      post: true,
    });
  });
});

describe('purge runs described', () => {
  it('one object, many in one bucket, many in several, whole buckets', () => {
    assert.equal(describeTargets([{ bucket: 'b', path: 'a.ts' }]), 'a.ts in b');
    assert.equal(
      describeTargets([
        { bucket: 'b', path: '1' },
        { bucket: 'b', path: '2' },
      ]),
      '2 objects in b',
    );
    assert.equal(
      describeTargets(
        [
          { bucket: 'b', path: '1' },
          { bucket: 'c', path: '2' },
        ],
        true,
      ),
      '2+ objects in 2 buckets',
    );
    assert.equal(describeTargets([{ bucket: 'b', path: null }]), 'b (whole bucket)');
    assert.equal(outcome({ purged: 3, failed: 1, notSent: 0 }), '3 purged, 1 failed');
  });
});

describe('private-key file names', () => {
  const created = new Date('2024-06-20T10:00:00Z');
  it('a named key by its name; an unnamed one by what it signs for and its day, never the bare UUID', () => {
    const id = '0b9e8d7c-6f5a-4b3c-9d2e-1f0a9b8c7d6e';
    assert.equal(keyFileBase({ id, name: 'Backup Encoder!', target: { kind: 'unknown' }, created }), 'backup-encoder');
    assert.equal(
      keyFileBase({ id, name: null, target: { kind: 'stream', streamId: '1F1AB6A3-d867' }, created }),
      'stream-1f1ab6a3-2024-06-20',
    );
    assert.equal(
      keyFileBase({ id, name: null, target: { kind: 'domain', domainId: 'x' }, created }, 'live.example.com'),
      'live.example.com-2024-06-20',
    );
    assert.equal(
      keyFileBase({ id, name: null, target: { kind: 'bucket', bucketName: 'promo-clips' }, created }),
      'bucket-promo-clips-2024-06-20',
    );
    assert.equal(
      keyFileBase({ id, name: '../../etc', target: { kind: 'unknown' }, created: new Date('x') }),
      'etc',
      'a name cannot leave the folder',
    );
    assert.equal(keyFileBase({ id, name: null, target: { kind: 'unknown' }, created: new Date('x') }), 'signing-key');
  });
});

describe('the bucket-set rule', () => {
  it('buckets from vod domains, bucket keys and the user, each with why it is known; own keys only', () => {
    const created = new Date();
    const buckets = knownBuckets(
      [
        { id: '1', name: 'vod.example.com', type: 'vod', bucketName: 'media', created },
        { id: '2', name: 'live.example.com', type: 'live', created },
      ],
      [{ id: 'k', name: null, target: { kind: 'bucket', bucketName: 'promo' }, created }],
      { added: ['raw', 'media'], policies: { media: { policy: 'authenticated', at: 'x' } } },
    );
    assert.deepEqual(
      buckets.map((b) => b.name),
      ['media', 'promo', 'raw'],
    );
    assert.deepEqual(buckets[0]!.sources, [{ kind: 'domain', domain: 'vod.example.com' }, { kind: 'added' }]);
    assert.equal(buckets[0]!.policy?.policy, 'authenticated');
    assert.equal(buckets[0]!.addedByUser, true);
    assert.deepEqual(buckets[1]!.sources, [{ kind: 'key', key: 'k' }]);
    const proto = knownBuckets([], [], { added: ['__proto__'], policies: {} });
    assert.equal(proto[0]!.policy, undefined, 'a bucket named __proto__ reads no policy from the prototype');
  });
});
