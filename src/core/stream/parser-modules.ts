/*
 * The field's manifest parsers (video.js's m3u8-parser and mpd-parser, and xmldom, the
 * XML parser mpd-parser uses), each behind a function that requires it when called.
 *
 * Nothing imports this module at load time: hls.ts and dash.ts require it on first
 * use, so the parsers never run while the extension activates. It is also the one seam
 * for keeping them out of the start-up bundle: built as an entry of its own (e.g.
 * dist/stream-parsers.js) with `./parser-modules` marked external and mapped to it, the
 * extension's bundle holds none of their ~118 KB (minified).
 *
 * The packages have no type definitions of their own: the interfaces below declare the
 * parts we read.
 */

// ---- m3u8-parser ----
export interface M3u8Uri {
  uri?: string;
}
export interface M3u8Segment extends M3u8Uri {
  key?: M3u8Uri;
  map?: M3u8Uri;
  parts?: M3u8Uri[];
  preloadHints?: (M3u8Uri & { type?: string })[];
  attributes?: Record<string, unknown>;
}
export interface M3u8Manifest {
  playlists?: (M3u8Uri & { attributes?: Record<string, unknown> })[];
  mediaGroups?: Record<string, Record<string, Record<string, M3u8Uri>>>;
  iFramePlaylists?: (M3u8Uri & { attributes?: Record<string, unknown> })[];
  segments?: M3u8Segment[];
  preloadSegment?: M3u8Segment;
  renditionReports?: M3u8Uri[];
  /** FairPlay, PlayReady and Widevine `EXT-X-KEY`s land here, not on the segments. */
  contentProtection?: Record<string, { attributes?: { URI?: string } }>;
  definitions?: Record<string, string>;
}
export interface M3u8Parser {
  push(text: string): void;
  end(): void;
  on(event: 'error' | 'warn', listener: (e: { message: string }) => void): void;
  addParser(options: { expression: RegExp; customType: string; dataParser: (line: string) => unknown }): void;
  manifest: M3u8Manifest;
}
export interface M3u8Module {
  Parser: new (options?: { uri?: string; mainDefinitions?: Record<string, string> }) => M3u8Parser;
}

// ---- mpd-parser ----
export interface DashSegmentInfo {
  template?: { timescale?: number; presentationTimeOffset?: number; endNumber?: unknown };
  list?: unknown;
  base?: unknown;
  segmentTimeline?: { t?: number; d: number; r?: number }[];
}
export interface DashRepresentationInfo {
  attributes: Record<string, unknown> & { type?: string; periodStart?: number; periodDuration?: number; sourceDuration?: number; baseUrl?: string };
  segmentInfo: DashSegmentInfo;
}
export interface DashResolved {
  resolvedUri?: string;
  map?: { resolvedUri?: string };
}
export interface DashPlaylist {
  attributes: Record<string, unknown>;
  segments?: DashResolved[];
  sidx?: DashResolved;
}
export interface MpdModule {
  inheritAttributes(mpd: unknown, options: { manifestUri: string }): { representationInfo: DashRepresentationInfo[] };
  toPlaylists(representations: DashRepresentationInfo[]): DashPlaylist[];
}

// ---- @xmldom/xmldom ----
export interface XmlModule {
  DOMParser: new (options: { errorHandler: (level: string, message: string) => void }) => {
    parseFromString(text: string, type: string): { documentElement?: { tagName?: string; localName?: string } | null };
  };
}

/* eslint-disable @typescript-eslint/no-require-imports -- required when called, on purpose (see the top of this file) */
export const loadM3u8 = (): M3u8Module => require('m3u8-parser') as M3u8Module;
export const loadMpd = (): MpdModule => require('mpd-parser') as MpdModule;
export const loadXmldom = (): XmlModule => require('@xmldom/xmldom') as XmlModule;
/* eslint-enable @typescript-eslint/no-require-imports */

export type ParserModules = { loadM3u8: typeof loadM3u8; loadMpd: typeof loadMpd; loadXmldom: typeof loadXmldom };
