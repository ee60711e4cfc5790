import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { request } from 'undici';
import {
  StreamCollectError,
  collectStream,
  isManifestKind,
  mapUrl,
  withMediaOverride,
  type Domain,
  type FetchText,
} from '../../src/core';
import { Emulator } from '../emulator/emulator';
import { mediaStorageUrl, type MediaServer } from '../emulator/media';
import { SAMPLE } from '../emulator/sample-data';
import { launchStreams } from '../emulator/stream-fixtures';

/*
 * The emulator's media server, and the stream collector reading the demo stream from it
 * over real HTTP through the media-storage override, as the extension will.
 */

const emulator = new Emulator({ seed: true, media: true });
let media: MediaServer;
const streams = launchStreams();
const real = (path: string) => mediaStorageUrl(SAMPLE.mediaBucket, 'us-west', path);
const domains: Domain[] = [
  {
    id: SAMPLE.vodDomainId,
    name: 'vod.example-tv.com',
    type: 'vod',
    bucketName: SAMPLE.mediaBucket,
    created: new Date(),
  },
];

/** The extension's kind of fetcher: undici, the reply's status, text and content type. */
const undiciFetch: FetchText = async (url, signal) => {
  const res = await request(url, { signal });
  const type = res.headers['content-type'];
  return {
    status: res.statusCode,
    text: await res.body.text(),
    ...(typeof type === 'string' ? { contentType: type } : {}),
  };
};

async function get(url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') {
  const res = await request(url, { method, headers });
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

before(async () => {
  await emulator.start();
  media = emulator.media!;
});
beforeEach(() => {
  for (const key of [...emulator.accounts.keys()]) emulator.addAccount(key, true);
  media.clearFaults();
  media.clearRequests();
  media.latencyMs = 0;
});
after(() => emulator.stop());

describe('the media server', () => {
  it('serves the sample stream in the path-prefix form, with content types, and logs each request', async () => {
    const master = await get(media.localUrl(real('streams/launch/master.m3u8')));
    assert.equal(master.status, 200);
    assert.equal(master.headers['content-type'], 'application/vnd.apple.mpegurl');
    assert.match(master.body.toString(), /^#EXTM3U\n/);
    const types = {
      'streams/launch/dash/manifest.mpd': 'application/dash+xml',
      'streams/launch/video/720p/seg-00001.m4s': 'video/mp4',
      'streams/launch/subs/en/seg-1.vtt': 'text/vtt',
      'streams/launch/keys/launch.key': 'application/octet-stream',
    };
    for (const [path, type] of Object.entries(types))
      assert.equal((await get(media.localUrl(real(path)))).headers['content-type'], type, path);
    assert.equal(
      (await get(media.localUrl(real('streams/launch/keys/launch.key')))).body.length,
      16,
      'an AES-128 key is 16 bytes',
    );
    assert.deepEqual(
      media.requests.map((r) => [r.method, r.host, r.bucket, r.path, r.status]),
      [
        ['GET', 'media-assets.media-storage.us-west.qencode.com', 'media-assets', 'streams/launch/master.m3u8', 200],
        ...Object.keys(types).map((p) => [
          'GET',
          'media-assets.media-storage.us-west.qencode.com',
          'media-assets',
          p,
          200,
        ]),
        [
          'GET',
          'media-assets.media-storage.us-west.qencode.com',
          'media-assets',
          'streams/launch/keys/launch.key',
          200,
        ],
      ],
    );
  });

  it('serves by Host header too, a vod domain serves its bucket, and the bucket CORS headers come along', async () => {
    const byHost = await get(`${media.url}/streams/launch/master.m3u8`, {
      host: 'media-assets.media-storage.us-west.qencode.com',
    });
    assert.equal(byHost.status, 200);
    assert.equal(byHost.headers['access-control-allow-origin'], 'https://media-storage.us-west.qencode.com');
    assert.equal((await get(`${media.url}/streams/launch/master.m3u8`, { host: 'vod.example-tv.com' })).status, 200);
    assert.equal((await get(`${media.url}/vod.example-tv.com/streams/launch/master.m3u8`)).status, 200);
    assert.equal(media.requests[1]!.bucket, 'media-assets');
  });

  it('answers 404 for a missing object, an unknown bucket or the wrong region; 403 in an authenticated bucket without auth; 405 for a PUT', async () => {
    const missing = await get(media.localUrl(real('streams/launch/nope.m3u8')));
    assert.equal(missing.status, 404);
    assert.match(missing.body.toString(), /<Code>NoSuchKey<\/Code>/);
    assert.match(
      (await get(`${media.url}/nobucket.media-storage.us-west.qencode.com/a.ts`)).body.toString(),
      /NoSuchBucket/,
    );
    assert.equal(
      (await get(`${media.url}/media-assets.media-storage.eu-central.qencode.com/streams/launch/master.m3u8`)).status,
      404,
      'wrong region',
    );
    media.put(SAMPLE.promoBucket, 'clips/a.m3u8', '#EXTM3U\n');
    const promo = mediaStorageUrl(SAMPLE.promoBucket, 'us-west', 'clips/a.m3u8');
    assert.equal((await get(media.localUrl(promo))).status, 403);
    assert.equal((await get(media.localUrl(`${promo}?auth=signed`))).status, 200);
    assert.equal(
      (await request(media.localUrl(real('streams/launch/master.m3u8')), { method: 'PUT', body: 'x' })).statusCode,
      405,
    );
  });

  it('answers a byte range with 206, and HEAD without a body', async () => {
    const url = media.localUrl(real('streams/launch/video/720p/seg-00001.m4s'));
    const part = await get(url, { range: 'bytes=0-31' });
    assert.equal(part.status, 206);
    assert.equal(part.body.length, 32);
    assert.equal(part.headers['content-range'], 'bytes 0-31/64');
    const head = await get(url, {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '64');
    assert.equal(head.body.length, 0);
  });
});

describe('collecting the demo stream from the media server', () => {
  const options = () => ({
    fetchText: withMediaOverride(undiciFetch, media.url),
    toTarget: (u: URL) => mapUrl(u, domains),
  });

  it('HLS: exactly the generated objects, manifests last, only the manifests read, each once', async () => {
    const r = await collectStream(real(streams.hls.root), options());
    assert.deepEqual(r.objects.map((o) => o.path).sort(), streams.hls.objects.map((o) => o.path).sort());
    assert.equal(r.objects.at(-1)!.path, 'streams/launch/master.m3u8');
    assert.ok(
      r.objects.slice(r.manifestsFrom).every((o) => isManifestKind(o.kind)) &&
        r.objects.slice(0, r.manifestsFrom).every((o) => !isManifestKind(o.kind)),
    );
    assert.deepEqual(r.counts, {
      key: 1,
      init: 3,
      segment: 18,
      subtitle: 3,
      playlist: 4,
      'iframe-playlist': 1,
      manifest: 1,
    });
    assert.deepEqual(r.leftOut, []);
    const manifests = streams.hls.objects.filter((o) => o.path.endsWith('.m3u8')).map((o) => o.path);
    assert.deepEqual(media.pathsRead().sort(), manifests.sort());
    assert.ok(media.requests.every((r) => r.status === 200));
  });

  it('DASH: exactly the generated objects from the MPD', async () => {
    const r = await collectStream(real(streams.dash.root), options());
    assert.deepEqual(r.objects.map((o) => o.path).sort(), streams.dash.objects.map((o) => o.path).sort());
    assert.deepEqual(media.pathsRead(), ['streams/launch/dash/manifest.mpd']);
    assert.deepEqual(
      r.renditions.map((x) => [x.name, x.count, x.first, x.last]),
      [
        [
          'video 720p',
          7,
          'streams/launch/dash/video/720p/seg-00001.m4s',
          'streams/launch/dash/video/720p/seg-00006.m4s',
        ],
        [
          'video 360p',
          7,
          'streams/launch/dash/video/360p/seg-00001.m4s',
          'streams/launch/dash/video/360p/seg-00006.m4s',
        ],
        ['audio en', 7, 'streams/launch/dash/audio/en/seg-00001.m4s', 'streams/launch/dash/audio/en/seg-00006.m4s'],
      ],
    );
  });

  it('from a vod playback domain URL: the same paths in the same bucket', async () => {
    const fetchText = withMediaOverride(undiciFetch, media.url, ['vod.example-tv.com']);
    const r = await collectStream('https://vod.example-tv.com/streams/launch/master.m3u8', { ...options(), fetchText });
    assert.equal(r.bucket, SAMPLE.mediaBucket);
    assert.deepEqual(r.objects.map((o) => o.path).sort(), streams.hls.objects.map((o) => o.path).sort());
    assert.ok(media.requests.every((q) => q.host === 'vod.example-tv.com'));
  });

  it('a variant that answers 404, or a connection reset, stops the collection naming the playlist', async () => {
    media.addFault({ path: '^streams/launch/video/360p/index\\.m3u8$', fault: { type: 'status', status: 404 } });
    await assert.rejects(
      collectStream(real(streams.hls.root), options()),
      (e: StreamCollectError) =>
        e.url === real('streams/launch/video/360p/index.m3u8') && e.reason === 'HTTP 404 (no such object)',
    );
    media.clearFaults();
    media.addFault({ path: 'audio/en/index', fault: { type: 'reset' } });
    await assert.rejects(
      collectStream(real(streams.hls.root), options()),
      (e: StreamCollectError) => e.url.endsWith('audio/en/index.m3u8') && /^network error: /.test(e.reason),
    );
  });

  it('at 20 ms a request, the stream is read in about its depth in round trips, not one per manifest', async () => {
    media.latencyMs = 20;
    const started = performance.now();
    const r = await collectStream(real(streams.hls.root), options());
    const ms = performance.now() - started;
    assert.equal(r.manifestsRead, 6);
    // Two levels: the master, then its five playlists at once (~40 ms); one at a time would take 120 ms.
    const playlists = media.requests.slice(1);
    const lastStart = Math.max(...playlists.map((q) => q.startedAt));
    assert.ok(
      playlists.every((q) => q.finishedAt! >= lastStart),
      'the five playlists were in flight together',
    );
    assert.ok(ms < 115, `${Math.round(ms)} ms`);
  });
});
