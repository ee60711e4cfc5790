import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { parsePurgeList, purgeLines, runPool, type Domain } from '../../src/core';

const domains: Domain[] = [
  { id: '1', name: 'vod.example-tv.com', type: 'vod', bucketName: 'media-assets', created: new Date() },
  { id: '2', name: 'live.example-tv.com', type: 'live', created: new Date() },
  { id: '3', name: 'empty.example-tv.com', type: 'vod', created: new Date() },
];

describe('purge lists', () => {
  it('never takes key material or a token for a path: a whole PEM (its short last line too) is skipped, loose PEM lines and a JWT are problems', () => {
    for (const type of ['pkcs1', 'pkcs8'] as const) {
      const pem = generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type, format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey;
      assert.deepEqual(
        purgeLines(`videos/a.ts\n${pem}\nvideos/b.ts\n`),
        ['videos/a.ts', 'videos/b.ts'],
        `${type}: no line of the PEM is a path`,
      );
      // Lines of a PEM without its armour (a partial selection): its full-length lines are refused.
      const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
      const full = body.filter((l) => l.length === 64);
      const r = parsePurgeList(full, domains, 'media-assets');
      assert.deepEqual(r.targets, []);
      assert.equal(r.problems.length, full.length);
      for (const p of r.problems) {
        assert.match(p.reason, /looks like a key or a token/);
        assert.ok(p.line.length <= 7, 'the problem does not repeat the secret');
      }
    }
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const ok = [
      'videos/a.ts',
      '3f2a9c0d1e4b5a6978877665544332211a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d',
      'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG',
    ];
    const r = parsePurgeList([jwt, ...ok], domains, 'media-assets');
    assert.deepEqual(
      r.targets.map((x) => x.path),
      ok,
      'hashes and IPFS-style ids are paths',
    );
    assert.equal(r.problems.length, 1);
  });

  it('splits lines, skipping blanks and # comments', () => {
    assert.deepEqual(purgeLines('# paste paths\n\n a/b.ts \r\nc.m3u8\n#x\n'), ['a/b.ts', 'c.m3u8']);
  });

  it('maps media-storage URLs to their bucket and decoded path, dropping query and fragment', () => {
    const r = parsePurgeList(
      [
        'https://media-assets.media-storage.us-west.qencode.com/videos/my%20clip/master.m3u8?token=x#t=1',
        'http://vod-archive.media-storage.eu-central.qencode.com/a.ts',
      ],
      domains,
    );
    assert.deepEqual(r.targets, [
      { bucket: 'media-assets', path: 'videos/my clip/master.m3u8' },
      { bucket: 'vod-archive', path: 'a.ts' },
    ]);
    assert.deepEqual(r.problems, []);
  });

  it("maps a vod playback domain's host through its bucket_name", () => {
    const r = parsePurgeList(['https://VOD.example-tv.com/hls/index.m3u8'], domains);
    assert.deepEqual(r.targets, [{ bucket: 'media-assets', path: 'hls/index.m3u8' }]);
  });

  it('reports, never guesses: unknown hosts, live domains, vod domains without bucket, bad paths', () => {
    const r = parsePurgeList(
      [
        'https://cdn.other.com/a.ts',
        'https://live.example-tv.com/a.ts',
        'https://empty.example-tv.com/a.ts',
        'https://media-assets.media-storage.us-west.qencode.com/a%0Ab',
        'ftp://x/y',
        'https://bad%zz',
      ],
      domains,
    );
    assert.deepEqual(r.targets, []);
    assert.deepEqual(
      r.problems.map((p) => p.reason.split(' ').slice(0, 4).join(' ')),
      [
        'cdn.other.com maps to no',
        'live.example-tv.com is a live',
        'the vod domain empty.example-tv.com',
        'An object path cannot',
        'ftp: addresses cannot be',
        'not a valid URL',
      ],
    );
  });

  it('plain paths go to the default bucket, or wait for one', () => {
    assert.deepEqual(parsePurgeList(['/a.ts', 'b.ts'], domains, 'promo-clips').targets, [
      { bucket: 'promo-clips', path: 'a.ts' },
      { bucket: 'promo-clips', path: 'b.ts' },
    ]);
    const r = parsePurgeList(['/a.ts', 'https://vod.example-tv.com/c.ts'], domains);
    assert.deepEqual(r.plainPaths, ['/a.ts']);
    assert.deepEqual(r.targets, [{ bucket: 'media-assets', path: 'c.ts' }]);
  });

  it('drops duplicates, also across the two URL forms', () => {
    const r = parsePurgeList(
      ['https://vod.example-tv.com/a.ts', 'https://media-assets.media-storage.us-west.qencode.com/a.ts', 'a.ts'],
      domains,
      'media-assets',
    );
    assert.deepEqual(r.targets, [{ bucket: 'media-assets', path: 'a.ts' }]);
  });
});

describe('runPool', () => {
  it('never runs more than the limit at once, and runs everything', async () => {
    let running = 0;
    let peak = 0;
    const r = await runPool(
      Array.from({ length: 50 }, (_, i) => i),
      4,
      async () => {
        peak = Math.max(peak, ++running);
        await new Promise((res) => setTimeout(res, 2));
        running--;
      },
      new AbortController().signal,
    );
    assert.equal(peak, 4);
    assert.equal(r.done.length, 50);
  });

  it('collects failures per item', async () => {
    const r = await runPool(
      [1, 2, 3],
      2,
      async (n) => {
        if (n === 2) throw new Error('no');
      },
      new AbortController().signal,
    );
    assert.deepEqual(r.done.sort(), [1, 3]);
    assert.deepEqual(
      r.failed.map((f) => f.item),
      [2],
    );
  });

  it('on abort starts nothing more, and reports the rest as not sent', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const r = await runPool(
      Array.from({ length: 20 }, (_, i) => i),
      2,
      async (n, signal) => {
        started.push(n);
        if (n === 5) controller.abort();
        await new Promise<void>((res, rej) => {
          const t = setTimeout(res, 5);
          signal.addEventListener('abort', () => (clearTimeout(t), rej(new Error('aborted'))), { once: true });
        });
      },
      controller.signal,
    );
    assert.ok(started.length <= 7, `started ${started.length}`);
    assert.equal(r.done.length + r.failed.length + r.notSent.length, 20);
    assert.equal(r.failed.length, 0);
    assert.ok(r.notSent.length >= 13);
  });

  it('a progress callback that throws ends the run: the other workers start nothing more', async () => {
    const started: number[] = [];
    await assert.rejects(
      runPool(
        Array.from({ length: 20 }, (_, i) => i),
        2,
        async (n, signal) => {
          started.push(n);
          await new Promise<void>((res, rej) => {
            const t = setTimeout(res, 5);
            signal.addEventListener('abort', () => (clearTimeout(t), rej(new Error('aborted'))), { once: true });
          });
        },
        new AbortController().signal,
        (settled) => {
          if (settled === 3) throw new Error('progress failed');
        },
      ),
      /progress failed/,
    );
    const after = started.length;
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(started.length, after, 'nothing started after the run ended');
    assert.ok(after <= 4, `started ${after}`);
  });

  it("at the highest concurrency setting (32), requests listening to the signal raise no listener-leak warning, and the caller's abort still reaches them", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      let aborted = 0;
      const r = await runPool(
        Array.from({ length: 64 }, (_, i) => i),
        32,
        async (n, signal) => {
          // As a request does: its deadline, a wait at the rate gate and a token wait each listen.
          const waits = [0, 1, 2].map(
            () =>
              new Promise<void>((res, rej) => {
                const onAbort = () => (clearTimeout(t), aborted++, rej(new Error('aborted')));
                const t = setTimeout(() => (signal.removeEventListener('abort', onAbort), res()), 20);
                signal.addEventListener('abort', onAbort, { once: true });
              }),
          );
          if (n === 40) setTimeout(() => controller.abort(), 1);
          await Promise.all(waits);
        },
        controller.signal,
      );
      await new Promise((res) => setImmediate(res));
      assert.deepEqual(warnings, []);
      assert.ok(aborted > 0, 'the abort reached the requests in flight');
      assert.equal(r.done.length + r.notSent.length, 64);
      assert.ok(r.notSent.length > 0);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
