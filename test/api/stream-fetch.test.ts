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
      const result = await collectStream(
        'https://media-assets.media-storage.us-west.qencode.com/streams/launch/master.m3u8',
        { fetchText, toTarget: (u) => mapUrl(u, []) },
      );
      assert.deepEqual(
        result.objects.map((o) => o.path).sort(),
        launchStreams()
          .hls.objects.map((o) => o.path)
          .sort(),
      );
      assert.equal(
        emulator.media!.requests.filter((r) => r.method === 'GET').length,
        6,
        'the six manifests, each once',
      );
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

  it('a server that trickles a byte at a time ends at the overall deadline, with a clear error (the gap between chunks never trips)', async () => {
    const { createServer } = await import('node:http');
    let sent = 0;
    const timers: NodeJS.Timeout[] = [];
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' });
      res.write('#EXTM3U\n');
      const tick = setInterval(() => {
        sent++;
        res.write('#');
      }, 50);
      timers.push(tick);
      res.on('close', () => clearInterval(tick));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const fetcher = httpFetcher({ deadlineMs: 1000, replyMs: 500 });
    const started = Date.now();
    try {
      const { port } = server.address() as { port: number };
      await assert.rejects(
        fetcher.fetchText(`http://127.0.0.1:${port}/trickle.m3u8`, new AbortController().signal),
        /^Error: the manifest did not arrive within 1 s \(\d+ bytes had come\)$/,
      );
      const took = Date.now() - started;
      assert.ok(took >= 950 && took < 3000, `ended at the deadline (${took} ms)`);
      assert.ok(sent >= 10, 'the server was still sending, faster than the gap timeout');
    } finally {
      for (const tick of timers) clearInterval(tick);
      await fetcher.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('any HTTP status is a result the collector reads (a 404 here), never a throw', async () => {
    const fetcher = httpFetcher();
    try {
      const r = await fetcher.fetchText(
        `${emulator.media!.url}/media-assets.media-storage.us-west.qencode.com/none.m3u8`,
        AbortSignal.timeout(5000),
      );
      assert.equal(r.status, 404);
    } finally {
      await fetcher.close();
    }
  });
});
