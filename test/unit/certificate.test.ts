import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TlsSubscription } from '../../src/core';
import { certificateOf, parseCname } from '../../src/resources/tls/certificate';

const sub = (domainId: string, status: string, day: number): TlsSubscription =>
  ({ id: `${domainId}-${day}`, domainId, status, created: new Date(Date.UTC(2026, 0, day)) }) as TlsSubscription;

it("a domain's certificate is its newest subscription's state: a renewal that was issued wins over the failed one; none when it has none", () => {
  const subs = [
    sub('a', 'failed', 1),
    sub('a', 'issued', 2),
    sub('b', 'pending', 1),
    sub('c', 'issued', 1),
    sub('c', 'expired', 3),
    sub('d', 'weird', 1),
  ];
  assert.equal(certificateOf('a', subs), 'issued');
  assert.equal(certificateOf('b', subs), 'pending');
  assert.equal(certificateOf('c', subs), 'expired');
  assert.equal(certificateOf('d', subs), 'other');
  assert.equal(certificateOf('e', subs), 'none');
});

describe('CNAME instructions', () => {
  it("reads the record from the create reply's message", () => {
    assert.deepEqual(
      parseCname(
        "TLS subscription created. Create a CNAME for 'live.mydomain.com' and point it to 'j.sni.global.fastly.net.'.",
      ),
      {
        name: 'live.mydomain.com',
        target: 'j.sni.global.fastly.net.',
      },
    );
    assert.equal(parseCname('pending'), undefined);
    assert.equal(parseCname(undefined), undefined);
  });
});
