import { z } from 'zod';
import { CORS_HEADERS } from './validators';

/*
 * Wire schemas for every response, each normalised once into a domain type with
 * camelCase names and parsed dates. Unknown extra fields are ignored (zod strips
 * them); nothing past `core` touches raw JSON.
 */

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;
const TIMESTAMP_SHAPE = 'expected a date like 2023-06-07 14:17:25';

/**
 * `"2023-06-07 14:17:25"` as in the seed, read as UTC since no zone is given; ISO 8601
 * with `T`, fractions of a second and a zone (`Z`, `+02:00`) is accepted too. Only a
 * real calendar date and time is: year 1970 to 9999, month 1 to 12, a day the month
 * has, hour below 24, minute and second below 60, an offset of at most 14:59. Anything
 * else is undefined, never an Invalid Date.
 */
export function parseTimestamp(text: string): Date | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (
    year < 1970 ||
    year > 9999 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return undefined;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2));
    if (oh > 14 || om > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  // Every field is in range, so nothing rolls over into the next minute, day or month.
  // (A list of 5,000 keys parses 5,000 of these: no Date is made only to check one.)
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// The shape is checked by parseTimestamp's own expression: the text is read once.
const Timestamp = z
  .string()
  .max(64, TIMESTAMP_SHAPE)
  .transform((s, ctx) => {
    const date = parseTimestamp(s);
    if (date) return date;
    const message = TIMESTAMP.test(s) ? `"${s}" is not a real date and time (${TIMESTAMP_SHAPE})` : TIMESTAMP_SHAPE;
    ctx.issues.push({ code: 'custom', input: s, message });
    return z.NEVER;
  });

const Id = z.string().min(1).max(200);
const OptionalName = z.string().max(1000).nullish();

// ---- access token ----
export const AccessTokenResponse = z.object({ access_token: z.string().min(1).max(8192) });

// ---- domains ----
export type DomainType = 'live' | 'vod';

export interface Domain {
  id: string;
  name: string;
  type: DomainType;
  /** Set on vod domains: the media-storage bucket the domain serves. */
  bucketName?: string;
  created: Date;
}

export const DomainWire = z
  .object({
    id: Id,
    domain_name: z.string().min(1).max(253),
    type: z.enum(['live', 'vod']),
    bucket_name: z.string().max(63).nullish(),
    created: Timestamp,
  })
  .transform((w): Domain => ({
    id: w.id,
    name: w.domain_name,
    type: w.type,
    ...(w.bucket_name ? { bucketName: w.bucket_name } : {}),
    created: w.created,
  }));

// ---- TLS subscriptions ----
export interface TlsSubscription {
  id: string;
  domainId: string;
  /** `pending` in the seed; other values are shown as they come. */
  status: string;
  message?: string;
  created: Date;
  /** When the certificate runs out, if the API says (the reference shows no such field; these names are read). */
  expires?: Date;
}

/** Field names an expiry date may come under. One that is not a real date is left out, never fatal to the row. */
const EXPIRY_FIELDS = ['expires', 'expires_at', 'expiry_date', 'expiration_date', 'valid_until', 'not_after'] as const;

export const TlsSubscriptionWire = z
  .looseObject({
    id: Id,
    domain_id: Id,
    status: z.string().min(1).max(100),
    message: z.string().max(10_000).nullish(),
    created: Timestamp,
  })
  .transform((w): TlsSubscription => {
    const raw = EXPIRY_FIELDS.map((f) => (w as Record<string, unknown>)[f]).find((v) => typeof v === 'string');
    const expires = typeof raw === 'string' ? parseTimestamp(raw) : undefined;
    return {
      id: w.id,
      domainId: w.domain_id,
      // Compared as one word everywhere ("Failed" is failed); an unknown status is still shown as it came, lowercased.
      status: w.status.trim().toLowerCase() || w.status,
      ...(w.message ? { message: w.message } : {}),
      created: w.created,
      ...(expires ? { expires } : {}),
    };
  });

// ---- signing keys ----
/** What a signing key signs for: exactly one of these per key. */
export type SigningKeyTarget =
  | { kind: 'stream'; streamId: string }
  | { kind: 'domain'; domainId: string }
  | { kind: 'bucket'; bucketName: string }
  | { kind: 'unknown' };

export interface SigningKey {
  id: string;
  name: string | null;
  target: SigningKeyTarget;
  created: Date;
}

export interface CreatedSigningKey extends SigningKey {
  /** PEM. Returned by the create call only, once. */
  privateKey: string;
  /** Set when the rest of the reply was malformed: the key is kept all the same. */
  problem?: string;
}

/** A target field may be absent, null or empty: an empty one is read as absent. */
const SigningKeyFields = {
  id: Id,
  name: OptionalName,
  stream_id: z.string().max(200).nullish(),
  domain_id: z.string().max(200).nullish(),
  bucket_name: z.string().max(63).nullish(),
  created: Timestamp,
};

function signingKeyFromWire(w: {
  id: string;
  name?: string | null;
  stream_id?: string | null;
  domain_id?: string | null;
  bucket_name?: string | null;
  created: Date;
}): SigningKey {
  const target: SigningKeyTarget = w.stream_id
    ? { kind: 'stream', streamId: w.stream_id }
    : w.domain_id
      ? { kind: 'domain', domainId: w.domain_id }
      : w.bucket_name
        ? { kind: 'bucket', bucketName: w.bucket_name }
        : { kind: 'unknown' };
  // A blank name is no name: the key is shown by its id instead.
  return { id: w.id, name: w.name?.trim() ? w.name : null, target, created: w.created };
}

export const SigningKeyWire = z.object(SigningKeyFields).transform(signingKeyFromWire);

/**
 * The create reply. The private key comes once: if it is there it is kept, even
 * when other fields are malformed, so a schema problem can never lose it.
 */
export const CreatedSigningKeyWire = z
  .looseObject({ private_key: z.string().min(1).max(100_000) })
  .transform((w): CreatedSigningKey => {
    const rest = SigningKeyWire.safeParse(w);
    if (rest.success) return { ...rest.data, privateKey: w.private_key };
    const id = typeof w.id === 'string' && w.id ? w.id.slice(0, 200) : 'unknown-id';
    const name = typeof w.name === 'string' && w.name.trim() ? w.name.slice(0, 1000) : null;
    // The reply's own date when it is a real one; otherwise now, the moment the key arrived. Never an Invalid Date.
    const created = (typeof w.created === 'string' ? parseTimestamp(w.created) : undefined) ?? new Date();
    return {
      id,
      name,
      target: { kind: 'unknown' },
      created,
      privateKey: w.private_key,
      problem: describeIssues(rest.error, 'signing_key'),
    };
  });

// ---- CORS ----
/** A bucket's CORS policy as the CDN holds it: header name to value. */
export type CorsPolicy = Record<string, string>;

/** A CORS GET reply as read: the usable headers, and the names of those left out. */
export interface CorsReply {
  policy: CorsPolicy;
  /** Headers the reply held whose value could not be used (an object, array, boolean, null, or too long), in reply order. */
  dropped: string[];
}

const MAX_HEADER_NAME = 200;
const MAX_HEADER_VALUE = 10_000;

/** A header value as a string: strings as they are, finite numbers written out (`1600` is `"1600"`); anything else is unusable. */
function headerValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length <= MAX_HEADER_VALUE ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The GET reply, read permissively so the editor shows everything the CDN holds that
 * it can: any header name, string or number values. A header whose value cannot be
 * used is left out of the policy and named in `dropped`; the reply fails only when it
 * is not an object at all. What may be *sent* is checked by `validateCorsDocument`.
 * Keys go through Object.fromEntries so `__proto__` stays a plain own key.
 */
export const CorsReplyWire = z.unknown().transform((reply, ctx): CorsReply => {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
    ctx.issues.push({ code: 'custom', input: reply, message: 'expected an object of CORS header names to values' });
    return z.NEVER;
  }
  const entries: [string, string][] = [];
  const dropped: string[] = [];
  // The reply as JSON.parse made it: own keys only, `__proto__` included as a plain key.
  for (const [raw, rawValue] of Object.entries(reply)) {
    // Header names are case-insensitive: a documented one is spelled as documented, so the document and the plan agree.
    const name = CORS_HEADERS.find((h) => h.toLowerCase() === raw.toLowerCase()) ?? raw;
    const value = name.length <= MAX_HEADER_NAME ? headerValue(rawValue) : undefined;
    const twice = entries.some(([n]) => n === name);
    if (value === undefined || twice)
      dropped.push(name.length <= MAX_HEADER_NAME ? raw : `${raw.slice(0, MAX_HEADER_NAME)}…`);
    else entries.push([name, value]);
  }
  return { policy: Object.fromEntries(entries) as CorsPolicy, dropped };
});

/** The policy of a CORS GET reply, without the names of what was left out: see `CorsReplyWire`. */
export const CorsPolicyWire = CorsReplyWire.transform((r): CorsPolicy => r.policy);

// ---- status replies ----
export const StatusWire = z.object({ status: z.string().max(100).optional() }).transform(() => undefined);

// ---- envelopes ----
/** A list item that failed its schema: shown as an "invalid" node, never fatal to the list. */
export interface InvalidItem {
  invalid: true;
  id?: string;
  problem: string;
}
export type Listed<T> = T | InvalidItem;

/** The items of a list that passed their schema. */
export function validItems<T extends object>(items: readonly Listed<T>[]): T[] {
  return items.filter((i): i is T => !isInvalid(i));
}

export function isInvalid<T extends object>(item: Listed<T>): item is InvalidItem {
  return 'invalid' in item && item.invalid === true;
}

/** `{ key: item }` normalised to the item. */
export function single<S extends z.ZodType>(key: string, item: S) {
  return z.object({ [key]: item }).transform((w) => (w as Record<string, z.output<S>>)[key] as z.output<S>);
}

/**
 * `{ key: [items] }`, where each item is parsed on its own, so one bad item
 * becomes an InvalidItem and the rest of the list still shows.
 */
export function list<S extends z.ZodType<object>>(key: string, item: S) {
  return z.object({ [key]: z.array(z.unknown()).max(100_000) }).transform((w) => {
    const items = (w as Record<string, unknown[]>)[key] ?? [];
    return items.map((raw, index): Listed<z.output<S>> => {
      const parsed = item.safeParse(raw);
      if (parsed.success) return parsed.data;
      const id =
        typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
          ? (raw as { id: string }).id
          : undefined;
      return {
        invalid: true,
        ...(id ? { id: id.slice(0, 200) } : {}),
        problem: describeIssues(parsed.error, `${key}[${index}]`),
      };
    });
  });
}

/** Names the path at fault: `domains[2].created: expected a date like …`. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  const first = error.issues[0];
  if (!first) return 'the reply has an unexpected shape';
  let path = prefix;
  for (const part of first.path)
    path += typeof part === 'number' ? `[${part}]` : path ? `.${String(part)}` : String(part);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path || 'the reply'}: ${first.message}${more}`;
}
