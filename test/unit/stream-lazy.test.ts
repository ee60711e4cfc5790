import assert from 'node:assert/strict';
import { it } from 'node:test';
import { collectFromText, mapUrl } from '../../src/core';

/*
 * The manifest readers load when first used, not with the core: the extension's
 * activation, which loads the core, does not run them.
 */
const loaded = (file: string) => Object.keys(require.cache).some((p) => p.endsWith(`/core/stream/${file}`));

it('the stream readers (HLS, DASH, XML) load on the first collection, not with the core', async () => {
  for (const file of ['readers.js', 'hls.js', 'dash.js', 'dash-segments.js', 'xml.js'])
    assert.equal(loaded(file), false, file);
  const options = { fetchText: async () => ({ status: 404, text: '' }), toTarget: (u: URL) => mapUrl(u, []) };
  const origin = 'https://media-assets.media-storage.us-west.qencode.com';
  await collectFromText('#EXTM3U\n#EXTINF:4,\na.ts\n', `${origin}/a/index.m3u8`, options);
  for (const file of ['readers.js', 'hls.js', 'dash.js', 'xml.js']) assert.equal(loaded(file), true, file);
});
