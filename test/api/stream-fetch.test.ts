import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { collectStream, httpFetcher, mapUrl, withMediaOverride } from '../../src/core';
import { Emulator } from '../emulator/emulator';
import { launchStreams } from '../emulator/stream-fixtures';

describe('reading manifests over HTTP for the collector', () => {
  const emulator = new Emulator({ seed: true, media: true });
  before(() => emulator.start());
  after(() => emulator.stop());

  it('the extension fetcher reads the demo stream through the media override; the API is not touched', async () => {
    const fetcher = httpFetcher();
    try {
      const fetchText = withMediaOverride(fetcher.fetchText, emulator.media!.url);
      const result = await collectStream('https://media-assets.media-storage.us-west.qencode.com/streams/launch/master.m3u8', { fetchText, toTarget: (u) => mapUrl(u, []) });
      assert.deepEqual(result.objects.map((o) => o.path).sort(), launchStreams().hls.objects.map((o) => o.path).sort());
      assert.equal(emulator.media!.requests.filter((r) => r.method === 'GET').length, 6, 'the six manifests, each once');
      assert.equal(emulator.requests.length, 0, 'no API request');
    } finally {
      await fetcher.close();
    }
  });

  it('a reply larger than the cap is refused', async () => {
    const fetcher = httpFetcher({ maxBytes: 100 });
    try {
      const url = `${emulator.media!.url}/media-assets.media-storage.us-west.qencode.com/streams/launch/master.m3u8`;
      await assert.rejects(fetcher.fetchText(url, AbortSignal.timeout(5000)), /larger than/);
    } finally {
      await fetcher.close();
    }
  });

  it('any HTTP status is a result the collector reads (a 404 here), never a throw', async () => {
    const fetcher = httpFetcher();
    try {
      const r = await fetcher.fetchText(`${emulator.media!.url}/media-assets.media-storage.us-west.qencode.com/none.m3u8`, AbortSignal.timeout(5000));
      assert.equal(r.status, 404);
    } finally {
      await fetcher.close();
    }
  });
});
