import { MANIFEST_BUDGET, clip } from './budget';
import { RefList } from './ref-list';
import type { ManifestRef, ParsedManifest } from './types';

/*
 * HLS: what one playlist references, read line by line as RFC 8216bis (draft 16)
 * describes it. Our own reader, not a general parser: it only finds URIs, and every
 * step of it is bounded (see budget.ts), because a playlist is text anyone can write.
 *
 * - A playlist is either a multivariant (master) playlist or a media playlist; one
 *   that has tags of both kinds is refused (4.1).
 * - Variables (4.3, EXT-X-DEFINE 4.4.2.3): NAME/VALUE, IMPORT (a media playlist takes
 *   a variable of the multivariant playlist that loaded it) and QUERYPARAM (from the
 *   playlist's own URI). References `{$name}` are replaced in URI lines and in
 *   quoted-string attribute values, left to right, once (a result is not scanned
 *   again). A reference to a variable that is not defined, a name defined twice, and
 *   an IMPORT or QUERYPARAM with nothing to take refuse the playlist, as the RFC says a
 *   client must. Each value and the whole output of substitution are bounded: chained
 *   definitions double at each step, and 2 KB of them would otherwise become gigabytes.
 * - Unknown tags are ignored (4.1).
 */

/** Tags that only a multivariant playlist has, and tags that only a media playlist has (4.4.3-4.4.6). */
const MULTIVARIANT_TAGS = new Set([
  'EXT-X-MEDIA',
  'EXT-X-STREAM-INF',
  'EXT-X-I-FRAME-STREAM-INF',
  'EXT-X-SESSION-DATA',
  'EXT-X-SESSION-KEY',
  'EXT-X-CONTENT-STEERING',
]);
const MEDIA_TAGS = new Set([
  'EXTINF',
  'EXT-X-TARGETDURATION',
  'EXT-X-MEDIA-SEQUENCE',
  'EXT-X-DISCONTINUITY-SEQUENCE',
  'EXT-X-ENDLIST',
  'EXT-X-PLAYLIST-TYPE',
  'EXT-X-I-FRAMES-ONLY',
  'EXT-X-PART-INF',
  'EXT-X-SERVER-CONTROL',
  'EXT-X-BYTERANGE',
  'EXT-X-DISCONTINUITY',
  'EXT-X-KEY',
  'EXT-X-MAP',
  'EXT-X-PROGRAM-DATE-TIME',
  'EXT-X-GAP',
  'EXT-X-BITRATE',
  'EXT-X-PART',
  'EXT-X-DATERANGE',
  'EXT-X-SKIP',
  'EXT-X-PRELOAD-HINT',
  'EXT-X-RENDITION-REPORT',
]);

/** True when the text is an HLS playlist: its first line is `#EXTM3U` (4.4.1.1). */
export function looksLikeHls(text: string): boolean {
  return /^\uFEFF?[ \t]*#EXTM3U[ \t]*(\r?\n|$)/.test(text);
}

/** What a reader knows of the playlist it reads. */
export interface HlsContext {
  /** The playlist's URL: relative URIs are left to the collector; QUERYPARAM reads its query. */
  url: string;
  /** The variables of the multivariant playlist that loaded this one (for IMPORT); absent for a root. */
  imported?: ReadonlyMap<string, string>;
  /** A subtitles rendition: its segments are subtitle segments. */
  subtitles?: boolean;
  /** The most distinct URIs to return; past it the reader stops and says so. */
  maxRefs?: number;
}

export interface ParsedHls extends ParsedManifest {
  type: 'multivariant' | 'media';
  /** The variables this playlist defines, for the media playlists it loads (IMPORT). */
  variables: ReadonlyMap<string, string>;
}

/** A line of the playlist could not be read: the message names the line. */
class HlsError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/**
 * An attribute list (4.2): `NAME=value` pairs separated by commas, each value a
 * quoted-string (kept with its quotes, so the caller knows which values take
 * variables) or a run of characters up to the next comma. Whitespace around names
 * and values is tolerated, as players do. Linear: one pass, no backtracking.
 */
export function attributeList(text: string, line = 0): Map<string, string> {
  const attributes = new Map<string, string>();
  let i = 0;
  const n = text.length;
  const skipSpaces = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  while (i < n) {
    skipSpaces();
    if (i >= n) break;
    const nameStart = i;
    while (i < n && /[A-Z0-9-]/.test(text[i]!)) i++;
    const name = text.slice(nameStart, i);
    skipSpaces();
    if (!name || text[i] !== '=')
      throw new HlsError(line, `a malformed attribute list near "${clip(text.slice(nameStart, nameStart + 40), 40)}"`);
    i++;
    skipSpaces();
    let value: string;
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new HlsError(line, `the quoted value of ${name} has no closing quote`);
      value = text.slice(i, end + 1);
      i = end + 1;
    } else {
      const end = text.indexOf(',', i);
      value = (end < 0 ? text.slice(i) : text.slice(i, end)).trim();
      i = end < 0 ? n : end;
    }
    if (!attributes.has(name)) attributes.set(name, value);
    skipSpaces();
    if (i < n && text[i] !== ',') throw new HlsError(line, `a malformed attribute list after ${name}`);
    i++;
  }
  return attributes;
}

const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;
const REFERENCE = /\{\$([A-Za-z0-9_-]+)\}/g;

/** Variable substitution (4.3), bounded per value and per playlist. */
class Substitution {
  readonly variables = new Map<string, string>();
  private produced = 0;

  constructor(private readonly budget = MANIFEST_BUDGET) {}

  define(line: number, name: string, value: string): void {
    if (!VARIABLE_NAME.test(name))
      throw new HlsError(line, `"${clip(name, 40)}" is not a variable name (letters, digits, "-" and "_")`);
    if (this.variables.has(name)) throw new HlsError(line, `the variable ${name} is defined twice`);
    this.variables.set(name, value);
  }

  /** Replaces every reference, left to right, once; a reference to an undefined variable refuses the playlist. */
  apply(line: number, text: string): string {
    if (!text.includes('{$')) return text;
    let length = 0;
    const out = text.replace(REFERENCE, (whole, name: string) => {
      const value = this.variables.get(name);
      if (value === undefined)
        throw new HlsError(
          line,
          `the variable {$${name}} is used but not defined (RFC 8216bis 4.3: such a playlist is not parsed)`,
        );
      length += value.length - whole.length;
      if (text.length + length > this.budget.maxValueChars)
        throw new HlsError(
          line,
          `a value grows past ${this.budget.maxValueChars} characters once its variables are replaced`,
        );
      return value;
    });
    this.produced += out.length;
    if (this.produced > this.budget.maxSubstitutedChars)
      throw new HlsError(
        line,
        `variable substitution makes more than ${this.budget.maxSubstitutedChars} characters of text`,
      );
    return out;
  }
}

/** A quoted-string's value with its variables replaced; an unquoted value as it is. */
function valueOf(sub: Substitution, line: number, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  return raw.startsWith('"') ? sub.apply(line, raw.slice(1, -1)) : raw;
}

function variantLabel(kind: string, a: Map<string, string>): string {
  const resolution = /^(\d+)x(\d+)$/.exec(a.get('RESOLUTION') ?? '');
  const b = Number(a.get('BANDWIDTH'));
  const bandwidth =
    !Number.isFinite(b) || a.get('BANDWIDTH') === undefined ? '' : b >= 1000 ? `${Math.round(b / 1000)}k` : `${b}bps`;
  return [kind, resolution ? `${resolution[1]}x${resolution[2]}` : '', bandwidth].filter(Boolean).join(' ');
}

/**
 * The references of one playlist, in document order, each URI once. Throws an Error
 * whose message names the line, for a playlist the RFC says a client must not parse.
 */
export function readHls(text: string, context: HlsContext): ParsedHls {
  const reader = new HlsReader(context);
  const lines = text.split(/\r?\n/);
  for (let index = 1; index < lines.length && !reader.list.overLimit; index++)
    reader.line(index + 1, lines[index]!.trim());
  return reader.end(lines.length);
}

/** One playlist read line by line: its kind, its variables and its references so far. */
class HlsReader {
  readonly list: RefList;
  private readonly sub = new Substitution();
  private type: 'multivariant' | 'media' | undefined;
  /** The EXT-X-STREAM-INF whose URI line comes next. */
  private pendingVariant: Map<string, string> | undefined;

  constructor(private readonly context: HlsContext) {
    this.list = new RefList(context.maxRefs ?? Number.POSITIVE_INFINITY);
  }

  /** A playlist is referenced once per role; an object once, however many byte ranges cut it. */
  private add(ref: ManifestRef): void {
    this.list.add(ref, ref.leftOut ? `left\n${ref.uri}` : ref.follow ? `${ref.kind}\n${ref.uri}` : ref.uri);
  }

  /** A tag of one kind of playlist makes the playlist that kind; a tag of the other kind then refuses it (4.1). */
  private kindOfTag(line: number, tag: string): void {
    const kind = MULTIVARIANT_TAGS.has(tag) ? 'multivariant' : MEDIA_TAGS.has(tag) ? 'media' : undefined;
    if (!kind) return;
    if (this.type && this.type !== kind)
      throw new HlsError(
        line,
        `${tag} in a ${this.type} playlist: a playlist is either a multivariant or a media playlist, never both (RFC 8216bis 4.1)`,
      );
    this.type = kind;
  }

  line(number: number, line: string): void {
    if (line === '') return;
    if (!line.startsWith('#')) return this.uriLine(number, line);
    if (!line.startsWith('#EXT')) return; // a comment
    const colon = line.indexOf(':');
    const tag = line.slice(1, colon < 0 ? undefined : colon);
    this.kindOfTag(number, tag);
    if (colon >= 0) this.tag(number, tag, line.slice(colon + 1));
  }

  private uriLine(number: number, line: string): void {
    const uri = this.sub.apply(number, line);
    if (this.type !== 'multivariant' && !this.pendingVariant) {
      this.type ??= 'media';
      return this.add({ uri, kind: this.context.subtitles ? 'subtitle' : 'segment' });
    }
    if (!this.pendingVariant)
      return this.add({ uri, kind: 'playlist', leftOut: `line ${number}: a URI that no EXT-X-STREAM-INF introduces` });
    this.add({
      uri,
      kind: 'playlist',
      follow: { label: variantLabel('video', this.pendingVariant), subtitles: false },
    });
    this.pendingVariant = undefined;
  }

  private tag(number: number, tag: string, list: string): void {
    const a = () => attributeList(list, number);
    const value = (attributes: Map<string, string>, name: string) => valueOf(this.sub, number, attributes.get(name));
    const uri = (attributes: Map<string, string>) => value(attributes, 'URI');
    switch (tag) {
      case 'EXT-X-DEFINE':
        return this.define(number, a());
      case 'EXT-X-STREAM-INF':
        this.pendingVariant = a();
        return;
      case 'EXT-X-MEDIA': {
        const attributes = a();
        const type = attributes.get('TYPE') ?? '';
        const u = uri(attributes);
        if (u === undefined || type === 'CLOSED-CAPTIONS') return;
        const label = clip(`${type.toLowerCase()} ${value(attributes, 'NAME') ?? ''}`.trim(), 80);
        return this.add({ uri: u, kind: 'playlist', follow: { label, subtitles: type === 'SUBTITLES' } });
      }
      case 'EXT-X-I-FRAME-STREAM-INF': {
        const attributes = a();
        const u = uri(attributes);
        if (u !== undefined)
          this.add({
            uri: u,
            kind: 'iframe-playlist',
            follow: { label: variantLabel('i-frames', attributes), subtitles: false },
          });
        return;
      }
      case 'EXT-X-SESSION-KEY':
      case 'EXT-X-SESSION-DATA':
      case 'EXT-X-CONTENT-STEERING': {
        const u = tag === 'EXT-X-CONTENT-STEERING' ? value(a(), 'SERVER-URI') : uri(a());
        if (u !== undefined) this.add({ uri: u, kind: tag === 'EXT-X-SESSION-KEY' ? 'key' : 'data', shared: true });
        return;
      }
      case 'EXT-X-KEY': {
        const attributes = a();
        const u = uri(attributes);
        if (attributes.get('METHOD') !== 'NONE' && u !== undefined) this.add({ uri: u, kind: 'key' });
        return;
      }
      case 'EXT-X-MAP':
      case 'EXT-X-PART': {
        const u = uri(a());
        if (u !== undefined) this.add({ uri: u, kind: tag === 'EXT-X-MAP' ? 'init' : 'part' });
        return;
      }
      case 'EXT-X-PRELOAD-HINT': {
        const attributes = a();
        const u = uri(attributes);
        const hint = attributes.get('TYPE');
        // Unknown hint types are ignored (6.3.8).
        if (u !== undefined && (hint === 'PART' || hint === 'MAP'))
          this.add({ uri: u, kind: hint === 'MAP' ? 'init' : 'part' });
        return;
      }
      case 'EXT-X-RENDITION-REPORT': {
        const u = uri(a());
        if (u !== undefined)
          this.add({ uri: u, kind: 'playlist', follow: { label: 'rendition report', subtitles: false }, hint: true });
        return;
      }
      case 'EXT-X-SKIP':
        // A delta update (4.4.5.2) leaves out segments that only the full playlist lists.
        throw new HlsError(
          number,
          'EXT-X-SKIP: this is a delta update of a playlist, which leaves segments out; read the full playlist instead',
        );
      default:
        return; // Unknown tags are ignored (4.1).
    }
  }

  /** EXT-X-DEFINE (4.4.2.3): NAME and VALUE, IMPORT from the multivariant playlist, or QUERYPARAM from this playlist's URL. */
  private define(number: number, attributes: Map<string, string>): void {
    const value = (name: string) => valueOf(this.sub, number, attributes.get(name));
    const name = value('NAME');
    const imported = value('IMPORT');
    const param = value('QUERYPARAM');
    if (name !== undefined) {
      const v = value('VALUE');
      if (v === undefined) throw new HlsError(number, `EXT-X-DEFINE NAME="${clip(name, 40)}" has no VALUE`);
      return this.sub.define(number, name, v);
    }
    if (imported !== undefined) {
      if (!this.context.imported)
        throw new HlsError(
          number,
          `EXT-X-DEFINE IMPORT="${clip(imported, 40)}" in a playlist that no multivariant playlist loaded`,
        );
      const v = this.context.imported.get(imported);
      if (v === undefined)
        throw new HlsError(
          number,
          `EXT-X-DEFINE IMPORT="${clip(imported, 40)}": the multivariant playlist defines no such variable`,
        );
      return this.sub.define(number, imported, v);
    }
    if (param === undefined) throw new HlsError(number, 'EXT-X-DEFINE has neither NAME, IMPORT nor QUERYPARAM');
    let v: string | null;
    try {
      v = new URL(this.context.url).searchParams.get(param);
    } catch {
      v = null;
    }
    if (v === null)
      throw new HlsError(
        number,
        `EXT-X-DEFINE QUERYPARAM="${clip(param, 40)}": the playlist's URL has no such query parameter`,
      );
    // The decoded value may not hold what a quoted-string cannot (4.4.2.3).
    if (/[\r\n"]/.test(v))
      throw new HlsError(
        number,
        `the query parameter ${clip(param, 40)} holds a line break or a quote, which a variable cannot`,
      );
    if (v.length > MANIFEST_BUDGET.maxValueChars)
      throw new HlsError(number, `the query parameter ${clip(param, 40)} is too long to be a variable`);
    this.sub.define(number, param, v);
  }

  end(lines: number): ParsedHls {
    if (this.pendingVariant && !this.list.overLimit)
      throw new HlsError(lines, 'the last EXT-X-STREAM-INF has no URI line after it');
    return {
      refs: this.list.refs,
      type: this.type ?? 'media',
      variables: this.sub.variables,
      ...(this.list.overLimit ? { overLimit: true } : {}),
    };
  }
}
