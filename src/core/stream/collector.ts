import { validateObjectPath } from '../validators';
import { Collection, readableProblem } from './collection';
import { arrange, keyOf, type Playlist } from './order';
import {
  DEFAULT_STREAM_LIMITS,
  StreamCollectError,
  type CollectOptions,
  type StreamCollection,
  type StreamLimits,
  type ToTarget,
} from './types';

/*
 * The stream collector: from a root manifest, every object of the stream, each path
 * once, in the order to purge them. In steps:
 *
 * 1. `rootOf`: the root's bucket and path, or why it has none.
 * 2. `readAll` (collection.ts): the root, then every playlist it references, up to `concurrency` at
 *    once (the time is about the depth of the playlist graph in round trips). Each
 *    manifest is read once (by bucket and path). A manifest that cannot be read or
 *    parsed stops everything with a StreamCollectError, and nothing partial is
 *    returned; a playlist named only by a rendition report is a hint, and is left out
 *    with its reason instead.
 * 3. `entriesOf`: a manifest's references, resolved against its URL and mapped by
 *    `toTarget`; only objects of the root's bucket are kept, the rest are left out with
 *    the reason, and a playlist left out is not read.
 * 4. `arrange`: a depth-first walk in document order gives the order to purge: media
 *    objects first, then the playlists in post-order (every playlist after the ones it
 *    references, so a child before its parent in any graph), the root last.
 *
 * Every list is bounded (budget.ts): paths by `maxPaths`, manifests by `maxManifests`,
 * what is left out and the renditions summarised by the budget, and each reader stops
 * at the paths that are left.
 */

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

function limitsOf(options: CollectOptions): StreamLimits {
  const d = DEFAULT_STREAM_LIMITS;
  return {
    maxPaths: options.maxPaths ?? d.maxPaths,
    maxManifests: options.maxManifests ?? d.maxManifests,
    maxDepth: options.maxDepth ?? d.maxDepth,
    concurrency: Math.max(1, options.concurrency ?? d.concurrency),
  };
}

async function collect(
  rootUrl: string,
  rootText: string | undefined,
  options: CollectOptions,
): Promise<StreamCollection> {
  options.signal?.throwIfAborted();
  const root = rootOf(rootUrl, options.toTarget);
  const run = new Collection(root, rootText, limitsOf(options), options);
  await run.readAll();
  return arrange(root, run.playlists, { overLimit: run.overLimit, manifestsRead: run.manifestsRead });
}

/** Step 1: the root manifest's bucket and path. */
function rootOf(rootUrl: string, toTarget: ToTarget): Playlist {
  let url: URL;
  try {
    url = new URL(rootUrl);
  } catch {
    throw new StreamCollectError(rootUrl, 'not a valid URL');
  }
  url.hash = '';
  const unsafe = readableProblem(url);
  if (unsafe) throw new StreamCollectError(rootUrl, unsafe);
  const mapped = toTarget(url);
  if ('reason' in mapped) throw new StreamCollectError(rootUrl, `it is not an object in a bucket: ${mapped.reason}`);
  const path = validateObjectPath(mapped.path);
  if (!path.ok) throw new StreamCollectError(rootUrl, path.message);
  const target = { bucket: mapped.bucket, path: path.value };
  return { key: keyOf(target), url: url.href, target, kind: 'manifest', depth: 0, subtitles: false, hint: false };
}
