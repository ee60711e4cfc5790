import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BucketMemories, knownBuckets } from '../../src/data/buckets';
import { memento } from './memento';

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

describe('bucket memory', () => {
  it('fills in what a value kept by an older version lacks, and updates one project only', async () => {
    const state = memento();
    await state.update('qencodeCdn.buckets.old', { added: ['raw'] });
    const memory = new BucketMemories(state);
    assert.deepEqual(memory.get('old'), { added: ['raw'], policies: {} });
    assert.deepEqual(memory.get('none'), { added: [], policies: {} });
    await memory.update('old', (m) => ({ ...m, lastPurged: 'raw' }));
    assert.equal(memory.get('old').lastPurged, 'raw');
    assert.deepEqual(memory.get('none'), { added: [], policies: {} });
  });
});
