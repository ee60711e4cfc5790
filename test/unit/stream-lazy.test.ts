import assert from 'node:assert/strict';
import { it } from 'node:test';
import { collectFromText, mapUrl } from '../../src/core';

/*
 * The manifest readers and the XML parser load when first used, not with the core:
 * the extension's activation, which loads the core, does not run them.
 */
const loaded = (path: string) => Object.keys(require.cache).some((p) => p.includes(path));

it('the stream readers load on the first collection, and the XML parser only when an MPD is read', async () => {
  assert.equal(loaded('/core/stream/readers.js'), false);
  assert.equal(loaded('/core/stream/hls.js'), false);
  assert.equal(loaded('/node_modules/@xmldom/xmldom/'), false);
  const options = { fetchText: async () => ({ status: 404, text: '' }), toTarget: (u: URL) => mapUrl(u, []) };
  const origin = 'https://media-assets.media-storage.us-west.qencode.com';
  await collectFromText('#EXTM3U\n#EXTINF:4,\na.ts\n', `${origin}/a/index.m3u8`, options);
  assert.equal(loaded('/core/stream/readers.js'), true);
  assert.equal(loaded('/node_modules/@xmldom/xmldom/'), false);
  await collectFromText('<MPD type="static" mediaPresentationDuration="PT4S"><Period><AdaptationSet mimeType="video/mp4"><Representation id="v" bandwidth="1"><BaseURL>v.mp4</BaseURL></Representation></AdaptationSet></Period></MPD>', `${origin}/a/m.mpd`, options);
  assert.equal(loaded('/node_modules/@xmldom/xmldom/'), true);
});
