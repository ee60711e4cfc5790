import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GateClosedError, RateGate } from '../../src/core/rate-gate';
import { simulate, VirtualTime, type Run } from './gate-sim';

const onceEach = (run: Run, items: number) => {
  assert.equal(run.purged.size, items, 'every item purged');
  assert.ok(
    [...run.purged.values()].every((n) => n === 1),
    'none purged twice',
  );
};

describe('rate gate, in virtual time against a token bucket', () => {
  it('1,000 purges, limit 50/s (burst 50), RTT 20 ms, concurrency 8: ≥ 0.9× the limit, each purged once, one 429 per pause apart from those in flight', async () => {
    const run = await simulate({ items: 1000, concurrency: 8, rttMs: 20, limit: 50, burst: 50 });
    onceEach(run, 1000);
    assert.ok(run.perSecond >= 45, `${run.perSecond.toFixed(1)}/s`);
    assert.equal(run.stats.throttled, run.refused);
    assert.equal(
      run.stats.throttled - run.stats.inFlight,
      run.stats.pauses,
      'every 429 beyond the first of a pause was in flight when it began',
    );
    assert.ok(run.stats.pauses <= 3, `${run.stats.pauses} pauses`);
    assert.ok(run.stats.inFlight <= 8, `${run.stats.inFlight} in flight`);
  });

  it('the same at RTT 150 ms: the limit is met, not missed', async () => {
    const run = await simulate({ items: 1000, concurrency: 8, rttMs: 150, limit: 50, burst: 50 });
    onceEach(run, 1000);
    assert.ok(run.perSecond >= 45, `${run.perSecond.toFixed(1)}/s`);
    assert.ok(run.stats.pauses <= 2, `${run.stats.pauses} pauses`);
  });

  it('without a burst allowance (bucket of 1) its first guess is low: it probes up to the limit, and each is purged once', async () => {
    const run = await simulate({ items: 600, concurrency: 8, rttMs: 20, limit: 50, burst: 1 });
    onceEach(run, 600);
    assert.ok(run.perSecond >= 15, `${run.perSecond.toFixed(1)}/s`);
    assert.ok(run.stats.rate! >= 35, `learned ${run.stats.rate!.toFixed(1)}/s`);
  });

  it("today's behaviour, each worker on its own (retrying forever here), collects a 429 storm", async () => {
    const gated = await simulate({ items: 1000, concurrency: 8, rttMs: 20, limit: 50, burst: 50 });
    const alone = await simulate({ items: 1000, concurrency: 8, rttMs: 20, limit: 50, burst: 50, gate: false });
    onceEach(alone, 1000);
    assert.ok(alone.refused > 5 * gated.refused, `${alone.refused} 429s alone, ${gated.refused} through the gate`);
  });

  it('Retry-After: 0 pauses nothing and sets no pace', async () => {
    const vt = new VirtualTime();
    const gate = new RateGate({ now: vt.now, sleep: vt.sleep });
    gate.throttled(await gate.acquire(), 0);
    assert.deepEqual(gate.stats, { pauses: 0, throttled: 1, inFlight: 0, immediate: 1, sent: 1 });
    vt.t = 5;
    assert.equal((await gate.acquire()).sentAt, 5, 'let through at once');
  });

  it('a pause is shared: a request asking during it waits for its end, and one in flight joins it', async () => {
    const vt = new VirtualTime();
    const gate = new RateGate({ now: vt.now, sleep: vt.sleep });
    const inFlight = await gate.acquire();
    const first = await gate.acquire();
    vt.t = 10;
    gate.throttled(first, 1000);
    let passedAt = -1;
    const waiting = gate.acquire().then((t) => (passedAt = t.sentAt));
    vt.t = 20;
    gate.throttled(inFlight, 1000);
    await vt.run(() => passedAt >= 0);
    await waiting;
    assert.equal(passedAt, 1020, 'after the later of the two Retry-Afters');
    assert.equal(gate.stats.pauses, 1);
    assert.equal(gate.stats.inFlight, 1);
  });

  it('a pause longer than the caller will wait fails at once; an abort ends a wait', async () => {
    const vt = new VirtualTime();
    const gate = new RateGate({ now: vt.now, sleep: vt.sleep });
    gate.throttled(await gate.acquire(), 60_000);
    await assert.rejects(
      gate.acquire(undefined, 30_000),
      (e: unknown) => e instanceof GateClosedError && e.waitMs === 60_000,
    );
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
  });

  it('after a pause requests go at the learned pace, not in a burst', async () => {
    const vt = new VirtualTime();
    const gate = new RateGate({ now: vt.now, sleep: vt.sleep });
    // 100 accepted over two seconds, then a 429 with Retry-After: 2.
    for (let i = 0; i < 100; i++) {
      vt.t = i * 20;
      gate.accepted(await gate.acquire());
    }
    vt.t = 2000;
    gate.throttled(await gate.acquire(), 2000);
    const times: number[] = [];
    const all = Promise.all(Array.from({ length: 5 }, () => gate.acquire().then((t) => times.push(t.sentAt))));
    await vt.run(() => times.length === 5);
    await all;
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    assert.equal(times[0], 4000);
    // 100 let through over the 2 s of sending and the 2 s of pause ahead: 25/s, and 0.9 of that.
    assert.ok(
      gaps.every((g) => Math.abs(g - 1000 / 22.5) < 0.01),
      `gaps ${gaps.join(', ')}: 22.5/s`,
    );
  });
});
