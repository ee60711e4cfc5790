import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyFileBase } from '../../src/resources/keys/key-file';

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
