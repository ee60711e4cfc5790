import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  AccessTokenResponse,
  CorsPolicyWire,
  CreatedSigningKeyWire,
  DomainWire,
  SigningKeyWire,
  StatusWire,
  TlsSubscriptionWire,
  isInvalid,
  list,
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
    assert.deepEqual(d, { id: 'aeac03d6-beb0-4638-a094-fbc35653f931', name: 'live.mydomain.com', type: 'live', created: new Date('2023-06-07T14:17:25Z') });
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
    const escaped = SEED.createSigningKey.replace(/"private_key": "([\s\S]*?)",\n"created"/, (_m, pem: string) => `"private_key": ${JSON.stringify(pem)},\n"created"`);
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
    const k = single('signing_key', CreatedSigningKeyWire).parse({ signing_key: { id: 'k1', private_key: '-----BEGIN RSA PRIVATE KEY-----\nMII\n-----END RSA PRIVATE KEY-----\n', created: 'not a date' } });
    assert.match(k.privateKey, /BEGIN RSA PRIVATE KEY/);
    assert.equal(k.id, 'k1');
    assert.match(k.problem ?? '', /^signing_key\.created: /);
  });

  it('one bad item is an invalid item naming the path at fault; the rest of the list stays', () => {
    const body = { domains: [{ id: 'a', domain_name: 'x.example.com', type: 'live', created: '2023-06-07 14:17:25' }, { id: 'b', domain_name: 'y.example.com', type: 'live', created: 'yesterday' }] };
    const l = list('domains', DomainWire).parse(body);
    assert.equal(isInvalid(l[0]!), false);
    const bad = l[1]!;
    assert.ok(isInvalid(bad));
    assert.equal(bad.id, 'b');
    assert.match(bad.problem, /^domains\[1\]\.created: expected a date like 2023-06-07 14:17:25$/);
  });

  it('unknown extra fields are ignored, not fatal', () => {
    const d = single('domain', DomainWire).parse({ domain: { ...JSON.parse(SEED.createDomain).domain, cdn: { x: 1 }, new_field: true } });
    assert.equal(d.name, 'live.mydomain.com');
    assert.equal('new_field' in d, false);
  });

  it('an unknown TLS status is kept as it comes', () => {
    const t = single('tls_subscription', TlsSubscriptionWire).parse({ tls_subscription: { ...JSON.parse(SEED.getTls).tls_subscription, status: 'renewing' } });
    assert.equal(t.status, 'renewing');
  });

  it('a list envelope of the wrong shape fails with the path at fault', () => {
    const r = list('domains', DomainWire).safeParse({ domains: 'nope' });
    assert.equal(r.success, false);
    assert.equal((r as { error: z.ZodError }).error.issues[0]?.path.join('.'), 'domains');
  });

  it('a __proto__ key in a CORS reply stays a plain key and pollutes nothing', () => {
    const c = CorsPolicyWire.parse(JSON.parse('{"__proto__": {"polluted": "yes"}, "Access-Control-Allow-Origin": "*"}'.replace('{"polluted": "yes"}', '"x"')));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(c), Object.prototype);
    assert.equal(c['Access-Control-Allow-Origin'], '*');
  });
});
