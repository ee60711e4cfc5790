import assert from 'node:assert/strict';
import { it } from 'node:test';
import { collectFromText, mapUrl } from '../../src/core';

/*
 * The manifest parsers load when first used, not with the core: the extension's
 * activation, which loads the core, does not run them.
 */
const loaded = (name: string) => Object.keys(require.cache).some((p) => p.includes(`/node_modules/${name}/`));

it('m3u8-parser, mpd-parser and xmldom load on first use, each only when its format is read', async () => {
  assert.equal(loaded('m3u8-parser'), false);
  assert.equal(loaded('mpd-parser'), false);
  assert.equal(loaded('@xmldom/xmldom'), false);
  const options = { fetchText: async () => ({ status: 404, text: '' }), toTarget: (u: URL) => mapUrl(u, []) };
  const origin = 'https://media-assets.media-storage.us-west.qencode.com';
  await collectFromText('#EXTM3U\n#EXTINF:4,\na.ts\n', `${origin}/a/index.m3u8`, options);
  assert.equal(loaded('m3u8-parser'), true);
  assert.equal(loaded('mpd-parser'), false);
  await collectFromText('<MPD type="static" mediaPresentationDuration="PT4S"><Period><AdaptationSet mimeType="video/mp4"><Representation id="v" bandwidth="1"><BaseURL>v.mp4</BaseURL></Representation></AdaptationSet></Period></MPD>', `${origin}/a/m.mpd`, options);
  assert.equal(loaded('mpd-parser'), true);
  assert.equal(loaded('@xmldom/xmldom'), true);
});
