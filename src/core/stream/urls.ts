import { mapUrl } from '../purge';
import { validateBucketName, validateObjectPath } from '../validators';
import type { Domain } from '../schemas';

/*
 * Qencode URLs in any text: a URL on a bucket's media-storage host or on a known vod
 * domain. Cheap enough for a hover: it reads one line. No `vscode` here.
 */
export interface QencodeUrl {
  url: string;
  /** Offsets within the text (a line for `qencodeUrlAt`). */
  start: number;
  end: number;
  bucket: string;
  path: string;
  /** The vod domain it was mapped through; undefined for a media-storage URL. */
  domain?: string;
  /** A manifest a stream can be purged from. */
  manifest: boolean;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>()[\]{}`\\]+/gi;

/**
 * How much text a hover, a code action or a command scans: a window around the cursor
 * (a minified file's one line can be megabytes long), the first part of a selection,
 * and the first URLs found in it.
 */
export const URL_SCAN = { window: 4096, selectionChars: 256 * 1024, urls: 1000 } as const;

/** Trailing punctuation that ends a sentence, not the URL (a loop: a regex anchored at the end backtracks on a long run). */
function trim(s: string): string {
  let end = s.length;
  while (end > 0 && '.,;:!?'.includes(s[end - 1]!)) end--;
  return s.slice(0, end);
}

export function isManifestPath(path: string): boolean {
  return /\.(m3u8|mpd)$/i.test(path);
}

/** Every Qencode URL in a text (a line, a selection), the first `max` of them. */
export function qencodeUrlsIn(text: string, domains: readonly Domain[], max: number = URL_SCAN.urls): QencodeUrl[] {
  const found: QencodeUrl[] = [];
  for (const m of text.matchAll(URL_IN_TEXT)) {
    if (found.length >= max) break;
    const url = trim(m[0]);
    const target = mapUrl(url, domains);
    // A path that is not an object path (control characters once decoded, say) is not offered at all.
    if ('reason' in target || !validateObjectPath(target.path).ok) continue;
    const host = new URL(url).hostname.toLowerCase();
    found.push({
      url,
      start: m.index,
      end: m.index + url.length,
      bucket: target.bucket,
      path: target.path,
      ...(host.includes('.media-storage.') ? {} : { domain: host }),
      manifest: isManifestPath(target.path),
    });
  }
  return found;
}

/**
 * The Qencode URL under a position of a line, if there is one. Only a window of the
 * line around the position is scanned; offsets are the line's.
 */
/** The window of a line around a position that a hover or a command scans, and where it starts in the line. */
function windowAround(line: string, character: number): { text: string; offset: number } {
  if (line.length <= 2 * URL_SCAN.window) return { text: line, offset: 0 };
  const offset = Math.max(0, character - URL_SCAN.window);
  return { text: line.slice(offset, character + URL_SCAN.window), offset };
}

/**
 * A match inside a longer URL (one with `?next=https://…` in it, whose start the window
 * cut off) or running past the window's end is not taken for a URL of its own: the
 * character before it, or after the window, belongs to a URL.
 */
function cutAtEdge(line: string, offset: number, windowLength: number, start: number, end: number): boolean {
  const urlChar = (c: string | undefined) => c !== undefined && /[^\s"'<>()[\]{}`\\]/.test(c);
  return urlChar(line[offset + start - 1]) || (end >= windowLength && urlChar(line[offset + windowLength]));
}

/**
 * The Qencode URL under a position of a line, if there is one. Only a window of the
 * line around the position is scanned; offsets are the line's.
 */
export function qencodeUrlAt(line: string, character: number, domains: readonly Domain[]): QencodeUrl | undefined {
  const { text, offset } = windowAround(line, character);
  if (!/https?:\/\//i.test(text)) return undefined;
  const found = qencodeUrlsIn(text, domains).find((u) => character - offset >= u.start && character - offset <= u.end);
  if (!found || cutAtEdge(line, offset, text.length, found.start, found.end)) return undefined;
  return { ...found, start: found.start + offset, end: found.end + offset };
}

/** The URL (any host) under a position of a line, in the same window: a manifest URL to purge a stream from. */
export function urlAt(line: string, character: number): string | undefined {
  const { text, offset } = windowAround(line, character);
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const url = trim(m[0]);
    if (character - offset < m.index || character - offset > m.index + url.length) continue;
    return cutAtEdge(line, offset, text.length, m.index, m.index + m[0].length) ? undefined : url;
  }
  return undefined;
}

/**
 * `https://{bucket}.media-storage.{region}.qencode.com/{path}`, path segments encoded.
 * The bucket and the region make the host name, so only a valid bucket name and a known
 * region are taken: no text from a reply or from stored state can choose the host.
 */
export function mediaStorageUrl(bucket: string, region: string, path: string): string {
  const name = validateBucketName(bucket);
  if (!name.ok || name.value !== bucket)
    throw new Error(`"${bucket}" is not a bucket name: ${name.ok ? 'it has spaces around it' : name.message}`);
  if (!isMediaStorageRegion(region))
    throw new Error(`"${region}" is not a media-storage region (${MEDIA_STORAGE_REGIONS.join(', ')})`);
  return `https://${bucket}.media-storage.${region}.qencode.com/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** `https://{domain}/{path}`, for a vod playback domain. */
export function playbackUrl(domain: string, path: string): string {
  return `https://${domain}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export const MEDIA_STORAGE_REGIONS = ['us-west', 'eu-central'] as const;

export function isMediaStorageRegion(region: unknown): region is (typeof MEDIA_STORAGE_REGIONS)[number] {
  return (MEDIA_STORAGE_REGIONS as readonly unknown[]).includes(region);
}
