import { MANIFEST_BUDGET, clip } from './budget';
import { parseDuration } from './dash-segments';
import type { ManifestRef, ParsedManifest, StreamObjectKind } from './types';
import { RefList } from './ref-list';
import {
  attr,
  children,
  integer,
  representationRefs,
  Work,
  type PeriodTiming,
  type SegmentInfo,
} from './dash-representation';
import { attribute, parseXml, type XmlElement } from './xml';

/*
 * DASH: what one MPD references, read as ISO/IEC 23009-1 describes it. Our own
 * walk over the XML (xml.ts), so that every count is the count that is expanded and
 * every expansion is bounded (dash-segments.ts).
 *
 * - Periods: start and duration as 5.3.2.1 gives them (@start, else the end of the
 *   Period before; the last one ends at MPD@mediaPresentationDuration).
 * - BaseURL at every level (MPD, Period, AdaptationSet, Representation), each
 *   resolved against the one above; alternatives at one level are all kept.
 * - SegmentBase, SegmentList and SegmentTemplate at Period, AdaptationSet and
 *   Representation level: the lowest level's kind wins, and its attributes and child
 *   elements are inherited from the levels above where it has none of its own.
 * - SegmentTemplate: @media, @initialization (none when it is absent: thumbnail tracks
 *   often have none), @index, $RepresentationID$, $Number$, $Bandwidth$, $Time$, `$$`
 *   and widths; over a SegmentTimeline or a @duration.
 * - What is not read refuses the MPD with the reason: remote elements (xlink:href),
 *   a DTD, segment sequences, and anything whose segments depend on the clock.
 */

/**
 * True when the text is an XML document whose root element is an MPD: a scan over the
 * prolog (declaration, comments, a DTD, which readDash then refuses by name), with no
 * regular expression that could backtrack on a crafted prolog.
 */
export function looksLikeDash(text: string): boolean {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const skip = (open: string, close: string) => {
    if (!text.startsWith(open, i)) return false;
    const end = text.indexOf(close, i + open.length);
    i = end < 0 ? text.length : end + close.length;
    return true;
  };
  for (let steps = 0; steps < 1000 && i < text.length; steps++) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (skip('<?xml', '?>') || skip('<!--', '-->')) continue;
    if (text.startsWith('<!DOCTYPE', i)) {
      const subset = text.indexOf('[', i);
      const close = text.indexOf('>', i);
      i =
        subset >= 0 && subset < close ? text.indexOf('>', Math.max(text.indexOf(']', subset), subset)) + 1 : close + 1;
      if (i <= 0) return false;
      continue;
    }
    break;
  }
  return /^<([\w-]{1,64}:)?MPD[\s>]/.test(text.slice(i, i + 80));
}

/** A remote element (5.5) would add what this MPD does not list. */
function refuseRemote(e: XmlElement, what: string): void {
  for (let i = 0; i < e.attributes.length; i += 2) {
    if (/(^|:)href$/.test(e.attributes[i]!))
      throw new Error(
        `${what} is a remote element (xlink:href), which is not read: the stream may hold more than this MPD lists`,
      );
  }
}

const SEGMENT_KINDS = ['SegmentTemplate', 'SegmentList', 'SegmentBase'] as const;

/** A level's own segment information elements, found once per level (a Period may hold thousands of AdaptationSets). */
type LevelSegments = Partial<Record<SegmentInfo['kind'], XmlElement>>;

function levelSegments(level: XmlElement, what: string): LevelSegments {
  const found: LevelSegments = {};
  for (const kind of SEGMENT_KINDS) {
    const e = children(level, kind)[0];
    if (e) {
      refuseRemote(e, `the ${kind} of ${what}`);
      found[kind] = e;
    }
  }
  return found;
}

function segmentInfo(levels: readonly LevelSegments[]): SegmentInfo | undefined {
  // The lowest level that has segment information decides its kind.
  let kind: SegmentInfo['kind'] | undefined;
  for (let i = levels.length - 1; i >= 0 && !kind; i--) kind = SEGMENT_KINDS.find((k) => levels[i]![k]);
  if (!kind) return undefined;
  const chain = levels
    .map((l) => l[kind])
    .filter((e): e is XmlElement => !!e)
    .reverse();
  return {
    kind,
    attribute: (name) => {
      for (const e of chain) {
        const value = attribute(e, name);
        if (value !== undefined) return value;
      }
      return undefined;
    },
    child: (name) => {
      for (const e of chain) {
        const found = children(e, name);
        if (found.length) return found;
      }
      return [];
    },
  };
}

/** The BaseURLs of a level resolved against each base above: alternatives multiply, within the budget. */
function resolveBases(bases: readonly string[], level: XmlElement): string[] {
  const own = children(level, 'BaseURL');
  if (own.length === 0) return [...bases];
  const out: string[] = [];
  for (const base of bases) {
    for (const element of own) {
      if (out.length >= MANIFEST_BUDGET.maxBaseUrlCombinations)
        throw new Error(
          `its BaseURLs combine into more than ${MANIFEST_BUDGET.maxBaseUrlCombinations} alternative locations`,
        );
      const rel = element.text.trim();
      try {
        out.push(new URL(rel, base).href);
      } catch {
        throw new Error(`the BaseURL "${clip(rel, 80)}" is not a URL`);
      }
    }
  }
  return out;
}

function trackType(a: { contentType?: string; mimeType?: string; codecs?: string }): string {
  const mime = a.mimeType ?? '';
  const codecs = a.codecs ?? '';
  if (a.contentType === 'text' || mime.startsWith('text/') || /ttml|vtt/.test(mime) || /^(stpp|wvtt)/.test(codecs))
    return 'text';
  if (a.contentType) return a.contentType;
  if (mime.startsWith('image/')) return 'image';
  return mime.split('/')[0] || 'media';
}

/** 5.3.2.1: each Period's start and duration. */
function periodTimings(periods: readonly XmlElement[], mpd: { dynamic: boolean; duration?: number }): PeriodTiming[] {
  const out: PeriodTiming[] = [];
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i]!;
    const before = out[i - 1];
    const start =
      parseDuration(attr(p, 'start')) ??
      (before?.start !== undefined && before.duration !== undefined
        ? before.start + before.duration
        : i === 0 && !mpd.dynamic
          ? 0
          : undefined);
    out.push({
      ...(start !== undefined ? { start } : {}),
      ...(parseDuration(attr(p, 'duration')) !== undefined ? { duration: parseDuration(attr(p, 'duration'))! } : {}),
    });
  }
  for (let i = 0; i < out.length; i++) {
    const t = out[i]!;
    if (t.duration !== undefined || t.start === undefined) continue;
    const end = i + 1 < out.length ? out[i + 1]!.start : mpd.duration;
    if (end !== undefined && end > t.start) t.duration = end - t.start;
  }
  return out;
}

export interface DashContext {
  url: string;
  /** The most distinct URIs to return; past it the reader stops and says so. */
  maxRefs?: number;
}

/**
 * The references of one MPD: for each Representation, in document order, its init
 * section, its segments (and index segments), or its one file. Throws an Error with
 * the reason for an MPD that cannot be read whole.
 */
export function readDash(text: string, context: DashContext): ParsedManifest {
  const maxRefs = context.maxRefs ?? Number.POSITIVE_INFINITY;
  const mpd = parseXml(text);
  if (mpd.name !== 'MPD') throw new Error('the XML root element is not an MPD');
  const dynamic = attr(mpd, 'type') === 'dynamic';
  const mpdDuration = parseDuration(attr(mpd, 'mediaPresentationDuration'));
  const periods = children(mpd, 'Period');
  periods.forEach((p, i) => refuseRemote(p, `Period ${i + 1}`));
  const timings = periodTimings(periods, { dynamic, ...(mpdDuration !== undefined ? { duration: mpdDuration } : {}) });

  let listed = 0;
  const list = new RefList(maxRefs);
  const add = (ref: ManifestRef) => list.add(ref);

  const work = new Work();
  const mpdBases = resolveBases([context.url], mpd);
  for (let p = 0; p < periods.length && !list.overLimit; p++) {
    const period = periods[p]!;
    const timing = timings[p]!;
    const periodBases = resolveBases(mpdBases, period);
    const periodSegments = levelSegments(period, `Period ${p + 1}`);
    for (const set of children(period, 'AdaptationSet')) {
      refuseRemote(set, 'an AdaptationSet');
      const setBases = resolveBases(periodBases, set);
      const setSegments = levelSegments(set, 'an AdaptationSet');
      for (const rep of children(set, 'Representation')) {
        if (list.overLimit) break;
        const id = attr(rep, 'id') ?? `${attr(rep, 'bandwidth') ?? '?'}bps`;
        const where = `Representation ${clip(id, 60)}${periods.length > 1 ? ` of Period ${p + 1}` : ''}`;
        const a = (name: string) => attr(rep, name) ?? attr(set, name);
        const type = trackType({ contentType: a('contentType'), mimeType: a('mimeType'), codecs: a('codecs') });
        const rendition = clip(`${type} ${id}`, 80);
        const kind: StreamObjectKind = type === 'text' ? 'subtitle' : 'segment';
        try {
          const bases = resolveBases(setBases, rep);
          const info = segmentInfo([periodSegments, setSegments, levelSegments(rep, where)]);
          listed += representationRefs(
            {
              info,
              bases,
              id,
              bandwidth: integer(attr(rep, 'bandwidth'), 'bandwidth') ?? 0,
              kind,
              rendition,
              where,
              timing,
              dynamic,
              mpdUrl: context.url,
            },
            add,
            maxRefs - list.refs.length,
            work,
          );
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`${where}: ${reason}`);
        }
      }
    }
  }
  return { refs: list.refs, listed, ...(list.overLimit ? { overLimit: true } : {}) };
}
