import { validateObjectPath } from '../validators';
import { looksLikeDash, readDash } from './dash';
import { looksLikeHls, readHls } from './hls';
import {
  DEFAULT_STREAM_LIMITS,
  StreamCollectError,
  type CollectOptions,
  type LeftOut,
  type ManifestRef,
  type RenditionSummary,
  type StreamCollection,
  type StreamObject,
  type StreamObjectKind,
  type StreamLimits,
  type StreamTarget,
} from './types';

/*
 * The stream collector: from a root manifest, every object of the stream, each path
 * once, in the order to purge them.
 *
 * - Reading: the root, then every playlist it references, recursively, up to
 *   `concurrency` at once, so the time is about the depth of the playlist tree in
 *   round trips. Each manifest is read once (by bucket and path), which also ends a
 *   cycle. A manifest that cannot be read or parsed stops everything with a
 *   StreamCollectError; nothing partial is returned.
 * - Mapping: a URI resolves against its own manifest's URL (`new URL(uri, manifest)`),
 *   then `toTarget` maps it to a bucket and path. Only objects in the root's bucket are
 *   collected; anything else is left out with the reason, and a playlist left out is
 *   not read.
 * - Order: the result does not depend on which reply came first. After reading, the
 *   tree is walked depth first in document order; media objects come first, then the
 *   manifests, deepest first, the root last.
 */

type Entry =
  | { type: 'object'; url: string; target: StreamTarget; kind: StreamObjectKind; rendition?: string; shared?: boolean }
  | { type: 'playlist'; key: string }
  | { type: 'left'; uri: string; reason: string };

interface Node {
  key: string;
  url: string;
  target: StreamTarget;
  kind: StreamObjectKind;
  depth: number;
  label?: string;
  subtitles: boolean;
  from?: string;
  definitions?: Record<string, string>;
  format?: 'hls' | 'dash';
  entries?: Entry[];
}

const keyOf = (t: StreamTarget) => `${t.bucket}\n${t.path}`;

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

/** Reads the root manifest at `rootUrl` and everything it references. */
export function collectStream(rootUrl: string, options: CollectOptions): Promise<StreamCollection> {
  return collect(rootUrl, undefined, options);
}

/**
 * The same from a manifest's text (a local file), published at `rootUrl`: the bucket
 * and path it has (or will have) there. URIs in it resolve against `rootUrl`, and what
 * it references is read from there.
 */
export function collectFromText(rootText: string, rootUrl: string, options: CollectOptions): Promise<StreamCollection> {
  return collect(rootUrl, rootText, options);
}

async function collect(rootUrl: string, rootText: string | undefined, options: CollectOptions): Promise<StreamCollection> {
  const d = DEFAULT_STREAM_LIMITS;
  const limits: StreamLimits = {
    maxPaths: options.maxPaths ?? d.maxPaths,
    maxManifests: options.maxManifests ?? d.maxManifests,
    maxDepth: options.maxDepth ?? d.maxDepth,
    concurrency: options.concurrency ?? d.concurrency,
  };
  const { fetchText, toTarget } = options;
  const outer = options.signal;
  outer?.throwIfAborted();

  let rootParsed: URL;
  try {
    rootParsed = new URL(rootUrl);
  } catch {
    throw new StreamCollectError(rootUrl, 'not a valid URL');
  }
  rootParsed.hash = '';
  const unsafe = readableProblem(rootParsed);
  if (unsafe) throw new StreamCollectError(rootUrl, unsafe);
  const rootMapped = toTarget(rootParsed);
  if ('reason' in rootMapped) throw new StreamCollectError(rootUrl, `it is not an object in a bucket: ${rootMapped.reason}`);
  const rootPath = validateObjectPath(rootMapped.path);
  if (!rootPath.ok) throw new StreamCollectError(rootUrl, rootPath.message);
  const bucket = rootMapped.bucket;

  /** Where an absolute URL belongs: an object of this bucket, or the reason it is not collected. */
  const classify = (url: URL): StreamTarget | string => {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return `a ${url.protocol} URI is not an object in a bucket (a DRM key system's URI, or inline data)`;
    const unsafeChild = readableProblem(url);
    if (unsafeChild) return `not read or purged: ${unsafeChild}`;
    const mapped = toTarget(url);
    if ('reason' in mapped) return `not in this bucket: ${mapped.reason}`;
    if (mapped.bucket !== bucket) return `not in this bucket: it is in the bucket ${mapped.bucket}, the stream in ${bucket}`;
    const path = validateObjectPath(mapped.path);
    return path.ok ? { bucket, path: path.value } : `not an object path: ${path.message}`;
  };

  const internal = new AbortController();
  const onOuterAbort = () => internal.abort(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });

  const root: Node = { key: keyOf({ bucket, path: rootPath.value }), url: rootParsed.href, target: { bucket, path: rootPath.value }, kind: 'manifest', depth: 0, subtitles: false };
  const nodes = new Map<string, Node>([[root.key, root]]);
  const paths = new Set<string>([root.key]);
  const queue: Node[] = [root];
  let overLimit: string | undefined;
  let manifestsRead = 0;
  const stop = (reason: string) => {
    overLimit ??= reason;
    internal.abort();
  };

  const read = async (node: Node): Promise<void> => {
    let text: string;
    let contentType: string | undefined;
    if (node === root && rootText !== undefined) text = rootText;
    else {
      let reply;
      try {
        reply = await fetchText(node.url, internal.signal);
      } catch (error) {
        if (internal.signal.aborted) return;
        throw new StreamCollectError(node.url, `network error: ${describe(error)}`, node.from);
      }
      if (internal.signal.aborted) return;
      manifestsRead++;
      if (reply.status < 200 || reply.status > 299) throw new StreamCollectError(node.url, `HTTP ${reply.status}${httpHint(reply.status)}`, node.from);
      text = reply.text;
      contentType = reply.contentType;
    }
    const hls = looksLikeHls(text);
    if (!hls && !looksLikeDash(text)) {
      const start = JSON.stringify(text.trimStart().slice(0, 40));
      throw new StreamCollectError(node.url, `it is neither an HLS playlist (#EXTM3U) nor a DASH MPD${contentType ? ` (Content-Type ${contentType})` : ''}; it begins ${start}`, node.from);
    }
    if (node !== root && !hls) throw new StreamCollectError(node.url, 'an HLS playlist references it as a playlist, but it is a DASH MPD', node.from);
    node.format = hls ? 'hls' : 'dash';
    let refs: ManifestRef[];
    try {
      const parent = node.from ? nodes.get(node.from) : undefined;
      const parsed = hls ? readHls(text, node.url, parent?.definitions, node.subtitles) : readDash(text, node.url, limits.maxPaths);
      refs = parsed.refs;
      if (parsed.definitions) node.definitions = parsed.definitions;
    } catch (error) {
      throw new StreamCollectError(node.url, `it could not be parsed: ${describe(error)}`, node.from);
    }
    node.entries = toEntries(node, refs);
  };

  const toEntries = (node: Node, refs: ManifestRef[]): Entry[] => {
    const entries: Entry[] = [];
    // A URI listed again in the same manifest (byte ranges of one file, say) is the same object.
    const seen = new Set<string>();
    for (const ref of refs) {
      if (overLimit) break;
      if (!ref.follow && !ref.leftOut) {
        if (seen.has(ref.uri)) continue;
        seen.add(ref.uri);
      }
      if (ref.leftOut) {
        entries.push({ type: 'left', uri: ref.uri, reason: ref.leftOut });
        continue;
      }
      let url: URL;
      try {
        url = new URL(ref.uri, node.url);
      } catch {
        entries.push({ type: 'left', uri: ref.uri, reason: 'not a valid URI' });
        continue;
      }
      if (url.hash) url.hash = '';
      const target = classify(url);
      if (typeof target === 'string') {
        entries.push({ type: 'left', uri: url.href, reason: target });
        continue;
      }
      const key = keyOf(target);
      if (ref.follow) {
        if (!nodes.has(key)) {
          if (node.depth + 1 > limits.maxDepth) throw new StreamCollectError(url.href, `the playlists nest deeper than ${limits.maxDepth} levels below the root`, node.url);
          if (nodes.size >= limits.maxManifests) {
            stop(`the stream has more than ${limits.maxManifests} manifests`);
            break;
          }
          const child: Node = { key, url: url.href, target, kind: ref.kind, depth: node.depth + 1, label: ref.follow.label, subtitles: ref.follow.subtitles, from: node.url };
          nodes.set(key, child);
          queue.push(child);
        }
        entries.push({ type: 'playlist', key });
      } else {
        entries.push({ type: 'object', url: url.href, target, kind: ref.kind, ...(ref.rendition ? { rendition: ref.rendition } : {}), ...(ref.shared ? { shared: true } : {}) });
      }
      paths.add(key);
      if (paths.size > limits.maxPaths) stop(`the stream has more than ${limits.maxPaths} paths`);
    }
    return entries;
  };

  // Read, up to `concurrency` at once; children are queued as their parents are parsed.
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  try {
    while (failure === undefined && !internal.signal.aborted) {
      while (queue.length && inFlight.size < Math.max(1, limits.concurrency) && !internal.signal.aborted) {
        const task: Promise<void> = read(queue.shift()!)
          .catch((error: unknown) => {
            failure ??= error;
            internal.abort();
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

  return arrange(root, nodes, { overLimit, manifestsRead });
}

/** Walks the tree depth first, in document order: the result's order and summaries. */
function arrange(root: Node, nodes: Map<string, Node>, status: { overLimit: string | undefined; manifestsRead: number }): StreamCollection {
  const media: StreamObject[] = [];
  const manifests: { object: StreamObject; depth: number }[] = [];
  const emitted = new Set<string>();
  const visited = new Set<string>();
  const leftOut: LeftOut[] = [];
  const leftSeen = new Set<string>();
  const renditions = new Map<string, RenditionSummary>();
  const hasSegment = new Map<string, boolean>();
  const nameOf = new Map<Node, string>();

  const renditionName = (node: Node): string | undefined => {
    if (nameOf.has(node)) return nameOf.get(node);
    let name: string | undefined;
    if (node.format === 'hls') {
      const label = node === root ? 'media playlist' : (node.label ?? 'playlist');
      name = [...nameOf.values()].includes(label) ? `${label} (${node.target.path})` : label;
    }
    nameOf.set(node, name!);
    return name;
  };
  const emitManifest = (node: Node, rendition: string | undefined) => {
    if (emitted.has(node.key)) return;
    emitted.add(node.key);
    const object: StreamObject = { url: node.url, ...node.target, kind: node.kind, ...(rendition && node !== root ? { rendition } : {}) };
    manifests.push({ object, depth: node.depth });
  };
  const visit = (node: Node) => {
    visited.add(node.key);
    const own = renditionName(node);
    emitManifest(node, own);
    for (const entry of node.entries ?? []) {
      if (entry.type === 'left') {
        const id = `${entry.uri}\n${entry.reason}`;
        if (!leftSeen.has(id)) {
          leftSeen.add(id);
          leftOut.push({ uri: entry.uri, reason: entry.reason, from: node.url });
        }
      } else if (entry.type === 'playlist') {
        const child = nodes.get(entry.key)!;
        if (visited.has(child.key)) continue;
        // A playlist not read (the collection stopped at a limit) is still an object to purge.
        if (child.entries) visit(child);
        else emitManifest(child, child.label);
      } else {
        const key = keyOf(entry.target);
        if (emitted.has(key)) continue;
        emitted.add(key);
        const rendition = entry.shared ? undefined : (entry.rendition ?? own);
        media.push({ url: entry.url, ...entry.target, kind: entry.kind, ...(rendition ? { rendition } : {}) });
        if (!rendition) continue;
        let summary = renditions.get(rendition);
        if (!summary) {
          summary = { name: rendition, ...(node.format === 'hls' ? { playlist: node.target.path } : {}), count: 0, first: entry.target.path, last: entry.target.path };
          renditions.set(rendition, summary);
          hasSegment.set(rendition, false);
        }
        summary.count++;
        // First and last name the rendition's segments; its init section and key only when it has no segment.
        if (entry.kind === 'segment' || entry.kind === 'subtitle') {
          if (!hasSegment.get(rendition)) summary.first = entry.target.path;
          hasSegment.set(rendition, true);
          summary.last = entry.target.path;
        } else if (!hasSegment.get(rendition)) summary.last = entry.target.path;
      }
    }
  };
  visit(root);

  // Deepest first, the root last; a stable sort keeps document order within a depth.
  manifests.sort((a, b) => b.depth - a.depth);
  const objects = [...media, ...manifests.map((m) => m.object)];
  const counts: Partial<Record<StreamObjectKind, number>> = {};
  for (const o of objects) counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  const rootObject = manifests.find((m) => m.object.path === root.target.path && m.depth === 0)!.object;
  return {
    root: { ...rootObject, format: root.format ?? 'hls' },
    bucket: root.target.bucket,
    objects,
    manifestsFrom: media.length,
    leftOut,
    renditions: [...renditions.values()],
    counts,
    overLimit: status.overLimit !== undefined,
    ...(status.overLimit ? { limitReason: status.overLimit } : {}),
    manifestsRead: status.manifestsRead,
  };
}

/**
 * Only what a media-storage host or a playback domain serves is read: https on its
 * own port, with no credentials. A hostile manifest cannot make the editor send a
 * cleartext request, or one to another port of a host it can name.
 */
function readableProblem(url: URL): string | undefined {
  if (url.protocol !== 'https:') return `only https addresses are read, not ${url.protocol}`;
  if (url.port !== '') return `only the default https port is read, not ${url.port}`;
  if (url.username || url.password) return 'an address with credentials in it is not read';
  return undefined;
}
