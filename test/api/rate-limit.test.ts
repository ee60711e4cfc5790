import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isQencodeError, listDomains, purgeObject, runPool } from '../../src/core';
import { RateLimiter } from '../emulator/rate-limit';
import { SAMPLE } from '../emulator/sample-data';
import { useEmulator } from './harness';

const env = useEmulator();
const PURGE = '/cache/purge$';
const purgesOf = (prefix: string) =>
  env.emulator
    .account()
    .purges.filter((p) => p.path?.startsWith(prefix))
    .map((p) => p.path);

describe("the emulator's rate limit", () => {
  it('is a token bucket: the burst, then 429 with the whole seconds until a token is back', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3, path: PURGE }, () => now);
    const purge = '/v1/buckets/b/cache/purge';
    assert.deepEqual(
      [limiter.check(purge), limiter.check(purge), limiter.check(purge)],
      [undefined, undefined, undefined],
    );
    assert.equal(limiter.check(purge), 1, 'half a second to the next token: Retry-After 1');
    assert.equal(limiter.check('/v1/domains'), undefined, 'other paths are not limited');
    now = 500;
    assert.equal(limiter.check(purge), undefined, 'a token came back');
    assert.equal(limiter.check(purge), 1);
    assert.deepEqual([limiter.accepted, limiter.refused], [4, 2]);
    const slow = new RateLimiter({ perSecond: 0.1, burst: 1 }, () => 0);
    assert.equal(slow.check('/v1/domains'), undefined);
    assert.equal(slow.check('/v1/domains'), 10);
    assert.equal(slow.check('/v1/access_token/k'), undefined, 'the token route is never limited by default');
  });

  it('answers 429 with Retry-After and a busy body', async () => {
    env.emulator.rateLimiter = new RateLimiter({ perSecond: 0.5, burst: 1, path: '^/v1/domains$' });
    try {
      const client = env.makeClient({ retry: { maxRetries: 0 }, rateGate: false });
      await listDomains(client);
      await assert.rejects(
        listDomains(client),
        (e: unknown) => isQencodeError(e, 'rate-limited') && e.status === 429 && e.retryAfter === 2 && e.code === 8,
      );
    } finally {
      env.emulator.rateLimiter = undefined;
    }
  });
});

describe('one rate gate for every worker of a bulk purge', () => {
  it(
    '60 purges against 40/s at concurrency 8: each purged once, none lost, one 429 per pause apart from those already in flight',
    { timeout: 30_000 },
    async () => {
      env.emulator.rateLimiter = new RateLimiter({ perSecond: 40, path: PURGE });
      try {
        const client = env.makeClient();
        const paths = Array.from({ length: 60 }, (_, i) => `gate/${i}.ts`);
        const result = await runPool(
          paths,
          8,
          (p, s) => purgeObject(client, SAMPLE.mediaBucket, p, s),
          new AbortController().signal,
        );
        assert.equal(result.done.length, 60);
        assert.deepEqual(result.failed, []);
        assert.deepEqual(purgesOf('gate/').sort(), [...paths].sort(), 'each path purged once');
        const stats = client.gate('purge object').stats;
        const refused = env.emulator.requestsTo('POST', PURGE).filter((r) => r.status === 429).length;
        assert.equal(stats.throttled, refused, 'the gate saw every 429');
        assert.ok(stats.pauses >= 1 && stats.pauses <= 3, `${stats.pauses} pauses`);
        assert.equal(
          stats.throttled - stats.inFlight,
          stats.pauses,
          'each pause began with one 429; any other was in flight before it',
        );
        assert.ok(stats.inFlight <= 8 * stats.pauses);
      } finally {
        env.emulator.rateLimiter = undefined;
      }
    },
  );

  it('a Retry-After past the cap stops every worker at once, with when to try again', async () => {
    env.emulator.rateLimiter = new RateLimiter({ perSecond: 0.01, burst: 2, path: PURGE });
    try {
      const client = env.makeClient();
      const started = Date.now();
      const result = await runPool(
        Array.from({ length: 20 }, (_, i) => `capped/${i}.ts`),
        4,
        (p, s) => purgeObject(client, SAMPLE.mediaBucket, p, s),
        new AbortController().signal,
      );
      assert.equal(result.done.length, 2, 'the burst');
      assert.equal(result.failed.length, 18);
      for (const f of result.failed)
        assert.ok(
          isQencodeError(f.error, 'rate-limited') && /try again in (99|100) s/.test(f.error.message),
          String(f.error),
        );
      assert.ok(env.emulator.requestsTo('POST', PURGE).length <= 2 + 4, 'no worker kept sending into the pause');
      assert.ok(Date.now() - started < 5_000);
    } finally {
      env.emulator.rateLimiter = undefined;
    }
  });

  it('rateGate: false keeps the old way: each call waits out its own 429', async () => {
    env.emulator.addFault({ path: PURGE, fault: { type: 'rate-limit', retryAfter: 1 }, times: 1 });
    const client = env.makeClient({ rateGate: false });
    const started = Date.now();
    await Promise.all([
      purgeObject(client, SAMPLE.mediaBucket, 'old/a.ts'),
      purgeObject(client, SAMPLE.mediaBucket, 'old/b.ts'),
    ]);
    assert.ok(Date.now() - started >= 950);
    assert.equal(client.gate('purge object').stats.sent, 0, 'the gate was not used');
  });
});
