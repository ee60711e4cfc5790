/*
 * DASH segment addressing (ISO/IEC 23009-1 5.3.9), with no XML in it: templates and
 * timelines as plain values, so the arithmetic is unit-tested on its own.
 *
 * A timeline or a @duration becomes a list of runs (first time, duration, count,
 * first number). The count of segments is the sum of the runs' counts, computed
 * without expanding anything, and the expansion walks the very same runs: the limit
 * is checked against the number that will be expanded, never against an estimate.
 * What cannot be computed before expanding (a d of 0, an open r="-1" with no end, a
 * live MPD's clock) refuses the Representation.
 */

export class SegmentError extends Error {}

/** One part of a parsed template: text, or an identifier with its width (`%05d`). */
type TemplatePart = string | { id: 'RepresentationID' | 'Number' | 'Bandwidth' | 'Time'; width: number };
export type Template = TemplatePart[];

const IDENTIFIER = /^(RepresentationID|Number|Bandwidth|Time|SubNumber)(%0(\d{1,2})d)?$/;

/**
 * A template (5.3.9.4.4): `$$` is a dollar sign; `$Name$` and `$Name%0Nd$` are
 * identifiers. An unknown identifier or an unclosed `$` refuses it: a path guessed
 * from a template we do not understand would purge the wrong objects.
 */
export function parseTemplate(text: string, attribute: string): Template {
  const parts: Template = [];
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      parts.push(text.slice(i));
      break;
    }
    if (dollar > i) parts.push(text.slice(i, dollar));
    const close = text.indexOf('$', dollar + 1);
    if (close < 0) throw new SegmentError(`the ${attribute} template has a "$" that is not closed`);
    const inner = text.slice(dollar + 1, close);
    if (inner === '') parts.push('$');
    else {
      const m = IDENTIFIER.exec(inner);
      if (!m)
        throw new SegmentError(
          `the ${attribute} template has an identifier DASH does not define: $${inner.slice(0, 30)}$`,
        );
      if (m[1] === 'SubNumber')
        throw new SegmentError(
          `the ${attribute} template uses $SubNumber$ (segment sequences), which is not read here`,
        );
      if (m[1] === 'RepresentationID' && m[2])
        throw new SegmentError(`the ${attribute} template gives $RepresentationID$ a width, which DASH does not allow`);
      parts.push({ id: m[1] as 'Number', width: m[3] ? Number(m[3]) : 0 });
    }
    i = close + 1;
  }
  return parts;
}

export function usesIdentifier(template: Template, id: string): boolean {
  return template.some((p) => typeof p !== 'string' && p.id === id);
}

export interface TemplateValues {
  RepresentationID: string;
  Bandwidth: number;
  Number?: number;
  Time?: number;
}

export function fillTemplate(template: Template, values: TemplateValues): string {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') out += part;
    else {
      const value = values[part.id as keyof TemplateValues];
      if (value === undefined) throw new SegmentError(`$${part.id}$ has no value here`);
      const text = String(value);
      out += part.width > text.length ? text.padStart(part.width, '0') : text;
    }
  }
  return out;
}

/** Segments that follow one another at a fixed duration: times `time + i × duration`, numbers `number + i`. */
export interface Run {
  time: number;
  duration: number;
  count: number;
  number: number;
}

/** One S element of a SegmentTimeline (5.3.9.6), its attributes as written. */
export interface TimelineEntry {
  t?: number | undefined;
  d: number;
  r?: number | undefined;
  n?: number | undefined;
  k?: number | undefined;
}

/** What ends a Representation's segments: the Period's end in media time, when it is known. */
export interface Timing {
  timescale: number;
  presentationTimeOffset: number;
  startNumber: number;
  /** The number of the last segment, when the MPD gives one (it ends a timeline too). */
  endNumber?: number | undefined;
  /** The Period's length in seconds, when known. */
  periodDuration?: number | undefined;
  /** A dynamic (live) MPD: what exists depends on the clock. */
  dynamic: boolean;
}

function periodEndInMediaTime(timing: Timing): number | undefined {
  if (timing.dynamic || timing.periodDuration === undefined) return undefined;
  return timing.presentationTimeOffset + timing.periodDuration * timing.timescale;
}

/**
 * The runs of a SegmentTimeline. An S without @t follows the one before it (the first
 * starts at 0); a later @t leaves a gap, and numbers go on by one. `r="-1"` repeats up
 * to the next S's @t, or to the Period's end (its start plus duration, in media time,
 * counted from presentationTimeOffset); with neither it cannot be counted.
 */
export function timelineRuns(entries: readonly TimelineEntry[], timing: Timing): Run[] {
  const runs: Run[] = [];
  let time = 0;
  let number = timing.startNumber;
  for (let i = 0; i < entries.length; i++) {
    const s = entries[i]!;
    if (!(s.d > 0)) throw new SegmentError(`a SegmentTimeline S has d="${s.d}": a segment's duration must be above 0`);
    if (s.k !== undefined && s.k !== 1)
      throw new SegmentError('a SegmentTimeline S has k (segment sequences), which is not read here');
    if (s.t !== undefined) time = s.t;
    if (s.n !== undefined) number = s.n;
    const r = s.r ?? 0;
    let count: number;
    if (r >= 0) count = r + 1;
    else {
      const next = entries[i + 1]?.t;
      const end = next ?? (i === entries.length - 1 ? periodEndInMediaTime(timing) : undefined);
      if (end === undefined) {
        throw new SegmentError(
          timing.dynamic
            ? 'a SegmentTimeline S repeats with r="-1" in a live MPD: how many segments exist depends on the time it is read'
            : 'a SegmentTimeline S repeats with r="-1", but neither a later S@t nor the Period\'s duration says where it ends',
        );
      }
      count = Math.max(0, Math.ceil((end - time) / s.d));
    }
    if (timing.endNumber !== undefined) count = Math.max(0, Math.min(count, timing.endNumber - number + 1));
    if (count > 0) runs.push({ time, duration: s.d, count, number });
    time += count * s.d;
    number += count;
  }
  return runs;
}

/**
 * The run of a template with @duration (5.3.9.5.3): from startNumber up to endNumber
 * when given, else as many segments as cover the Period: ceil(duration of the Period
 * × timescale / @duration). $Time$ is presentationTimeOffset + (number − startNumber)
 * × @duration.
 */
export function durationRun(duration: number, timing: Timing): Run {
  if (!(duration > 0)) throw new SegmentError(`a SegmentTemplate has duration="${duration}": it must be above 0`);
  let count: number;
  if (timing.endNumber !== undefined) count = timing.endNumber - timing.startNumber + 1;
  else if (timing.dynamic)
    throw new SegmentError(
      'a SegmentTemplate with @duration in a live MPD: which segments exist depends on the time it is read',
    );
  else if (timing.periodDuration === undefined)
    throw new SegmentError(
      'a SegmentTemplate has no end: neither its Period nor the MPD gives a duration, and it has no endNumber',
    );
  else count = Math.ceil((timing.periodDuration * timing.timescale) / duration - 1e-9);
  return { time: timing.presentationTimeOffset, duration, count: Math.max(0, count), number: timing.startNumber };
}

export function countOf(runs: readonly Run[]): number {
  let n = 0;
  for (const r of runs) n += r.count;
  return n;
}

/** Each segment's number and time, run by run, at most `max` of them. */
export function* expandRuns(runs: readonly Run[], max: number): Generator<{ number: number; time: number }> {
  let left = max;
  for (const run of runs) {
    for (let i = 0; i < run.count && left > 0; i++, left--) {
      const number = run.number + i;
      const time = run.time + i * run.duration;
      if (!Number.isSafeInteger(number) || !Number.isSafeInteger(time))
        throw new SegmentError('a segment number or time is too large to be exact');
      yield { number, time };
    }
    if (left <= 0) return;
  }
}

/** An xs:duration (`PT1H2M3.5S`, `P1DT2H`) in seconds; undefined when it is not one. Years and months have no fixed length. */
export function parseDuration(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    text.trim(),
  );
  if (!m || text.trim() === 'P' || text.trim() === 'PT') return undefined;
  const [, d, h, min, s] = m;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(min ?? 0) * 60 + Number(s ?? 0);
}
