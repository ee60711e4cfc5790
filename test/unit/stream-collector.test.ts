import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  StreamCollectError,
  collectFromText,
  collectStream,
  fromMediaOverrideUrl,
  isManifestKind,
  mapUrl,
  toMediaOverrideUrl,
  type CollectOptions,
  type Domain,
  type FetchText,
  type StreamCollection,
} from '../../src/core';
import { FIXTURE_ORIGIN, fixtures, mediaPlaylist, type StreamFixture } from '../emulator/stream-fixtures';

/*
 * The stream collector on generated manifests (test/emulator/stream-fixtures.ts), each
 * case a named fixture, each checking the exact set of paths. No server: the fetcher
 * serves the fixture's texts and logs what was read.
 */

function serve(fx: StreamFixture, delays?: () => number) {
  const read: string[] = [];
  const fetchText: FetchText = async (url) => {
    read.push(url);
    if (delays) await new Promise((r) => setTimeout(r, delays()));
    const u = new URL(url);
    u.search = '';
    const text = fx.files.get(u.href);
    return text === undefined
      ? { status: 404, text: '<Error><Code>NoSuchKey</Code></Error>', contentType: 'application/xml' }
      : { status: 200, text, contentType: 'application/vnd.apple.mpegurl' };
  };
  return { fetchText, read };
}

const toTarget = (url: URL) => mapUrl(url, []);

async function collect(fx: StreamFixture, options: Partial<CollectOptions> = {}) {
  const server = serve(fx);
  const result = await collectStream(fx.root, { fetchText: server.fetchText, toTarget, ...options });
  assertWellFormed(result, fx.root);
  return { result, read: server.read };
}

/** Each path once, media objects first, the manifests after them, the root last. */
function assertWellFormed(r: StreamCollection, root: string) {
  const paths = r.objects.map((o) => o.path);
  assert.equal(new Set(paths).size, paths.length, 'each path once');
  assert.ok(
    r.objects.slice(0, r.manifestsFrom).every((o) => !isManifestKind(o.kind)),
    'no manifest among the media objects',
  );
  assert.ok(
    r.objects.slice(r.manifestsFrom).every((o) => isManifestKind(o.kind)),
    'only manifests after manifestsFrom',
  );
  assert.equal(r.objects.at(-1)?.url, root, 'the root is sent last');
  assert.ok(r.objects.every((o) => o.bucket === 'media-assets'));
  const counted = Object.values(r.counts).reduce((a, b) => a + b, 0);
  assert.equal(counted, r.objects.length, 'counts add up');
}

const sorted = (r: StreamCollection) => r.objects.map((o) => o.path).sort();
const kinds = (r: StreamCollection) => Object.fromEntries(r.objects.map((o) => [o.path, o.kind]));

describe('stream collector: HLS', () => {
  it('hls-master-variants: variants, audio renditions and a subtitles track, each playlist read once', async () => {
    const fx = fixtures.hlsMasterWithVariants();
    const { result: r, read } = await collect(fx);
    assert.deepEqual(sorted(r), [
      'hls/audio/de.m3u8',
      'hls/audio/de/0.aac',
      'hls/audio/de/1.aac',
      'hls/audio/en.m3u8',
      'hls/audio/en/0.aac',
      'hls/audio/en/1.aac',
      'hls/master.m3u8',
      'hls/subs/en-0.vtt',
      'hls/subs/en-1.vtt',
      'hls/subs/en.m3u8',
      'hls/v360/0.ts',
      'hls/v360/1.ts',
      'hls/v360/2.ts',
      'hls/v360/index.m3u8',
      'hls/v720/0.ts',
      'hls/v720/1.ts',
      'hls/v720/2.ts',
      'hls/v720/index.m3u8',
    ]);
    assert.equal(read.length, 6);
    assert.equal(new Set(read).size, 6);
    assert.equal(r.manifestsRead, 6);
    assert.equal(r.root.format, 'hls');
    assert.deepEqual(r.counts, { segment: 10, subtitle: 2, playlist: 5, manifest: 1 });
    assert.equal(kinds(r)['hls/subs/en-0.vtt'], 'subtitle');
    assert.deepEqual(
      r.renditions.map((x) => [x.name, x.count, x.first, x.last]),
      [
        ['audio English', 2, 'hls/audio/en/0.aac', 'hls/audio/en/1.aac'],
        ['audio Deutsch', 2, 'hls/audio/de/0.aac', 'hls/audio/de/1.aac'],
        ['subtitles English', 2, 'hls/subs/en-0.vtt', 'hls/subs/en-1.vtt'],
        ['video 1280x720 2500k', 3, 'hls/v720/0.ts', 'hls/v720/2.ts'],
        ['video 640x360 800k', 3, 'hls/v360/0.ts', 'hls/v360/2.ts'],
      ],
    );
    assert.deepEqual(r.leftOut, []);
    assert.equal(r.overLimit, false);
  });

  it('hls-byte-ranges: a file cut into byte ranges is one object', async () => {
    const { result: r } = await collect(fixtures.hlsByteRanges());
    assert.deepEqual(sorted(r), ['ranges/all.ts', 'ranges/index.m3u8', 'ranges/tail.ts']);
    assert.deepEqual(r.renditions, [
      {
        name: 'media playlist',
        playlist: 'ranges/index.m3u8',
        count: 2,
        first: 'ranges/all.ts',
        last: 'ranges/tail.ts',
      },
    ]);
  });

  it('hls-ext-x-map: every init section, one cut by a byte range from a file that is also a segment', async () => {
    const { result: r } = await collect(fixtures.hlsInitMap());
    assert.deepEqual(sorted(r), [
      'map/a1.m4s',
      'map/a2.m4s',
      'map/b1.m4s',
      'map/index.m3u8',
      'map/init-a.mp4',
      'map/init-b.mp4',
      'map/packed.mp4',
    ]);
    assert.equal(kinds(r)['map/init-a.mp4'], 'init');
    assert.equal(kinds(r)['map/init-b.mp4'], 'init');
  });

  it('hls-keys: EXT-X-KEY (rotating, SAMPLE-AES), EXT-X-SESSION-KEY and -DATA; METHOD=NONE has none; a FairPlay skd: key is left out', async () => {
    const { result: r } = await collect(fixtures.hlsKeys());
    assert.deepEqual(sorted(r), [
      'keys/k/k1.key',
      'keys/k/k2.key',
      'keys/k/k3.key',
      'keys/k/session.key',
      'keys/master.m3u8',
      'keys/title.json',
      'keys/v/index.m3u8',
      'keys/v/s1.ts',
      'keys/v/s2.ts',
      'keys/v/s3.ts',
      'keys/v/s4.ts',
      'keys/v/s5.ts',
    ]);
    assert.deepEqual(r.counts, { key: 4, data: 1, segment: 5, playlist: 1, manifest: 1 });
    assert.equal(
      r.objects.find((o) => o.path === 'keys/k/session.key')?.rendition,
      undefined,
      'a session key is in no rendition',
    );
    assert.equal(r.leftOut.length, 1);
    assert.equal(r.leftOut[0]!.uri, 'skd://key-server/launch');
    assert.match(r.leftOut[0]!.reason, /skd: URI is not an object in a bucket/);
  });

  it('hls-iframes: I-frame playlists, their byte ranges into the variant, and their own files', async () => {
    const { result: r } = await collect(fixtures.hlsIFrames());
    assert.deepEqual(sorted(r), [
      'iframes/master.m3u8',
      'iframes/thumbs/i0.ts',
      'iframes/thumbs/iframes.m3u8',
      'iframes/v/0.m4s',
      'iframes/v/1.m4s',
      'iframes/v/iframes.m3u8',
      'iframes/v/index.m3u8',
      'iframes/v/init.mp4',
    ]);
    assert.equal(kinds(r)['iframes/v/iframes.m3u8'], 'iframe-playlist');
    assert.equal(kinds(r)['iframes/thumbs/iframes.m3u8'], 'iframe-playlist');
  });

  it('hls-uris: absolute, root-relative, relative, ./ and ../ URIs each resolve against their own playlist; queries and fragments are one object; %-escapes decode', async () => {
    const { result: r, read } = await collect(fixtures.hlsUris());
    assert.deepEqual(sorted(r), [
      'shared/0.ts',
      'top/4.ts',
      'uris/a/abs/1.ts',
      'uris/a/abs/index.m3u8',
      'uris/a/b/master.m3u8',
      'uris/c/0.ts',
      'uris/c/1.ts',
      'uris/c/2.ts',
      'uris/c/5.ts',
      'uris/c/7.ts',
      'uris/c/index.m3u8',
      'uris/c/seg six.ts',
      'uris/d/3.ts',
    ]);
    assert.ok(read.includes(`${FIXTURE_ORIGIN}/uris/c/index.m3u8?token=1`), 'a playlist is read with its query');
  });

  it('hls-other-host: another host, another bucket and data: are left out with the reason; a playlist elsewhere is never read', async () => {
    const { result: r, read } = await collect(fixtures.hlsOtherHost());
    assert.deepEqual(sorted(r), ['other/master.m3u8', 'other/v/0.ts', 'other/v/1.ts', 'other/v/index.m3u8']);
    assert.deepEqual(
      r.leftOut.map((l) => l.uri),
      // Depth first in document order: the variant's references come where the variant is listed.
      [
        'data:text/plain;base64,AAECAwQFBgcICQoLDA0ODw==',
        'https://ads.example.net/ad.ts',
        'https://cdn.example.net/other/v/index.m3u8',
        'https://vod-archive.media-storage.eu-central.qencode.com/other/v/index.m3u8',
      ],
    );
    const reasons = Object.fromEntries(r.leftOut.map((l) => [new URL(l.uri).hostname || 'data', l.reason]));
    assert.match(reasons['cdn.example.net']!, /^not in this bucket: cdn\.example\.net maps to no known bucket/);
    assert.match(
      reasons['vod-archive.media-storage.eu-central.qencode.com']!,
      /^not in this bucket: it is in the bucket vod-archive/,
    );
    assert.match(reasons['ads.example.net']!, /^not in this bucket/);
    assert.equal(r.leftOut[1]!.from, `${FIXTURE_ORIGIN}/other/v/index.m3u8`, 'what referenced it');
    assert.equal(r.leftOut[2]!.from, `${FIXTURE_ORIGIN}/other/master.m3u8`);
    assert.deepEqual(read, [`${FIXTURE_ORIGIN}/other/master.m3u8`, `${FIXTURE_ORIGIN}/other/v/index.m3u8`]);
  });

  it('hls-cycle: a variant listed twice is read once; a master that lists itself, or a variant that is itself a multivariant playlist, is refused (RFC 8216bis 4.4.6.2: a variant is a media playlist)', async () => {
    const fx = fixtures.hlsCycle();
    const { result: r, read } = await collect(fx);
    assert.deepEqual(
      sorted(r),
      [
        'cycle/master.m3u8',
        'cycle/v/index.m3u8',
        'cycle/w/0.ts',
        'cycle/w/1.ts',
        'cycle/w/index.m3u8',
        'cycle/x/2.ts',
        'cycle/v/0.ts',
      ].sort(),
    );
    assert.deepEqual([...read].sort(), [
      `${FIXTURE_ORIGIN}/cycle/master.m3u8`,
      `${FIXTURE_ORIGIN}/cycle/v/index.m3u8`,
      `${FIXTURE_ORIGIN}/cycle/w/index.m3u8`,
    ]);
    fx.files.set(
      `${FIXTURE_ORIGIN}/cycle/master.m3u8`,
      ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1', 'master.m3u8', ''].join('\n'),
    );
    await assert.rejects(
      collect(fx),
      (e: StreamCollectError) =>
        e.url === `${FIXTURE_ORIGIN}/cycle/master.m3u8` && e.reason === 'the playlists reference each other in a cycle',
    );
    fx.files.set(
      `${FIXTURE_ORIGIN}/cycle/master.m3u8`,
      ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1', 'v/index.m3u8', ''].join('\n'),
    );
    fx.files.set(
      `${FIXTURE_ORIGIN}/cycle/v/index.m3u8`,
      ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1', '../w/index.m3u8', ''].join('\n'),
    );
    await assert.rejects(
      collect(fx),
      (e: StreamCollectError) =>
        e.url === `${FIXTURE_ORIGIN}/cycle/v/index.m3u8` &&
        /it is a multivariant playlist, but a playlist that another one references must be a media playlist/.test(
          e.reason,
        ),
    );
  });

  it('hls-50000-segments: a 50,000-segment playlist in well under two seconds', async () => {
    const fx = fixtures.hlsLarge(50_000);
    const started = performance.now();
    const { result: r } = await collect(fx, { maxPaths: 100_000 });
    const ms = performance.now() - started;
    const expected = [
      'large/master.m3u8',
      'large/v/index.m3u8',
      'large/v/init.mp4',
      'large/key.bin',
      ...Array.from({ length: 50_000 }, (_, i) => `large/v/seg-${i}.m4s`),
    ];
    assert.deepEqual(sorted(r), expected.sort());
    assert.deepEqual(r.counts, { key: 1, init: 1, segment: 50_000, playlist: 1, manifest: 1 });
    assert.deepEqual(
      r.renditions.map((x) => [x.count, x.first, x.last]),
      [[50_002, 'large/v/seg-0.m4s', 'large/v/seg-49999.m4s']],
    );
    assert.ok(ms < 1500, `${Math.round(ms)} ms`);
  });
});

describe('stream collector: DASH', () => {
  it('dash-segment-template-number: $Number$ from startNumber over the duration, $RepresentationID$, $Bandwidth$, %05d, initialization', async () => {
    const { result: r } = await collect(fixtures.dashNumber());
    assert.deepEqual(sorted(r), [
      'dash-number/audio/1.m4s',
      'dash-number/audio/2.m4s',
      'dash-number/audio/init.mp4',
      'dash-number/hi/00005.m4s',
      'dash-number/hi/00006.m4s',
      'dash-number/hi/00007.m4s',
      'dash-number/hi/init-3000000.mp4',
      'dash-number/lo/00005.m4s',
      'dash-number/lo/00006.m4s',
      'dash-number/lo/00007.m4s',
      'dash-number/lo/init-500000.mp4',
      'dash-number/manifest.mpd',
    ]);
    assert.equal(r.root.format, 'dash');
    assert.deepEqual(
      r.renditions.map((x) => [x.name, x.count, x.first, x.last]),
      [
        ['video hi', 4, 'dash-number/hi/00005.m4s', 'dash-number/hi/00007.m4s'],
        ['video lo', 4, 'dash-number/lo/00005.m4s', 'dash-number/lo/00007.m4s'],
        ['audio aud', 3, 'dash-number/audio/1.m4s', 'dash-number/audio/2.m4s'],
      ],
    );
  });

  it('dash-segment-template-time: $Time$ over a SegmentTimeline with r= repeats and a final r="-1"', async () => {
    const { result: r } = await collect(fixtures.dashTime());
    assert.deepEqual(sorted(r), [
      'dash-time/a/a-0.m4s',
      'dash-time/a/a-4000.m4s',
      'dash-time/a/a-8000.m4s',
      'dash-time/a/init.mp4',
      'dash-time/manifest.mpd',
      'dash-time/v/0.m4s',
      'dash-time/v/180000.m4s',
      'dash-time/v/360000.m4s',
      'dash-time/v/540000.m4s',
      'dash-time/v/630000.m4s',
      'dash-time/v/810000.m4s',
      'dash-time/v/init.mp4',
    ]);
  });

  it('dash-segment-list: SegmentURL media and Initialization sourceURL; a TTML track is a subtitle', async () => {
    const { result: r } = await collect(fixtures.dashSegmentList());
    assert.deepEqual(sorted(r), [
      'dash-list/list/init.mp4',
      'dash-list/list/one.m4s',
      'dash-list/list/subs.mp4',
      'dash-list/list/three.m4s',
      'dash-list/list/two.m4s',
      'dash-list/manifest.mpd',
    ]);
    assert.equal(kinds(r)['dash-list/list/subs.mp4'], 'subtitle');
  });

  it('dash-nested-base-url: BaseURL from MPD to Representation (../ and /), SegmentBase and one-file Representations; another host left out', async () => {
    const { result: r } = await collect(fixtures.dashBaseUrl());
    assert.deepEqual(sorted(r), [
      'dash-base/elsewhere/v2/1.m4s',
      'dash-base/elsewhere/v2/2.m4s',
      'dash-base/elsewhere/v2/init.mp4',
      'dash-base/manifests/main.mpd',
      'dash-base/media/period1/audio/a.mp4',
      'dash-base/media/period1/subs/en.vtt',
      'dash-base/media/period1/video/v1/1.m4s',
      'dash-base/media/period1/video/v1/2.m4s',
      'dash-base/media/period1/video/v1/init.mp4',
    ]);
    assert.equal(
      kinds(r)['dash-base/media/period1/audio/a.mp4'],
      'segment',
      'SegmentBase: the init range is the same file',
    );
    assert.equal(kinds(r)['dash-base/media/period1/subs/en.vtt'], 'subtitle');
    assert.deepEqual(
      r.leftOut.map((l) => l.uri),
      ['https://cdn.example.net/subs/fr.vtt'],
    );
  });

  it('dash-multi-period: a last Period without @duration ends at mediaPresentationDuration, for $Number$ and for r="-1" after a presentationTimeOffset', async () => {
    const { result: r } = await collect(fixtures.dashMultiPeriod());
    assert.deepEqual(sorted(r), [
      'dash-periods/ad/1.m4s',
      'dash-periods/ad/2.m4s',
      'dash-periods/ad/3.m4s',
      'dash-periods/ad/init.mp4',
      'dash-periods/main/10.m4s',
      'dash-periods/main/11.m4s',
      'dash-periods/main/12.m4s',
      'dash-periods/main/a-1000.m4s',
      'dash-periods/main/a-1020.m4s',
      'dash-periods/main/a-1040.m4s',
      'dash-periods/main/a-init.mp4',
      'dash-periods/main/init.mp4',
      'dash-periods/manifest.mpd',
    ]);
  });
});

describe('stream collector: failures, limits, order', () => {
  it('a manifest that answers 404 stops the collection: the error names its URL, the reason and what referenced it', async () => {
    const fx = fixtures.hlsMasterWithVariants();
    fx.files.delete(`${FIXTURE_ORIGIN}/hls/v360/index.m3u8`);
    const error = await collect(fx).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StreamCollectError);
    assert.equal(error.url, `${FIXTURE_ORIGIN}/hls/v360/index.m3u8`);
    assert.equal(error.from, `${FIXTURE_ORIGIN}/hls/master.m3u8`);
    assert.equal(error.reason, 'HTTP 404 (no such object)');
    assert.equal(
      error.message,
      `Could not read the manifest ${FIXTURE_ORIGIN}/hls/v360/index.m3u8 (referenced by ${FIXTURE_ORIGIN}/hls/master.m3u8): HTTP 404 (no such object)`,
    );
  });

  it('a root that answers 403, a network error, a body that is not a playlist, a malformed MPD and an MPD template with no duration each stop it', async () => {
    const root = `${FIXTURE_ORIGIN}/x/master.m3u8`;
    const run = (fetchText: FetchText, url = root) => collectStream(url, { fetchText, toTarget });
    await assert.rejects(
      run(async () => ({ status: 403, text: '' })),
      (e: StreamCollectError) => e.url === root && /HTTP 403 \(access denied/.test(e.reason),
    );
    await assert.rejects(
      run(async () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }),
      (e: StreamCollectError) => e.reason === 'network error: socket hang up (ECONNRESET)',
    );
    await assert.rejects(
      run(async () => ({ status: 200, text: '<html><body>Welcome</body></html>', contentType: 'text/html' })),
      (e: StreamCollectError) =>
        e.reason ===
        'it is neither an HLS playlist (#EXTM3U) nor a DASH MPD (Content-Type text/html); it begins "<html><body>Welcome</body></html>"',
    );
    const mpd = `${FIXTURE_ORIGIN}/x/manifest.mpd`;
    await assert.rejects(
      run(
        async () => ({
          status: 200,
          text: '<?xml version="1.0"?><MPD type="static"><Period><AdaptationSet mimeType="video/mp4"',
        }),
        mpd,
      ),
      (e: StreamCollectError) => /^it could not be parsed: malformed XML/.test(e.reason),
    );
    const noDuration =
      '<MPD type="static"><Period><AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="4" media="$Number$.m4s"/><Representation id="v" bandwidth="1"/></AdaptationSet></Period></MPD>';
    await assert.rejects(
      run(async () => ({ status: 200, text: noDuration }), mpd),
      (e: StreamCollectError) =>
        e.reason ===
        'it could not be parsed: Representation v: a SegmentTemplate has no end: neither its Period nor the MPD gives a duration, and it has no endNumber',
    );
    await assert.rejects(
      collectStream('https://elsewhere.example.com/master.m3u8', {
        fetchText: async () => ({ status: 200, text: '#EXTM3U' }),
        toTarget,
      }),
      (e: StreamCollectError) =>
        /^it is not an object in a bucket: elsewhere\.example\.com maps to no known bucket/.test(e.reason),
    );
  });

  it('a playlist that is not HLS where HLS is expected, and a parse error, stop it', async () => {
    const fx = fixtures.hlsMasterWithVariants();
    fx.files.set(`${FIXTURE_ORIGIN}/hls/audio/de.m3u8`, '<MPD><Period/></MPD>');
    await assert.rejects(
      collect(fx),
      (e: StreamCollectError) =>
        e.url.endsWith('/hls/audio/de.m3u8') && /references it as a playlist, but it is a DASH MPD/.test(e.reason),
    );
    fx.files.set(
      `${FIXTURE_ORIGIN}/hls/audio/de.m3u8`,
      '#EXTM3U\n#EXT-X-DEFINE:IMPORT="missing"\n#EXTINF:4,\n{$missing}.aac\n',
    );
    await assert.rejects(
      collect(fx),
      (e: StreamCollectError) =>
        e.reason ===
        'it could not be parsed: line 2: EXT-X-DEFINE IMPORT="missing": the multivariant playlist defines no such variable',
    );
  });

  it('the path limit sets overLimit, says which, and stops reading', async () => {
    const fx = fixtures.hlsLarge(100);
    const { result: r } = await collect(fx, { maxPaths: 50 });
    assert.equal(r.overLimit, true);
    assert.equal(r.limitReason, 'the stream has more than 50 paths');
    assert.ok(r.objects.length <= 51, String(r.objects.length));
    const ok = await collect(fx, { maxPaths: 104 });
    assert.equal(ok.result.overLimit, false, 'exactly at the limit is within it');
    assert.equal(ok.result.objects.length, 104);
  });

  it('the manifest limit sets overLimit; a depth past maxDepth is an error', async () => {
    const { result: r } = await collect(fixtures.hlsMasterWithVariants(), { maxManifests: 3 });
    assert.equal(r.overLimit, true);
    assert.equal(r.limitReason, 'the stream has more than 3 manifests');
    await assert.rejects(collect(fixtures.hlsMasterWithVariants(), { maxDepth: 0 }), (e: StreamCollectError) =>
      /nest deeper than 0 levels/.test(e.reason),
    );
  });

  it('the order does not depend on which reply comes first, and reads run concurrently up to the limit', async () => {
    const fx = fixtures.hlsMasterWithVariants();
    const reference = (await collect(fx)).result;
    for (let i = 0; i < 5; i++) {
      const server = serve(fx, () => Math.random() * 15);
      const r = await collectStream(fx.root, { fetchText: server.fetchText, toTarget });
      assert.deepEqual(r, reference);
    }
    let active = 0;
    let most = 0;
    const slow: FetchText = async (url, signal) => {
      active++;
      most = Math.max(most, active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return serve(fx).fetchText(url, signal);
    };
    await collectStream(fx.root, { fetchText: slow, toTarget, concurrency: 2 });
    assert.equal(most, 2);
  });

  it('manifests go last: playlists before their master, the root at the very end', async () => {
    const { result: r } = await collect(fixtures.hlsMasterWithVariants());
    const manifests = r.objects.slice(r.manifestsFrom).map((o) => o.path);
    assert.deepEqual(manifests, [
      'hls/audio/en.m3u8',
      'hls/audio/de.m3u8',
      'hls/subs/en.m3u8',
      'hls/v720/index.m3u8',
      'hls/v360/index.m3u8',
      'hls/master.m3u8',
    ]);
    assert.equal(r.manifestsFrom, 12);
  });

  it('cancel: an aborted signal rejects with its reason and stops the reads', async () => {
    const fx = fixtures.hlsMasterWithVariants();
    const controller = new AbortController();
    let reads = 0;
    const fetchText: FetchText = async (url, signal) => {
      reads++;
      if (reads === 2) controller.abort();
      await new Promise((r) => setTimeout(r, 5));
      signal.throwIfAborted();
      return serve(fx).fetchText(url, signal);
    };
    await assert.rejects(collectStream(fx.root, { fetchText, toTarget, signal: controller.signal }), {
      name: 'AbortError',
    });
    assert.ok(reads <= 6);
  });

  it('collectFromText: a local manifest resolved against the URL it is published at; it is not fetched but is purged', async () => {
    const fx = fixtures.hlsMasterWithVariants();
    const local = fx.files.get(fx.root)!;
    const server = serve(fx);
    const r = await collectFromText(local, fx.root, { fetchText: server.fetchText, toTarget });
    assertWellFormed(r, fx.root);
    assert.ok(!server.read.includes(fx.root));
    assert.equal(server.read.length, 5);
    assert.equal(r.manifestsRead, 5);
    assert.deepEqual(sorted(r), sorted((await collect(fx)).result));
    const media = await collectFromText(mediaPlaylist(['a.ts', '../b.ts']), `${FIXTURE_ORIGIN}/local/x/index.m3u8`, {
      fetchText: server.fetchText,
      toTarget,
    });
    assert.deepEqual(sorted(media), ['local/b.ts', 'local/x/a.ts', 'local/x/index.m3u8']);
  });

  it('a segment named beside its playlist resolves as new URL would, plain names and tricky ones alike', async () => {
    const names = [
      'seg-1.m4s',
      'v/720p/seg_2.ts',
      "a~b!$&'()*+,;=@-c.ts",
      'a/./b.ts',
      'a//b.ts',
      'x/../y.ts',
      '%41.ts',
      'q.ts?token=1',
      'h.ts#frag',
      '.hidden.ts',
      'ü.ts',
      'sp ace.ts',
      'dir/',
    ];
    for (const playlist of [
      `${FIXTURE_ORIGIN}/p/index.m3u8`,
      `${FIXTURE_ORIGIN}/p%20q/index.m3u8?auth=x`,
      `${FIXTURE_ORIGIN}/index.m3u8`,
    ]) {
      const r = await collectFromText(mediaPlaylist(names), playlist, {
        fetchText: async () => ({ status: 404, text: '' }),
        toTarget,
      });
      const expected = new Map<string, string>();
      for (const name of names) {
        const url = new URL(name, playlist);
        url.hash = '';
        const mapped = mapUrl(url, []);
        if (!('reason' in mapped)) expected.set(mapped.path, url.href);
      }
      const objects = r.objects.filter((o) => o.kind !== 'playlist' && o.kind !== 'manifest');
      assert.deepEqual(
        new Map(objects.map((o) => [o.path, o.url])),
        new Map([...expected].filter(([path]) => !path.split('/').includes('..'))),
        playlist,
      );
    }
  });

  it('a vod playback domain maps through mapUrl to its bucket', async () => {
    const domains: Domain[] = [
      { id: '1', name: 'vod.example-tv.com', type: 'vod', bucketName: 'media-assets', created: new Date() },
    ];
    const fx = fixtures.hlsByteRanges();
    const fetchText: FetchText = (url, signal) =>
      serve(fx).fetchText(url.replace('https://vod.example-tv.com', FIXTURE_ORIGIN), signal);
    const r = await collectStream('https://vod.example-tv.com/ranges/index.m3u8', {
      fetchText,
      toTarget: (u) => mapUrl(u, domains),
    });
    assert.deepEqual(sorted(r), ['ranges/all.ts', 'ranges/index.m3u8', 'ranges/tail.ts']);
    assert.equal(r.bucket, 'media-assets');
    assert.equal(r.objects[0]!.url, 'https://vod.example-tv.com/ranges/all.ts');
  });
});

describe('mapUrl and the media-storage override', () => {
  it('mapUrl names the bucket and path, or why not', () => {
    const domains: Domain[] = [
      { id: '1', name: 'vod.example-tv.com', type: 'vod', bucketName: 'media-assets', created: new Date() },
      { id: '2', name: 'live.example-tv.com', type: 'live', created: new Date() },
    ];
    assert.deepEqual(mapUrl('https://media-assets.media-storage.us-west.qencode.com/a/b%20c.ts?x=1', domains), {
      bucket: 'media-assets',
      path: 'a/b c.ts',
    });
    assert.deepEqual(mapUrl(new URL('https://vod.example-tv.com/a.ts'), domains), {
      bucket: 'media-assets',
      path: 'a.ts',
    });
    assert.deepEqual(mapUrl('https://live.example-tv.com/a.ts', domains), {
      reason: 'live.example-tv.com is a live playback domain; only media-storage objects can be purged',
    });
    assert.deepEqual(mapUrl('ftp://x/a', domains), { reason: 'ftp: addresses cannot be purged' });
    assert.deepEqual(mapUrl('not a url', domains), { reason: 'not a valid URL' });
  });

  it('rewrites media-storage URLs to a loopback base and back; leaves other hosts; refuses a base that is not loopback', () => {
    const base = 'http://127.0.0.1:9000';
    const real = 'https://media-assets.media-storage.us-west.qencode.com/streams/launch/master.m3u8?auth=t';
    const local = toMediaOverrideUrl(real, base);
    assert.equal(
      local,
      'http://127.0.0.1:9000/media-assets.media-storage.us-west.qencode.com/streams/launch/master.m3u8?auth=t',
    );
    assert.equal(fromMediaOverrideUrl(local, base), real);
    assert.equal(toMediaOverrideUrl('https://cdn.example.net/a.ts', base), 'https://cdn.example.net/a.ts');
    assert.equal(
      toMediaOverrideUrl('https://vod.example-tv.com/a.ts', base, ['vod.example-tv.com']),
      'http://127.0.0.1:9000/vod.example-tv.com/a.ts',
    );
    assert.equal(fromMediaOverrideUrl('http://127.0.0.1:9001/x.example/a', base), undefined);
    assert.throws(() => toMediaOverrideUrl(real, 'https://evil.example.com'), /must be a loopback/);
  });
});
