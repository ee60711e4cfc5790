import { headerValue, type HeaderList } from './cors-check';

/*
 * What the edge's headers say of its cache: only what a header plainly says (api-notes:
 * which cache-status header Qencode's edge sends is not documented). Pure.
 */

/** Headers that say whether the edge served from its cache, most specific first. */
export const CACHE_STATUS_HEADERS = ['Cache-Status', 'X-Cache', 'X-Cache-Status', 'CF-Cache-Status'] as const;

export type CacheStatus = 'hit' | 'miss';

/** The edge's own word: hit or miss, read from the member closest to the client; undefined when no header says. */
export function cacheStatusOf(headers: HeaderList): { status: CacheStatus; header: string; value: string } | undefined {
  for (const header of CACHE_STATUS_HEADERS) {
    const value = headerValue(headers, header);
    if (value === undefined) continue;
    const status = header === 'Cache-Status' ? rfc9211Status(value) : wordStatus(value);
    if (status) return { status, header, value };
  }
  return undefined;
}

/** RFC 9211: the last member is the cache closest to the client; `hit` means served from it, `fwd` means not. */
function rfc9211Status(value: string): CacheStatus | undefined {
  const last = value.split(',').at(-1) ?? '';
  const params = last
    .split(';')
    .slice(1)
    .map((p) => p.trim().toLowerCase());
  if (params.some((p) => p === 'hit' || p === 'hit=?1')) return 'hit';
  if (params.some((p) => p.startsWith('fwd='))) return 'miss';
  return undefined;
}

/** X-Cache and its kin: "HIT", "MISS", "MISS, HIT" (Fastly: the last is the edge), "Hit from cloudfront". */
function wordStatus(value: string): CacheStatus | undefined {
  const last = (value.split(',').at(-1) ?? '').trim().toLowerCase();
  if (/\b(hit|refreshhit|revalidated|stale|updating)\b/.test(last)) return 'hit';
  if (/\b(miss|expired|bypass|pass|dynamic)\b/.test(last)) return 'miss';
  return undefined;
}

/** The `Age` header in whole seconds, when it is one number. */
export function ageOf(headers: HeaderList): number | undefined {
  const value = headerValue(headers, 'Age')?.trim();
  return value !== undefined && /^\d{1,10}$/.test(value) ? Number(value) : undefined;
}

export type Freshness =
  /** Fetched from origin for this read (`miss`), or a copy cached again since the purge (`age`). */
  | { kind: 'fresh'; via: 'miss' | 'age'; why: string }
  /** A copy older than the purge. */
  | { kind: 'cached'; ageSeconds: number; why: string }
  /** The edge said neither Age nor a cache status that decides it. */
  | { kind: 'unknown'; why: string };

/**
 * After a purge `secondsSincePurge` ago (counted from when the purge was accepted), what
 * the edge's answer says: fresh from origin, still the old copy, or unknown. No verdict is
 * guessed: a HIT with no Age is unknown (it may have been cached again since the purge).
 */
export function freshnessAfterPurge(headers: HeaderList, secondsSincePurge: number, httpStatus = 200): Freshness {
  // Only an object's answer says anything of its copy: a 403, 404 or 5xx is the edge's answer, not the object's.
  if (!((httpStatus >= 200 && httpStatus < 300) || httpStatus === 304))
    return { kind: 'unknown', why: `the edge answered ${httpStatus}, which says nothing of the object's copy` };
  const status = cacheStatusOf(headers);
  const age = ageOf(headers);
  const said = status ? `${status.header}: ${status.value}` : undefined;
  if (status?.status === 'miss')
    return { kind: 'fresh', via: 'miss', why: `fetched from origin for this read (${said})` };
  if (age !== undefined) {
    // Age counts whole seconds, and the purge time is when its reply came: one second of slack.
    if (age <= Math.ceil(secondsSincePurge) + 1)
      return {
        kind: 'fresh',
        via: 'age',
        why: `cached again after the purge: Age ${age} s, the purge was ${Math.round(secondsSincePurge)} s ago${said ? ` (${said})` : ''}`,
      };
    return {
      kind: 'cached',
      ageSeconds: age,
      why: `the copy is ${age} s old, older than the purge ${Math.round(secondsSincePurge)} s ago${said ? ` (${said})` : ''}`,
    };
  }
  if (status?.status === 'hit')
    return { kind: 'unknown', why: `${said}, but no Age header says since when: it may have been cached again since` };
  return { kind: 'unknown', why: 'the edge sent neither an Age header nor a cache status' };
}
