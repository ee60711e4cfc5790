import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SCHEDULE, WatchSchedule } from '../../src/resources/tls/watch-schedule';

describe('the TLS watch schedule (a fake clock)', () => {
  it('waits 15 s, then doubles up to 5 min', () => {
    const s = new WatchSchedule(DEFAULT_SCHEDULE);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 9].map((n) => s.delay(n) / 1000),
      [15, 30, 60, 120, 240, 300, 300],
    );
  });

  it('asks each watched subscription once when it is due, and not before', () => {
    const s = new WatchSchedule({ firstMs: 15_000, maxMs: 300_000 });
    let now = 0;
    s.add('a', now);
    now = 5_000;
    s.add('b', now);
    assert.deepEqual(s.due(14_999), []);
    assert.deepEqual(s.due(15_000), ['a']);
    s.polled('a', 15_000);
    assert.equal(s.nextDue(), 20_000, 'b is next');
    assert.deepEqual(s.due(20_000), ['b']);
    s.polled('b', 20_000);
    assert.deepEqual(s.due(44_999), []);
    assert.deepEqual(s.due(45_000), ['a'], 'a waits 30 s after its first poll');
    // Adding what is watched keeps its schedule.
    s.add('a', 45_000);
    assert.deepEqual(s.due(45_000), ['a']);
    s.remove('a');
    assert.deepEqual(s.keys(), ['b']);
  });

  it('a long watch settles at one poll every 5 minutes', () => {
    const s = new WatchSchedule();
    let now = 0;
    s.add('x', now);
    const gaps: number[] = [];
    for (let i = 0; i < 8; i++) {
      const due = s.nextDue()!;
      gaps.push((due - now) / 1000);
      now = due;
      s.polled('x', now);
    }
    assert.deepEqual(gaps, [15, 30, 60, 120, 240, 300, 300, 300]);
  });
});
