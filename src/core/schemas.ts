import { z } from 'zod';

/*
 * Wire schemas for every response, each normalised once into a domain type with
 * camelCase names and parsed dates. Unknown extra fields are ignored (zod strips
 * them); nothing past `core` touches raw JSON.
 */

/** `"2023-06-07 14:17:25"` as in the seed; no zone is given, so it is read as UTC. ISO 8601 is accepted too. */
const Timestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/, 'expected a date like 2023-06-07 14:17:25')
  .transform((s) => {
    const iso = s.replace(' ', 'T');
    return new Date(/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`);
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
  .transform(
    (w): Domain => ({
      id: w.id,
      name: w.domain_name,
      type: w.type,
      ...(w.bucket_name ? { bucketName: w.bucket_name } : {}),
      created: w.created,
    }),
  );

// ---- TLS subscriptions ----
export interface TlsSubscription {
  id: string;
  domainId: string;
  /** `pending` in the seed; other values are shown as they come. */
  status: string;
  message?: string;
  created: Date;
}

export const TlsSubscriptionWire = z
  .object({
    id: Id,
    domain_id: Id,
    status: z.string().min(1).max(100),
    message: z.string().max(10_000).nullish(),
    created: Timestamp,
  })
  .transform(
    (w): TlsSubscription => ({
      id: w.id,
      domainId: w.domain_id,
      status: w.status,
      ...(w.message ? { message: w.message } : {}),
      created: w.created,
    }),
  );

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

const SigningKeyFields = {
  id: Id,
  name: OptionalName,
  stream_id: Id.nullish(),
  domain_id: Id.nullish(),
  bucket_name: z.string().min(1).max(63).nullish(),
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
  return { id: w.id, name: w.name ?? null, target, created: w.created };
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
    return { id, name: typeof w.name === 'string' ? w.name : null, target: { kind: 'unknown' }, created: new Date(), privateKey: w.private_key, problem: describeIssues(rest.error, 'signing_key') };
  });

// ---- CORS ----
/** A bucket's CORS policy as the CDN holds it: header name to value. */
export type CorsPolicy = Record<string, string>;

/**
 * The GET reply is read permissively (any string header), so the editor shows
 * everything the CDN holds; what may be *sent* is checked by `validateCorsDocument`.
 * Keys go through Object.fromEntries so `__proto__` stays a plain own key.
 */
export const CorsPolicyWire = z
  .record(z.string().max(200), z.string().max(10_000))
  .transform((r): CorsPolicy => Object.fromEntries(Object.entries(r)));

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
      const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
      return { invalid: true, ...(id ? { id: id.slice(0, 200) } : {}), problem: describeIssues(parsed.error, `${key}[${index}]`) };
    });
  });
}

/** Names the path at fault: `domains[2].created: expected a date like …`. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  const first = error.issues[0];
  if (!first) return 'the reply has an unexpected shape';
  let path = prefix;
  for (const part of first.path) path += typeof part === 'number' ? `[${part}]` : path ? `.${String(part)}` : String(part);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
  return `${path || 'the reply'}: ${first.message}${more}`;
}
