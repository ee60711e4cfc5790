import { MANIFEST_BUDGET, clip } from './budget';
import {
  SegmentError,
  countOf,
  durationRun,
  expandRuns,
  fillTemplate,
  parseDuration,
  parseTemplate,
  timelineRuns,
  usesIdentifier,
  type Run,
  type TimelineEntry,
  type Timing,
} from './dash-segments';
import type { ManifestRef, ParsedManifest, StreamObjectKind } from './types';

/*
 * DASH: what one MPD references, read as ISO/IEC 23009-1 describes it. Our own
 * walk over the XML (parsed by @xmldom/xmldom), so that every count is the count that
 * is expanded and every expansion is bounded (dash-segments.ts).
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

type XmlElement = {
  localName?: string | null;
  tagName?: string;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  attributes: { length: number; item(i: number): { name: string } | null };
  childNodes: { length: number; item(i: number): XmlNode | null };
  textContent: string | null;
};
type XmlNode = XmlElement & { nodeType: number };
type XmlModule = {
  DOMParser: new (options: { errorHandler: (level: string, message: string) => void }) => {
    parseFromString(text: string, type: string): { documentElement?: XmlElement | null };
  };
};

let xml: XmlModule | undefined;
function loadXml(): XmlModule {
  // Required on first use: the XML parser is not loaded while the extension starts.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (xml ??= require('@xmldom/xmldom') as XmlModule);
}

/** True when the text is an XML document whose root element is an MPD. */
export function looksLikeDash(text: string): boolean {
  return /^\uFEFF?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<([\w-]+:)?MPD[\s>]/.test(text.slice(0, 4096));
}

const nameOf = (e: XmlElement) => e.localName ?? e.tagName?.replace(/^.*:/, '') ?? '';

function children(e: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let i = 0; i < e.childNodes.length; i++) {
    const c = e.childNodes.item(i);
    if (c?.nodeType === 1 && nameOf(c) === name) out.push(c);
  }
  return out;
}

function attr(e: XmlElement | undefined, name: string): string | undefined {
  return e?.hasAttribute(name) ? (e.getAttribute(name) ?? undefined) : undefined;
}

/** A remote element (5.5) would add what this MPD does not list. */
function refuseRemote(e: XmlElement, what: string): void {
  for (let i = 0; i < e.attributes.length; i++) {
    if (/(^|:)href$/.test(e.attributes.item(i)?.name ?? '')) throw new Error(`${what} is a remote element (xlink:href), which is not read: the stream may hold more than this MPD lists`);
  }
}

function integer(value: string | undefined, what: string, options: { min?: number; signed?: boolean } = {}): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const n = Number(text);
  if (!(options.signed ? /^-?\d+$/ : /^\d+$/).test(text) || !Number.isSafeInteger(n) || n < (options.min ?? Number.MIN_SAFE_INTEGER)) {
    throw new SegmentError(`${what}="${clip(text, 30)}" is not ${options.min === 1 ? 'a whole number above 0' : 'a whole number'}`);
  }
  return n;
}

/** The segment information of one kind, merged from Period, AdaptationSet and Representation (5.3.9.1). */
interface SegmentInfo {
  kind: 'SegmentTemplate' | 'SegmentList' | 'SegmentBase';
  /** Attributes, the lowest level's first. */
  attribute(name: string): string | undefined;
  /** Child elements from the lowest level that has any of that name. */
  child(name: string): XmlElement[];
}

function segmentInfo(levels: readonly XmlElement[]): SegmentInfo | undefined {
  const kinds = ['SegmentTemplate', 'SegmentList', 'SegmentBase'] as const;
  // The lowest level that has segment information decides its kind.
  let kind: SegmentInfo['kind'] | undefined;
  for (const level of [...levels].reverse()) {
    kind = kinds.find((k) => children(level, k).length > 0);
    if (kind) break;
  }
  if (!kind) return undefined;
  const chain = levels.map((l) => children(l, kind)[0]).filter((e): e is XmlElement => !!e).reverse();
  for (const e of chain) refuseRemote(e, `a ${kind}`);
  return {
    kind,
    attribute: (name) => {
      for (const e of chain) if (e.hasAttribute(name)) return e.getAttribute(name) ?? undefined;
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
  const own = children(level, 'BaseURL').map((b) => (b.textContent ?? '').trim());
  if (own.length === 0) return [...bases];
  const out: string[] = [];
  for (const base of bases) {
    for (const rel of own) {
      try {
        out.push(new URL(rel, base).href);
      } catch {
        throw new Error(`the BaseURL "${clip(rel, 80)}" is not a URL`);
      }
    }
  }
  if (out.length > MANIFEST_BUDGET.maxBaseUrlCombinations) throw new Error(`its BaseURLs combine into more than ${MANIFEST_BUDGET.maxBaseUrlCombinations} alternative locations`);
  return out;
}

function trackType(a: { contentType?: string; mimeType?: string; codecs?: string }): string {
  const mime = a.mimeType ?? '';
  const codecs = a.codecs ?? '';
  if (a.contentType === 'text' || mime.startsWith('text/') || /ttml|vtt/.test(mime) || /^(stpp|wvtt)/.test(codecs)) return 'text';
  if (a.contentType) return a.contentType;
  if (mime.startsWith('image/')) return 'image';
  return mime.split('/')[0] || 'media';
}

interface PeriodTiming {
  start?: number;
  duration?: number;
}

/** 5.3.2.1: each Period's start and duration. */
function periodTimings(periods: readonly XmlElement[], mpd: { dynamic: boolean; duration?: number }): PeriodTiming[] {
  const out: PeriodTiming[] = [];
  for (let i = 0; i < periods.length; i++) {
    const p = periods[i]!;
    const before = out[i - 1];
    const start = parseDuration(attr(p, 'start')) ?? (before?.start !== undefined && before.duration !== undefined ? before.start + before.duration : i === 0 && !mpd.dynamic ? 0 : undefined);
    out.push({ ...(start !== undefined ? { start } : {}), ...(parseDuration(attr(p, 'duration')) !== undefined ? { duration: parseDuration(attr(p, 'duration'))! } : {}) });
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
  // An MPD has no DTD; one with a DTD could define entities that expand without bound.
  if (/<!(DOCTYPE|ENTITY)/i.test(text)) throw new Error('it has a DTD (<!DOCTYPE or <!ENTITY>), which an MPD never needs: it is not read');
  const problems: string[] = [];
  const { DOMParser } = loadXml();
  const doc = new DOMParser({ errorHandler: (level, message) => problems.push(`${level}: ${clip(message.replace(/\s+/g, ' ').trim(), 200)}`) }).parseFromString(text, 'application/xml');
  if (problems.length) throw new Error(`malformed XML (${problems[0]})`);
  const mpd = doc.documentElement;
  if (!mpd || nameOf(mpd) !== 'MPD') throw new Error('the XML root element is not an MPD');
  const dynamic = attr(mpd, 'type') === 'dynamic';
  const mpdDuration = parseDuration(attr(mpd, 'mediaPresentationDuration'));
  const periods = children(mpd, 'Period');
  periods.forEach((p, i) => refuseRemote(p, `Period ${i + 1}`));
  const timings = periodTimings(periods, { dynamic, ...(mpdDuration !== undefined ? { duration: mpdDuration } : {}) });

  const refs: ManifestRef[] = [];
  const seen = new Set<string>();
  let overLimit = false;
  let listed = 0;
  const add = (ref: ManifestRef) => {
    if (seen.has(ref.uri)) return;
    if (seen.size >= maxRefs) {
      overLimit = true;
      return;
    }
    seen.add(ref.uri);
    refs.push(ref);
  };

  const mpdBases = resolveBases([context.url], mpd);
  for (let p = 0; p < periods.length && !overLimit; p++) {
    const period = periods[p]!;
    const timing = timings[p]!;
    const periodBases = resolveBases(mpdBases, period);
    for (const set of children(period, 'AdaptationSet')) {
      refuseRemote(set, 'an AdaptationSet');
      const setBases = resolveBases(periodBases, set);
      for (const rep of children(set, 'Representation')) {
        if (overLimit) break;
        const id = attr(rep, 'id') ?? `${attr(rep, 'bandwidth') ?? '?'}bps`;
        const where = `Representation ${clip(id, 60)}${periods.length > 1 ? ` of Period ${p + 1}` : ''}`;
        const a = (name: string) => attr(rep, name) ?? attr(set, name);
        const type = trackType({ contentType: a('contentType'), mimeType: a('mimeType'), codecs: a('codecs') });
        const rendition = clip(`${type} ${id}`, 80);
        const kind: StreamObjectKind = type === 'text' ? 'subtitle' : 'segment';
        try {
          const bases = resolveBases(setBases, rep);
          const info = segmentInfo([period, set, rep]);
          listed += representationRefs({ info, bases, id, bandwidth: integer(attr(rep, 'bandwidth'), 'bandwidth') ?? 0, kind, rendition, where, timing, dynamic, mpdUrl: context.url }, add, maxRefs - seen.size);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`${where}: ${reason}`);
        }
      }
    }
  }
  return { refs, ...(overLimit ? { overLimit: true, listed } : {}) };
}

interface Representation {
  info: SegmentInfo | undefined;
  bases: string[];
  id: string;
  bandwidth: number;
  kind: StreamObjectKind;
  rendition: string;
  where: string;
  timing: PeriodTiming;
  dynamic: boolean;
  mpdUrl: string;
}

/** Adds one Representation's references; returns how many segments it lists (counted before expanding). */
function representationRefs(r: Representation, add: (ref: ManifestRef) => void, room: number): number {
  const { info, rendition } = r;
  const resolve = (uri: string, base: string) => new URL(uri, base).href;
  const file = (base: string) => {
    // A Representation that is one file: its BaseURL, unless that names a folder or the MPD itself.
    if (base === r.mpdUrl || base.endsWith('/')) add({ uri: base, kind: r.kind, rendition, leftOut: `${r.where} has no segment information and its BaseURL names no file` });
    else add({ uri: base, kind: r.kind, rendition });
  };
  const sourceUrls = (name: string, kind: StreamObjectKind, base: string) => {
    for (const e of info?.child(name) ?? []) {
      const source = attr(e, 'sourceURL');
      if (source !== undefined) add({ uri: resolve(source, base), kind, rendition });
    }
  };

  if (!info || info.kind === 'SegmentBase') {
    for (const base of r.bases) {
      sourceUrls('Initialization', 'init', base);
      sourceUrls('RepresentationIndex', 'index', base);
      file(base);
    }
    return 1;
  }

  if (info.kind === 'SegmentList') {
    const urls = info.child('SegmentURL');
    if (urls.length === 0) throw new Error('its SegmentList has no SegmentURL');
    for (const base of r.bases) {
      sourceUrls('Initialization', 'init', base);
      sourceUrls('RepresentationIndex', 'index', base);
      for (const u of urls.slice(0, room + 1)) {
        const media = attr(u, 'media');
        add({ uri: media === undefined ? base : resolve(media, base), kind: r.kind, rendition });
        const index = attr(u, 'index');
        if (index !== undefined) add({ uri: resolve(index, base), kind: 'index', rendition });
      }
    }
    return urls.length;
  }

  // SegmentTemplate.
  const timing: Timing = {
    timescale: integer(info.attribute('timescale'), 'timescale', { min: 1 }) ?? 1,
    presentationTimeOffset: integer(info.attribute('presentationTimeOffset'), 'presentationTimeOffset') ?? 0,
    startNumber: integer(info.attribute('startNumber'), 'startNumber') ?? 1,
    ...(info.attribute('endNumber') !== undefined ? { endNumber: integer(info.attribute('endNumber'), 'endNumber')! } : {}),
    ...(r.timing.duration !== undefined ? { periodDuration: r.timing.duration } : {}),
    dynamic: r.dynamic,
  };
  const mediaText = info.attribute('media');
  const media = mediaText === undefined ? undefined : parseTemplate(mediaText, '@media');
  const index = info.attribute('index') === undefined ? undefined : parseTemplate(info.attribute('index')!, '@index');
  const initText = info.attribute('initialization');
  const init = initText === undefined ? undefined : parseTemplate(initText, '@initialization');
  if (init && (usesIdentifier(init, 'Number') || usesIdentifier(init, 'Time'))) throw new Error('its @initialization template uses $Number$ or $Time$, which only segments have');
  const values = { RepresentationID: r.id, Bandwidth: r.bandwidth };
  if (/\s/.test(r.id) && [media, init, index].some((t) => t && usesIdentifier(t, 'RepresentationID'))) throw new Error('its id has white space, which a template cannot use');

  const timelineElement = info.child('SegmentTimeline')[0];
  let runs: Run[];
  if (timelineElement) {
    const entries: TimelineEntry[] = children(timelineElement, 'S').map((s) => ({
      ...(attr(s, 't') !== undefined ? { t: integer(attr(s, 't'), 'S@t')! } : {}),
      d: integer(attr(s, 'd'), 'S@d') ?? 0,
      ...(attr(s, 'r') !== undefined ? { r: integer(attr(s, 'r'), 'S@r', { signed: true, min: -1 })! } : {}),
      ...(attr(s, 'n') !== undefined ? { n: integer(attr(s, 'n'), 'S@n')! } : {}),
      ...(attr(s, 'k') !== undefined ? { k: integer(attr(s, 'k'), 'S@k')! } : {}),
    }));
    runs = timelineRuns(entries, timing);
  } else if (info.attribute('duration') !== undefined) {
    runs = [durationRun(integer(info.attribute('duration'), 'duration') ?? 0, timing)];
  } else {
    // Neither: the Representation is one segment (5.3.9.2).
    runs = [{ time: timing.presentationTimeOffset, duration: 1, count: 1, number: timing.startNumber }];
  }
  const total = countOf(runs);
  if (media && total === 0) throw new Error('its SegmentTemplate expands to no segments');
  const initSources = info.child('Initialization');
  for (const base of r.bases) {
    if (init) add({ uri: resolve(fillTemplate(init, values), base), kind: 'init', rendition });
    else for (const e of initSources) if (attr(e, 'sourceURL') !== undefined) add({ uri: resolve(attr(e, 'sourceURL')!, base), kind: 'init', rendition });
    if (!media) {
      file(base);
      continue;
    }
    for (const { number, time } of expandRuns(runs, room + 1)) {
      const v = { ...values, Number: number, Time: time };
      add({ uri: resolve(fillTemplate(media, v), base), kind: r.kind, rendition });
      if (index) add({ uri: resolve(fillTemplate(index, v), base), kind: 'index', rendition });
    }
  }
  return total;
}
