import assert from 'node:assert/strict';
import { it } from 'node:test';
import { cacheStatusOf, freshnessAfterPurge } from '../../src/core/edge/cache-state';

it('the cache status is read from the member closest to the client, in the headers CDNs send', () => {
  assert.equal(cacheStatusOf([['X-Cache', 'MISS, HIT']])?.status, 'hit', 'Fastly: the last is the edge');
  assert.equal(cacheStatusOf([['X-Cache', 'HIT, MISS']])?.status, 'miss');
  assert.equal(cacheStatusOf([['x-cache', 'Hit from cloudfront']])?.status, 'hit');
  assert.equal(cacheStatusOf([['CF-Cache-Status', 'EXPIRED']])?.status, 'miss');
  assert.equal(cacheStatusOf([['Cache-Status', 'Origin; fwd=miss, Edge; hit; ttl=300']])?.status, 'hit');
  assert.equal(cacheStatusOf([['Cache-Status', 'Edge; fwd=uri-miss; stored']])?.status, 'miss');
  assert.equal(cacheStatusOf([['X-Cache', 'something else']]), undefined, 'a word it does not know says nothing');
  assert.equal(cacheStatusOf([]), undefined);
});

it('after a purge: a MISS is fresh; an Age within the time since the purge is fresh; older is still cached; nothing else is guessed', () => {
  assert.equal(
    freshnessAfterPurge(
      [
        ['X-Cache', 'MISS'],
        ['Age', '0'],
      ],
      5,
    ).kind,
    'fresh',
  );
  assert.equal(
    freshnessAfterPurge(
      [
        ['X-Cache', 'HIT'],
        ['Age', '3'],
      ],
      10,
    ).kind,
    'fresh',
    'cached again after the purge',
  );
  const stale = freshnessAfterPurge(
    [
      ['X-Cache', 'HIT'],
      ['Age', '340'],
    ],
    10,
  );
  assert.deepEqual(stale.kind === 'cached' && stale.ageSeconds, 340);
  assert.equal(freshnessAfterPurge([['Age', '340']], 10).kind, 'cached', 'an Age alone decides');
  assert.equal(freshnessAfterPurge([['X-Cache', 'HIT']], 10).kind, 'unknown', 'a HIT with no Age may be a new copy');
  assert.equal(freshnessAfterPurge([['Cache-Control', 'max-age=60']], 10).kind, 'unknown');
  assert.equal(freshnessAfterPurge([['Age', 'soon']], 10).kind, 'unknown', 'an Age that is not a number is not read');
  assert.equal(
    freshnessAfterPurge([['X-Cache', 'MISS']], 10, 403).kind,
    'unknown',
    'a 403 is the edge’s answer, not the object’s copy',
  );
});
