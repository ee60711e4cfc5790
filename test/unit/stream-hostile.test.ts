import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { collectFromText, isManifestKind, mapUrl, StreamCollectError, type StreamCollection } from '../../src/core';
import { MANIFEST_BUDGET } from '../../src/core/stream/budget';

const ROOT = 'https://media-assets.media-storage.us-west.qencode.com/s/manifest.mpd';
const toTarget = (u: URL) => mapUrl(u, []);

describe('a hostile manifest', () => {
  it('an MPD that lists a hundred million segments is over the limit: counted without expanding, and only up to the limit expanded', async () => {
    const mpd = `<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT100000000S"><Period><AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="1" media="$Number$.m4s"/><Representation id="v" bandwidth="1"/></AdaptationSet></Period></MPD>`;
    const r = await collectFromText(mpd, ROOT, {
      fetchText: () => Promise.reject(new Error('no fetch')),
      toTarget,
      maxPaths: 20_000,
    });
    assert.equal(r.overLimit, true);
    assert.equal(r.limitReason, 'the MPD lists 100000000 segments, more than the limit of 20000 paths');
    // The limit counts paths, the root's included; the path that went over it is the last one kept.
    assert.ok(r.objects.length <= 20_001, `at most the limit is kept (${r.objects.length})`);
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
    const result = await collectFromText(
      master,
      'https://media-assets.media-storage.us-west.qencode.com/s/master.m3u8',
      {
        fetchText: async (url) => {
          read.push(url);
          return { status: 200, text: '#EXTM3U\n#EXT-X-ENDLIST\n' };
        },
        toTarget,
      },
    );
    assert.deepEqual(read, [], 'nothing was fetched');
    assert.deepEqual(
      result.objects.map((o) => o.path),
      ['s/master.m3u8'],
    );
    assert.deepEqual(
      result.leftOut.map((l) => l.reason),
      [
        'not read or purged: only https addresses are read, not http:',
        'not read or purged: only the default https port is read, not 6379',
        'not read or purged: an address with credentials in it is not read',
      ],
    );
  });

  it('a root URL over http is refused', async () => {
    await assert.rejects(
      collectFromText('#EXTM3U\n', 'http://media-assets.media-storage.us-west.qencode.com/s/m.m3u8', {
        fetchText: () => Promise.reject(new Error('x')),
        toTarget,
      }),
      /only https addresses are read/,
    );
  });
});

/*
 * Generated hostile manifests against the budget (src/core/stream/budget.ts). Every
 * run must end with a collection or a StreamCollectError (never another exception,
 * never a hang: each property has a timeout), and whatever is returned is bounded:
 * paths by the limit, what is left out by the budget, every kept text by its cap.
 * The time and heap of the worst cases are the bench's "hostile manifests" row.
 */
const HOST = 'https://media-assets.media-storage.us-west.qencode.com';
const MAX_PATHS = 60;

function checkBounded(r: StreamCollection): void {
  const paths = r.objects.map((o) => o.path);
  assert.equal(new Set(paths).size, paths.length, 'each path once');
  assert.ok(r.objects.length <= MAX_PATHS + 1, `${r.objects.length} objects`);
  assert.ok(r.leftOut.length <= MANIFEST_BUDGET.maxLeftOut);
  for (const l of r.leftOut) assert.ok(l.uri.length <= 300 && l.reason.length <= 300 && l.from.length <= 300);
  for (const o of r.objects)
    assert.ok(o.url.length <= MANIFEST_BUDGET.maxValueChars + HOST.length + 1, 'a URI within its cap');
  assert.ok(r.objects.every((o) => o.bucket === 'media-assets'));
  assert.ok(r.objects.slice(0, r.manifestsFrom).every((o) => !isManifestKind(o.kind)));
  assert.ok(r.objects.slice(r.manifestsFrom).every((o) => isManifestKind(o.kind)));
  assert.equal(r.objects.at(-1)!.path, r.root.path, 'the root last');
}

async function survives(
  text: string,
  root: string,
  files: Record<string, string> = {},
): Promise<StreamCollection | StreamCollectError> {
  try {
    const r = await collectFromText(text, `${HOST}/${root}`, {
      fetchText: async (url) =>
        files[url] === undefined ? { status: 404, text: '' } : { status: 200, text: files[url]! },
      toTarget,
      maxPaths: MAX_PATHS,
    });
    checkBounded(r);
    return r;
  } catch (error) {
    if (error instanceof StreamCollectError) return error;
    throw error;
  }
}

const PROPERTY_RUNS = 300;

describe('hostile manifests, generated', () => {
  const word = fc.stringMatching(/^[a-z0-9._-]{1,12}$/);
  const hostileText = fc.oneof(
    word,
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      '{$a}',
      '{$b}{$b}',
      '{$',
      '"',
      ',',
      '=',
      'https://other.example/x.ts',
      'http://media-assets.media-storage.us-west.qencode.com/a.ts',
      'data:,x',
      '../../x',
      '%2e%2e/x',
      '\u202e',
      '#',
      '[x](command:workbench.action.quit)',
    ),
  );
  const attributes = fc
    .array(
      fc.tuple(
        fc.constantFrom('URI', 'NAME', 'VALUE', 'IMPORT', 'QUERYPARAM', 'TYPE', 'METHOD', 'BANDWIDTH', 'X-Y'),
        hostileText,
        fc.boolean(),
      ),
      { maxLength: 4 },
    )
    .map((list) => list.map(([k, v, q]) => `${k}=${q ? `"${v.replace(/"/g, '')}"` : v}`).join(','));
  const tag = fc.constantFrom(
    'EXT-X-DEFINE',
    'EXT-X-KEY',
    'EXT-X-MAP',
    'EXT-X-PART',
    'EXT-X-PRELOAD-HINT',
    'EXT-X-RENDITION-REPORT',
    'EXT-X-MEDIA',
    'EXT-X-STREAM-INF',
    'EXT-X-I-FRAME-STREAM-INF',
    'EXT-X-SESSION-DATA',
    'EXT-X-SESSION-KEY',
    'EXTINF',
    'EXT-X-BYTERANGE',
    'EXT-X-UNKNOWN',
  );
  const hlsLine = fc.oneof(
    fc.tuple(tag, attributes).map(([t, a]) => `#${t}:${a}`),
    hostileText,
    fc.constant(''),
    fc.constant('#EXTINF:4,'),
  );

  it('HLS line soup: tags with hostile attributes, variables, URIs of every kind', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hlsLine, { maxLength: 120 }), async (lines) => {
        await survives(['#EXTM3U', ...lines].join('\n'), 's/index.m3u8');
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it(
    'chained and repeated EXT-X-DEFINE: substitution output stays bounded, or the playlist is refused with the bound',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 64 }),
          fc.integer({ min: 1, max: 3000 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 0, max: 2000 }),
          async (depth, base, fanout, uses) => {
            const lines = ['#EXTM3U', `#EXT-X-DEFINE:NAME="v0",VALUE="${'x'.repeat(base)}"`];
            for (let i = 1; i <= depth; i++)
              lines.push(`#EXT-X-DEFINE:NAME="v${i}",VALUE="${`{$v${i - 1}}`.repeat(fanout)}"`);
            for (let i = 0; i < uses; i++) lines.push('#EXTINF:4,', `{$v${depth}}-${i}.ts`);
            const r = await survives(lines.join('\n'), 's/index.m3u8');
            if (r instanceof StreamCollectError)
              assert.match(r.reason, /grows past 4096 characters|makes more than 16777216 characters|more than/);
          },
        ),
        { numRuns: PROPERTY_RUNS },
      );
    },
  );

  it(
    'many references left out (other hosts, bad URIs): kept up to the budget, counted beyond, and the collection stops',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 30_000 }), async (n) => {
          const lines = ['#EXTM3U'];
          for (let i = 0; i < n; i++) lines.push('#EXTINF:4,', `https://elsewhere-${i}.example.net/${i}.ts`);
          const r = await survives(lines.join('\n'), 's/index.m3u8');
          assert.ok(!(r instanceof StreamCollectError));
          assert.equal(r.leftOut.length + r.leftOutMore, Math.min(n, MANIFEST_BUDGET.maxLeftOutTotal + 1));
          assert.equal(r.overLimit, n > MANIFEST_BUDGET.maxLeftOutTotal);
        }),
        { numRuns: 20 },
      );
    },
  );

  /**
   * The spec's timeline rule, written as a loop over segments (not as runs): each S, t
   * from @t or the one before (0 for the first), r="-1" to the next @t or the Period's
   * end in media time (presentationTimeOffset + duration × timescale).
   */
  function oracle(
    entries: { t?: number; d: number; r?: number; n?: number }[],
    pto: number,
    timescale: number,
    duration: number | undefined,
  ): string[] | 'refused' {
    const out: string[] = [];
    let time = 0;
    let number = 1;
    for (let i = 0; i < entries.length; i++) {
      const s = entries[i]!;
      if (s.d <= 0) return 'refused';
      if (s.t !== undefined) time = s.t;
      if (s.n !== undefined) number = s.n;
      const r = s.r ?? 0;
      let end: number;
      if (r >= 0) end = time + (r + 1) * s.d;
      else if (entries[i + 1]?.t !== undefined) end = entries[i + 1]!.t!;
      else if (i === entries.length - 1 && duration !== undefined) end = pto + duration * timescale;
      else return 'refused';
      for (; time < end; time += s.d) out.push(`${time}-${number++}`);
    }
    return out;
  }

  it(
    'DASH SegmentTimeline: the collector expands exactly what the spec\'s loop does (presentationTimeOffset, gaps, r="-1", S@n), or refuses what it cannot count',
    { timeout: 120_000 },
    async () => {
      const s = fc.record({
        t: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
        d: fc.integer({ min: 0, max: 6 }),
        r: fc.option(fc.integer({ min: -1, max: 4 }), { nil: undefined }),
        n: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(s, { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 0, max: 20 }),
          fc.integer({ min: 1, max: 3 }),
          fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
          async (entries, pto, timescale, duration) => {
            const sx = entries
              .map(
                (e) =>
                  `<S${e.t !== undefined ? ` t="${e.t}"` : ''} d="${e.d}"${e.r !== undefined ? ` r="${e.r}"` : ''}${e.n !== undefined ? ` n="${e.n}"` : ''}/>`,
              )
              .join('');
            const mpd = `<MPD type="static"><Period${duration !== undefined ? ` duration="PT${duration}S"` : ''}><AdaptationSet mimeType="video/mp4"><SegmentTemplate timescale="${timescale}" presentationTimeOffset="${pto}" media="$Time$-$Number$.m4s"><SegmentTimeline>${sx}</SegmentTimeline></SegmentTemplate><Representation id="v" bandwidth="1"/></AdaptationSet></Period></MPD>`;
            const expected = oracle(entries, pto, timescale, duration);
            const r = await survives(mpd, 's/m.mpd');
            if (expected === 'refused') {
              assert.ok(r instanceof StreamCollectError, 'what the spec cannot count is refused');
              return;
            }
            const distinct = [...new Set(expected)];
            if (distinct.length === 0) {
              assert.ok(
                r instanceof StreamCollectError && /expands to no segments/.test(r.reason),
                'an empty expansion is refused',
              );
              return;
            }
            assert.ok(!(r instanceof StreamCollectError), (r as StreamCollectError).reason);
            if (distinct.length + 1 > MAX_PATHS) {
              assert.equal(r.overLimit, true, 'more than the limit is over the limit');
              return;
            }
            assert.deepEqual(
              r.objects
                .slice(0, r.manifestsFrom)
                .map((o) => o.path.replace(/^s\/|\.m4s$/g, ''))
                .sort(),
              distinct.sort(),
            );
          },
        ),
        { numRuns: 2000 },
      );
    },
  );

  it(
    'DASH counts before expanding: huge r, duration and endNumber values are over the limit at once, with the number they list',
    { timeout: 120_000 },
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: MAX_PATHS + 1, max: Math.floor(Number.MAX_SAFE_INTEGER / 4) }),
          async (r) => {
            const mpd = `<MPD type="static"><Period duration="PT1S"><AdaptationSet mimeType="video/mp4"><SegmentTemplate media="$Number$.m4s"><SegmentTimeline><S t="0" d="1" r="${r - 1}"/></SegmentTimeline></SegmentTemplate><Representation id="v" bandwidth="1"/></AdaptationSet></Period></MPD>`;
            const c = await survives(mpd, 's/m.mpd');
            assert.ok(!(c instanceof StreamCollectError), String((c as StreamCollectError).reason));
            assert.equal(c.limitReason, `the MPD lists ${r} segments, more than the limit of ${MAX_PATHS} paths`);
          },
        ),
        { numRuns: 50 },
      );
    },
  );

  it(
    'mangled MPDs (cut anywhere, junk inserted, nesting, entities): read or refused, never thrown otherwise',
    { timeout: 120_000 },
    async () => {
      const valid = `<?xml version="1.0"?><!-- c --><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT8S"><BaseURL>m/</BaseURL><Period><AdaptationSet mimeType="video/mp4"><SegmentTemplate duration="2" media="$RepresentationID$/$Number%03d$.m4s" initialization="$RepresentationID$/init.mp4"/><Representation id="v&amp;1" bandwidth="1"><BaseURL><![CDATA[v/]]></BaseURL></Representation></AdaptationSet><AdaptationSet mimeType="audio/mp4"><Representation id="a" bandwidth="2"><BaseURL>a.mp4</BaseURL><SegmentBase><Initialization range="0-9"/></SegmentBase></Representation></AdaptationSet></Period></MPD>`;
      const ok = await survives(valid, 's/m.mpd');
      assert.ok(!(ok instanceof StreamCollectError), 'the valid MPD is read');
      await fc.assert(
        fc.asyncProperty(
          fc.nat(valid.length),
          fc.nat(valid.length),
          fc.constantFrom(
            '',
            '<',
            '>',
            '&',
            '&bogus;',
            '&#0;',
            '<!DOCTYPE x>',
            '<![CDATA[',
            ']]>',
            '"',
            "'",
            '</Period>',
            '<Period>',
            '$',
            '\u0000',
            '<a><b><c><d>'.repeat(20),
          ),
          async (cut, at, junk) => {
            await survives(valid.slice(0, at) + junk + valid.slice(at, Math.max(at, cut)), 's/m.mpd');
          },
        ),
        { numRuns: 2000 },
      );
    },
  );

  it(
    'XML floods: many attributes, many elements, duplicate names; each refused at its bound, in linear time',
    { timeout: 60_000 },
    async () => {
      const attributes = `<MPD ${Array.from({ length: 100_000 }, (_, i) => `a${i}=""`).join(' ')}/>`;
      const many = await survives(attributes, 's/m.mpd');
      assert.ok(
        many instanceof StreamCollectError && /<MPD> has more than 256 attributes/.test(many.reason),
        String((many as StreamCollectError).reason),
      );
      const elements = `<MPD>${'<e/>'.repeat(1_000_001)}</MPD>`;
      const flood = await survives(elements, 's/m.mpd');
      assert.ok(
        flood instanceof StreamCollectError && /more than 1000000 elements/.test(flood.reason),
        String((flood as StreamCollectError).reason),
      );
      const twice = await survives('<MPD a="1" b="2" a="3"/>', 's/m.mpd');
      assert.ok(twice instanceof StreamCollectError && /the attribute a appears twice/.test(twice.reason));
    },
  );

  it(
    'URIs longer than the cap: a long DASH template is refused before it expands; long HLS lines are left out uncompared',
    { timeout: 60_000 },
    async () => {
      const long = `<MPD type="static"><Period duration="PT40000S"><AdaptationSet mimeType="video/mp4"><SegmentTemplate media="${'p'.repeat(16384)}$Number$.m4s" duration="1"/><Representation id="v" bandwidth="1"/></AdaptationSet></Period></MPD>`;
      const r = await survives(long, 's/m.mpd');
      assert.ok(
        r instanceof StreamCollectError && /its templates make URIs longer than 4096 characters/.test(r.reason),
        String((r as StreamCollectError).reason),
      );
      const lines = ['#EXTM3U'];
      for (let i = 0; i < 1200; i++) lines.push('#EXTINF:4,', `${'x'.repeat(16_400)}${i}.ts`);
      const hls = await survives(lines.join('\n'), 's/index.m3u8');
      assert.ok(!(hls instanceof StreamCollectError));
      assert.ok(
        hls.leftOut.length >= 1 &&
          hls.leftOut.every((l) => l.reason === 'a URI longer than 4096 characters' && l.uri.length <= 300),
      );
      assert.deepEqual(
        hls.objects.map((o) => o.path),
        ['s/index.m3u8'],
        'none of them is purged',
      );
    },
  );
});
