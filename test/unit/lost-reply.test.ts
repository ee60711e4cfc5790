import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatDay,
  formatWhen,
  isLostReply,
  isoOrNull,
  newSigningKeys,
  QencodeError,
  type SigningKey,
} from '../../src/core';

const STREAM = '1f1ab6a3-d867-4787-b882-7f2fb1203634';
const key = (id: string, target: SigningKey['target'], created: string, name: string | null = null): SigningKey => ({
  id,
  name,
  target,
  created: new Date(created),
});

describe('a lost create-signing-key reply is reconciled by target against the list read just before, not by name or time', () => {
  const keys = [
    key('old-same-stream', { kind: 'stream', streamId: STREAM }, '2024-06-01T11:59:00Z'),
    key('new-same-stream', { kind: 'stream', streamId: STREAM }, '2024-06-01T12:00:01Z'),
    key(
      'new-other-stream',
      { kind: 'stream', streamId: '00000000-0000-4000-8000-000000000000' },
      '2024-06-01T12:00:01Z',
    ),
    key('new-bucket', { kind: 'bucket', bucketName: 'media-assets' }, '2024-06-01T12:00:01Z', 'Anything'),
  ];

  it('finds the new key for the same stream, whatever its name; keys known before and other targets are not it', () => {
    const before = new Set(['old-same-stream']);
    assert.deepEqual(
      newSigningKeys(keys, before, { streamId: STREAM.toUpperCase() }).map((k) => k.id),
      ['new-same-stream'],
    );
    assert.deepEqual(
      newSigningKeys(keys, before, { bucketName: 'media-assets' }).map((k) => k.id),
      ['new-bucket'],
    );
    assert.deepEqual(newSigningKeys(keys, before, { domainId: 'x' }), []);
  });

  it('a server clock hours behind (local time west of UTC) does not hide the new key', () => {
    const behind = [key('skewed', { kind: 'stream', streamId: STREAM }, '2024-06-01T04:00:00Z')];
    assert.deepEqual(
      newSigningKeys(behind, new Set(), { streamId: STREAM }).map((k) => k.id),
      ['skewed'],
    );
  });

  it('a lost reply is a timeout, a dropped connection, an unusable reply or "error" inside a 2xx; a refusal is not', () => {
    const e = (kind: QencodeError['kind'], status?: number) =>
      new QencodeError({ operation: 'create', kind, reason: 'x', ...(status !== undefined ? { status } : {}) });
    assert.equal(isLostReply(e('timeout')), true);
    assert.equal(isLostReply(e('network')), true);
    assert.equal(isLostReply(e('invalid-response', 200)), true);
    assert.equal(isLostReply(e('http', 200)), true);
    assert.equal(isLostReply(e('http', 409)), false);
    assert.equal(isLostReply(e('invalid-response', 500)), false);
    assert.equal(isLostReply(e('auth', 401)), false);
    assert.equal(isLostReply(new Error('x')), false);
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
