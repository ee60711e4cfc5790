import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  StreamCollectError,
  collectStream,
  isManifestKind,
  mapUrl,
  type FetchText,
  type StreamCollection,
} from '../../src/core';

/*
 * Fixtures written from the specifications, not from any parser's output: the
 * examples and rules of RFC 8216bis (draft 16, section numbers given) and of
 * ISO/IEC 23009-1 (with the DASH-IF guidelines where ISO leaves a choice). Each case
 * states the exact set of paths a purge must reach, worked out by hand from the text.
 */

const HOST = 'https://media-assets.media-storage.us-west.qencode.com';
const toTarget = (u: URL) => mapUrl(u, []);

function server(files: Record<string, string>) {
  const read: string[] = [];
  const fetchText: FetchText = async (url) => {
    read.push(url);
    const body = files[url];
    return body === undefined
      ? { status: 404, text: '<Error><Code>NoSuchKey</Code></Error>', contentType: 'application/xml' }
      : { status: 200, text: body };
  };
  return { fetchText, read };
}

async function collect(root: string, files: Record<string, string>): Promise<StreamCollection & { read: string[] }> {
  const s = server(files);
  const r = await collectStream(`${HOST}/${root}`, { fetchText: s.fetchText, toTarget });
  return { ...r, read: s.read };
}

const paths = (r: StreamCollection) => r.objects.map((o) => o.path).sort();
const kinds = (r: StreamCollection) => Object.fromEntries(r.objects.map((o) => [o.path, o.kind]));
const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('HLS, from RFC 8216bis', () => {
  it('9.1 a simple media playlist: its three segments and itself', async () => {
    const r = await collect('simple/index.m3u8', {
      [`${HOST}/simple/index.m3u8`]: lines(
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:10',
        '#EXT-X-VERSION:3',
        '#EXTINF:9.009,',
        'first.ts',
        '#EXTINF:9.009,',
        'second.ts',
        '#EXTINF:3.003,',
        'third.ts',
        '#EXT-X-ENDLIST',
      ),
    });
    assert.deepEqual(paths(r), ['simple/first.ts', 'simple/index.m3u8', 'simple/second.ts', 'simple/third.ts']);
  });

  it('9.3 encrypted segments: each EXT-X-KEY URI once, with its query (the key server is elsewhere: left out)', async () => {
    const r = await collect('enc/index.m3u8', {
      [`${HOST}/enc/index.m3u8`]: lines(
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-MEDIA-SEQUENCE:7794',
        '#EXT-X-TARGETDURATION:15',
        '#EXT-X-KEY:METHOD=AES-128,URI="https://priv.example.com/key.php?r=52"',
        '#EXTINF:2.833,',
        'fileSequence52-A.ts',
        '#EXTINF:15.0,',
        'fileSequence52-B.ts',
        '#EXT-X-KEY:METHOD=AES-128,URI="keys/k53.key?r=53"',
        '#EXTINF:15.0,',
        'fileSequence53-A.ts',
        '#EXT-X-KEY:METHOD=NONE',
        '#EXTINF:15.0,',
        'fileSequence54-A.ts',
      ),
    });
    assert.deepEqual(paths(r), [
      'enc/fileSequence52-A.ts',
      'enc/fileSequence52-B.ts',
      'enc/fileSequence53-A.ts',
      'enc/fileSequence54-A.ts',
      'enc/index.m3u8',
      'enc/keys/k53.key',
    ]);
    assert.equal(kinds(r)['enc/keys/k53.key'], 'key');
    assert.deepEqual(
      r.leftOut.map((l) => l.uri),
      ['https://priv.example.com/key.php?r=52'],
    );
  });

  it('9.4-9.6 a multivariant playlist: variants, an audio-only variant that is also a rendition, I-frame playlists, audio renditions; each playlist read once', async () => {
    const media = (...segments: string[]) =>
      lines('#EXTM3U', '#EXT-X-TARGETDURATION:10', ...segments.flatMap((s) => ['#EXTINF:10,', s]), '#EXT-X-ENDLIST');
    const r = await collect('mv/master.m3u8', {
      [`${HOST}/mv/master.m3u8`]: lines(
        '#EXTM3U',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,URI="main/english-audio.m3u8"',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",LANGUAGE="de",NAME="Deutsch",DEFAULT=NO,AUTOSELECT=YES,URI="main/german-audio.m3u8"',
        '#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc",NAME="CC1",INSTREAM-ID="CC1"',
        '#EXT-X-STREAM-INF:BANDWIDTH=1280000,CODECS="avc1.42e00a,mp4a.40.2",AUDIO="aac",CLOSED-CAPTIONS="cc"',
        'low/video-only.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=2560000,RESOLUTION=1280x720,CODECS="avc1.42e00a,mp4a.40.2",AUDIO="aac"',
        'mid/video-only.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=65000,CODECS="mp4a.40.5",AUDIO="aac"',
        'main/english-audio.m3u8',
        '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=86000,URI="low/iframe.m3u8"',
      ),
      [`${HOST}/mv/main/english-audio.m3u8`]: media('en1.aac', 'en2.aac'),
      [`${HOST}/mv/main/german-audio.m3u8`]: media('de1.aac'),
      [`${HOST}/mv/low/video-only.m3u8`]: media('l1.ts', 'l2.ts'),
      [`${HOST}/mv/mid/video-only.m3u8`]: media('m1.ts'),
      [`${HOST}/mv/low/iframe.m3u8`]: lines(
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:10',
        '#EXT-X-I-FRAMES-ONLY',
        '#EXTINF:4,',
        '#EXT-X-BYTERANGE:9400@376',
        'l1.ts',
        '#EXT-X-ENDLIST',
      ),
    });
    assert.deepEqual(paths(r), [
      'mv/low/iframe.m3u8',
      'mv/low/l1.ts',
      'mv/low/l2.ts',
      'mv/low/video-only.m3u8',
      'mv/main/de1.aac',
      'mv/main/en1.aac',
      'mv/main/en2.aac',
      'mv/main/english-audio.m3u8',
      'mv/main/german-audio.m3u8',
      'mv/master.m3u8',
      'mv/mid/m1.ts',
      'mv/mid/video-only.m3u8',
    ]);
    assert.equal(new Set(r.read).size, r.read.length, 'each playlist read once');
    assert.equal(r.read.length, 6);
    assert.equal(kinds(r)['mv/low/iframe.m3u8'], 'iframe-playlist');
  });

  it('4.4.6.4-4.4.6.6 session data (URI, not VALUE), session keys and the content steering manifest', async () => {
    const r = await collect('session/master.m3u8', {
      [`${HOST}/session/master.m3u8`]: lines(
        '#EXTM3U',
        '#EXT-X-SESSION-DATA:DATA-ID="com.example.title",VALUE="This is an example"',
        '#EXT-X-SESSION-DATA:DATA-ID="com.example.lyrics",URI="lyrics.json"',
        '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="keys/session.key",KEYFORMAT="identity"',
        '#EXT-X-CONTENT-STEERING:SERVER-URI="steering.json",PATHWAY-ID="CDN-A"',
        '#EXT-X-STREAM-INF:BANDWIDTH=1000000',
        'v.m3u8',
      ),
      [`${HOST}/session/v.m3u8`]: lines('#EXTM3U', '#EXT-X-TARGETDURATION:4', '#EXTINF:4,', 'a.ts', '#EXT-X-ENDLIST'),
    });
    assert.deepEqual(paths(r), [
      'session/a.ts',
      'session/keys/session.key',
      'session/lyrics.json',
      'session/master.m3u8',
      'session/steering.json',
      'session/v.m3u8',
    ]);
    assert.equal(kinds(r)['session/lyrics.json'], 'data');
    assert.equal(kinds(r)['session/keys/session.key'], 'key');
  });

  it('4.3 and 4.4.2.3 variables: QUERYPARAM in the multivariant playlist, IMPORT in its media playlist, NAME/VALUE, each in URI lines and quoted strings', async () => {
    const r = await collect('vars/master.m3u8?token=abc%20123', {
      [`${HOST}/vars/master.m3u8?token=abc%20123`]: lines(
        '#EXTM3U',
        '#EXT-X-DEFINE:QUERYPARAM="token"',
        '#EXT-X-DEFINE:NAME="dir",VALUE="v1"',
        '#EXT-X-STREAM-INF:BANDWIDTH=1',
        '{$dir}/index.m3u8?t={$token}',
      ),
      [`${HOST}/vars/v1/index.m3u8?t=abc%20123`]: lines(
        '#EXTM3U',
        '#EXT-X-DEFINE:IMPORT="dir"',
        '#EXT-X-DEFINE:NAME="seg",VALUE="part-{$dir}"',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-MAP:URI="{$seg}-init.mp4"',
        '#EXTINF:4,',
        '{$seg}-1.m4s',
        '#EXTINF:4,',
        '$dir-{$seg}-2.m4s',
        '#EXT-X-ENDLIST',
      ),
    });
    // The query parameter's value is decoded ("abc 123"), and encoded again in the URL; a result is not substituted again.
    assert.deepEqual(paths(r), [
      'vars/master.m3u8',
      'vars/v1/$dir-part-v1-2.m4s',
      'vars/v1/index.m3u8',
      'vars/v1/part-v1-1.m4s',
      'vars/v1/part-v1-init.mp4',
    ]);
    assert.ok(r.read.includes(`${HOST}/vars/v1/index.m3u8?t=abc%20123`));
  });

  it('4.3: an undefined variable, a name defined twice, an IMPORT with nothing to import and a missing QUERYPARAM each refuse the playlist, naming the line', async () => {
    const cases: [string, RegExp][] = [
      [lines('#EXTM3U', '#EXTINF:4,', '{$nope}.ts'), /line 3: the variable \{\$nope\} is used but not defined/],
      [
        lines('#EXTM3U', '#EXT-X-DEFINE:NAME="a",VALUE="1"', '#EXT-X-DEFINE:NAME="a",VALUE="2"'),
        /line 3: the variable a is defined twice/,
      ],
      [
        lines('#EXTM3U', '#EXT-X-DEFINE:IMPORT="a"', '#EXTINF:4,', '{$a}.ts'),
        /line 2: EXT-X-DEFINE IMPORT="a" in a playlist that no multivariant playlist loaded/,
      ],
      [
        lines('#EXTM3U', '#EXT-X-DEFINE:QUERYPARAM="q"', '#EXTINF:4,', '{$q}.ts'),
        /line 2: EXT-X-DEFINE QUERYPARAM="q": the playlist's URL has no such query parameter/,
      ],
    ];
    for (const [text, expected] of cases) {
      await assert.rejects(
        collect('v/index.m3u8', { [`${HOST}/v/index.m3u8`]: text }),
        (e: StreamCollectError) => expected.test(e.reason),
        String(expected),
      );
    }
  });

  it('4.1: a playlist with both multivariant and media tags is refused; unknown tags and comments are ignored', async () => {
    await assert.rejects(
      collect('m/index.m3u8', {
        [`${HOST}/m/index.m3u8`]: lines('#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1', 'v.m3u8', '#EXTINF:4,', 'a.ts'),
      }),
      (e: StreamCollectError) =>
        /EXTINF in a multivariant playlist: a playlist is either a multivariant or a media playlist/.test(e.reason),
    );
    const r = await collect('m/index.m3u8', {
      [`${HOST}/m/index.m3u8`]: lines(
        '#EXTM3U',
        '#EXT-X-FUTURE-TAG:URI="not-an-object.ts"',
        '# a comment: EXTINF',
        '#EXTINF:4,',
        'a.ts',
        '',
        '#EXT-X-ENDLIST',
      ),
    });
    assert.deepEqual(paths(r), ['m/a.ts', 'm/index.m3u8']);
  });

  it("LL-HLS (4.4.4.9, 4.4.5.3, 4.4.5.4, the RFC's own example): parts, preload hints of both types, and rendition reports to a script are left out with the reason, not a failure", async () => {
    const r = await collect('ll/2M/index.m3u8', {
      [`${HOST}/ll/2M/index.m3u8`]: lines(
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-VERSION:6',
        '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.0,CAN-SKIP-UNTIL=12.0',
        '#EXT-X-PART-INF:PART-TARGET=0.33334',
        '#EXT-X-MEDIA-SEQUENCE:266',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXTINF:4.00008,',
        'fileSequence266.mp4',
        '#EXT-X-PART:DURATION=0.33334,URI="filePart267.0.mp4"',
        '#EXT-X-PART:DURATION=0.33334,URI="filePart267.1.mp4",INDEPENDENT=YES',
        '#EXTINF:4.00008,',
        'fileSequence267.mp4',
        '#EXT-X-PART:DURATION=0.33334,URI="filePart268.0.mp4"',
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="filePart268.1.mp4"',
        '#EXT-X-PRELOAD-HINT:TYPE=MAP,URI="init-next.mp4"',
        '#EXT-X-PRELOAD-HINT:TYPE=SOMETHING-NEW,URI="ignored.bin"',
        '#EXT-X-RENDITION-REPORT:URI="../1M/waitForMSN.php",LAST-MSN=273,LAST-PART=2',
        '#EXT-X-RENDITION-REPORT:URI="../4M/index.m3u8",LAST-MSN=273,LAST-PART=1',
      ),
      [`${HOST}/ll/4M/index.m3u8`]: lines(
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXTINF:4,',
        'fileSequence266.mp4',
        '#EXT-X-RENDITION-REPORT:URI="../2M/index.m3u8",LAST-MSN=273',
      ),
    });
    assert.deepEqual(paths(r), [
      'll/2M/filePart267.0.mp4',
      'll/2M/filePart267.1.mp4',
      'll/2M/filePart268.0.mp4',
      'll/2M/filePart268.1.mp4',
      'll/2M/fileSequence266.mp4',
      'll/2M/fileSequence267.mp4',
      'll/2M/index.m3u8',
      'll/2M/init-next.mp4',
      'll/2M/init.mp4',
      'll/4M/fileSequence266.mp4',
      'll/4M/index.m3u8',
      'll/4M/init.mp4',
    ]);
    assert.equal(kinds(r)['ll/2M/init-next.mp4'], 'init');
    assert.equal(kinds(r)['ll/2M/filePart268.1.mp4'], 'part');
    assert.deepEqual(
      r.leftOut.map((l) => [l.uri, l.reason]),
      [
        [
          `${HOST}/ll/1M/waitForMSN.php`,
          "a rendition report's playlist that could not be read: HTTP 404 (no such object)",
        ],
      ],
    );
    // The report back from 4M to 2M is a hint: it does not make 2M a child of 4M, and the root stays last.
    assert.equal(r.objects.at(-1)!.path, 'll/2M/index.m3u8');
  });

  it('4.4.5.2: a delta update (EXT-X-SKIP) is refused: it does not list the skipped segments', async () => {
    await assert.rejects(
      collect('d/index.m3u8', {
        [`${HOST}/d/index.m3u8`]: lines(
          '#EXTM3U',
          '#EXT-X-TARGETDURATION:4',
          '#EXT-X-SKIP:SKIPPED-SEGMENTS=3',
          '#EXTINF:4,',
          'a.ts',
        ),
      }),
      (e: StreamCollectError) => /EXT-X-SKIP: this is a delta update/.test(e.reason),
    );
  });
});

const mpd = (
  body: string,
  attributes = 'type="static" mediaPresentationDuration="PT12S"',
) => `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" ${attributes} profiles="urn:mpeg:dash:profile:isoff-live:2011" minBufferTime="PT2S">
${body}
</MPD>`;

async function dash(body: string, attributes?: string): Promise<StreamCollection> {
  return collect('d/manifest.mpd', { [`${HOST}/d/manifest.mpd`]: mpd(body, attributes) });
}

describe('DASH, from ISO/IEC 23009-1', () => {
  it('5.3.9.4 SegmentTemplate with @duration: ceil(12 s / 4 s) = 3 segments from startNumber, $RepresentationID$, $Bandwidth$ and a width', async () => {
    const r = await dash(`<Period><AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="1000" duration="4000" startNumber="7" initialization="$RepresentationID$/init-$Bandwidth$.mp4" media="$RepresentationID$/seg-$Number%04d$.m4s"/>
      <Representation id="v1" bandwidth="500000"/>
    </AdaptationSet></Period>`);
    assert.deepEqual(paths(r), [
      'd/manifest.mpd',
      'd/v1/init-500000.mp4',
      'd/v1/seg-0007.m4s',
      'd/v1/seg-0008.m4s',
      'd/v1/seg-0009.m4s',
    ]);
  });

  it('DASH-IF thumbnails: a SegmentTemplate without @initialization has no init section (never the folder)', async () => {
    const r = await dash(`<Period><AdaptationSet id="3" mimeType="image/jpeg" contentType="image">
      <SegmentTemplate media="$RepresentationID$/tile_$Number$.jpg" duration="6" startNumber="1"/>
      <Representation bandwidth="10000" id="thumbnails" width="6400" height="180"><EssentialProperty schemeIdUri="http://dashif.org/thumbnail_tile" value="25x1"/></Representation>
    </AdaptationSet></Period>`);
    assert.deepEqual(paths(r), ['d/manifest.mpd', 'd/thumbnails/tile_1.jpg', 'd/thumbnails/tile_2.jpg']);
    assert.equal(r.counts.init, undefined);
  });

  it('5.3.9.6 SegmentTimeline: $Time$ with r, a gap before a later S@t (numbers go on by one), and a final r="-1" to the Period end counted from presentationTimeOffset', async () => {
    // Period 12 s at timescale 10: media time runs from PTO 1000 to 1120.
    const r = await dash(`<Period duration="PT12S"><AdaptationSet mimeType="audio/mp4">
      <SegmentTemplate timescale="10" presentationTimeOffset="1000" media="a/$Time$-$Number$.m4s" initialization="a/init.mp4">
        <SegmentTimeline><S t="1000" d="20" r="1"/><S t="1050" d="20"/><S d="10" r="-1"/></SegmentTimeline>
      </SegmentTemplate>
      <Representation id="a" bandwidth="64000"/>
    </AdaptationSet></Period>`);
    // 1000, 1020; gap; 1050; then d=10 from 1070 up to 1120: 1070..1110 (5 segments).
    assert.deepEqual(paths(r), [
      'd/a/1000-1.m4s',
      'd/a/1020-2.m4s',
      'd/a/1050-3.m4s',
      'd/a/1070-4.m4s',
      'd/a/1080-5.m4s',
      'd/a/1090-6.m4s',
      'd/a/1100-7.m4s',
      'd/a/1110-8.m4s',
      'd/a/init.mp4',
      'd/manifest.mpd',
    ]);
  });

  it('5.3.9.4: @bitstreamSwitching (a template here) and a RepresentationIndex in a SegmentTemplate are objects; @endNumber ends a timeline', async () => {
    const r = await dash(`<Period duration="PT12S"><AdaptationSet mimeType="video/mp4" bitstreamSwitching="true">
      <SegmentTemplate timescale="1" endNumber="3" media="v/$Number$.m4s" bitstreamSwitching="v/$RepresentationID$-switch.mp4"><RepresentationIndex sourceURL="v/index.sidx"/><SegmentTimeline><S t="0" d="2" r="-1"/></SegmentTimeline></SegmentTemplate>
      <Representation id="hd" bandwidth="1"/>
    </AdaptationSet></Period>`);
    assert.deepEqual(paths(r), [
      'd/manifest.mpd',
      'd/v/1.m4s',
      'd/v/2.m4s',
      'd/v/3.m4s',
      'd/v/hd-switch.mp4',
      'd/v/index.sidx',
    ]);
    assert.equal(kinds(r)['d/v/index.sidx'], 'index');
    assert.equal(kinds(r)['d/v/hd-switch.mp4'], 'init');
  });

  it('5.3.9.6: r="-1" followed by an S with @t repeats up to that @t; S@n renumbers', async () => {
    const r = await dash(`<Period duration="PT12S"><AdaptationSet mimeType="video/mp4">
      <SegmentTemplate timescale="1" media="v/$Number$.m4s"><SegmentTimeline><S t="0" d="2" r="-1"/><S t="7" d="5" n="100"/></SegmentTimeline></SegmentTemplate>
      <Representation id="v" bandwidth="1"/>
    </AdaptationSet></Period>`);
    // 0,2,4,6 (ceil(7/2) = 4 segments), then number 100 at 7.
    assert.deepEqual(paths(r), ['d/manifest.mpd', 'd/v/1.m4s', 'd/v/100.m4s', 'd/v/2.m4s', 'd/v/3.m4s', 'd/v/4.m4s']);
  });

  it('5.3.9.3 SegmentList: Initialization@sourceURL, SegmentURL@media, a SegmentURL with only @mediaRange is the BaseURL itself, @index', async () => {
    const r =
      await dash(`<Period><AdaptationSet mimeType="video/mp4"><Representation id="v" bandwidth="1"><BaseURL>list/all.mp4</BaseURL>
      <SegmentList duration="4"><Initialization sourceURL="init.mp4"/><SegmentURL media="s1.mp4" index="s1.sidx"/><SegmentURL mediaRange="100-199"/><SegmentURL media="s3.mp4"/></SegmentList>
    </Representation></AdaptationSet></Period>`);
    assert.deepEqual(paths(r), [
      'd/list/all.mp4',
      'd/list/init.mp4',
      'd/list/s1.mp4',
      'd/list/s1.sidx',
      'd/list/s3.mp4',
      'd/manifest.mpd',
    ]);
    assert.equal(kinds(r)['d/list/s1.sidx'], 'index');
  });

  it('5.3.9.2 SegmentBase (on-demand profile): the one file; an Initialization range of it is the same file; a RepresentationIndex elsewhere is its own object', async () => {
    const r = await dash(`<Period><AdaptationSet mimeType="audio/mp4">
      <Representation id="a" bandwidth="1"><BaseURL>audio.mp4</BaseURL><SegmentBase indexRange="800-1000"><Initialization range="0-799"/></SegmentBase></Representation>
      <Representation id="b" bandwidth="2"><BaseURL>audio-b.mp4</BaseURL><SegmentBase><RepresentationIndex sourceURL="audio-b.sidx"/></SegmentBase></Representation>
    </AdaptationSet></Period>`);
    assert.deepEqual(paths(r), ['d/audio-b.mp4', 'd/audio-b.sidx', 'd/audio.mp4', 'd/manifest.mpd']);
  });

  it('5.6 BaseURL at every level resolves against the one above; alternatives at one level are all kept (another host left out)', async () => {
    const r = await collect('d/manifest.mpd', {
      [`${HOST}/d/manifest.mpd`]:
        mpd(`<BaseURL>media/</BaseURL><BaseURL>https://cdn.example.net/media/</BaseURL><Period><BaseURL>p1/</BaseURL><AdaptationSet mimeType="video/mp4"><BaseURL>video/</BaseURL>
        <SegmentTemplate duration="6" media="$Number$.m4s"/><Representation id="v" bandwidth="1"><BaseURL>hd/</BaseURL></Representation></AdaptationSet></Period>`),
    });
    assert.deepEqual(paths(r), ['d/manifest.mpd', 'd/media/p1/video/hd/1.m4s', 'd/media/p1/video/hd/2.m4s']);
    assert.deepEqual(
      r.leftOut.map((l) => l.uri),
      ['https://cdn.example.net/media/p1/video/hd/1.m4s', 'https://cdn.example.net/media/p1/video/hd/2.m4s'],
    );
  });

  it('5.3.9.1 inheritance: a Period-level template, an AdaptationSet that overrides @media, a Representation that overrides @startNumber; attribute by attribute', async () => {
    const r =
      await dash(`<Period><SegmentTemplate timescale="2" duration="12" media="p/$Number$.m4s" initialization="p/$RepresentationID$-init.mp4"/>
      <AdaptationSet mimeType="video/mp4"><SegmentTemplate media="v/$RepresentationID$-$Number$.m4s"/>
        <Representation id="hi" bandwidth="1"><SegmentTemplate startNumber="5"/></Representation>
      </AdaptationSet></Period>`);
    assert.deepEqual(paths(r), ['d/manifest.mpd', 'd/p/hi-init.mp4', 'd/v/hi-5.m4s', 'd/v/hi-6.m4s']);
  });

  it('5.3.2.1 Periods: a start from the one before, the last ending at mediaPresentationDuration', async () => {
    const r = await dash(
      `<Period id="a" duration="PT4S"><AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="2" media="a/$Number$.m4s"/><Representation id="v" bandwidth="1"/></AdaptationSet></Period>
       <Period id="b"><AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="2" media="b/$Number$.m4s"/><Representation id="v" bandwidth="1"/></AdaptationSet></Period>`,
      'type="static" mediaPresentationDuration="PT10S"',
    );
    // a: 0-4 s, 2 segments; b starts at 4 s and ends at 10 s: 3 segments.
    assert.deepEqual(paths(r), ['d/a/1.m4s', 'd/a/2.m4s', 'd/b/1.m4s', 'd/b/2.m4s', 'd/b/3.m4s', 'd/manifest.mpd']);
  });

  it('what cannot be counted before expanding is refused with the reason: d="0", r="-1" with no end, a live template, remote elements, an unknown identifier, a DTD', async () => {
    const t = (inner: string, attributes?: string) =>
      dash(
        `<Period><AdaptationSet mimeType="video/mp4">${inner}<Representation id="v" bandwidth="1"/></AdaptationSet></Period>`,
        attributes,
      );
    const cases: [Promise<unknown>, RegExp][] = [
      [
        t(
          '<SegmentTemplate media="$Time$.m4s"><SegmentTimeline><S t="0" d="0" r="-1"/></SegmentTimeline></SegmentTemplate>',
        ),
        /d="0": a segment's duration must be above 0/,
      ],
      [
        t(
          '<SegmentTemplate media="$Time$.m4s"><SegmentTimeline><S t="0" d="2" r="-1"/></SegmentTimeline></SegmentTemplate>',
          'type="static"',
        ),
        /r="-1", but neither a later S@t nor the Period's duration says where it ends/,
      ],
      [
        t(
          '<SegmentTemplate duration="2" media="$Number$.m4s"/>',
          'type="dynamic" availabilityStartTime="2026-01-01T00:00:00Z"',
        ),
        /@duration in a live MPD: which segments exist depends on the time/,
      ],
      [
        t(
          '<SegmentTemplate media="$Time$.m4s"><SegmentTimeline><S t="0" d="2" r="-1"/></SegmentTimeline></SegmentTemplate>',
          'type="dynamic" availabilityStartTime="2026-01-01T00:00:00Z"',
        ),
        /r="-1" in a live MPD/,
      ],
      [t('<SegmentTemplate duration="2" media="$Frame$.m4s"/>'), /an identifier DASH does not define: \$Frame\$/],
      [
        dash(
          '<Period xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="https://ads.example.com/period.xml" xlink:actuate="onLoad"/>',
        ),
        /Period 1 is a remote element \(xlink:href\)/,
      ],
      [
        collect('d/manifest.mpd', {
          [`${HOST}/d/manifest.mpd`]:
            '<?xml version="1.0"?><!DOCTYPE MPD [<!ENTITY a "aaaa">]><MPD type="static"></MPD>',
        }),
        /it has a DTD/,
      ],
    ];
    for (const [run, expected] of cases)
      await assert.rejects(run, (e: StreamCollectError) => expected.test(e.reason), String(expected));
  });
});

describe('the order to purge, in any graph the collector accepts', () => {
  it('a media playlist shared by two renditions, and renditions that report each other: each playlist after what it lists, a child before its parent, the root last; a report to a playlist the master does not list is left out', async () => {
    const media = (seg: string, ...reports: string[]) =>
      lines(
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:4',
        '#EXTINF:4,',
        seg,
        ...reports.map((u) => `#EXT-X-RENDITION-REPORT:URI="${u}"`),
      );
    const r = await collect('g/master.m3u8', {
      [`${HOST}/g/master.m3u8`]: lines(
        '#EXTM3U',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="A",URI="audio.m3u8"',
        '#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="a"',
        'v1.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=2,AUDIO="a"',
        'v2.m3u8',
        '#EXT-X-STREAM-INF:BANDWIDTH=3',
        'audio.m3u8',
      ),
      [`${HOST}/g/v1.m3u8`]: media('v1.ts', 'v2.m3u8'),
      [`${HOST}/g/v2.m3u8`]: media('v2.ts', 'v1.m3u8', 'v3.m3u8'),
      [`${HOST}/g/v3.m3u8`]: media('v3.ts', 'v2.m3u8'),
      [`${HOST}/g/audio.m3u8`]: media('a.aac'),
    });
    const order = r.objects.map((o) => o.path);
    const at = (p: string) => order.indexOf(`g/${p}`);
    for (const o of r.objects.slice(0, r.manifestsFrom)) assert.ok(!isManifestKind(o.kind));
    for (const seg of ['v1.ts', 'v2.ts', 'a.aac']) assert.ok(at(seg) < r.manifestsFrom, seg);
    for (const child of ['v1.m3u8', 'v2.m3u8', 'audio.m3u8'])
      assert.ok(at(child) >= r.manifestsFrom && at(child) < at('master.m3u8'), child);
    // v3 is named only by v2's report: the multivariant playlist does not list it, so it is not this stream's.
    assert.equal(at('v3.m3u8'), -1);
    assert.equal(at('v3.ts'), -1);
    assert.deepEqual(
      r.leftOut.map((l) => [l.uri, l.reason]),
      [
        [
          `${HOST}/g/v3.m3u8`,
          'a rendition report names a playlist that the multivariant playlist does not list, so it is not part of this stream',
        ],
      ],
    );
    assert.ok(!r.read.includes(`${HOST}/g/v3.m3u8`), 'and it is not read');
    assert.equal(order.at(-1), 'g/master.m3u8');
    assert.equal(new Set(order).size, order.length);
  });
});
