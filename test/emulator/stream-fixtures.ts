import { createHash } from 'node:crypto';
import type { MediaObjectSpec } from './media';

/*
 * Generated streams, nothing copied: the demo's stream (HLS and DASH, in the sample
 * data's media bucket) and the named manifests the collector's unit tests read.
 */

export const FIXTURE_BUCKET = 'media-assets';
export const FIXTURE_ORIGIN = `https://${FIXTURE_BUCKET}.media-storage.us-west.qencode.com`;

// ---- the demo stream ----

export interface GeneratedStream {
  /** The root manifest's path in the bucket. */
  root: string;
  /** Every object of the stream, the root included: exactly what a collection must find. */
  objects: MediaObjectSpec[];
}

const SEGMENTS = 6;
const SEGMENT_SECONDS = 4;
const pad = (n: number) => String(n).padStart(5, '0');

/** A placeholder body: a few bytes that name the object (enough for the I-frame byte ranges). */
function placeholder(path: string, size = 64): Buffer {
  const text = Buffer.from(`qencode-demo ${path} `);
  return Buffer.concat([text, Buffer.alloc(Math.max(0, size - text.length), 0x2e)]);
}

/** A deterministic 16-byte AES-128 key (demo only). */
function demoKey(path: string): Buffer {
  return createHash('sha256').update(`qencode-demo-key ${path}`).digest().subarray(0, 16);
}

function webvtt(index: number): string {
  const start = (index - 1) * 8;
  const t = (s: number) => `00:00:${String(s).padStart(2, '0')}.000`;
  return `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n${index}\n${t(start + 1)} --> ${t(start + 6)}\nLaunch demo caption ${index}\n`;
}

/**
 * The demo's stream under `prefix`: an HLS master with two video variants (fMP4 with
 * EXT-X-MAP init sections, AES-128 encrypted), an audio rendition, a WebVTT subtitle
 * track, an I-frame playlist (byte ranges into the 720p segments) and one key; and a
 * DASH MPD with SegmentTemplate $Number$ for video (two Representations) and audio.
 */
export function launchStreams(prefix = 'streams/launch/'): { hls: GeneratedStream; dash: GeneratedStream } {
  const hls: MediaObjectSpec[] = [];
  const put = (list: MediaObjectSpec[], path: string, body: string | Buffer, contentType: string) =>
    list.push({ path: `${prefix}${path}`, body, contentType });
  const iv = '0x' + createHash('md5').update(prefix).digest('hex');
  const key = `#EXT-X-KEY:METHOD=AES-128,URI="../../keys/launch.key",IV=${iv}`;
  const mediaPlaylist = (lines: string[]) =>
    [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      `#EXT-X-TARGETDURATION:${SEGMENT_SECONDS}`,
      '#EXT-X-MEDIA-SEQUENCE:1',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      ...lines,
      '#EXT-X-ENDLIST',
      '',
    ].join('\n');

  put(
    hls,
    'master.m3u8',
    [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      `#EXT-X-SESSION-KEY:METHOD=AES-128,URI="keys/launch.key",IV=${iv}`,
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/en/index.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,URI="subs/en/index.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=2800000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,FRAME-RATE=30.000,CODECS="avc1.64001f,mp4a.40.2",AUDIO="audio",SUBTITLES="subs"',
      'video/720p/index.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=800000,RESOLUTION=640x360,FRAME-RATE=30.000,CODECS="avc1.64001e,mp4a.40.2",AUDIO="audio",SUBTITLES="subs"',
      'video/360p/index.m3u8',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=300000,RESOLUTION=1280x720,CODECS="avc1.64001f",URI="video/720p/iframes.m3u8"',
      '',
    ].join('\n'),
    'application/vnd.apple.mpegurl',
  );
  put(hls, 'keys/launch.key', demoKey(prefix), 'application/octet-stream');
  for (const [dir, type] of [
    ['video/720p', 'video/mp4'],
    ['video/360p', 'video/mp4'],
    ['audio/en', 'audio/mp4'],
  ] as const) {
    const segments = Array.from({ length: SEGMENTS }, (_, i) => `seg-${pad(i + 1)}.m4s`);
    put(
      hls,
      `${dir}/index.m3u8`,
      mediaPlaylist([
        '#EXT-X-MAP:URI="init.mp4"',
        key,
        ...segments.flatMap((s) => [`#EXTINF:${SEGMENT_SECONDS}.000,`, s]),
      ]),
      'application/vnd.apple.mpegurl',
    );
    put(hls, `${dir}/init.mp4`, placeholder(`${prefix}${dir}/init.mp4`), type);
    for (const s of segments) put(hls, `${dir}/${s}`, placeholder(`${prefix}${dir}/${s}`), type);
  }
  put(
    hls,
    'video/720p/iframes.m3u8',
    mediaPlaylist([
      '#EXT-X-I-FRAMES-ONLY',
      '#EXT-X-MAP:URI="init.mp4"',
      key,
      ...Array.from({ length: SEGMENTS }, (_, i) => [
        `#EXTINF:${SEGMENT_SECONDS}.000,`,
        '#EXT-X-BYTERANGE:32@0',
        `seg-${pad(i + 1)}.m4s`,
      ]).flat(),
    ]),
    'application/vnd.apple.mpegurl',
  );
  const cues = SEGMENTS / 2;
  put(
    hls,
    'subs/en/index.m3u8',
    mediaPlaylist(Array.from({ length: cues }, (_, i) => ['#EXTINF:8.000,', `seg-${i + 1}.vtt`]).flat()).replace(
      `TARGETDURATION:${SEGMENT_SECONDS}`,
      'TARGETDURATION:8',
    ),
    'application/vnd.apple.mpegurl',
  );
  for (let i = 1; i <= cues; i++) put(hls, `subs/en/seg-${i}.vtt`, webvtt(i), 'text/vtt');

  const dash: MediaObjectSpec[] = [];
  const seconds = SEGMENTS * SEGMENT_SECONDS;
  put(
    dash,
    'dash/manifest.mpd',
    `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT${seconds}S" minBufferTime="PT${SEGMENT_SECONDS}S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period id="0" start="PT0S">
    <AdaptationSet contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">
      <SegmentTemplate timescale="1000" duration="${SEGMENT_SECONDS * 1000}" startNumber="1" initialization="video/$RepresentationID$/init.mp4" media="video/$RepresentationID$/seg-$Number%05d$.m4s"/>
      <Representation id="720p" bandwidth="2500000" width="1280" height="720" frameRate="30" codecs="avc1.64001f"/>
      <Representation id="360p" bandwidth="800000" width="640" height="360" frameRate="30" codecs="avc1.64001e"/>
    </AdaptationSet>
    <AdaptationSet contentType="audio" mimeType="audio/mp4" lang="en" segmentAlignment="true">
      <SegmentTemplate timescale="48000" duration="${SEGMENT_SECONDS * 48000}" startNumber="1" initialization="audio/$RepresentationID$/init.mp4" media="audio/$RepresentationID$/seg-$Number%05d$.m4s"/>
      <Representation id="en" bandwidth="128000" codecs="mp4a.40.2" audioSamplingRate="48000"/>
    </AdaptationSet>
  </Period>
</MPD>
`,
    'application/dash+xml',
  );
  for (const [dir, type] of [
    ['dash/video/720p', 'video/mp4'],
    ['dash/video/360p', 'video/mp4'],
    ['dash/audio/en', 'audio/mp4'],
  ] as const) {
    put(dash, `${dir}/init.mp4`, placeholder(`${prefix}${dir}/init.mp4`), type);
    for (let i = 1; i <= SEGMENTS; i++)
      put(dash, `${dir}/seg-${pad(i)}.m4s`, placeholder(`${prefix}${dir}/seg-${pad(i)}.m4s`), type);
  }
  return {
    hls: { root: `${prefix}master.m3u8`, objects: hls },
    dash: { root: `${prefix}dash/manifest.mpd`, objects: dash },
  };
}

/** The demo media of the sample data's media bucket. */
export function demoMediaObjects(): MediaObjectSpec[] {
  const { hls, dash } = launchStreams();
  return [...hls.objects, ...dash.objects];
}

// ---- named fixtures for the collector's unit tests ----

export interface StreamFixture {
  name: string;
  /** The root manifest's URL. */
  root: string;
  /** Manifests by URL; any other URL answers 404. */
  files: Map<string, string>;
}

/** A fixture from paths in the fixture bucket (or absolute URLs) to texts. */
function fixture(name: string, root: string, files: Record<string, string>): StreamFixture {
  const url = (p: string) => (/^https?:\/\//.test(p) ? p : `${FIXTURE_ORIGIN}/${p}`);
  return { name, root: url(root), files: new Map(Object.entries(files).map(([p, text]) => [url(p), text])) };
}

/** A VOD media playlist of `lines` (EXTINF lines are added before each bare URI). */
export function mediaPlaylist(lines: string[], targetDuration = 4): string {
  const body = lines.flatMap((l) => (l.startsWith('#') ? [l] : [`#EXTINF:${targetDuration}.0,`, l]));
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${targetDuration}`,
    '#EXT-X-PLAYLIST-TYPE:VOD',
    ...body,
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
}

export const fixtures = {
  /** A master with two variants, an audio rendition and a subtitles track; TS segments. */
  hlsMasterWithVariants: () =>
    fixture('hls-master-variants', 'hls/master.m3u8', {
      'hls/master.m3u8': [
        '#EXTM3U',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English",DEFAULT=YES,URI="audio/en.m3u8"',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Deutsch",URI="audio/de.m3u8"',
        '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",URI="subs/en.m3u8"',
        '#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1"',
        '#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,AUDIO="aac",SUBTITLES="subs",CLOSED-CAPTIONS="cc"',
        'v720/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,AUDIO="aac",SUBTITLES="subs",CLOSED-CAPTIONS="cc"',
        'v360/index.m3u8',
        '',
      ].join('\n'),
      'hls/v720/index.m3u8': mediaPlaylist(['0.ts', '1.ts', '2.ts']),
      'hls/v360/index.m3u8': mediaPlaylist(['0.ts', '1.ts', '2.ts']),
      'hls/audio/en.m3u8': mediaPlaylist(['en/0.aac', 'en/1.aac']),
      'hls/audio/de.m3u8': mediaPlaylist(['de/0.aac', 'de/1.aac']),
      'hls/subs/en.m3u8': mediaPlaylist(['en-0.vtt', 'en-1.vtt'], 8),
    }),

  /** One media playlist cutting two files into byte ranges, with and without offsets. */
  hlsByteRanges: () =>
    fixture('hls-byte-ranges', 'ranges/index.m3u8', {
      'ranges/index.m3u8': mediaPlaylist([
        '#EXT-X-BYTERANGE:1000@0',
        'all.ts',
        '#EXT-X-BYTERANGE:1000',
        'all.ts',
        '#EXT-X-BYTERANGE:1000',
        'all.ts',
        '#EXT-X-BYTERANGE:500@0',
        'tail.ts',
        '#EXT-X-BYTERANGE:500@500',
        'tail.ts',
      ]),
    }),

  /** EXT-X-MAP: one init section, a second after a discontinuity, and one cut by a byte range. */
  hlsInitMap: () =>
    fixture('hls-ext-x-map', 'map/index.m3u8', {
      'map/index.m3u8': mediaPlaylist([
        '#EXT-X-MAP:URI="init-a.mp4"',
        'a1.m4s',
        'a2.m4s',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="init-b.mp4"',
        'b1.m4s',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="packed.mp4",BYTERANGE="720@0"',
        '#EXT-X-BYTERANGE:5000@720',
        'packed.mp4',
      ]),
    }),

  /** Keys: a session key in the master, rotating AES-128 keys, METHOD=NONE, SAMPLE-AES, and a FairPlay skd: key (left out). */
  hlsKeys: () =>
    fixture('hls-keys', 'keys/master.m3u8', {
      'keys/master.m3u8': [
        '#EXTM3U',
        '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="k/session.key"',
        '#EXT-X-SESSION-DATA:DATA-ID="com.example.title",URI="title.json"',
        '#EXT-X-STREAM-INF:BANDWIDTH=1000000',
        'v/index.m3u8',
        '',
      ].join('\n'),
      'keys/v/index.m3u8': mediaPlaylist([
        '#EXT-X-KEY:METHOD=AES-128,URI="../k/k1.key",IV=0x00000000000000000000000000000001',
        's1.ts',
        '#EXT-X-KEY:METHOD=AES-128,URI="../k/k2.key"',
        's2.ts',
        '#EXT-X-KEY:METHOD=NONE',
        's3.ts',
        '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="../k/k3.key",KEYFORMAT="identity"',
        's4.ts',
        '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-server/launch",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"',
        's5.ts',
      ]),
    }),

  /** I-frame playlists: one cutting the variant's own segments, one with files of its own. */
  hlsIFrames: () =>
    fixture('hls-iframes', 'iframes/master.m3u8', {
      'iframes/master.m3u8': [
        '#EXTM3U',
        '#EXT-X-STREAM-INF:BANDWIDTH=2000000,RESOLUTION=1280x720',
        'v/index.m3u8',
        '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=200000,RESOLUTION=1280x720,URI="v/iframes.m3u8"',
        '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=50000,RESOLUTION=320x180,URI="thumbs/iframes.m3u8"',
        '',
      ].join('\n'),
      'iframes/v/index.m3u8': mediaPlaylist(['#EXT-X-MAP:URI="init.mp4"', '0.m4s', '1.m4s']),
      'iframes/v/iframes.m3u8': mediaPlaylist([
        '#EXT-X-I-FRAMES-ONLY',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXT-X-BYTERANGE:300@0',
        '0.m4s',
        '#EXT-X-BYTERANGE:300@0',
        '1.m4s',
      ]),
      'iframes/thumbs/iframes.m3u8': mediaPlaylist([
        '#EXT-X-I-FRAMES-ONLY',
        '#EXT-X-BYTERANGE:100@0',
        'i0.ts',
        '#EXT-X-BYTERANGE:100@100',
        'i0.ts',
      ]),
    }),

  /** Absolute, root-relative, relative, ./ and ../ URIs, a query, a fragment and %-escapes. */
  hlsUris: () =>
    fixture('hls-uris', 'uris/a/b/master.m3u8', {
      'uris/a/b/master.m3u8': [
        '#EXTM3U',
        '#EXT-X-STREAM-INF:BANDWIDTH=1',
        '../../c/index.m3u8?token=1',
        '#EXT-X-STREAM-INF:BANDWIDTH=2',
        `${FIXTURE_ORIGIN}/uris/a/abs/index.m3u8`,
        '',
      ].join('\n'),
      'uris/c/index.m3u8': mediaPlaylist([
        '0.ts',
        './1.ts',
        '../c/2.ts',
        '../../uris/d/3.ts',
        '/top/4.ts',
        `${FIXTURE_ORIGIN}/uris/c/5.ts`,
        'seg%20six.ts',
        '7.ts?x=1#t=2',
        '7.ts?x=2',
      ]),
      'uris/a/abs/index.m3u8': mediaPlaylist(['../../../shared/0.ts', 'x/../1.ts']),
    }),

  /** References outside the bucket: another host, another bucket, data: and a variant on another host (never read). */
  hlsOtherHost: () =>
    fixture('hls-other-host', 'other/master.m3u8', {
      'other/master.m3u8': [
        '#EXTM3U',
        '#EXT-X-STREAM-INF:BANDWIDTH=1',
        'v/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=2',
        'https://cdn.example.net/other/v/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=3',
        'https://vod-archive.media-storage.eu-central.qencode.com/other/v/index.m3u8',
        '',
      ].join('\n'),
      'other/v/index.m3u8': mediaPlaylist([
        '#EXT-X-KEY:METHOD=AES-128,URI="data:text/plain;base64,AAECAwQFBgcICQoLDA0ODw=="',
        '0.ts',
        'https://ads.example.net/ad.ts',
        '1.ts',
      ]),
      'https://cdn.example.net/other/v/index.m3u8': mediaPlaylist(['never-read.ts']),
    }),

  /**
   * Duplicates: one variant twice, and a playlist both as audio and as a variant; two
   * media playlists share a segment. (The test then makes the master list itself, and a
   * variant a multivariant playlist: both are refused.)
   */
  hlsCycle: () =>
    fixture('hls-cycle', 'cycle/master.m3u8', {
      'cycle/master.m3u8': [
        '#EXTM3U',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="Main",URI="w/index.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=2,AUDIO="a"',
        'v/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=3,AUDIO="a"',
        'v/index.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=4,AUDIO="a"',
        'w/index.m3u8',
        '',
      ].join('\n'),
      'cycle/v/index.m3u8': mediaPlaylist(['0.ts', '../w/1.ts']),
      'cycle/w/index.m3u8': mediaPlaylist(['0.ts', '1.ts', '0.ts', '../x/2.ts']),
    }),

  /** A master and one media playlist of `count` segments (init section and key included). */
  hlsLarge: (count = 50_000) => {
    const lines = ['#EXT-X-MAP:URI="init.mp4"', '#EXT-X-KEY:METHOD=AES-128,URI="../key.bin"'];
    for (let i = 0; i < count; i++) lines.push(`seg-${i}.m4s`);
    return fixture(`hls-${count}-segments`, 'large/master.m3u8', {
      'large/master.m3u8': ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1000000', 'v/index.m3u8', ''].join('\n'),
      'large/v/index.m3u8': mediaPlaylist(lines),
    });
  },

  /** DASH SegmentTemplate $Number$: startNumber, @duration, $RepresentationID$, $Bandwidth$ and %05d. */
  dashNumber: () =>
    fixture('dash-segment-template-number', 'dash-number/manifest.mpd', {
      'dash-number/manifest.mpd': `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT10S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period id="p0">
    <AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="1000" duration="4000" startNumber="5" initialization="$RepresentationID$/init-$Bandwidth$.mp4" media="$RepresentationID$/$Number%05d$.m4s"/>
      <Representation id="hi" bandwidth="3000000" width="1920" height="1080"/>
      <Representation id="lo" bandwidth="500000" width="640" height="360"/>
    </AdaptationSet>
    <AdaptationSet mimeType="audio/mp4" lang="en">
      <Representation id="aud" bandwidth="128000">
        <SegmentTemplate timescale="48000" duration="240000" initialization="audio/init.mp4" media="audio/$Number$.m4s"/>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
`,
    }),

  /** DASH SegmentTemplate $Time$ over a SegmentTimeline with r= repeats (and a final r="-1"). */
  dashTime: () =>
    fixture('dash-segment-template-time', 'dash-time/manifest.mpd', {
      'dash-time/manifest.mpd': `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT12S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period>
    <AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="90000" initialization="v/init.mp4" media="v/$Time$.m4s">
        <SegmentTimeline><S t="0" d="180000" r="2"/><S d="90000"/><S d="180000" r="1"/></SegmentTimeline>
      </SegmentTemplate>
      <Representation id="v" bandwidth="1000000"/>
    </AdaptationSet>
    <AdaptationSet mimeType="audio/mp4">
      <SegmentTemplate timescale="1000" initialization="a/init.mp4" media="a/$RepresentationID$-$Time$.m4s">
        <SegmentTimeline><S t="0" d="4000" r="1"/><S d="4000" r="-1"/></SegmentTimeline>
      </SegmentTemplate>
      <Representation id="a" bandwidth="64000"/>
    </AdaptationSet>
  </Period>
</MPD>
`,
    }),

  /** DASH SegmentList: Initialization sourceURL and SegmentURL media. */
  dashSegmentList: () =>
    fixture('dash-segment-list', 'dash-list/manifest.mpd', {
      'dash-list/manifest.mpd': `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT6S" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">
  <Period>
    <AdaptationSet mimeType="video/mp4">
      <Representation id="v" bandwidth="1000000">
        <SegmentList timescale="1" duration="2">
          <Initialization sourceURL="list/init.mp4"/>
          <SegmentURL media="list/one.m4s"/>
          <SegmentURL media="list/two.m4s"/>
          <SegmentURL media="list/three.m4s" mediaRange="0-999"/>
        </SegmentList>
      </Representation>
    </AdaptationSet>
    <AdaptationSet mimeType="application/mp4" codecs="stpp">
      <Representation id="ttml" bandwidth="2000">
        <SegmentList timescale="1" duration="6"><SegmentURL media="list/subs.mp4"/></SegmentList>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
`,
    }),

  /** DASH BaseURL nested MPD, Period, AdaptationSet, Representation; SegmentBase; a one-file Representation; one on another host. */
  dashBaseUrl: () =>
    fixture('dash-nested-base-url', 'dash-base/manifests/main.mpd', {
      'dash-base/manifests/main.mpd': `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT8S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <BaseURL>../media/</BaseURL>
  <Period>
    <BaseURL>period1/</BaseURL>
    <AdaptationSet mimeType="video/mp4">
      <BaseURL>video/</BaseURL>
      <SegmentTemplate timescale="1" duration="4" initialization="init.mp4" media="$Number$.m4s"/>
      <Representation id="v1" bandwidth="1000000"><BaseURL>v1/</BaseURL></Representation>
      <Representation id="v2" bandwidth="2000000"><BaseURL>/dash-base/elsewhere/v2/</BaseURL></Representation>
    </AdaptationSet>
    <AdaptationSet mimeType="audio/mp4">
      <Representation id="a" bandwidth="96000">
        <BaseURL>audio/a.mp4</BaseURL>
        <SegmentBase indexRange="800-1999"><Initialization range="0-799"/></SegmentBase>
      </Representation>
    </AdaptationSet>
    <AdaptationSet mimeType="text/vtt" lang="en">
      <Representation id="subs" bandwidth="256"><BaseURL>subs/en.vtt</BaseURL></Representation>
    </AdaptationSet>
    <AdaptationSet mimeType="text/vtt" lang="fr">
      <Representation id="far" bandwidth="256"><BaseURL>https://cdn.example.net/subs/fr.vtt</BaseURL></Representation>
    </AdaptationSet>
  </Period>
</MPD>
`,
    }),

  /**
   * Two Periods, the last without @duration: $Number$ and a $Time$ timeline ending in r="-1"
   * with a presentationTimeOffset (the Period's end in media time counts from it, 5.3.9.6).
   */
  dashMultiPeriod: () =>
    fixture('dash-multi-period', 'dash-periods/manifest.mpd', {
      'dash-periods/manifest.mpd': `<?xml version="1.0"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT16S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period id="ad" duration="PT10S">
    <AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="1" duration="4" initialization="ad/init.mp4" media="ad/$Number$.m4s"/>
      <Representation id="v" bandwidth="1000000"/>
    </AdaptationSet>
  </Period>
  <Period id="main">
    <AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="1" duration="2" startNumber="10" initialization="main/init.mp4" media="main/$Number$.m4s"/>
      <Representation id="v" bandwidth="1000000"/>
    </AdaptationSet>
    <AdaptationSet mimeType="audio/mp4">
      <SegmentTemplate timescale="10" presentationTimeOffset="1000" initialization="main/a-init.mp4" media="main/a-$Time$.m4s">
        <SegmentTimeline><S t="1000" d="20" r="-1"/></SegmentTimeline>
      </SegmentTemplate>
      <Representation id="a" bandwidth="64000"/>
    </AdaptationSet>
  </Period>
</MPD>
`,
    }),
};
