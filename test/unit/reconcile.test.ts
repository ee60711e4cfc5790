import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDay, formatWhen, isoOrNull, newSigningKeys, type SigningKey } from '../../src/core';

const STREAM = '1f1ab6a3-d867-4787-b882-7f2fb1203634';
const key = (id: string, target: SigningKey['target'], created: string, name: string | null = null): SigningKey => ({ id, name, target, created: new Date(created) });

describe('a lost create-signing-key reply is reconciled by target and time, not name', () => {
  const sentAt = new Date('2024-06-01T12:00:00Z');
  const keys = [
    key('old-same-stream', { kind: 'stream', streamId: STREAM }, '2024-06-01T11:59:00Z'),
    key('new-same-stream', { kind: 'stream', streamId: STREAM }, '2024-06-01T12:00:01Z'),
    key('new-other-stream', { kind: 'stream', streamId: '00000000-0000-4000-8000-000000000000' }, '2024-06-01T12:00:01Z'),
    key('new-bucket', { kind: 'bucket', bucketName: 'media-assets' }, '2024-06-01T12:00:01Z', 'Anything'),
    key('ancient-unseen', { kind: 'stream', streamId: STREAM }, '2023-01-01T00:00:00Z'),
  ];

  it('finds the new key for the same stream, whatever its name; keys known before and other targets are not it', () => {
    const before = new Set(['old-same-stream']);
    assert.deepEqual(newSigningKeys(keys, before, { streamId: STREAM.toUpperCase() }, sentAt).map((k) => k.id), ['new-same-stream']);
    assert.deepEqual(newSigningKeys(keys, before, { bucketName: 'media-assets' }, sentAt).map((k) => k.id), ['new-bucket']);
    assert.deepEqual(newSigningKeys(keys, before, { domainId: 'x' }, sentAt), []);
  });

  it('a key created long before the request, not in the earlier list, is not taken for it', () => {
    assert.equal(newSigningKeys(keys, new Set(), { streamId: STREAM }, sentAt).some((k) => k.id === 'ancient-unseen'), false);
  });

  it('allows for a server clock a few minutes behind', () => {
    const behind = [key('skewed', { kind: 'stream', streamId: STREAM }, '2024-06-01T11:55:00Z')];
    assert.deepEqual(newSigningKeys(behind, new Set(), { streamId: STREAM }, sentAt).map((k) => k.id), ['skewed']);
  });
});

describe('dates as shown', () => {
  it('formats valid dates, and never throws on an invalid one', () => {
    const d = new Date('2023-06-07T14:17:25Z');
    assert.equal(formatDay(d), '2023-06-07');
    assert.equal(formatWhen(d), '2023-06-07 14:17 UTC');
    assert.equal(isoOrNull(d), '2023-06-07T14:17:25.000Z');
    const bad = new Date('nonsense');
    assert.equal(formatDay(bad), 'unknown date');
    assert.equal(formatWhen(bad), 'unknown date');
    assert.equal(isoOrNull(bad), null);
  });
});
