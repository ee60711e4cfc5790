import { setMaxListeners } from 'node:events';
import { validateObjectPath } from './validators';
import type { Domain } from './schemas';

/*
 * Purge lists: lines of object paths or URLs, mapped to bucket and path. A URL is
 * mapped only when its host names a bucket for certain; anything else is reported,
 * never guessed.
 */
export interface PurgeTarget {
  bucket: string;
  path: string;
}

export interface PurgeProblem {
  line: string;
  reason: string;
}

export interface ParsedPurgeList {
  targets: PurgeTarget[];
  problems: PurgeProblem[];
  /** Lines that are plain paths: they need a bucket to be chosen. */
  plainPaths: string[];
}

/**
 * Key material and tokens are never taken for object paths: they would be sent, and
 * kept in the purge history. A PEM armour line, a long mixed-case base64 run (a PEM
 * body line; lowercase hex hashes are left alone), or a JWT.
 */
export function looksLikeSecret(line: string): boolean {
  if (/^-----(BEGIN|END) /.test(line) || /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\./.test(line)) return true;
  // A PEM body line is exactly 64 base64 characters; an id such as an IPFS hash is not.
  return /^[A-Za-z0-9+/]{64}$/.test(line) && /[a-z]/.test(line) && /[A-Z]/.test(line) && /\d/.test(line);
}

const MEDIA_STORAGE_HOST = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.media-storage\.([a-z0-9-]+)\.qencode\.com$/;

/** Whether a URL is on a media-storage host ({bucket}.media-storage.{region}.qencode.com). */
export function isMediaStorageUrl(url: string): boolean {
  try {
    return MEDIA_STORAGE_HOST.test(new URL(url).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** Splits text into entries: one per line, blank lines and `#` comments skipped. */
export function purgeLines(text: string): string[] {
  const lines: string[] = [];
  let inPem = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    // Everything from a PEM's BEGIN line to its END line is key material, whatever each line looks like.
    if (/^-----BEGIN [A-Z0-9 ]+-----/.test(line)) inPem = true;
    if (inPem) {
      if (/^-----END [A-Z0-9 ]+-----/.test(line)) inPem = false;
      continue;
    }
    if (line !== '' && !line.startsWith('#')) lines.push(line);
  }
  return lines;
}

/**
 * Maps lines to targets. `defaultBucket` receives plain paths; without one they are
 * listed in `plainPaths` (and not in `targets`) so the caller can ask for a bucket.
 */
export function parsePurgeList(lines: string[], domains: readonly Domain[], defaultBucket?: string): ParsedPurgeList {
  const targets: PurgeTarget[] = [];
  const problems: PurgeProblem[] = [];
  const plainPaths: string[] = [];
  const seen = new Set<string>();
  const add = (line: string, bucket: string, rawPath: string) => {
    const v = validateObjectPath(rawPath);
    if (!v.ok) return problems.push({ line, reason: v.message });
    const key = `${bucket}\n${v.value}`;
    if (!seen.has(key)) {
      seen.add(key);
      targets.push({ bucket, path: v.value });
    }
  };
  for (const line of lines) {
    if (looksLikeSecret(line)) {
      problems.push({
        line: `${line.slice(0, 6)}…`,
        reason: 'this looks like a key or a token, not an object path, so it is neither purged nor kept',
      });
      continue;
    }
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(line)) {
      if (defaultBucket) add(line, defaultBucket, line);
      else plainPaths.push(line);
      continue;
    }
    const mapped = mapUrl(line, domains);
    if ('reason' in mapped) problems.push({ line, reason: mapped.reason });
    else add(line, mapped.bucket, mapped.path);
  }
  return { targets, problems, plainPaths };
}

/**
 * Maps one URL to the bucket and path it names, or says why it names none: a
 * media-storage address (`https://{bucket}.media-storage.{region}.qencode.com/{path}`),
 * or a vod playback domain of `domains` that has a bucket. The path is decoded and not
 * yet validated (parsePurgeList and the stream collector validate it).
 */
export function mapUrl(input: string | URL, domains: readonly Domain[]): PurgeTarget | { reason: string } {
  let url: URL;
  try {
    url = typeof input === 'string' ? new URL(input) : input;
  } catch {
    return { reason: 'not a valid URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { reason: `${url.protocol} addresses cannot be purged` };
  let path: string;
  try {
    path = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  } catch {
    return { reason: 'the path has broken %-escapes' };
  }
  const host = url.hostname.toLowerCase();
  const storage = MEDIA_STORAGE_HOST.exec(host);
  if (storage) return { bucket: storage[1]!, path };
  const domain = domains.find((d) => d.name === host);
  if (!domain)
    return {
      reason: `${host} maps to no known bucket (not a media-storage address, nor a vod playback domain of this project)`,
    };
  if (domain.type !== 'vod')
    return { reason: `${host} is a live playback domain; only media-storage objects can be purged` };
  if (!domain.bucketName) return { reason: `the vod domain ${host} has no bucket set` };
  return { bucket: domain.bucketName, path };
}

export interface PoolResult<T> {
  done: T[];
  failed: { item: T; error: unknown }[];
  /** Not sent because the run was cancelled. */
  notSent: T[];
}

/**
 * Runs `work` over items with at most `concurrency` at once. On abort nothing more
 * starts; what was in flight is aborted by the same signal.
 *
 * Rate limits: the workers of a bulk purge share one rate gate, the client's for the
 * operation (QencodeClient.gate, rate-gate.ts). The first 429 pauses every worker until
 * its Retry-After, and they go on at a pace learned from the replies; a throttled
 * purge is sent again through the gate, so none is lost and none sent twice.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
  onSettled?: (settled: number, total: number) => void,
): Promise<PoolResult<T>> {
  const result: PoolResult<T> = { done: [], failed: [], notSent: [] };
  const size = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  // Every request in flight listens to the signal (its deadline, and whatever `work` adds): up to
  // 32 workers would trip Node's "possible EventEmitter memory leak" warning at 10.
  // The workers get a signal of the pool's own, sized for them, that follows the caller's.
  const pool = new AbortController();
  setMaxListeners(LISTENERS_PER_WORKER * size + 10, pool.signal);
  const follow = () => pool.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  let next = 0;
  let settled = 0;
  const worker = async () => {
    while (next < items.length && !pool.signal.aborted) {
      const item = items[next++]!;
      try {
        await work(item, pool.signal);
        result.done.push(item);
      } catch (error) {
        if (pool.signal.aborted) result.notSent.push(item);
        else result.failed.push({ item, error });
      }
      onSettled?.(++settled, items.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: size }, worker));
  } catch (error) {
    // A failing progress callback ends the run: the other workers stop too.
    pool.abort(error);
    throw error;
  } finally {
    signal.removeEventListener('abort', follow);
  }
  result.notSent.push(...items.slice(next));
  return result;
}

/** The most abort listeners one request adds to its signal at once. */
const LISTENERS_PER_WORKER = 4;

export { GateClosedError, RateGate, type GateStats, type GateTicket, type RateGateOptions } from './rate-gate';
