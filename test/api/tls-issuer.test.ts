import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as api from '../../src/core';
import { QencodeClient } from '../../src/core';
import { DnsServer } from '../emulator/dns-server';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';
import { SAMPLE } from '../emulator/sample-data';

const TARGET = 'j.sni.global.fastly.net.';

async function statusOf(client: QencodeClient, id: string, want: string, ms = 5000): Promise<api.TlsSubscription> {
  const end = Date.now() + ms;
  let sub = await api.getTlsSubscription(client, id);
  while (sub.status !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    sub = await api.getTlsSubscription(client, id);
  }
  return sub;
}

describe('the emulator issues certificates as Qencode does: by DNS', () => {
  const dns = new DnsServer();
  let emulator: Emulator;
  let client: QencodeClient;
  before(async () => {
    const server = await dns.start();
    emulator = new Emulator({ seed: true, apiKeys: [DEMO_API_KEY], dns: { server, failAfterMs: 600, checkMs: 50 } });
    client = new QencodeClient({ baseUrl: await emulator.start(), apiKey: () => DEMO_API_KEY });
  });
  after(async () => {
    await client.close();
    await emulator.stop();
    await dns.stop();
  });

  it('a subscription whose CNAME resolves to the target turns issued, with an expiry date', async () => {
    const sub = await api.createTlsSubscription(client, SAMPLE.eventsDomainId);
    assert.equal(sub.status, 'pending');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await api.getTlsSubscription(client, sub.id)).status, 'pending', 'no CNAME yet: still pending');
    dns.zone.set('events.example-tv.com', { cname: TARGET });
    const issued = await statusOf(client, sub.id, 'issued');
    assert.equal(issued.status, 'issued');
    assert.ok(
      issued.expires && issued.expires.getTime() > Date.now() + 80 * 86_400_000,
      'a certificate good for about 90 days',
    );
  });

  it('a CNAME that points elsewhere fails the subscription after the configured time, with the reason', async () => {
    dns.zone.set('vod.example-tv.com', { cname: 'old-cdn.example.net.' });
    const sub = await api.createTlsSubscription(client, SAMPLE.vodDomainId);
    const failed = await statusOf(client, sub.id, 'failed');
    assert.equal(failed.status, 'failed');
    assert.match(failed.message ?? '', /points to 'old-cdn\.example\.net\.', not to 'j\.sni\.global\.fastly\.net\.'/);
    // A failed subscription may be renewed by a new one; a second live one is refused.
    const renewed = await api.createTlsSubscription(client, SAMPLE.vodDomainId);
    assert.equal(renewed.status, 'pending');
    await assert.rejects(api.createTlsSubscription(client, SAMPLE.vodDomainId), /already has a TLS subscription/);
  });
});
