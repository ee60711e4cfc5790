import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectFromText, mapUrl } from '../../src/core';

const ROOT = 'https://media-assets.media-storage.us-west.qencode.com/s/manifest.mpd';
const toTarget = (u: URL) => mapUrl(u, []);

describe('a hostile manifest', () => {
  it('an MPD that lists a hundred million segments is over the limit: counted without expanding, and only up to the limit expanded', async () => {
    const mpd = `<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT100000000S"><Period><AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="1" media="$Number$.m4s"/><Representation id="v" bandwidth="1"/></AdaptationSet></Period></MPD>`;
    const r = await collectFromText(mpd, ROOT, { fetchText: () => Promise.reject(new Error('no fetch')), toTarget, maxPaths: 20_000 });
    assert.equal(r.overLimit, true);
    assert.equal(r.limitReason, 'the MPD lists 100000000 segments, more than the limit of 20000 paths');
    assert.ok(r.objects.length <= 20_000, `at most the limit is kept (${r.objects.length})`);
  });

  it('references over http, to another port, or with credentials are never read nor purged', async () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-STREAM-INF:BANDWIDTH=1',
      'http://media-assets.media-storage.us-west.qencode.com/s/a.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=2',
      'https://media-assets.media-storage.us-west.qencode.com:6379/s/b.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=3',
      'https://user:pass@media-assets.media-storage.us-west.qencode.com/s/c.m3u8',
      '',
    ].join('\n');
    const read: string[] = [];
    const result = await collectFromText(master, 'https://media-assets.media-storage.us-west.qencode.com/s/master.m3u8', {
      fetchText: async (url) => {
        read.push(url);
        return { status: 200, text: '#EXTM3U\n#EXT-X-ENDLIST\n' };
      },
      toTarget,
    });
    assert.deepEqual(read, [], 'nothing was fetched');
    assert.deepEqual(result.objects.map((o) => o.path), ['s/master.m3u8']);
    assert.deepEqual(result.leftOut.map((l) => l.reason), [
      'not read or purged: only https addresses are read, not http:',
      'not read or purged: only the default https port is read, not 6379',
      'not read or purged: an address with credentials in it is not read',
    ]);
  });

  it('a root URL over http is refused', async () => {
    await assert.rejects(collectFromText('#EXTM3U\n', 'http://media-assets.media-storage.us-west.qencode.com/s/m.m3u8', { fetchText: () => Promise.reject(new Error('x')), toTarget }), /only https addresses are read/);
  });
});
