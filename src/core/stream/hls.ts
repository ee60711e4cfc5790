import type { M3u8Module, M3u8Segment, ParserModules } from './parser-modules';
import type { ManifestRef, ParsedManifest } from './types';

/*
 * HLS: what one playlist references, read with video.js's m3u8-parser.
 *
 * The parser is required on first use, not imported (through parser-modules.ts): it
 * does not execute while the extension activates.
 *
 * Supplemented by hand, because m3u8-parser 7 does not expose them:
 * - `EXT-X-SESSION-KEY` and `EXT-X-SESSION-DATA` (master playlist tags it skips): read
 *   through the parser's own extension point, `addParser`, with `attributeList` below
 *   for their attribute lists. Nothing else is read outside the parser.
 */

let m3u8: M3u8Module | undefined;
function loadParser(): M3u8Module {
  // Lazy on purpose (see the top of this file and parser-modules.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (m3u8 ??= (require('./parser-modules') as ParserModules).loadM3u8());
}

/** True when the text is an HLS playlist: its first line is `#EXTM3U` (RFC 8216 4.3.1.1). */
export function looksLikeHls(text: string): boolean {
  return /^\uFEFF?[ \t]*#EXTM3U[ \t]*(\r?\n|$)/.test(text);
}

/**
 * A small reader for the attribute list of one tag line (RFC 8216 4.2):
 * `NAME=value` pairs, comma separated, values quoted or not. Used only for the tags
 * the parser skips.
 */
export function attributeList(line: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  const list = line.slice(line.indexOf(':') + 1);
  for (const m of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) attributes[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return attributes;
}

function label(kind: string, attributes: Record<string, unknown> | undefined): string {
  const r = attributes?.RESOLUTION as { width?: number; height?: number } | undefined;
  const b = attributes?.BANDWIDTH;
  const bandwidth = typeof b !== 'number' ? '' : b >= 1000 ? `${Math.round(b / 1000)}k` : `${b}bps`;
  return [kind, r?.width && r.height ? `${r.width}x${r.height}` : '', bandwidth].filter(Boolean).join(' ');
}

/**
 * The references of one playlist, in a stable order: session keys and data, renditions
 * (`EXT-X-MEDIA`), variants, I-frame playlists, then for each segment its key, its init
 * section, itself and its parts; rendition reports last. Throws on a parse error.
 */
export function readHls(text: string, url: string, mainDefinitions?: Record<string, string>, subtitles = false): ParsedManifest {
  const { Parser } = loadParser();
  const parser = new Parser({ uri: url, ...(mainDefinitions ? { mainDefinitions } : {}) });
  const errors: string[] = [];
  parser.on('error', (e) => errors.push(e.message));
  const session: ManifestRef[] = [];
  parser.addParser({
    expression: /^#EXT-X-SESSION-KEY:/,
    customType: 'qencodeSessionKey',
    dataParser: (line) => {
      const a = attributeList(line);
      if (a.URI && a.METHOD !== 'NONE') session.push({ uri: a.URI, kind: 'key', shared: true });
    },
  });
  parser.addParser({
    expression: /^#EXT-X-SESSION-DATA:/,
    customType: 'qencodeSessionData',
    dataParser: (line) => {
      const a = attributeList(line);
      if (a.URI) session.push({ uri: a.URI, kind: 'data', shared: true });
    },
  });
  parser.push(text);
  parser.end();
  if (errors.length) throw new Error(errors.join('; '));
  const m = parser.manifest;
  // The parser substitutes EXT-X-DEFINE variables in the tags it knows; do the same for the two above.
  const substitute = (uri: string) => Object.entries(m.definitions ?? {}).reduce((u, [name, value]) => u.replaceAll(`{$${name}}`, value), uri);
  const refs: ManifestRef[] = session.map((r) => ({ ...r, uri: substitute(r.uri) }));

  for (const [type, groups] of Object.entries(m.mediaGroups ?? {})) {
    for (const renditions of Object.values(groups)) {
      for (const [name, rendition] of Object.entries(renditions)) {
        if (rendition.uri) refs.push({ uri: rendition.uri, kind: 'playlist', follow: { label: `${type.toLowerCase()} ${name}`, subtitles: type === 'SUBTITLES' } });
      }
    }
  }
  // m3u8-parser keeps variants and segments in one array (`playlists` and `segments` may be
  // the same one, in a playlist that has both kinds of line): a variant has attributes.
  for (const p of m.playlists ?? []) if (p.uri && p.attributes) refs.push({ uri: p.uri, kind: 'playlist', follow: { label: label('video', p.attributes), subtitles: false } });
  for (const p of m.iFramePlaylists ?? []) if (p.uri) refs.push({ uri: p.uri, kind: 'iframe-playlist', follow: { label: label('i-frames', p.attributes), subtitles: false } });
  // DRM key systems (their URIs are skd:, data: and the like; the collector says so).
  for (const system of Object.values(m.contentProtection ?? {})) if (system.attributes?.URI) refs.push({ uri: system.attributes.URI, kind: 'key' });

  const segmentKind = subtitles ? 'subtitle' : 'segment';
  // The parser repeats the key and init section on every segment they apply to: listed once per change.
  let lastKey: string | undefined;
  let lastMap: string | undefined;
  const addSegment = (s: M3u8Segment) => {
    if (s.key?.uri && s.key.uri !== lastKey) refs.push({ uri: s.key.uri, kind: 'key' });
    if (s.map?.uri && s.map.uri !== lastMap) refs.push({ uri: s.map.uri, kind: 'init' });
    lastKey = s.key?.uri;
    lastMap = s.map?.uri;
    if (s.uri) refs.push({ uri: s.uri, kind: segmentKind });
    for (const part of s.parts ?? []) if (part.uri) refs.push({ uri: part.uri, kind: 'part' });
    for (const hint of s.preloadHints ?? []) if (hint.uri) refs.push({ uri: hint.uri, kind: hint.type === 'MAP' ? 'init' : 'part' });
  };
  for (const s of m.segments ?? []) if (!s.attributes) addSegment(s);
  if (m.preloadSegment) addSegment(m.preloadSegment);
  for (const r of m.renditionReports ?? []) if (r.uri) refs.push({ uri: r.uri, kind: 'playlist', follow: { label: 'rendition report', subtitles: false } });
  return { refs, ...(m.definitions ? { definitions: m.definitions } : {}) };
}
