import type { DashPlaylist, DashRepresentationInfo, MpdModule, ParserModules, XmlModule } from './parser-modules';
import type { ManifestRef, ParsedManifest, StreamObjectKind } from './types';

/*
 * DASH: what one MPD references, read with video.js's mpd-parser.
 *
 * The parsers are required on first use, not imported (through parser-modules.ts):
 * they do not execute while the extension activates.
 *
 * mpd-parser does the work: BaseURL nesting (MPD, Period, AdaptationSet,
 * Representation), SegmentTemplate ($Number$ with startNumber and duration, $Time$
 * over a SegmentTimeline with r repeats, $RepresentationID$, $Bandwidth$, widths such
 * as %05d, initialization), SegmentList and SegmentBase. We call its two steps
 * (`inheritAttributes`, `toPlaylists`) rather than `parse`, whose last step keeps only
 * the video, audio and WebVTT tracks a player plays: a purge wants every
 * Representation (TTML, thumbnails...).
 *
 * Supplemented by hand, and only these:
 * - The XML is parsed with @xmldom/xmldom (mpd-parser's own XML parser) given an error
 *   handler: mpd-parser's `stringToMpdXml` lets xmldom recover from malformed XML and
 *   log to the console, which would turn a truncated MPD into a partial stream.
 * - Period durations of a static MPD (`fillPeriodDurations`): mpd-parser takes a
 *   Period's length from its @duration only; for a Period without one (the usual last
 *   Period) it expands a $Number$ template over the whole presentation, and a $Time$
 *   timeline's final `r="-1"` up to the presentation's duration counted from media time
 *   0 (ignoring presentationTimeOffset). Both over- or under-count segments. We give each
 *   Period its length from the next Period's start or mediaPresentationDuration
 *   (ISO/IEC 23009-1 5.3.2.1), and the timeline's end in media time, before
 *   `toPlaylists` expands them.
 */

let modules: { mpd: MpdModule; xml: XmlModule } | undefined;
function load(): { mpd: MpdModule; xml: XmlModule } {
  // Lazy on purpose (see the top of this file and parser-modules.ts).
  if (!modules) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('./parser-modules') as ParserModules;
    modules = { mpd: m.loadMpd(), xml: m.loadXmldom() };
  }
  return modules;
}

/** True when the text is an XML document whose root element is an MPD. */
export function looksLikeDash(text: string): boolean {
  return /^\uFEFF?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<([\w-]+:)?MPD[\s>]/.test(text);
}

/** See the top of this file: each static Period's length, and a timeline's final r="-1" end. */
function fillPeriodDurations(representations: DashRepresentationInfo[]): void {
  const starts = [...new Set(representations.map((r) => r.attributes.periodStart).filter((s): s is number => typeof s === 'number'))].sort((a, b) => a - b);
  for (const { attributes: a, segmentInfo } of representations) {
    if (a.type !== 'static' || typeof a.periodStart !== 'number') continue;
    const start = a.periodStart;
    if (typeof a.periodDuration !== 'number') {
      const end = starts.find((s) => s > start) ?? a.sourceDuration;
      if (typeof end === 'number' && end > start) a.periodDuration = end - start;
    }
    const timeline = segmentInfo.segmentTimeline;
    const template = segmentInfo.template;
    if (template && timeline?.length && (timeline[timeline.length - 1]!.r ?? 0) < 0 && typeof a.periodDuration === 'number') {
      // mpd-parser ends the timeline at sourceDuration × timescale in media time: make that the Period's end.
      a.sourceDuration = (template.presentationTimeOffset ?? 0) / (template.timescale ?? 1) + a.periodDuration;
    }
  }
}

function trackType(a: Record<string, unknown>): string {
  const mime = typeof a.mimeType === 'string' ? a.mimeType : '';
  const codecs = typeof a.codecs === 'string' ? a.codecs : '';
  if (a.contentType === 'text' || mime.startsWith('text/') || /ttml|vtt/.test(mime) || /^(stpp|wvtt)/.test(codecs)) return 'text';
  if (typeof a.contentType === 'string' && a.contentType) return a.contentType;
  if (mime.startsWith('image/')) return 'image';
  return mime.split('/')[0] || 'media';
}

/**
 * The references of one MPD: for each Representation (in document order), its init
 * section(s) and segments, or its one file. Throws on malformed XML, on an MPD that
 * mpd-parser rejects, and on a SegmentTemplate or SegmentList that expands to nothing.
 */
/**
 * How many segments a Representation would expand to, read from its attributes
 * before anything is expanded: a two-line MPD may name a hundred million segments.
 */
function segmentCount(info: DashRepresentationInfo): number {
  const a = info.attributes;
  const { template, segmentTimeline, list } = info.segmentInfo as DashRepresentationInfo['segmentInfo'] & { list?: { segmentUrls?: unknown[] } };
  if (segmentTimeline?.length) {
    let n = 0;
    for (const s of segmentTimeline) {
      const r = s.r ?? 0;
      // A final r="-1" repeats to the Period's end.
      n += r >= 0 ? 1 + r : Math.ceil(((Number(a.periodDuration) || 0) * (template?.timescale ?? 1)) / Math.max(1, s.d));
    }
    return n;
  }
  if (template) {
    const t = template as { duration?: number; timescale?: number; startNumber?: number; endNumber?: unknown };
    if (typeof t.endNumber === 'number') return Math.max(0, t.endNumber - (t.startNumber ?? 1) + 1);
    const seconds = Number(a.periodDuration) || Number(a.sourceDuration) || 0;
    const each = (Number(t.duration ?? a.duration) || 0) / (t.timescale ?? 1);
    return each > 0 ? Math.ceil(seconds / each) : 0;
  }
  return Array.isArray(list?.segmentUrls) ? list.segmentUrls.length : 1;
}

export function readDash(text: string, url: string, maxSegments = Number.POSITIVE_INFINITY): ParsedManifest {
  const { mpd, xml } = load();
  const problems: string[] = [];
  const doc = new xml.DOMParser({ errorHandler: (level, message) => problems.push(`${level}: ${message.replace(/\s+/g, ' ').trim()}`) }).parseFromString(text, 'application/xml');
  if (problems.length) throw new Error(`malformed XML (${problems[0]})`);
  const root = doc.documentElement;
  if (!root || (root.localName ?? root.tagName) !== 'MPD') throw new Error('the XML root element is not an MPD');
  const { representationInfo } = mpd.inheritAttributes(root, { manifestUri: url });
  fillPeriodDurations(representationInfo);
  const periods = new Set(representationInfo.map((r) => r.attributes.periodStart)).size;

  // Counted before any expansion, which is synchronous and would hold everything in memory.
  let total = 0;
  for (const info of representationInfo) total += segmentCount(info);
  if (total > maxSegments) throw new Error(`it would expand to ${total} segments, more than the limit of ${maxSegments} paths`);

  const refs: ManifestRef[] = [];
  for (const info of representationInfo) {
    const a = info.attributes;
    const type = trackType(a);
    const id = typeof a.id === 'string' || typeof a.id === 'number' ? String(a.id) : `${String(a.bandwidth ?? '?')}bps`;
    const rendition = `${type} ${id}`;
    const where = `Representation ${id}${periods > 1 ? ` of the Period starting at ${String(a.periodStart)} s` : ''}`;
    const kind: StreamObjectKind = type === 'text' ? 'subtitle' : 'segment';
    const scheme = info.segmentInfo.template ? 'SegmentTemplate' : info.segmentInfo.list ? 'SegmentList' : 'SegmentBase';
    const { template, segmentTimeline } = info.segmentInfo;
    if (template && !segmentTimeline && a.type === 'static' && !(Number(a.periodDuration) > 0) && template.endNumber === undefined) {
      throw new Error(`the SegmentTemplate of ${where} has no end: neither its Period nor the MPD gives a duration`);
    }
    let playlist: DashPlaylist;
    try {
      playlist = mpd.toPlaylists([info])[0]!;
    } catch (error) {
      throw new Error(`the ${scheme} of ${where} could not be expanded: ${error instanceof Error ? error.message : String(error)}`);
    }
    const add = (uri: string | undefined, k: StreamObjectKind) => uri && refs.push({ uri, kind: k, rendition });
    const segments = playlist.segments ?? [];
    if ((template || info.segmentInfo.list) && segments.length === 0) throw new Error(`the ${scheme} of ${where} expands to no segments`);
    for (const s of [...(playlist.sidx ? [playlist.sidx] : []), ...segments]) {
      // SegmentBase's Initialization is often a byte range of the segment's own file: then it is that file.
      if (s.map?.resolvedUri !== s.resolvedUri) add(s.map?.resolvedUri, 'init');
      add(s.resolvedUri, kind);
    }
    if (!playlist.sidx && segments.length === 0) {
      // A Representation that is one file: its BaseURL.
      const file = info.attributes.baseUrl;
      if (!file || file === url || file.endsWith('/')) refs.push({ uri: file && file !== url ? file : where, kind, rendition, leftOut: `${where} has no segment information and its BaseURL names no file` });
      else add(file, kind);
    }
  }
  return { refs };
}
