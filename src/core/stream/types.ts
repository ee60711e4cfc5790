import { clip } from './budget';

/*
 * The types of a stream collection: what the collector reads, what it returns. A
 * stream is a root manifest (an HLS master or media playlist, or a DASH MPD) and
 * every object it references, recursively.
 */

/**
 * What an object is to the stream.
 * - `manifest`: the root (HLS master or media playlist, or DASH MPD).
 * - `playlist`: an HLS media playlist: a variant, or an `EXT-X-MEDIA` rendition
 *   (audio, video, subtitles); `iframe-playlist`: an `EXT-X-I-FRAME-STREAM-INF` one.
 * - `segment`: a media segment (whole file or the file a byte range is cut from);
 *   `subtitle`: a segment of a subtitles track (WebVTT, TTML); `part`: an LL-HLS
 *   partial segment or preload hint; `init`: an init section (`EXT-X-MAP`, DASH
 *   `Initialization`); `key`: a key (`EXT-X-KEY`, `EXT-X-SESSION-KEY`); `data`: an
 *   `EXT-X-SESSION-DATA` file (or a content steering manifest); `index`: a DASH index
 *   segment (`RepresentationIndex`, `@index`).
 */
export type StreamObjectKind =
  'manifest' | 'playlist' | 'iframe-playlist' | 'segment' | 'subtitle' | 'part' | 'init' | 'index' | 'key' | 'data';

/** The kinds a player reads to find the other objects: they are purged last. */
export const MANIFEST_KINDS: readonly StreamObjectKind[] = ['manifest', 'playlist', 'iframe-playlist'];

export function isManifestKind(kind: StreamObjectKind): boolean {
  return MANIFEST_KINDS.includes(kind);
}

export interface StreamTarget {
  bucket: string;
  path: string;
}

/**
 * Maps an absolute URL to the bucket and path it names, or says why it names none.
 * The extension passes `(url) => mapUrl(url, domains)` (src/core/purge.ts).
 */
export type ToTarget = (url: URL) => StreamTarget | { reason: string };

export interface FetchTextResult {
  status: number;
  text: string;
  contentType?: string;
}

/**
 * Reads one manifest. Injected, so the core stays testable and the extension can use
 * its own transport (undici, its proxy, its reply cap). It rejects on a network error;
 * any HTTP status is a result. `url` is the stream's own address (media-storage or vod
 * domain); a local override is the fetcher's business (see withMediaOverride).
 */
export type FetchText = (url: string, signal: AbortSignal) => Promise<FetchTextResult>;

export interface StreamLimits {
  /** Distinct paths, manifests included. Past it the collection stops and `overLimit` is set. Default 20,000. */
  maxPaths: number;
  /** Manifests read, the root included. Past it the collection stops and `overLimit` is set. Default 500. */
  maxManifests: number;
  /** Playlists below the root (a master's media playlists are at depth 1). Deeper is an error. Default 4. */
  maxDepth: number;
  /** Manifests read at once. Default 6. */
  concurrency: number;
}

export const DEFAULT_STREAM_LIMITS: Readonly<StreamLimits> = {
  maxPaths: 20_000,
  maxManifests: 500,
  maxDepth: 4,
  concurrency: 6,
};

export interface CollectOptions extends Partial<StreamLimits> {
  fetchText: FetchText;
  toTarget: ToTarget;
  signal?: AbortSignal;
}

export interface StreamObject {
  /** The absolute URL, as referenced (query kept, fragment dropped). */
  url: string;
  bucket: string;
  path: string;
  kind: StreamObjectKind;
  /** The rendition (HLS media playlist, DASH Representation) that referenced it first. */
  rendition?: string;
}

export interface LeftOut {
  /** The URI as written in the manifest, or as resolved when it could be. */
  uri: string;
  reason: string;
  /** The manifest that referenced it. */
  from: string;
}

export interface RenditionSummary {
  /** e.g. `video 1280x720 2500k`, `audio English`, `subtitles English`, `DASH video v720`. Unique. */
  name: string;
  /** The path of its HLS media playlist; absent for DASH. */
  playlist?: string;
  /** Objects (manifests aside) counted here: each object counts once, in the first rendition that references it. */
  count: number;
  /** The paths of its first and last segments (of its first and last objects when it has no segment). */
  first: string;
  last: string;
}

export interface StreamCollection {
  root: StreamObject & { format: 'hls' | 'dash' };
  bucket: string;
  /**
   * Everything to purge, each path once, in the order to send it: media objects
   * (segments, init sections, keys...) first, then the manifests, deepest first, the
   * root last, so a player never reads a fresh manifest that points at stale segments.
   */
  objects: StreamObject[];
  /** Index in `objects` of the first manifest: `objects.slice(manifestsFrom)` are the manifests. */
  manifestsFrom: number;
  /** At most MANIFEST_BUDGET.maxLeftOut of them; `leftOutMore` counts the rest. */
  leftOut: LeftOut[];
  leftOutMore: number;
  /** In the order they were met; at most MANIFEST_BUDGET.maxRenditions, `renditionsMore` counts the rest. */
  renditions: RenditionSummary[];
  renditionsMore: number;
  counts: Partial<Record<StreamObjectKind, number>>;
  /** The stream is larger than a limit: `objects` is incomplete; offer a bucket purge. */
  overLimit: boolean;
  /** Which limit, in words, when overLimit. */
  limitReason?: string;
  /** Manifests read over the network (the root of collectFromText is not). */
  manifestsRead: number;
}

/** A manifest could not be read or parsed: the collection stops, nothing is returned. */
export class StreamCollectError extends Error {
  override readonly name = 'StreamCollectError';
  constructor(
    /** The manifest's URL. */
    readonly url: string,
    /** Why, in words: `HTTP 404 (no such object)`, `not an HLS playlist or a DASH MPD`... */
    readonly reason: string,
    /** The manifest that referenced it; absent for the root. */
    readonly from?: string,
  ) {
    super(
      `Could not read the manifest ${clip(url, 300)}${from ? ` (referenced by ${clip(from, 300)})` : ''}: ${clip(reason, 1000)}`,
    );
  }
}

/**
 * What a format reader returns for one manifest: its references in document order.
 * `uri` may be relative to the manifest's URL.
 */
export interface ManifestRef {
  uri: string;
  kind: StreamObjectKind;
  /** An HLS playlist to read in turn. */
  follow?: { label: string; subtitles: boolean };
  /** For objects: the rendition they belong to (DASH); HLS objects take their playlist's. */
  rendition?: string;
  /** A master playlist's own object (EXT-X-SESSION-KEY, -DATA): in no rendition. */
  shared?: boolean;
  /** Not an object to collect, and why (a reader's finding, e.g. a folder BaseURL). */
  leftOut?: string;
  /**
   * A playlist named only as a hint (an LL-HLS `EXT-X-RENDITION-REPORT`): read when it
   * can be, left out with the reason when it cannot, and never a parent of the playlist
   * that names it.
   */
  hint?: boolean;
}

export interface ParsedManifest {
  refs: ManifestRef[];
  /** The reader stopped at its `maxRefs`: there is more than it returned. */
  overLimit?: boolean;
  /** How many segments the manifest lists (DASH counts them before expanding). */
  listed?: number;
}
