import fc from 'fast-check';

/*
 * Seed-shaped reply items and random mutations of them, for property tests of the
 * schemas here and of anything built on the parsed values (the tree, tooltips, details).
 * Each mutation sets one field to a hostile value, or removes it: wrong types, null,
 * huge strings, dates that are not dates, numbers, nested objects, prototype keys.
 */

export const SEED_ITEMS = {
  domain: {
    created: '2023-06-07 14:17:25',
    id: 'aeac03d6-beb0-4638-a094-fbc35653f931',
    type: 'live',
    domain_name: 'live.mydomain.com',
  },
  vodDomain: {
    bucket_name: 'new-bucket-name',
    created: '2023-06-07 14:17:25',
    id: 'aeac03d6-beb0-4638-a094-fbc35653f931',
    type: 'vod',
    domain_name: 'vod.mydomain.com',
  },
  tls: {
    status: 'pending',
    created: '2023-06-12 15:10:48',
    domain_id: 'aeac03d6-beb0-4638-a094-fbc35653f931',
    message: "Create a CNAME for 'live.mydomain.com' and point it to 'j.sni.global.fastly.net.'.",
    id: '7d819560-6220-4b76-bf9a-3784a64ac7ff',
  },
  streamKey: {
    stream_id: '1f1ab6a3-d867-4787-b882-7f2fb1203634',
    created: '2023-06-12 15:00:40',
    id: 'ec25a6a6-b31e-4ac9-af01-711460421c6b',
    name: null,
  },
  domainKey: {
    created: '2023-06-07 14:17:25',
    id: 'e52f59d7-e65c-4036-81c6-0163403a1a88',
    domain_id: 'aeac03d6-beb0-4638-a094-fbc35653f931',
  },
  bucketKey: {
    created: '2024-02-02 08:15:00',
    id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
    bucket_name: 'promo-clips',
    name: 'Promo clips',
  },
  createdKey: {
    stream_id: '1f1ab6a3-d867-4787-b882-7f2fb1203634',
    private_key:
      '-----BEGIN RSA PRIVATE KEY-----\nMIIJKgIBAAKCAgEA4DAKSi4F8yQTt1L4N9s9Wt\n-----END RSA PRIVATE KEY-----\n',
    created: '2023-06-12 15:00:40',
    id: 'ec25a6a6-b31e-4ac9-af01-711460421c6b',
    name: null,
  },
  cors: {
    'Access-Control-Allow-Origin': 'https://media-storage.us-west.qencode.com',
    'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE',
    'Access-Control-Max-Age': '1600',
    'Access-Control-Allow-Credentials': 'true',
  },
} as const;

/** Timestamps that look like dates and are not, or are only just. */
export const WEIRD_DATES = [
  '0000-00-00 00:00:00',
  '2023-13-45 99:99:99',
  '2023-02-29 12:00:00',
  '2023-04-31 00:00:00',
  '2023-06-07 24:00:00',
  '2023-06-07 23:60:00',
  '2023-06-07 23:59:60',
  '1969-12-31 23:59:59',
  '10000-01-01 00:00:00',
  '2023-06-07 14:17:25+15:00',
  '2023-06-07 14:17:25+02:99',
  '2023-06-07',
  '2023-06-07 14:17',
  '2023-06-07T14:17:25.123456789012Z',
  ' 2023-06-07 14:17:25',
  '2023-06-07 14:17:25 ',
  '+275760-09-13T00:00:00.000Z',
  'Invalid Date',
  '',
  // Real ones, at the edges.
  '2024-02-29 23:59:59',
  '1970-01-01 00:00:00',
  '9999-12-31 23:59:59',
  '9999-12-31 23:59:59-14:00',
  '2023-06-07T14:17:25.5+05:30',
  '2023-06-07T14:17:25Z',
];

const HUGE = 'x'.repeat(200_000);
const HUGE_DIGITS = '9'.repeat(5_000);

/** One hostile value for a field. */
export const weirdValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1600, 1e21, Number.MAX_SAFE_INTEGER),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    HUGE,
    HUGE_DIGITS,
    '',
    ' ',
    '\u0000',
    '\ud800',
    'live',
    'vod',
    'LIVE',
    '__proto__',
    'constructor',
    '1f1ab6a3-d867-4787-b882-7f2fb1203634',
  ),
  fc.constantFrom(...WEIRD_DATES),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.object({ maxDepth: 2, maxKeys: 3 }),
  fc.constant({ created: '2023-06-07 14:17:25' }),
);

/** Removes the field. */
export const MISSING = Symbol('missing');

/** Applies `[field, value or MISSING]` mutations to a copy. Keys are own keys, `__proto__` too, as JSON.parse makes them. */
export function mutate(item: object, mutations: [string, unknown][]): Record<string, unknown> {
  const entries = new Map<string, unknown>(Object.entries(item));
  for (const [field, value] of mutations) {
    if (value === MISSING) entries.delete(field);
    else entries.set(field, value);
  }
  return Object.fromEntries(entries);
}

/** A seed item with 0 to 4 of its fields (or extra ones) mutated. */
export function mutatedItem(seed: object): fc.Arbitrary<Record<string, unknown>> {
  const fields = [
    ...Object.keys(seed),
    'id',
    'name',
    'created',
    'bucket_name',
    'stream_id',
    'domain_id',
    'extra_field',
    '__proto__',
  ];
  const mutation = fc.tuple(
    fc.constantFrom(...fields),
    fc.oneof({ weight: 4, arbitrary: weirdValue }, { weight: 1, arbitrary: fc.constant(MISSING) }),
  );
  return fc.array(mutation, { maxLength: 4 }).map((ms) => mutate(seed, ms));
}

/** An item of a list: mostly mutated seed items, sometimes not an object at all. */
function listItem(seeds: object[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...seeds).chain(mutatedItem) },
    { weight: 1, arbitrary: weirdValue },
  );
}

/** `{ key: [items] }`, sometimes with pagination fields or other extra keys beside the list. */
export function mutatedList(key: string, seeds: object[]): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .tuple(
      fc.array(listItem(seeds), { maxLength: 6 }),
      fc.option(fc.record({ total: fc.oneof(fc.nat(), weirdValue), page: fc.nat(), per_page: fc.nat() }), {
        nil: undefined,
      }),
    )
    .map(([items, extra]) => ({ [key]: items, ...(extra ?? {}) }));
}

/** A CORS GET reply: the seed's map with headers set to hostile values, or added, or removed. */
export const mutatedCors: fc.Arbitrary<Record<string, unknown>> = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          ...Object.keys(SEED_ITEMS.cors),
          'X-Custom',
          '__proto__',
          'constructor',
          'toString',
          '',
          HUGE.slice(0, 300),
        ),
        fc.string({ maxLength: 10 }),
      ),
      fc.oneof(weirdValue, fc.constant(MISSING)),
    ),
    { maxLength: 6 },
  )
  .map((ms) => mutate(SEED_ITEMS.cors, ms));

/**
 * Where a parsed value holds something a consumer cannot use as it is: anything but
 * a string, a boolean, null or a valid Date (whose toISOString cannot throw), in
 * plain objects and arrays. Returns the paths at fault; none means well formed.
 */
export function malformedLeaves(value: unknown, path = '$'): string[] {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return [];
  if (value instanceof Date) {
    if (!Number.isFinite(value.getTime())) return [`${path}: Invalid Date`];
    try {
      value.toISOString();
      return [];
    } catch {
      return [`${path}: toISOString throws`];
    }
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => malformedLeaves(v, `${path}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.entries(value).flatMap(([k, v]) => malformedLeaves(v, `${path}.${k}`));
  }
  return [`${path}: ${typeof value}`];
}
