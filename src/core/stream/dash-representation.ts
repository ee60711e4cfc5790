import { MANIFEST_BUDGET, clip } from './budget';
import {
  SegmentError,
  countOf,
  durationRun,
  expandRuns,
  fillTemplate,
  parseTemplate,
  timelineRuns,
  usesIdentifier,
  type Run,
  type Template,
  type TimelineEntry,
  type Timing,
} from './dash-segments';
import type { ManifestRef, StreamObjectKind } from './types';
import { attribute, type XmlElement } from './xml';

/*
 * DASH: one Representation's references (dash.ts reads the MPD around it): its
 * segment information merged from the levels above, expanded within the budget, each
 * URI resolved against each of its BaseURLs. And the small XML helpers both share.
 */

/** Child elements by local name, each element's children sorted once: an inherited list is asked for by every Representation. */
const childCache = new WeakMap<XmlElement, Map<string, XmlElement[]>>();
export function children(e: XmlElement, name: string): XmlElement[] {
  let byName = childCache.get(e);
  if (!byName) {
    byName = new Map();
    for (const c of e.children) {
      const list = byName.get(c.name);
      if (list) list.push(c);
      else byName.set(c.name, [c]);
    }
    childCache.set(e, byName);
  }
  return byName.get(name) ?? [];
}

export function attr(e: XmlElement | undefined, name: string): string | undefined {
  return e ? attribute(e, name) : undefined;
}

export function integer(
  value: string | undefined,
  what: string,
  options: { min?: number; signed?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const n = Number(text);
  if (
    !(options.signed ? /^-?\d+$/ : /^\d+$/).test(text) ||
    !Number.isSafeInteger(n) ||
    n < (options.min ?? Number.MIN_SAFE_INTEGER)
  ) {
    throw new SegmentError(
      `${what}="${clip(text, 30)}" is not ${options.min === 1 ? 'a whole number above 0' : 'a whole number'}`,
    );
  }
  return n;
}

/** The segment information of one kind, merged from Period, AdaptationSet and Representation (5.3.9.1). */
export interface SegmentInfo {
  kind: 'SegmentTemplate' | 'SegmentList' | 'SegmentBase';
  /** Attributes, the lowest level's first. */
  attribute(name: string): string | undefined;
  /** Child elements from the lowest level that has any of that name. */
  child(name: string): XmlElement[];
}

/**
 * What reading an MPD may spend, over all its Representations: timeline entries and
 * segments (each Representation may inherit a long timeline and expand to URIs that
 * are all the same, so the path limit alone would not bound the time), and the
 * characters of the URIs made (a long template times many segments).
 */
export class Work {
  private steps: number = MANIFEST_BUDGET.maxDashSteps;
  private chars: number = MANIFEST_BUDGET.maxSubstitutedChars;
  spend(steps: number): void {
    this.steps -= steps;
    if (this.steps < 0)
      throw new Error(
        `reading it takes more than ${MANIFEST_BUDGET.maxDashSteps} steps (timeline entries and segments, Representation by Representation)`,
      );
  }
  made(uri: string): void {
    this.chars -= uri.length;
    if (this.chars < 0)
      throw new Error(`its segment URIs add up to more than ${MANIFEST_BUDGET.maxSubstitutedChars} characters`);
  }
}

const timelineCache = new WeakMap<XmlElement, TimelineEntry[]>();
function timelineEntries(timeline: XmlElement): TimelineEntry[] {
  let entries = timelineCache.get(timeline);
  if (!entries) {
    // Plain objects without spreads: a timeline may have hundreds of thousands of entries.
    entries = children(timeline, 'S').map((s) => ({
      t: integer(attr(s, 't'), 'S@t'),
      d: integer(attr(s, 'd'), 'S@d') ?? 0,
      r: integer(attr(s, 'r'), 'S@r', { signed: true, min: -1 }),
      n: integer(attr(s, 'n'), 'S@n'),
      k: integer(attr(s, 'k'), 'S@k'),
    }));
    timelineCache.set(timeline, entries);
  }
  return entries;
}

/** A Period's start and length in seconds, where they are known (5.3.2.1). */
export interface PeriodTiming {
  start?: number;
  duration?: number;
}

export interface Representation {
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

/** How one Representation's references are added: resolved against a base, with the rendition, within the budget. */
class RepresentationRefs {
  constructor(
    readonly r: Representation,
    private readonly add: (ref: ManifestRef) => void,
    readonly room: number,
    readonly work: Work,
  ) {}

  uri(uri: string, base: string, kind: StreamObjectKind): void {
    const href = new URL(uri, base).href;
    this.work.made(href);
    this.add({ uri: href, kind, rendition: this.r.rendition });
  }

  /** A Representation that is one file: its BaseURL, unless that names a folder or the MPD itself. */
  file(base: string): void {
    const r = this.r;
    if (base === r.mpdUrl || base.endsWith('/'))
      this.add({
        uri: base,
        kind: r.kind,
        rendition: r.rendition,
        leftOut: `${r.where} has no segment information and its BaseURL names no file`,
      });
    else this.add({ uri: base, kind: r.kind, rendition: r.rendition });
  }

  /** The `sourceURL` of child elements: Initialization and BitstreamSwitching (init), RepresentationIndex (index). */
  sources(base: string): void {
    const info = this.r.info;
    for (const [name, kind] of [
      ['Initialization', 'init'],
      ['BitstreamSwitching', 'init'],
      ['RepresentationIndex', 'index'],
    ] as const) {
      for (const e of info?.child(name) ?? []) {
        const source = attr(e, 'sourceURL');
        if (source !== undefined) this.uri(source, base, kind);
      }
    }
  }
}

/** Adds one Representation's references; returns how many segments it lists (counted before expanding). */
export function representationRefs(
  r: Representation,
  add: (ref: ManifestRef) => void,
  room: number,
  work: Work,
): number {
  const refs = new RepresentationRefs(r, add, room, work);
  const info = r.info;
  if (!info || info.kind === 'SegmentBase') {
    for (const base of r.bases) {
      refs.sources(base);
      refs.file(base);
    }
    return 1;
  }
  return info.kind === 'SegmentList' ? listRefs(refs, info) : templateRefs(refs, info);
}

/** SegmentList (5.3.9.3): each SegmentURL's @media (the BaseURL itself when absent) and @index. */
function listRefs(refs: RepresentationRefs, info: SegmentInfo): number {
  const urls = info.child('SegmentURL');
  if (urls.length === 0) throw new Error('its SegmentList has no SegmentURL');
  for (const base of refs.r.bases) {
    refs.work.spend(Math.min(urls.length, refs.room + 1));
    refs.sources(base);
    for (const u of urls.slice(0, refs.room + 1)) {
      const media = attr(u, 'media');
      if (media === undefined) refs.uri(base, base, refs.r.kind);
      else refs.uri(media, base, refs.r.kind);
      const index = attr(u, 'index');
      if (index !== undefined) refs.uri(index, base, 'index');
    }
  }
  return urls.length;
}

/** A template's longest URI, before anything is expanded: its text, each identifier at its widest, and the base. */
function longestUri(template: Template, bases: readonly string[]): number {
  let length = 0;
  for (const part of template) length += typeof part === 'string' ? part.length : Math.max(part.width, 20);
  return length + Math.max(...bases.map((b) => b.length));
}

/** SegmentTemplate (5.3.9.4): its init and bitstream switching files, and each segment (and index) of its runs. */
function templateRefs(refs: RepresentationRefs, info: SegmentInfo): number {
  const r = refs.r;
  const timing: Timing = {
    timescale: integer(info.attribute('timescale'), 'timescale', { min: 1 }) ?? 1,
    presentationTimeOffset: integer(info.attribute('presentationTimeOffset'), 'presentationTimeOffset') ?? 0,
    startNumber: integer(info.attribute('startNumber'), 'startNumber') ?? 1,
    endNumber: integer(info.attribute('endNumber'), 'endNumber'),
    periodDuration: r.timing.duration,
    dynamic: r.dynamic,
  };
  const template = (name: string) => {
    const text = info.attribute(name);
    return text === undefined ? undefined : parseTemplate(text, `@${name}`);
  };
  const media = template('media');
  const index = template('index');
  const init = template('initialization');
  // @bitstreamSwitching is a template here (on an AdaptationSet it is a flag, "true" or "false").
  const switching = /^(true|false)$/.test(info.attribute('bitstreamSwitching') ?? 'false')
    ? undefined
    : template('bitstreamSwitching');
  for (const [t, name] of [
    [init, '@initialization'],
    [switching, '@bitstreamSwitching'],
  ] as const) {
    if (t && (usesIdentifier(t, 'Number') || usesIdentifier(t, 'Time')))
      throw new Error(`its ${name} template uses $Number$ or $Time$, which only segments have`);
  }
  const values = { RepresentationID: r.id, Bandwidth: r.bandwidth };
  const templates = [media, init, index, switching].filter((t): t is Template => !!t);
  if (/\s/.test(r.id) && templates.some((t) => usesIdentifier(t, 'RepresentationID')))
    throw new Error('its id has white space, which a template cannot use');
  if (templates.some((t) => longestUri(t, r.bases) > MANIFEST_BUDGET.maxValueChars + r.id.length)) {
    throw new Error(`its templates make URIs longer than ${MANIFEST_BUDGET.maxValueChars} characters`);
  }

  const timelineElement = info.child('SegmentTimeline')[0];
  let runs: Run[];
  if (timelineElement) {
    refs.work.spend(children(timelineElement, 'S').length);
    runs = timelineRuns(timelineEntries(timelineElement), timing);
  } else if (info.attribute('duration') !== undefined) {
    runs = [durationRun(integer(info.attribute('duration'), 'duration') ?? 0, timing)];
  } else {
    // Neither: the Representation is one segment (5.3.9.2).
    runs = [{ time: timing.presentationTimeOffset, duration: 1, count: 1, number: timing.startNumber }];
  }
  const total = countOf(runs);
  if (media && total === 0) throw new Error('its SegmentTemplate expands to no segments');
  for (const base of r.bases) {
    if (init) refs.uri(fillTemplate(init, values), base, 'init');
    if (switching) refs.uri(fillTemplate(switching, values), base, 'init');
    // Its Initialization, BitstreamSwitching and RepresentationIndex elements (MultipleSegmentBaseType), where the attributes are not used.
    if (!init) refs.sources(base);
    if (!media) {
      refs.file(base);
      continue;
    }
    refs.work.spend(Math.min(total, refs.room + 1));
    for (const { number, time } of expandRuns(runs, refs.room + 1)) {
      const v = { ...values, Number: number, Time: time };
      refs.uri(fillTemplate(media, v), base, r.kind);
      if (index) refs.uri(fillTemplate(index, v), base, 'index');
    }
  }
  return total;
}
