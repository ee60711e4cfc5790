import { execFileSync } from 'node:child_process';
import { collectFromText, mapUrl, type FetchText } from '../../src/core';

/*
 * The collector's worst cases against its budget (src/core/stream/budget.ts): each
 * crafted manifest (at most 20 MiB) is collected in a child process of its own, with
 * the heap capped at the budget, and the child reports its CPU time and peak memory.
 * Beside them, a real 10,000-segment stream, to show how far inside the budget it is.
 */
export const BUDGET = { cpuMs: 10_000, heapMiB: 512 };
const MiB = 1024 * 1024;
const HOST = 'https://media-assets.media-storage.us-west.qencode.com/s/';

/** Lines from `line(i)` joined up to `bytes`. */
function fill(line: (i: number) => string, bytes: number): string {
  const out: string[] = [];
  let size = 0;
  for (let i = 0; ; i++) {
    const l = line(i);
    if (size + l.length + 1 > bytes) break;
    out.push(l);
    size += l.length + 1;
  }
  return out.join('\n');
}

/** Each case: the root's text, its name in the bucket, and the other manifests it references. */
export const CASES: Record<string, () => { root: string; text: string; files?: Record<string, string> }> = {
  'HLS EXT-X-DEFINE chain (40 doublings)': () => ({
    root: 'm.m3u8',
    text: [
      '#EXTM3U',
      `#EXT-X-DEFINE:NAME="v0",VALUE="${'x'.repeat(60)}"`,
      ...Array.from({ length: 40 }, (_, i) => `#EXT-X-DEFINE:NAME="v${i + 1}",VALUE="{$v${i}}{$v${i}}"`),
      '#EXTINF:4,',
      '{$v40}.ts',
    ].join('\n'),
  }),
  'HLS 4 KB define in every line, 20 MiB': () => ({
    root: 'm.m3u8',
    text: `#EXTM3U\n#EXT-X-DEFINE:NAME="b",VALUE="${'y'.repeat(4000)}"\n${fill((i) => `#EXTINF:4,\n{$b}${i}.ts`, 20 * MiB - 5000)}`,
  }),
  'HLS 20 MiB of segments': () => ({
    root: 'm.m3u8',
    text: `#EXTM3U\n${fill((i) => `#EXTINF:4,\nseg-${String(i).padStart(8, '0')}.ts`, 20 * MiB - 10)}`,
  }),
  'HLS 20 MiB of URIs left out': () => ({
    root: 'm.m3u8',
    text: `#EXTM3U\n${fill((i) => `#EXTINF:4,\nhttps://other.example.net/${String(i).padStart(8, '0')}.ts`, 20 * MiB - 10)}`,
  }),
  'HLS one 20 MiB line': () => ({ root: 'm.m3u8', text: `#EXTM3U\n#EXTINF:4,\n${'a'.repeat(20 * MiB - 30)}` }),
  'HLS 64 variants of 20 MiB each': () => {
    const variant = `#EXTM3U\n${fill((i) => `#EXTINF:4,\nhttps://other.example.net/${i}.ts`, 20 * MiB - 10)}`;
    const files: Record<string, string> = {};
    for (let v = 0; v < 64; v++) files[`${HOST}v${v}.m3u8`] = variant;
    return {
      root: 'm.m3u8',
      text: [
        '#EXTM3U',
        ...Array.from({ length: 64 }, (_, v) => `#EXT-X-STREAM-INF:BANDWIDTH=${v + 1}\nv${v}.m3u8`),
      ].join('\n'),
      files,
    };
  },
  'DASH 20 MiB SegmentList': () => ({
    root: 'm.mpd',
    text: `<MPD type="static"><Period><AdaptationSet mimeType="video/mp4"><Representation id="v" bandwidth="1"><SegmentList duration="1">${fill((i) => `<SegmentURL media="s${i}.m4s"/>`, 20 * MiB - 500)}</SegmentList></Representation></AdaptationSet></Period></MPD>`,
  }),
  'DASH long shared timeline, many Representations': () => ({
    root: 'm.mpd',
    text: `<MPD type="static" mediaPresentationDuration="PT100S"><Period><AdaptationSet mimeType="video/mp4"><SegmentTemplate media="$Number$.m4s"><SegmentTimeline>${fill((i) => `<S t="${i * 2}" d="1"/>`, 14 * MiB)}</SegmentTimeline></SegmentTemplate>${fill((i) => `<Representation id="r${i}" bandwidth="1"/>`, 5 * MiB)}</AdaptationSet></Period></MPD>`,
  }),
  'XML 100,000 attributes on one element': () => ({
    root: 'm.mpd',
    text: `<MPD ${Array.from({ length: 100_000 }, (_, i) => `a${i}=""`).join(' ')}/>`,
  }),
  'XML 5 million empty elements (20 MiB)': () => ({ root: 'm.mpd', text: `<MPD>${'<e/>'.repeat(5_000_000)}</MPD>` }),
  'DASH 16 KB template over 40,000 segments': () => ({
    root: 'm.mpd',
    text: `<MPD type="static"><Period duration="PT40000S"><AdaptationSet mimeType="video/mp4"><SegmentTemplate media="${'p'.repeat(16384)}$Number$.m4s" duration="1"/><Representation id="v" bandwidth="1"/></AdaptationSet></Period></MPD>`,
  }),
  'HLS 1,200 lines of 16 KB': () => ({
    root: 'm.m3u8',
    text: ['#EXTM3U', ...Array.from({ length: 1200 }, (_, i) => `#EXTINF:4,\n${'x'.repeat(16_400)}${i}.ts`)].join('\n'),
  }),
  'DASH r of a trillion': () => ({
    root: 'm.mpd',
    text: '<MPD type="static"><Period duration="PT1000000000S"><AdaptationSet mimeType="video/mp4"><SegmentTemplate media="$Time$.m4s"><SegmentTimeline><S t="0" d="1" r="999999999999"/></SegmentTimeline></SegmentTemplate><Representation id="v" bandwidth="1"/></AdaptationSet></Period></MPD>',
  }),
  'DASH deep nesting and junk, 20 MiB': () => ({
    root: 'm.mpd',
    text: `<MPD type="static">${'<a>'.repeat(60)}${fill(() => '<b x="1"/><!-- c -->', 20 * MiB - 1000)}${'</a>'.repeat(60)}</MPD>`,
  }),
  'real: 10,000 segments, 4 variants, init and key': () => {
    const files: Record<string, string> = {};
    for (let v = 0; v < 4; v++) {
      const lines = [
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:4',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXT-X-KEY:METHOD=AES-128,URI="../key.bin"',
      ];
      for (let i = 0; i < 2500; i++) lines.push('#EXTINF:4.0,', `seg-${i}.m4s`);
      files[`${HOST}v${v}/index.m3u8`] = [...lines, '#EXT-X-ENDLIST', ''].join('\n');
    }
    return {
      root: 'master.m3u8',
      text: [
        '#EXTM3U',
        ...Array.from({ length: 4 }, (_, v) => `#EXT-X-STREAM-INF:BANDWIDTH=${(v + 1) * 1000000}\nv${v}/index.m3u8`),
      ].join('\n'),
      files,
    };
  },
};

export interface HostileResult {
  name: string;
  cpuMs: number;
  maxRssMiB: number;
  outcome: string;
}

/** Runs one case in this process (the child's side). */
async function runCase(name: string): Promise<HostileResult> {
  const { root, text, files = {} } = CASES[name]!();
  const fetchText: FetchText = async (url) =>
    files[url] === undefined ? { status: 404, text: '' } : { status: 200, text: files[url] };
  const cpu = process.cpuUsage();
  let outcome: string;
  try {
    const r = await collectFromText(text, HOST + root, { fetchText, toTarget: (u) => mapUrl(u, []) });
    outcome = r.overLimit
      ? `over the limit: ${r.limitReason}`
      : `${r.objects.length} objects, ${r.leftOut.length + r.leftOutMore} left out`;
  } catch (error) {
    outcome = `refused: ${error instanceof Error ? error.message.replace(/^Could not read the manifest \S+: /, '').slice(0, 120) : String(error)}`;
  }
  const used = process.cpuUsage(cpu);
  return { name, cpuMs: (used.user + used.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, outcome };
}

/** Each case in a child process of its own, its heap capped at the budget. */
export function hostileBench(): HostileResult[] {
  return Object.keys(CASES).map((name) => {
    try {
      const out = execFileSync(process.execPath, [`--max-old-space-size=${BUDGET.heapMiB}`, __filename, name], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      return JSON.parse(out) as HostileResult;
    } catch (error) {
      return {
        name,
        cpuMs: Number.POSITIVE_INFINITY,
        maxRssMiB: Number.POSITIVE_INFINITY,
        outcome: `the child failed: ${error instanceof Error ? error.message.slice(0, 200) : String(error)}`,
      };
    }
  });
}

if (require.main === module && process.argv[2]) {
  void runCase(process.argv[2]).then((r) => process.stdout.write(JSON.stringify(r)));
}
