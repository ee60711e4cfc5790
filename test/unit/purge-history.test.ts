import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeTargets,
  outcome,
  PURGE_HISTORY_RUNS,
  PURGE_HISTORY_TARGETS,
  PurgeHistory,
  type PurgeRun,
} from '../../src/resources/purge/history';
import { memento } from './memento';

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

describe('the purge history', () => {
  const run = (n: number, targets = 1): PurgeRun => ({
    at: `run ${n}`,
    targets: Array.from({ length: targets }, (_, i) => ({ bucket: 'b', path: `${i}.ts` })),
    purged: targets,
    failed: 0,
    notSent: 0,
  });

  it('keeps the newest runs first, at most PURGE_HISTORY_RUNS, per project', async () => {
    const history = new PurgeHistory(memento());
    for (let n = 1; n <= PURGE_HISTORY_RUNS + 5; n++) await history.record('p1', run(n));
    await history.record('p2', run(99));
    const runs = history.get('p1');
    assert.equal(runs.length, PURGE_HISTORY_RUNS);
    assert.equal(runs[0]!.at, `run ${PURGE_HISTORY_RUNS + 5}`);
    assert.equal(runs.at(-1)!.at, 'run 6');
    assert.deepEqual(
      history.get('p2').map((r) => r.at),
      ['run 99'],
    );
  });

  it('keeps at most PURGE_HISTORY_TARGETS targets of a run, and says it was cut', async () => {
    const history = new PurgeHistory(memento());
    await history.record('p', run(1, PURGE_HISTORY_TARGETS + 1));
    const [kept] = history.get('p');
    assert.equal(kept!.targets.length, PURGE_HISTORY_TARGETS);
    assert.equal(kept!.truncated, true);
    assert.equal(kept!.purged, PURGE_HISTORY_TARGETS + 1, 'the counts are the whole run');
  });

  it('forgets a project: its key leaves global state', async () => {
    const state = memento();
    const history = new PurgeHistory(state);
    await history.record('p', run(1));
    assert.deepEqual(state.keys(), ['qencodeCdn.purgeHistory.p']);
    await history.forget('p');
    assert.deepEqual(state.keys(), []);
    assert.deepEqual(history.get('p'), []);
  });
});
