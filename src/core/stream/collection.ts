import { onFirstUse } from '../first-use';
import { validateObjectPath } from '../validators';
import { MANIFEST_BUDGET, clip } from './budget';
import { keyOf, type Entry, type Playlist } from './order';
import type { ReaderModule } from './readers';
import {
  StreamCollectError,
  type CollectOptions,
  type FetchTextResult,
  type ManifestRef,
  type StreamLimits,
  type StreamTarget,
} from './types';

/* Steps 2 and 3 of collector.ts: reading every manifest of a stream, and what each references. */

function httpHint(status: number): string {
  if (status === 404) return ' (no such object)';
  if (status === 401 || status === 403) return ' (access denied: an authenticated bucket needs a signed URL)';
  if (status >= 300 && status < 400) return ' (a redirect, which is not followed)';
  return '';
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** The readers and the XML parser: dist/stream-readers.js, loaded with the first manifest read. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadReaders = /* @__PURE__ */ onFirstUse('stream-readers.js', () => require('./readers') as ReaderModule);

/** Steps 2 and 3: reading every manifest, and what each references. */
export class Collection {
  readonly playlists: Map<string, Playlist>;
  private readonly paths: Set<string>;
  private readonly queue: Playlist[];
  private readonly internal = new AbortController();
  overLimit: string | undefined;
  manifestsRead = 0;
  /** Bytes of manifest text read, and references left out: both bounded (budget.ts). */
  private bytesRead = 0;
  private leftOutCount = 0;

  constructor(
    private readonly root: Playlist,
    private readonly rootText: string | undefined,
    private readonly limits: StreamLimits,
    private readonly options: CollectOptions,
  ) {
    this.playlists = new Map([[root.key, root]]);
    this.paths = new Set([root.key]);
    this.queue = [root];
  }

  private stop(reason: string): void {
    this.overLimit ??= reason;
    this.internal.abort();
  }

  /** Reads up to `concurrency` manifests at once; children are queued as their parents are parsed. */
  async readAll(): Promise<void> {
    const outer = this.options.signal;
    const onOuterAbort = () => this.internal.abort(outer?.reason);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    try {
      while (failure === undefined && !this.internal.signal.aborted) {
        while (this.queue.length && inFlight.size < this.limits.concurrency && !this.internal.signal.aborted) {
          const task: Promise<void> = this.readOne(this.queue.shift()!)
            .catch((error: unknown) => {
              failure ??= error;
              this.internal.abort();
            })
            .finally(() => inFlight.delete(task));
          inFlight.add(task);
        }
        if (!inFlight.size) break;
        await Promise.race(inFlight);
      }
      await Promise.allSettled([...inFlight]);
    } finally {
      outer?.removeEventListener('abort', onOuterAbort);
    }
    if (outer?.aborted) throw outer.reason;
    if (failure !== undefined) throw failure;
  }

  /** One manifest: read, parsed, its references turned into entries. A hint's failure leaves it out. */
  private async readOne(node: Playlist): Promise<void> {
    try {
      const reply = await this.textOf(node);
      if (reply === undefined) return;
      const { refs, readerStopped, listed } = this.parse(node, reply);
      const pathLimit =
        listed !== undefined
          ? `the MPD lists ${listed} segments, more than the limit of ${this.limits.maxPaths} paths`
          : `the stream has more than ${this.limits.maxPaths} paths`;
      node.entries = this.entriesOf(node, refs, pathLimit);
      // The reader stopped at the room that was left, yet no limit was reached here (a URI listed in two manifests, say).
      if (readerStopped) this.stop(pathLimit);
    } catch (error) {
      if (!node.hint || !(error instanceof StreamCollectError)) throw error;
      node.failed = error.reason;
    }
  }

  private async textOf(node: Playlist): Promise<FetchTextResult | undefined> {
    if (node === this.root && this.rootText !== undefined) return { status: 200, text: this.rootText };
    let reply: FetchTextResult;
    try {
      reply = await this.options.fetchText(node.url, this.internal.signal);
    } catch (error) {
      if (this.internal.signal.aborted) return undefined;
      throw new StreamCollectError(node.url, `network error: ${describe(error)}`, node.from);
    }
    if (this.internal.signal.aborted) return undefined;
    this.manifestsRead++;
    if (reply.status < 200 || reply.status > 299)
      throw new StreamCollectError(node.url, `HTTP ${reply.status}${httpHint(reply.status)}`, node.from);
    this.bytesRead += reply.text.length;
    if (this.bytesRead > MANIFEST_BUDGET.maxTotalBytes) {
      this.stop(`its manifests add up to more than ${MANIFEST_BUDGET.maxTotalBytes / 1024 / 1024} MiB`);
      return undefined;
    }
    return reply;
  }

  private parse(
    node: Playlist,
    { text, contentType }: FetchTextResult,
  ): { refs: ManifestRef[]; readerStopped: boolean; listed?: number } {
    const { looksLikeHls, looksLikeDash, readHls, readDash } = loadReaders();
    if (text.length > MANIFEST_BUDGET.maxBytes)
      throw new StreamCollectError(
        node.url,
        `it is larger than ${MANIFEST_BUDGET.maxBytes / 1024 / 1024} MiB`,
        node.from,
      );
    const hls = looksLikeHls(text);
    if (!hls && !looksLikeDash(text)) {
      const start = JSON.stringify(text.trimStart().slice(0, 40));
      throw new StreamCollectError(
        node.url,
        `it is neither an HLS playlist (#EXTM3U) nor a DASH MPD${contentType ? ` (Content-Type ${clip(contentType, 80)})` : ''}; it begins ${start}`,
        node.from,
      );
    }
    if (node !== this.root && !hls)
      throw new StreamCollectError(
        node.url,
        'an HLS playlist references it as a playlist, but it is a DASH MPD',
        node.from,
      );
    node.format = hls ? 'hls' : 'dash';
    // A reader stops at the references this collection can still take, kept or left out.
    const room = this.limits.maxPaths - this.paths.size + (MANIFEST_BUDGET.maxLeftOutTotal - this.leftOutCount);
    try {
      if (!hls) {
        const parsed = readDash(text, { url: node.url, maxRefs: room });
        return {
          refs: parsed.refs,
          readerStopped: !!parsed.overLimit,
          ...(parsed.listed !== undefined ? { listed: parsed.listed } : {}),
        };
      }
      const parsed = readHls(text, {
        url: node.url,
        ...(node.imported ? { imported: node.imported } : {}),
        subtitles: node.subtitles,
        maxRefs: room,
      });
      if (node !== this.root && parsed.type === 'multivariant')
        throw new Error(
          'it is a multivariant playlist, but a playlist that another one references must be a media playlist (RFC 8216bis 4.3.4.2)',
        );
      node.hlsType = parsed.type;
      node.variables = parsed.variables;
      return { refs: parsed.refs, readerStopped: !!parsed.overLimit };
    } catch (error) {
      throw new StreamCollectError(node.url, `it could not be parsed: ${describe(error)}`, node.from);
    }
  }

  /** Where an absolute URL belongs: an object of the root's bucket, or the reason it is not collected. */
  private classify(url: URL): StreamTarget | string {
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return `a ${clip(url.protocol, 20)} URI is not an object in a bucket (a DRM key system's URI, or inline data)`;
    const unsafe = readableProblem(url);
    if (unsafe) return `not read or purged: ${unsafe}`;
    const mapped = this.options.toTarget(url);
    const bucket = this.root.target.bucket;
    if ('reason' in mapped) return `not in this bucket: ${mapped.reason}`;
    if (mapped.bucket !== bucket)
      return `not in this bucket: it is in the bucket ${mapped.bucket}, the stream in ${bucket}`;
    const path = validateObjectPath(mapped.path);
    return path.ok ? { bucket, path: path.value } : `not an object path: ${path.message}`;
  }

  private entriesOf(node: Playlist, refs: ManifestRef[], pathLimit: string): Entry[] {
    const entries: Entry[] = [];
    const folder = folderOf(node);
    const push = (entry: Entry) => {
      // A left-out URI is kept for the preview only: a few hundred characters of it are enough.
      entries.push(
        entry.type === 'left' ? { type: 'left', uri: clip(entry.uri, 300), reason: clip(entry.reason, 300) } : entry,
      );
      if (entry.type === 'left' && ++this.leftOutCount > MANIFEST_BUDGET.maxLeftOutTotal)
        this.stop(`more than ${MANIFEST_BUDGET.maxLeftOutTotal} references are left out`);
    };
    for (const ref of refs) {
      if (this.overLimit) break;
      if (ref.leftOut) {
        push({ type: 'left', uri: ref.uri, reason: ref.leftOut });
        continue;
      }
      if (ref.uri.trim() === '') {
        push({ type: 'left', uri: ref.uri, reason: 'an empty URI' });
        continue;
      }
      if (ref.uri.length > MANIFEST_BUDGET.maxValueChars) {
        push({ type: 'left', uri: ref.uri, reason: `a URI longer than ${MANIFEST_BUDGET.maxValueChars} characters` });
        continue;
      }
      // Most references are a segment's name beside its playlist: its URL and path are the playlist's folder and the
      // name, in the same bucket (the same host), with no URL to parse (most of a large stream's time went there).
      // The pattern keeps what validateObjectPath checks (no control character, no ".." segment, ASCII), but the length.
      if (folder && !ref.follow && folder.bytes + ref.uri.length <= 1024 && PLAIN_RELATIVE.test(ref.uri)) {
        const target = { bucket: node.target.bucket, path: folder.path + ref.uri };
        const key = keyOf(target);
        const entry: Entry = { type: 'object', url: folder.href + ref.uri, target, key, kind: ref.kind };
        if (ref.rendition) entry.rendition = ref.rendition;
        if (ref.shared) entry.shared = true;
        entries.push(entry);
        this.paths.add(key);
        if (this.paths.size > this.limits.maxPaths) this.stop(pathLimit);
        continue;
      }
      let url: URL;
      try {
        url = new URL(ref.uri, node.url);
      } catch {
        push({ type: 'left', uri: ref.uri, reason: 'not a valid URI' });
        continue;
      }
      if (url.hash) url.hash = '';
      const target = this.classify(url);
      if (typeof target === 'string') {
        push({ type: 'left', uri: url.href, reason: target });
        continue;
      }
      const key = keyOf(target);
      if (ref.follow) {
        const entry = this.follow(node, ref, url, target, key);
        if (!entry) break;
        push(entry);
        if (entry.type === 'left') continue;
      } else {
        entries.push({
          type: 'object',
          url: url.href,
          target,
          key,
          kind: ref.kind,
          ...(ref.rendition ? { rendition: ref.rendition } : {}),
          ...(ref.shared ? { shared: true } : {}),
        });
      }
      this.paths.add(key);
      if (this.paths.size > this.limits.maxPaths) this.stop(pathLimit);
    }
    return entries;
  }

  /** A playlist to read in turn: queued once, however many manifests name it. */
  private follow(node: Playlist, ref: ManifestRef, url: URL, target: StreamTarget, key: string): Entry | undefined {
    const hint = !!ref.hint;
    const known = this.playlists.get(key);
    if (known) {
      if (!hint) known.hint = false;
      return { type: 'playlist', key, hint };
    }
    // Under a multivariant playlist every rendition is listed before any is read: a report naming another
    // playlist points outside this stream, and is not followed. (Under a media playlist root, it names a sibling.)
    if (hint && this.root.hlsType === 'multivariant') {
      return {
        type: 'left',
        uri: url.href,
        reason:
          'a rendition report names a playlist that the multivariant playlist does not list, so it is not part of this stream',
      };
    }
    if (node.depth + 1 > this.limits.maxDepth) {
      if (hint)
        return {
          type: 'left',
          uri: url.href,
          reason: `a rendition report more than ${this.limits.maxDepth} levels below the root`,
        };
      throw new StreamCollectError(
        url.href,
        `the playlists nest deeper than ${this.limits.maxDepth} levels below the root`,
        node.url,
      );
    }
    if (this.playlists.size >= this.limits.maxManifests) {
      this.stop(`the stream has more than ${this.limits.maxManifests} manifests`);
      return undefined;
    }
    // A media playlist's IMPORT reads the multivariant playlist that loaded it; a rendition report's target was loaded by the same one.
    const imported = node.hlsType === 'multivariant' ? node.variables : node.imported;
    const child: Playlist = {
      key,
      url: url.href,
      target,
      kind: ref.kind,
      depth: node.depth + 1,
      label: ref.follow!.label,
      subtitles: ref.follow!.subtitles,
      from: node.url,
      hint,
      ...(imported ? { imported } : {}),
    };
    this.playlists.set(key, child);
    this.queue.push(child);
    return { type: 'playlist', key, hint };
  }
}

/**
 * A relative reference that resolves by appending it to its playlist's folder, exactly as
 * `new URL` would: characters a URL keeps as they are (no `%`, `?`, `#`, `:`, `\`), no
 * dot segment, no empty segment, not starting with `/` or `.`.
 */
const PLAIN_RELATIVE =
  /^(?!.*\/\.{1,2}(?:\/|$))(?!.*\/\/)[A-Za-z0-9_~!$&'()*+,;=@-][A-Za-z0-9._~!$&'()*+,;=@/-]{0,1023}$/;

/** A playlist's folder, as a URL prefix and as a bucket path prefix; none where the two might not agree (escapes, `//`). */
function folderOf(node: Playlist): { href: string; path: string; bytes: number } | undefined {
  let url: URL;
  try {
    url = new URL(node.url);
  } catch {
    return undefined;
  }
  const { pathname } = url;
  if (
    pathname.includes('%') ||
    pathname.startsWith('//') ||
    !node.target.path.endsWith(pathname.slice(pathname.lastIndexOf('/') + 1))
  )
    return undefined;
  const path = node.target.path.slice(0, node.target.path.lastIndexOf('/') + 1);
  return {
    href: `${url.origin}${pathname.slice(0, pathname.lastIndexOf('/') + 1)}`,
    path,
    bytes: Buffer.byteLength(path),
  };
}

/**
 * Only what a media-storage host or a playback domain serves is read: https on its
 * own port, with no credentials. A hostile manifest cannot make the editor send a
 * cleartext request, or one to another port of a host it can name.
 */
export function readableProblem(url: URL): string | undefined {
  if (url.protocol !== 'https:') return `only https addresses are read, not ${clip(url.protocol, 20)}`;
  if (url.port !== '') return `only the default https port is read, not ${url.port}`;
  if (url.username || url.password) return 'an address with credentials in it is not read';
  return undefined;
}
