import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  apiPath,
  CORS_HEADERS,
  CorsPolicyWire,
  DomainWire,
  HTTP_METHODS,
  isInvalid,
  isQencodeError,
  list,
  validateBucketName,
  validateCorsDocument,
  validateDomainName,
  validateObjectPath,
} from '../../src/core';

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
      fc.constantFrom('.', '..', '/', '\\', '?', '#', '%', '%2e', '%2e%2e', '%2F', '\u0000', '\n', '\r', '\t', ' ', 'é', '😀', '\ud800', '\udc00', '&', '=', ';', '@', ':', '+'),
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
        assert.ok(s === '' || s === '.' || s === '..' || loneSurrogate, `refused only what must be: ${JSON.stringify(s)}`);
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
  const domainish = fc.array(fc.string({ unit: labelChars, minLength: 0, maxLength: 70 }), { minLength: 1, maxLength: 6 }).map((l) => l.join('.'));

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
    const bucketish = fc.string({ unit: fc.constantFrom(...'abz09.-'.split(''), 'A', '_'), minLength: 0, maxLength: 70 });
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
    const key = fc.oneof(fc.constantFrom(...CORS_HEADERS, 'X-Other', 'access-control-max-age', '__proto__', 'constructor'), hostile);
    const value = fc.oneof(fc.constantFrom('*', 'GET, HEAD', 'get', '600', '-1', 'true', 'yes', 'https://a.example', 'https://a.example/x', 'Range, X-A'), hostile, fc.integer(), fc.boolean(), fc.constant(null));
    check(fc.dictionary(key, value, { maxKeys: 6 }), (doc) => {
      const r = validateCorsDocument(doc);
      if (!r.ok) return assert.ok(r.message.length > 10);
      for (const [k, v] of Object.entries(r.value)) {
        assert.ok((CORS_HEADERS as string[]).includes(k), k);
        assert.equal(typeof v, 'string');
        if (k === 'Access-Control-Max-Age') assert.match(v, /^\d+$/);
        if (k === 'Access-Control-Allow-Credentials') assert.ok(v === 'true' || v === 'false');
        if (k === 'Access-Control-Allow-Methods' && v !== '*') for (const m of v.split(',')) assert.ok((HTTP_METHODS as readonly string[]).includes(m.trim()));
      }
    });
  });
});

describe('property: responses are data', () => {
  it(`a list reply of any shape never throws and never breaks the list (${RUNS} runs)`, () => {
    const schema = list('domains', DomainWire);
    const item = fc.oneof(fc.anything(), fc.record({ id: fc.string(), domain_name: fc.string(), type: fc.constantFrom('live', 'vod', 'hls'), created: fc.constantFrom('2023-06-07 14:17:25', 'x') }));
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
    check(fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'Access-Control-Allow-Origin'), fc.string({ maxLength: 5 })), (dict) => {
      const r = CorsPolicyWire.safeParse(JSON.parse(JSON.stringify(dict)));
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.getPrototypeOf({}), Object.prototype);
      if (r.success) assert.equal(Object.getPrototypeOf(r.data), Object.prototype);
    });
  });
});
