import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkCname, DnsCache } from '../../src/resources/tls/dns-check';
import { DnsServer } from '../emulator/dns-server';

const TARGET = 'j.sni.global.fastly.net.';

describe('the DNS check, against a local DNS server', () => {
  const dns = new DnsServer();
  let servers: string[];
  before(async () => {
    servers = [await dns.start()];
    dns.zone.set('right.example.com', { cname: TARGET, ttl: 120 });
    dns.zone.set('j.sni.global.fastly.net', { a: '151.101.1.1', ttl: 120 });
    dns.zone.set('wrong.example.com', { cname: 'other.cdn.example.net.' });
    dns.zone.set('other.cdn.example.net', { a: '10.0.0.1' });
    dns.zone.set('chained.example.com', { cname: 'edge.example.net.' });
    dns.zone.set('edge.example.net', { cname: TARGET });
    dns.zone.set('plain.example.com', { a: '10.0.0.2' });
    dns.silent.add('slow.example.com');
  });
  after(() => dns.stop());

  it('CNAME points to the target (trailing dot and case do not matter), with the record TTL', async () => {
    const r = await checkCname('Right.Example.com', TARGET, { servers });
    assert.deepEqual(r.verdict, { kind: 'ok', chain: ['j.sni.global.fastly.net'] });
    assert.equal(r.ttlMs, 120_000);
    assert.ok(
      dns.queries.some((q) => q.name === 'right.example.com' && q.type === 'CNAME'),
      'the server was asked for the CNAME',
    );
  });

  it('a chain of CNAMEs that ends at the target is right', async () => {
    const r = await checkCname('chained.example.com', TARGET, { servers });
    assert.deepEqual(r.verdict, { kind: 'ok', chain: ['edge.example.net', 'j.sni.global.fastly.net'] });
  });

  it('points elsewhere: says where, and what was expected', async () => {
    const r = await checkCname('wrong.example.com', TARGET, { servers });
    assert.deepEqual(r.verdict, {
      kind: 'wrong',
      actual: 'other.cdn.example.net',
      expected: 'j.sni.global.fastly.net',
      chain: ['other.cdn.example.net'],
    });
  });

  it('NXDOMAIN: no CNAME yet; a name with an address record but no CNAME says so', async () => {
    assert.deepEqual((await checkCname('nothing.example.com', TARGET, { servers })).verdict, { kind: 'missing' });
    assert.deepEqual((await checkCname('plain.example.com', TARGET, { servers })).verdict, {
      kind: 'missing',
      address: true,
    });
  });

  it('without the CNAME instructions, it still says what the name points to', async () => {
    assert.deepEqual((await checkCname('wrong.example.com', undefined, { servers })).verdict, {
      kind: 'points',
      actual: 'other.cdn.example.net',
      chain: ['other.cdn.example.net'],
    });
  });

  it('a server that does not answer: could not be checked, and why', async () => {
    const r = await checkCname('slow.example.com', TARGET, { servers, timeoutMs: 200 });
    assert.deepEqual(r.verdict, { kind: 'unchecked', why: 'the DNS server did not answer in time' });
  });

  it('a bad servers setting: could not be checked, and why', async () => {
    const r = await checkCname('right.example.com', TARGET, { servers: ['not a server'] });
    assert.equal(r.verdict.kind, 'unchecked');
    assert.match((r.verdict as { why: string }).why, /DNS servers setting is not valid/);
  });

  it('answers are kept for their TTL, then asked again', async () => {
    let now = 1_000_000;
    const cache = new DnsCache(() => now);
    const r = await checkCname('right.example.com', TARGET, { servers, now: () => now });
    cache.set('right.example.com', TARGET, r);
    assert.equal(cache.get('RIGHT.example.com.', TARGET), r);
    now += 119_999;
    assert.ok(cache.get('right.example.com', TARGET));
    now += 1;
    assert.equal(cache.get('right.example.com', TARGET), undefined);
    assert.equal(cache.last('right.example.com', TARGET), r, 'the last answer is still there to show while checking');
  });
});
