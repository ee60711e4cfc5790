import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { z } from 'zod';
import {
  apiPath,
  CORS_HEADERS,
  CorsPolicyWire,
  CorsReplyWire,
  CreatedSigningKeyWire,
  DomainWire,
  HTTP_METHODS,
  isInvalid,
  isQencodeError,
  list,
  parseTimestamp,
  SigningKeyWire,
  single,
  TlsSubscriptionWire,
  validateBucketName,
  validateCorsDocument,
  validateDomainName,
  validateObjectPath,
  type Domain,
  type Listed,
  type SigningKey,
  type TlsSubscription,
} from '../../src/core';
import {
  malformedLeaves,
  mutatedCors,
  mutatedItem,
  mutatedList,
  SEED_ITEMS,
  weirdValue,
  WEIRD_DATES,
} from './reply-arbitraries';

const RUNS = 10_000;
let total = 0;
const check = <T>(arb: fc.Arbitrary<T>, predicate: (value: T) => void) => {
  fc.assert(fc.property(arb, predicate), { numRuns: RUNS });
  total += RUNS;
};
after(() => console.log(`property runs: ${total}`));

/** Strings that mix hostile pieces with arbitrary (also lone-surrogate) text. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '.',
        '..',
        '/',
        '\\',
        '?',
        '#',
        '%',
        '%2e',
        '%2e%2e',
        '%2F',
        '\u0000',
        '\n',
        '\r',
        '\t',
        ' ',
        'é',
        '😀',
        '\ud800',
        '\udc00',
        '&',
        '=',
        ';',
        '@',
        ':',
        '+',
      ),
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

describe('property: every path segment stays one segment', () => {
  it(`${RUNS} hostile ids and names`, () => {
    check(hostile, (s) => {
      let path: string;
      try {
        path = apiPath('op', 'buckets', s, 'cors');
      } catch (error) {
        assert.ok(isQencodeError(error, 'invalid-input'));
        const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
        assert.ok(
          s === '' || s === '.' || s === '..' || loneSurrogate,
          `refused only what must be: ${JSON.stringify(s)}`,
        );
        return;
      }
      const parts = path.split('/');
      assert.equal(parts.length, 5, path);
      assert.deepEqual([parts[0], parts[1], parts[2], parts[4]], ['', 'v1', 'buckets', 'cors']);
      assert.equal(decodeURIComponent(parts[3]!), s);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[?#\s\u0000-\u001f]/.test(path), 'no query, fragment, space or control character');
      assert.ok(parts[3] !== '.' && parts[3] !== '..');
    });
  });
});

describe('property: what the validators accept keeps the rules', () => {
  const labelChars = fc.constantFrom(...'abcxyz019-'.split(''), 'A', '_', '.', ' ', 'é');
  const domainish = fc
    .array(fc.string({ unit: labelChars, minLength: 0, maxLength: 70 }), { minLength: 1, maxLength: 6 })
    .map((l) => l.join('.'));

  it(`domain names (${RUNS} runs)`, () => {
    check(fc.oneof(domainish, hostile), (input) => {
      const r = validateDomainName(input);
      if (!r.ok) return assert.ok(r.message.length > 10);
      const labels = r.value.split('.');
      assert.ok(r.value.length <= 253 && labels.length >= 2);
      for (const label of labels) assert.match(label, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
      assert.ok(!/^\d+$/.test(labels.at(-1)!));
    });
  });

  it(`bucket names (${RUNS} runs)`, () => {
    const bucketish = fc.string({
      unit: fc.constantFrom(...'abz09.-'.split(''), 'A', '_'),
      minLength: 0,
      maxLength: 70,
    });
    check(fc.oneof(bucketish, hostile), (input) => {
      const r = validateBucketName(input);
      if (!r.ok) return;
      assert.match(r.value, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/);
      assert.ok(!r.value.includes('..'));
      assert.ok(!/^\d+\.\d+\.\d+\.\d+$/.test(r.value));
    });
  });

  it(`object paths (${RUNS} runs)`, () => {
    check(hostile, (input) => {
      const r = validateObjectPath(input);
      if (!r.ok) return;
      assert.ok(r.value.length > 0 && !r.value.startsWith('/'));
      assert.ok(!r.value.split('/').includes('..'));
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(r.value));
      assert.ok(Buffer.byteLength(r.value) <= 1024);
    });
  });

  it(`CORS documents (${RUNS} runs)`, () => {
    const key = fc.oneof(
      fc.constantFrom(...CORS_HEADERS, 'X-Other', 'access-control-max-age', '__proto__', 'constructor'),
      hostile,
    );
    const value = fc.oneof(
      fc.constantFrom(
        '*',
        'GET, HEAD',
        'get',
        '600',
        '-1',
        'true',
        'yes',
        'https://a.example',
        'https://a.example/x',
        'Range, X-A',
      ),
      hostile,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    );
    check(fc.dictionary(key, value, { maxKeys: 6 }), (doc) => {
      const r = validateCorsDocument(doc);
      if (!r.ok) return assert.ok(r.message.length > 10);
      for (const [k, v] of Object.entries(r.value)) {
        assert.ok((CORS_HEADERS as string[]).includes(k), k);
        assert.equal(typeof v, 'string');
        if (k === 'Access-Control-Max-Age') assert.match(v, /^\d+$/);
        if (k === 'Access-Control-Allow-Credentials') assert.ok(v === 'true' || v === 'false');
        if (k === 'Access-Control-Allow-Methods' && v !== '*')
          for (const m of v.split(',')) assert.ok((HTTP_METHODS as readonly string[]).includes(m.trim()));
      }
    });
  });
});

describe('property: responses are data', () => {
  it(`a list reply of any shape never throws and never breaks the list (${RUNS} runs)`, () => {
    const schema = list('domains', DomainWire);
    const item = fc.oneof(
      fc.anything(),
      fc.record({
        id: fc.string(),
        domain_name: fc.string(),
        type: fc.constantFrom('live', 'vod', 'hls'),
        created: fc.constantFrom('2023-06-07 14:17:25', 'x'),
      }),
    );
    check(fc.oneof(fc.anything(), fc.record({ domains: fc.array(item, { maxLength: 5 }) })), (body) => {
      const r = schema.safeParse(body);
      if (!r.success) return;
      for (const d of r.data) {
        if (isInvalid(d)) assert.ok(d.problem.length > 0);
        else assert.ok(d.id && d.name && (d.type === 'live' || d.type === 'vod') && !Number.isNaN(d.created.getTime()));
      }
    });
  });

  it(`prototype keys in a CORS reply pollute nothing (${RUNS} runs)`, () => {
    check(
      fc.dictionary(
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'Access-Control-Allow-Origin'),
        fc.string({ maxLength: 5 }),
      ),
      (dict) => {
        const r = CorsPolicyWire.safeParse(JSON.parse(JSON.stringify(dict)));
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        assert.equal(Object.getPrototypeOf({}), Object.prototype);
        if (r.success) assert.equal(Object.getPrototypeOf(r.data), Object.prototype);
      },
    );
  });
});

describe('property: mutated seed items never throw and never carry an unusable value', () => {
  /** Parses without throwing; every item is an InvalidItem that says why, or holds only strings, nulls and valid Dates. */
  function wellFormedList<T extends object>(schema: z.ZodType<Listed<T>[]>, body: unknown, check: (item: T) => void) {
    let r: z.ZodSafeParseResult<Listed<T>[]> | undefined;
    assert.doesNotThrow(() => (r = schema.safeParse(body)));
    assert.ok(r?.success, 'a { key: [...] } envelope always parses, whatever its items');
    for (const item of r.data) {
      if (isInvalid(item)) {
        assert.ok(
          typeof item.problem === 'string' && item.problem.length > 0 && item.problem.length < 2_000,
          item.problem,
        );
        if (item.id !== undefined) assert.ok(typeof item.id === 'string' && item.id.length <= 200);
        continue;
      }
      assert.deepEqual(malformedLeaves(item), []);
      check(item);
    }
  }
  const ids = (...values: unknown[]) => values.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 200);

  it(`domains (${RUNS} runs)`, () => {
    const schema = list('domains', DomainWire);
    check(mutatedList('domains', [SEED_ITEMS.domain, SEED_ITEMS.vodDomain]), (body) =>
      wellFormedList<Domain>(schema, body, (d) => {
        assert.ok(ids(d.id, d.name));
        assert.ok(d.type === 'live' || d.type === 'vod');
        assert.ok(d.bucketName === undefined || (typeof d.bucketName === 'string' && d.bucketName.length > 0));
        assert.ok(d.created.getUTCFullYear() >= 1970);
      }),
    );
  });

  it(`TLS subscriptions (${RUNS} runs)`, () => {
    const schema = list('tls_subscriptions', TlsSubscriptionWire);
    check(mutatedList('tls_subscriptions', [SEED_ITEMS.tls]), (body) =>
      wellFormedList<TlsSubscription>(schema, body, (t) => {
        assert.ok(ids(t.id, t.domainId) && typeof t.status === 'string' && t.status.length > 0);
        assert.ok(t.message === undefined || typeof t.message === 'string');
      }),
    );
  });

  it(`signing keys (${RUNS} runs)`, () => {
    const schema = list('signing_keys', SigningKeyWire);
    check(mutatedList('signing_keys', [SEED_ITEMS.streamKey, SEED_ITEMS.domainKey, SEED_ITEMS.bucketKey]), (body) =>
      wellFormedList<SigningKey>(schema, body, (k) => {
        assert.ok(ids(k.id));
        assert.ok(k.name === null || (typeof k.name === 'string' && k.name.trim().length > 0));
        const t = k.target;
        assert.ok(
          t.kind === 'unknown' ||
            (t.kind === 'stream' && ids(t.streamId)) ||
            (t.kind === 'domain' && ids(t.domainId)) ||
            (t.kind === 'bucket' && ids(t.bucketName)),
        );
      }),
    );
  });

  it(`single replies: a value or a failure, never a throw (${RUNS} runs)`, () => {
    const schemas = [
      single('domain', DomainWire),
      single('tls_subscription', TlsSubscriptionWire),
      single('signing_key', SigningKeyWire),
    ];
    const seeds = [SEED_ITEMS.domain, SEED_ITEMS.tls, SEED_ITEMS.streamKey];
    check(
      fc.tuple(fc.integer({ min: 0, max: 2 }), fc.boolean()).chain(([i, wrap]) =>
        mutatedItem(seeds[i]!).map((item) => ({
          i,
          body: wrap ? { [['domain', 'tls_subscription', 'signing_key'][i]!]: item, extra: 1 } : item,
        })),
      ),
      ({ i, body }) => {
        let r: { success: boolean; data?: unknown } = { success: false };
        assert.doesNotThrow(() => (r = schemas[i]!.safeParse(body)));
        if (r.success) assert.deepEqual(malformedLeaves(r.data), []);
      },
    );
  });

  it(`a signing-key create reply keeps its private key and never an Invalid Date (${RUNS} runs)`, () => {
    check(mutatedItem(SEED_ITEMS.createdKey), (item) => {
      let r: ReturnType<typeof CreatedSigningKeyWire.safeParse> | undefined;
      assert.doesNotThrow(() => (r = CreatedSigningKeyWire.safeParse(item)));
      const pem = item.private_key;
      if (typeof pem === 'string' && pem.length > 0 && pem.length <= 100_000) {
        assert.ok(r?.success, 'a private key that came is kept');
        assert.equal(r.data.privateKey, pem);
      }
      if (r?.success) {
        assert.deepEqual(malformedLeaves(r.data), []);
        assert.ok(ids(r.data.id));
      }
    });
  });

  it(`CORS replies: the usable headers kept as strings, the rest named as dropped (${RUNS} runs)`, () => {
    check(fc.oneof({ weight: 9, arbitrary: mutatedCors }, { weight: 1, arbitrary: weirdValue }), (body) => {
      let r: ReturnType<typeof CorsReplyWire.safeParse> | undefined;
      assert.doesNotThrow(() => (r = CorsReplyWire.safeParse(body)));
      const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
      assert.equal(r?.success, isObject, 'fails only when the reply is not an object');
      if (!r?.success) return;
      const { policy, dropped } = r.data;
      assert.equal(Object.getPrototypeOf(policy), Object.prototype);
      assert.deepEqual(malformedLeaves(policy), []);
      assert.ok(dropped.every((name) => typeof name === 'string' && name.length <= 201));
      const keys = Object.keys(body as object);
      assert.equal(
        Object.keys(policy).length + dropped.length,
        keys.length,
        'every header is kept or named as dropped',
      );
      for (const [k, v] of Object.entries(policy)) {
        const raw = (body as Record<string, unknown>)[k];
        assert.equal(v, typeof raw === 'number' ? String(raw) : raw);
      }
    });
  });

  it(`timestamps: a Date only for a real date and time, and then a valid one (${RUNS} runs)`, () => {
    const digits = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => String(v).padStart(n, '0'));
    const shaped = fc
      .tuple(
        digits(4),
        digits(2),
        digits(2),
        fc.constantFrom(' ', 'T'),
        digits(2),
        digits(2),
        digits(2),
        fc.constantFrom('', 'Z', '+02:00', '-0530', '+15:00', '.5Z'),
      )
      .map(([y, mo, d, sep, h, mi, s, zone]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${zone}`);
    check(fc.oneof(shaped, fc.constantFrom(...WEIRD_DATES), fc.string({ maxLength: 30 })), (text) => {
      const date = parseTimestamp(text);
      if (!date) return;
      assert.ok(Number.isFinite(date.getTime()));
      const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text)!;
      const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as number[];
      assert.ok(
        y! >= 1970 && y! <= 9999 && mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= 31 && h! < 24 && mi! < 60 && s! < 60,
        text,
      );
      if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) {
        // Without a zone the fields read back exactly, as UTC.
        assert.equal(date.toISOString().slice(0, 19), `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`);
      }
    });
  });
});
