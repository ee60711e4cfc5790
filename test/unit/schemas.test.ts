import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  AccessTokenResponse,
  CorsPolicyWire,
  CorsReplyWire,
  CreatedSigningKeyWire,
  DomainWire,
  SigningKeyWire,
  StatusWire,
  TlsSubscriptionWire,
  isInvalid,
  list,
  parseTimestamp,
  single,
} from '../../src/core';
import { SEED } from './seed-fixtures';

const parse = (text: string): unknown => JSON.parse(text);

describe('schemas accept the seed examples exactly', () => {
  it('access token', () => {
    const t = AccessTokenResponse.parse(parse(SEED.accessToken));
    assert.match(t.access_token, /^eyJ/);
  });

  it('create, get and update domain replies', () => {
    const d = single('domain', DomainWire).parse(parse(SEED.createDomain));
    assert.deepEqual(d, {
      id: 'aeac03d6-beb0-4638-a094-fbc35653f931',
      name: 'live.mydomain.com',
      type: 'live',
      created: new Date('2023-06-07T14:17:25Z'),
    });
    const u = single('domain', DomainWire).parse(parse(SEED.updateDomain));
    assert.equal(u.bucketName, 'new-bucket-name');
    assert.equal(u.type, 'vod');
  });

  it('domain list', () => {
    const l = list('domains', DomainWire).parse(parse(SEED.listDomains));
    assert.equal(l.length, 1);
    assert.equal(isInvalid(l[0]!), false);
  });

  it('status reply', () => {
    assert.equal(StatusWire.parse(parse(SEED.status)), undefined);
  });

  it('TLS create (with message), get and list (without)', () => {
    const c = single('tls_subscription', TlsSubscriptionWire).parse(parse(SEED.createTls));
    assert.match(c.message ?? '', /CNAME/);
    const g = single('tls_subscription', TlsSubscriptionWire).parse(parse(SEED.getTls));
    assert.equal(g.message, undefined);
    assert.equal(g.status, 'pending');
    const l = list('tls_subscriptions', TlsSubscriptionWire).parse(parse(SEED.listTls));
    assert.equal(l.length, 1);
    assert.equal(isInvalid(l[0]!), false);
  });

  it('signing key create, with the PEM line breaks escaped as JSON requires', () => {
    // The seed shows the PEM's line breaks raw inside the string; a JSON encoder escapes them.
    const escaped = SEED.createSigningKey.replace(
      /"private_key": "([\s\S]*?)",\n"created"/,
      (_m, pem: string) => `"private_key": ${JSON.stringify(pem)},\n"created"`,
    );
    const k = single('signing_key', CreatedSigningKeyWire).parse(parse(escaped));
    assert.equal(k.name, null);
    assert.match(k.privateKey, /^-----BEGIN RSA PRIVATE KEY-----\n/);
    assert.deepEqual(k.target, { kind: 'stream', streamId: '1f1ab6a3-d867-4787-b882-7f2fb1203634' });
  });

  it('signing key get and rename: a named key', () => {
    assert.equal(single('signing_key', SigningKeyWire).parse(parse(SEED.getSigningKey)).name, 'My Signing Key');
    assert.equal(single('signing_key', SigningKeyWire).parse(parse(SEED.renameSigningKey)).name, 'My signing key');
  });

  it('signing key list: name absent, name null, domain_id and stream_id items', () => {
    const l = list('signing_keys', SigningKeyWire).parse(parse(SEED.listSigningKeys));
    assert.equal(l.length, 2);
    const [a, b] = l;
    assert.ok(a && !isInvalid(a) && b && !isInvalid(b));
    assert.equal(a.name, null);
    assert.deepEqual(a.target, { kind: 'domain', domainId: 'aeac03d6-beb0-4638-a094-fbc35653f931' });
    assert.equal(b.name, null);
    assert.equal(b.target.kind, 'stream');
  });

  it('CORS policy', () => {
    const c = CorsPolicyWire.parse(parse(SEED.getCors));
    assert.equal(c['Access-Control-Allow-Credentials'], 'true');
    assert.equal(Object.keys(c).length, 4);
  });
});

describe('schemas contain what is wrong', () => {
  it('a create reply with a private key but a malformed field keeps the key and names the problem', () => {
    const k = single('signing_key', CreatedSigningKeyWire).parse({
      signing_key: {
        id: 'k1',
        private_key: '-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n',
        created: 'not a date',
      },
    });
    assert.match(k.privateKey, /BEGIN RSA PRIVATE KEY/);
    assert.equal(k.id, 'k1');
    assert.match(k.problem ?? '', /^signing_key\.created: /);
  });

  it('one bad item is an invalid item naming the path at fault; the rest of the list stays', () => {
    const body = {
      domains: [
        { id: 'a', domain_name: 'x.example.com', type: 'live', created: '2023-06-07 14:17:25' },
        { id: 'b', domain_name: 'y.example.com', type: 'live', created: 'yesterday' },
      ],
    };
    const l = list('domains', DomainWire).parse(body);
    assert.equal(isInvalid(l[0]!), false);
    const bad = l[1]!;
    assert.ok(isInvalid(bad));
    assert.equal(bad.id, 'b');
    assert.match(bad.problem, /^domains\[1\]\.created: expected a date like 2023-06-07 14:17:25$/);
  });

  it('unknown extra fields are ignored, not fatal', () => {
    const d = single('domain', DomainWire).parse({
      domain: { ...JSON.parse(SEED.createDomain).domain, cdn: { x: 1 }, new_field: true },
    });
    assert.equal(d.name, 'live.mydomain.com');
    assert.equal('new_field' in d, false);
  });

  it('an unknown TLS status is kept as it comes', () => {
    const t = single('tls_subscription', TlsSubscriptionWire).parse({
      tls_subscription: { ...JSON.parse(SEED.getTls).tls_subscription, status: 'renewing' },
    });
    assert.equal(t.status, 'renewing');
  });

  it('a list envelope of the wrong shape fails with the path at fault', () => {
    const r = list('domains', DomainWire).safeParse({ domains: 'nope' });
    assert.equal(r.success, false);
    assert.equal((r as { error: z.ZodError }).error.issues[0]?.path.join('.'), 'domains');
  });

  it('a __proto__ key in a CORS reply stays a plain key and pollutes nothing', () => {
    const c = CorsPolicyWire.parse(
      JSON.parse(
        '{"__proto__": {"polluted": "yes"}, "Access-Control-Allow-Origin": "*"}'.replace('{"polluted": "yes"}', '"x"'),
      ),
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(c), Object.prototype);
    assert.equal(c['Access-Control-Allow-Origin'], '*');
  });
});

describe('dates are real dates or the item is invalid', () => {
  const domain = (created: unknown) => ({ id: 'd1', domain_name: 'x.example.com', type: 'live', created });
  const NOT_DATES = [
    '0000-00-00 00:00:00',
    '2023-13-45 99:99:99',
    '2023-02-29 12:00:00',
    '2023-04-31 00:00:00',
    '2100-02-29 00:00:00',
    '2023-11-31 00:00:00',
    '2023-06-07 24:00:00',
    '2023-06-07 23:60:00',
    '2023-06-07 23:59:60',
    '1969-12-31 23:59:59',
    '2023-06-07 14:17:25+15:00',
    '2023-06-07 14:17:25+02:60',
  ];

  it('parseTimestamp: only a real calendar date and time, 1970 to 9999, is a Date', () => {
    for (const text of NOT_DATES) assert.equal(parseTimestamp(text), undefined, text);
    const real: [string, string][] = [
      ['2023-06-07 14:17:25', '2023-06-07T14:17:25.000Z'],
      ['2024-02-29 23:59:59', '2024-02-29T23:59:59.000Z'],
      ['2000-02-29 00:00:00', '2000-02-29T00:00:00.000Z'],
      ['2023-01-31 00:00:00', '2023-01-31T00:00:00.000Z'],
      ['2023-12-31T23:59:59+14:59', '2023-12-31T09:00:59.000Z'],
      ['1970-01-01 00:00:00', '1970-01-01T00:00:00.000Z'],
      ['9999-12-31 23:59:59', '9999-12-31T23:59:59.000Z'],
      ['2023-06-07T14:17:25.5Z', '2023-06-07T14:17:25.500Z'],
      ['2023-06-07T14:17:25.123456+02:00', '2023-06-07T12:17:25.123Z'],
      ['2023-06-07 14:17:25-0530', '2023-06-07T19:47:25.000Z'],
    ];
    for (const [text, iso] of real) assert.equal(parseTimestamp(text)?.toISOString(), iso, text);
  });

  it('a list item whose date is not a real one is an invalid item naming it; the rest of the list stays', () => {
    const l = list('domains', DomainWire).parse({ domains: [domain('2023-06-07 14:17:25'), ...NOT_DATES.map(domain)] });
    assert.equal(isInvalid(l[0]!), false);
    NOT_DATES.forEach((text, i) => {
      const item = l[i + 1]!;
      assert.ok(isInvalid(item), text);
      assert.equal(
        item.problem,
        `domains[${i + 1}].created: "${text}" is not a real date and time (expected a date like 2023-06-07 14:17:25)`,
      );
    });
  });

  it('TLS subscriptions and signing keys alike', () => {
    const tls = list('tls_subscriptions', TlsSubscriptionWire).parse({
      tls_subscriptions: [{ id: 't', domain_id: 'd', status: 'pending', created: '2023-13-45 99:99:99' }],
    });
    assert.ok(isInvalid(tls[0]!));
    const keys = list('signing_keys', SigningKeyWire).parse({
      signing_keys: [{ id: 'k', stream_id: 's', created: '0000-00-00 00:00:00' }],
    });
    assert.ok(isInvalid(keys[0]!));
    assert.match(keys[0].problem, /^signing_keys\[0\]\.created: "0000-00-00 00:00:00" is not a real date and time/);
  });

  it('a single reply with such a date fails with the path at fault, not with an Invalid Date inside', () => {
    const r = single('domain', DomainWire).safeParse({ domain: domain('0000-00-00 00:00:00') });
    assert.equal(r.success, false);
    assert.deepEqual(
      r.error?.issues.map((i) => i.path.join('.')),
      ['domain.created'],
    );
  });

  it('a create reply whose date is not a real one keeps the key, with a valid date: its own when real, else now', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n';
    const before = Date.now();
    const a = CreatedSigningKeyWire.parse({
      id: 'k1',
      stream_id: 's',
      private_key: pem,
      created: '2023-13-45 99:99:99',
    });
    assert.ok(Number.isFinite(a.created.getTime()) && a.created.getTime() >= before);
    assert.match(a.problem ?? '', /^signing_key\.created: /);
    const b = CreatedSigningKeyWire.parse({ id: 42, private_key: pem, created: '2023-06-12 15:00:40', name: ' ' });
    assert.equal(b.created.toISOString(), '2023-06-12T15:00:40.000Z');
    assert.equal(b.id, 'unknown-id');
    assert.equal(b.name, null);
    assert.equal(b.privateKey, pem);
  });
});

describe('plausible reply variants are accepted', () => {
  it('CORS header names in any case are spelled as documented; a name sent twice keeps the first and names the second', () => {
    const reply = CorsReplyWire.parse({
      'access-control-allow-origin': 'https://a.example',
      'ACCESS-CONTROL-MAX-AGE': '600',
      'Access-Control-Allow-Origin': 'https://b.example',
      'X-Other': '1',
    });
    assert.deepEqual(reply.policy, {
      'Access-Control-Allow-Origin': 'https://a.example',
      'Access-Control-Max-Age': '600',
      'X-Other': '1',
    });
    assert.deepEqual(reply.dropped, ['Access-Control-Allow-Origin']);
  });

  it('a TLS status in another case is the same status ("Failed" is failed)', () => {
    const sub = TlsSubscriptionWire.parse({
      id: 'a1',
      domain_id: 'd1',
      status: ' Failed ',
      created: '2024-01-01 00:00:00',
    });
    assert.equal(sub.status, 'failed');
  });

  it('extra keys beside the list and in every item, with pagination fields', () => {
    const body = {
      domains: [
        {
          id: 'a',
          domain_name: 'a.example.com',
          type: 'vod',
          bucket_name: null,
          created: '2023-06-07 14:17:25',
          cdn: { provider: 'x' },
          tags: [],
        },
        {
          id: 'b',
          domain_name: 'b.example.com',
          type: 'live',
          created: '2023-06-07 14:17:25',
          bucket_name: 'kept-as-it-comes',
        },
      ],
      total: 2,
      page: 1,
      per_page: 50,
      links: { next: null },
    };
    const l = list('domains', DomainWire).parse(body);
    assert.deepEqual(l, [
      { id: 'a', name: 'a.example.com', type: 'vod', created: new Date('2023-06-07T14:17:25Z') },
      {
        id: 'b',
        name: 'b.example.com',
        type: 'live',
        bucketName: 'kept-as-it-comes',
        created: new Date('2023-06-07T14:17:25Z'),
      },
    ]);
  });

  it('signing keys: name null, missing, blank; empty or null target fields read as absent', () => {
    const created = '2023-06-12 15:00:40';
    const l = list('signing_keys', SigningKeyWire).parse({
      signing_keys: [
        { id: 'k1', stream_id: 's1', name: null, created },
        { id: 'k2', domain_id: 'd1', created },
        { id: 'k3', bucket_name: 'b1', name: '   ', created },
        { id: 'k4', stream_id: '', domain_id: null, bucket_name: 'b2', name: 'Named', created, extra: { x: 1 } },
      ],
      total: 4,
    });
    assert.deepEqual(
      l.map((k) => (isInvalid(k) ? k : [k.id, k.name, k.target])),
      [
        ['k1', null, { kind: 'stream', streamId: 's1' }],
        ['k2', null, { kind: 'domain', domainId: 'd1' }],
        ['k3', null, { kind: 'bucket', bucketName: 'b1' }],
        ['k4', 'Named', { kind: 'bucket', bucketName: 'b2' }],
      ],
    );
  });

  it('CORS: a number where the reference shows a string is read as that string', () => {
    assert.deepEqual(CorsPolicyWire.parse({ 'Access-Control-Max-Age': 1600, 'Access-Control-Allow-Origin': '*' }), {
      'Access-Control-Max-Age': '1600',
      'Access-Control-Allow-Origin': '*',
    });
    assert.deepEqual(CorsReplyWire.parse({ 'Access-Control-Max-Age': 0 }), {
      policy: { 'Access-Control-Max-Age': '0' },
      dropped: [],
    });
  });

  it('CORS: values the client cannot use are dropped and named; the usable headers stay', () => {
    const reply = CorsReplyWire.parse({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': ['GET', 'HEAD'],
      'Access-Control-Allow-Credentials': true,
      'Access-Control-Expose-Headers': { value: 'Content-Length' },
      'Access-Control-Allow-Headers': null,
      'X-Long': 'x'.repeat(10_001),
      'Access-Control-Max-Age': 600,
    });
    assert.deepEqual(reply.policy, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Max-Age': '600' });
    assert.deepEqual(reply.dropped, [
      'Access-Control-Allow-Methods',
      'Access-Control-Allow-Credentials',
      'Access-Control-Expose-Headers',
      'Access-Control-Allow-Headers',
      'X-Long',
    ]);
    assert.deepEqual(
      CorsPolicyWire.parse({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': true }),
      { 'Access-Control-Allow-Origin': '*' },
    );
  });

  it('CORS: a reply that is not an object is refused with a reason', () => {
    for (const body of [[], ['*'], 'text', 1, null]) {
      const r = CorsReplyWire.safeParse(body);
      assert.equal(r.success, false, JSON.stringify(body));
      assert.equal(r.error?.issues[0]?.message, 'expected an object of CORS header names to values');
    }
  });

  it('CORS: a __proto__ header whose value is an object is dropped by name, and pollutes nothing', () => {
    const reply = CorsReplyWire.parse(
      JSON.parse('{"__proto__": {"polluted": "yes"}, "Access-Control-Allow-Origin": "*"}'),
    );
    assert.deepEqual(reply.dropped, ['__proto__']);
    assert.equal(Object.getPrototypeOf(reply.policy), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
