import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  mediaStorageUrl,
  playbackUrl,
  qencodeUrlAt,
  qencodeUrlsIn,
  URL_SCAN,
  urlAt,
  type Domain,
} from '../../src/core';

const created = new Date();
const domains: Domain[] = [
  { id: '1', name: 'vod.example-tv.com', type: 'vod', bucketName: 'media-assets', created },
  { id: '2', name: 'live.example-tv.com', type: 'live', created },
];

describe('Qencode URLs in text', () => {
  const line =
    'See https://media-assets.media-storage.us-west.qencode.com/streams/a%20b/master.m3u8, or (https://vod.example-tv.com/clips/one.mp4). Not https://example.com/x.m3u8 nor https://live.example-tv.com/live.m3u8.';

  it('finds media-storage URLs and vod-domain URLs, with bucket, decoded path and manifest flag; trailing punctuation is not part of them', () => {
    const found = qencodeUrlsIn(line, domains);
    assert.deepEqual(
      found.map((u) => ({ url: u.url, bucket: u.bucket, path: u.path, domain: u.domain, manifest: u.manifest })),
      [
        {
          url: 'https://media-assets.media-storage.us-west.qencode.com/streams/a%20b/master.m3u8',
          bucket: 'media-assets',
          path: 'streams/a b/master.m3u8',
          domain: undefined,
          manifest: true,
        },
        {
          url: 'https://vod.example-tv.com/clips/one.mp4',
          bucket: 'media-assets',
          path: 'clips/one.mp4',
          domain: 'vod.example-tv.com',
          manifest: false,
        },
      ],
    );
    assert.equal(line.slice(found[0]!.start, found[0]!.end), found[0]!.url);
  });

  it('the URL under a position, or none (another host, a live domain, off the URL)', () => {
    assert.equal(qencodeUrlAt(line, line.indexOf('media-assets'), domains)?.bucket, 'media-assets');
    assert.equal(qencodeUrlAt(line, line.indexOf('example.com/x'), domains), undefined);
    assert.equal(qencodeUrlAt(line, line.indexOf('live.example'), domains), undefined);
    assert.equal(qencodeUrlAt(line, 0, domains), undefined);
    assert.equal(qencodeUrlAt('no links here at all', 3, domains), undefined);
  });

  it('without known domains, a media-storage URL is still recognised', () => {
    assert.equal(qencodeUrlAt(line, line.indexOf('streams'), [])?.path, 'streams/a b/master.m3u8');
    assert.equal(qencodeUrlAt(line, line.indexOf('clips'), []), undefined);
  });

  it('a hover on a 10 MB line scans only a window around the cursor: of 260,000 URLs on it, only the few near the cursor are looked up', () => {
    let lookups = 0;
    const counted = new Proxy(domains, {
      get(target, key, receiver) {
        if (key === 'find') lookups++;
        return Reflect.get(target, key, receiver);
      },
    });
    const one = 'https://vod.example-tv.com/clips/x.mp4 ';
    const long = one.repeat(260_000);
    assert.ok(long.length >= 10_000_000);
    const at = one.length * 125_000 + 10;
    const found = qencodeUrlAt(long, at, counted);
    assert.equal(found?.path, 'clips/x.mp4');
    assert.equal(
      long.slice(found!.start, found!.end),
      'https://vod.example-tv.com/clips/x.mp4',
      "offsets are the line's",
    );
    assert.ok(lookups <= 2 * Math.ceil(URL_SCAN.window / one.length) + 2, `${lookups} lookups`);
  });

  it('a selection is scanned for at most URL_SCAN.urls URLs, and trailing punctuation is trimmed without backtracking', () => {
    const many = 'https://media-assets.media-storage.us-west.qencode.com/a.ts '.repeat(5000);
    assert.equal(qencodeUrlsIn(many, domains).length, URL_SCAN.urls);
    const dots = `https://media-assets.media-storage.us-west.qencode.com/a${'.'.repeat(100_000)}`;
    assert.equal(qencodeUrlsIn(dots, domains)[0]?.path, 'a');
    const fewer = `https://media-assets.media-storage.us-west.qencode.com/a${'.'.repeat(1000)}`;
    assert.equal(urlAt(`x ${fewer}`, 10), 'https://media-assets.media-storage.us-west.qencode.com/a');
  });

  it('a URL that runs past the scanned window is not mistaken for the URL inside it', () => {
    const inner = 'https://media-assets.media-storage.us-west.qencode.com/victim/master.m3u8';
    const outer = `https://example.com/redirect?pad=${'a'.repeat(10_000)}&next=${inner}`;
    const line = `see ${outer} `;
    const at = line.indexOf(inner) + 10;
    assert.equal(urlAt(line, at), undefined, 'the window cut the outer URL: nothing is taken');
    assert.equal(qencodeUrlAt(line, at, domains), undefined);
    assert.equal(urlAt(`x ${inner} y`, 10), inner, 'a URL the window holds whole is found');
  });

  it('builds playback URLs with each path segment encoded', () => {
    assert.equal(
      mediaStorageUrl('media-assets', 'eu-central', 'a b/c#d.ts'),
      'https://media-assets.media-storage.eu-central.qencode.com/a%20b/c%23d.ts',
    );
    // The bucket and the region make the host: nothing else may choose it.
    assert.throws(
      () => mediaStorageUrl('media-assets', 'x@evil.example#', 'a.ts'),
      /"x@evil.example#" is not a media-storage region/,
    );
    assert.throws(() => mediaStorageUrl('media-assets', '', 'a.ts'), /is not a media-storage region/);
    assert.throws(() => mediaStorageUrl('evil.example/', 'us-west', 'a.ts'), /is not a bucket name/);
    assert.throws(() => mediaStorageUrl('a@evil.example', 'us-west', 'a.ts'), /is not a bucket name/);
    assert.equal(playbackUrl('vod.example-tv.com', 'x/y.m3u8'), 'https://vod.example-tv.com/x/y.m3u8');
  });

  it('a 10,000-line file: scanning one line stays cheap', () => {
    const lines = Array.from({ length: 10_000 }, (_, i) =>
      i % 10 === 0
        ? `${i}: https://media-assets.media-storage.us-west.qencode.com/s/${i}.m3u8`
        : `${i}: plain text without links, just words`,
    );
    let hits = 0;
    for (const l of lines) if (qencodeUrlAt(l, 20, domains)) hits++;
    assert.equal(hits, 1000);
  });
});
