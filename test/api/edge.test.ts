import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  CertificateProblem,
  EdgeAgent,
  freshnessAfterPurge,
  headerValue,
  judgeCors,
  PROBE_LIMITS,
  probeUrl,
  purgeObject,
  setCors,
  QencodeClient,
  type QencodeError,
} from '../../src/core';
import { Emulator } from '../emulator/emulator';
import { testCertificates } from '../emulator/https';
import { mediaStorageUrl, type MediaServer } from '../emulator/media';
import { DEMO_API_KEY } from '../emulator/emulator';
import { SAMPLE } from '../emulator/sample-data';

/*
 * The edge checks' core against the emulator's media server over TLS: one request with
 * no body, timed and with its certificate, to an edge that caches, purges and answers
 * CORS from the bucket's policy.
 */

const emulator = new Emulator({ seed: true, media: true, apiKeys: [DEMO_API_KEY] });
let media: MediaServer;
let agent: EdgeAgent;
let client: QencodeClient;
const object = 'streams/launch/master.m3u8';
const real = (path = object) => mediaStorageUrl(SAMPLE.mediaBucket, 'us-west', path);

before(async () => {
  await emulator.start();
  media = emulator.media!;
  const certificates = await testCertificates();
  const port = Number(new URL(await media.startTls(certificates)).port);
  agent = new EdgeAgent({ connectTo: { host: '127.0.0.1', port }, ca: certificates.ca });
  client = new QencodeClient({ baseUrl: emulator.url, apiKey: () => DEMO_API_KEY });
});
after(async () => {
  agent.destroy();
  await client.close();
  await emulator.stop();
});
beforeEach(() => {
  media.clearRequests();
  media.clockOffsetMs = 0;
  media.corsPropagationMs = 0;
});

describe('Check URL: one look at the edge', () => {
  it('sends one HEAD with no credentials, reads no body, and times each phase of a new connection; a kept one is reused', async () => {
    const fresh = new EdgeAgent({
      connectTo: { host: '127.0.0.1', port: Number(new URL(media.tlsUrl).port) },
      ca: (await testCertificates()).ca,
    });
    try {
      const first = await probeUrl(real(), { agent: fresh });
      assert.equal(first.status, 200);
      assert.equal(first.method, 'HEAD');
      assert.equal(first.timings.reused, false);
      assert.ok(first.timings.connectMs !== undefined && first.timings.tlsMs !== undefined);
      assert.deepEqual(first.certificate?.names, [`${SAMPLE.mediaBucket}.media-storage.us-west.qencode.com`]);
      assert.equal(first.certificate?.issuer, 'Qencode CDN test CA');
      const second = await probeUrl(real(), { agent: fresh });
      assert.equal(second.timings.reused, true, 'the second look reuses the connection');
      const seen = media.requests.map((r) => `${r.method} ${r.host} /${r.path}`);
      assert.deepEqual(seen, [
        `HEAD ${SAMPLE.mediaBucket}.media-storage.us-west.qencode.com /${object}`,
        `HEAD ${SAMPLE.mediaBucket}.media-storage.us-west.qencode.com /${object}`,
      ]);
    } finally {
      fresh.destroy();
    }
  });

  it('the headers are kept as the edge sent them: caching, CORS, content type', async () => {
    const result = await probeUrl(real(), { agent });
    for (const name of ['Age', 'X-Cache', 'Cache-Control', 'ETag', 'Content-Type', 'Access-Control-Allow-Origin'])
      assert.ok(headerValue(result.headers, name) !== undefined, `${name} is kept`);
    assert.equal(headerValue(result.headers, 'content-type'), 'application/vnd.apple.mpegurl');
  });

  it('an authenticated bucket answers 403; a redirect or any status is reported as is', async () => {
    const result = await probeUrl(mediaStorageUrl(SAMPLE.promoBucket, 'us-west', 'clip.mp4'), { agent });
    assert.equal(result.status, 403);
  });

  it('a playback domain without an issued certificate: the certificate presented is described, and no request is sent', async () => {
    const url = `https://archive.example-tv.com/${object}`;
    await assert.rejects(
      probeUrl(url, { agent }),
      (error: unknown) =>
        error instanceof CertificateProblem &&
        /archive\.example-tv\.com/.test(error.reason) &&
        error.certificate?.names.includes('localhost') === true,
    );
    assert.deepEqual(media.requests, [], 'nothing sent over a connection that was not trusted');
  });

  it('once the domain’s TLS subscription is issued, the edge presents a certificate for it', async () => {
    emulator.issueTls(SAMPLE.pendingTlsId);
    const result = await probeUrl(`https://archive.example-tv.com/missing.mp4`, { agent });
    assert.deepEqual(result.certificate?.names, ['archive.example-tv.com']);
    assert.equal(result.status, 404);
  });

  it('a server that accepts and never finishes the TLS handshake: Cancel ends the look at once, and so does the handshake deadline', async () => {
    const silent = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const stuck = new EdgeAgent({ connectTo: { host: '127.0.0.1', port } });
    const limits = PROBE_LIMITS as { handshakeMs: number };
    const before = limits.handshakeMs;
    try {
      const cancel = new AbortController();
      const started = Date.now();
      setTimeout(() => cancel.abort(), 200);
      await assert.rejects(
        probeUrl(real(), { agent: stuck, signal: cancel.signal }),
        (e: QencodeError) => e.kind === 'cancelled',
      );
      assert.ok(Date.now() - started < 2000, 'ended when cancelled');
      limits.handshakeMs = 300;
      const t = Date.now();
      await assert.rejects(
        probeUrl(real(), { agent: new EdgeAgent({ connectTo: { host: '127.0.0.1', port } }) }),
        /no TLS handshake within/,
      );
      assert.ok(Date.now() - t < 3000, 'ended at the handshake deadline');
    } finally {
      limits.handshakeMs = before;
      stuck.destroy();
      silent.close();
    }
  });

  it('only https is checked', async () => {
    await assert.rejects(probeUrl('http://example.com/a', { agent }), (e: QencodeError) => e.kind === 'invalid-input');
  });
});

describe('the edge cache, and a purge verified', () => {
  it('a first read is a MISS with Age 0; later reads HIT with a growing Age; after a purge through the API the next read is a MISS', async () => {
    const path = 'streams/launch/video/720p/index.m3u8';
    const first = await probeUrl(real(path), { agent });
    assert.equal(headerValue(first.headers, 'X-Cache'), 'MISS');
    media.clockOffsetMs = 120_000;
    const later = await probeUrl(real(path), { agent });
    assert.equal(headerValue(later.headers, 'X-Cache'), 'HIT');
    assert.equal(headerValue(later.headers, 'Age'), '120');
    assert.equal(freshnessAfterPurge(later.headers, 10).kind, 'cached', 'older than a purge 10 s ago');
    await purgeObject(client, SAMPLE.mediaBucket, path);
    const after = await probeUrl(real(path), { agent });
    assert.equal(headerValue(after.headers, 'X-Cache'), 'MISS');
    assert.equal(freshnessAfterPurge(after.headers, 1).kind, 'fresh');
  });
});

describe('Test CORS against the edge', () => {
  const origin = 'https://app.example.com';

  it('the edge answers a preflight and the request from the bucket’s policy; the check judges them as a browser', async () => {
    await setCors(client, SAMPLE.archiveBucket, {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': 'GET, PUT',
    });
    emulator.account().buckets.get(SAMPLE.archiveBucket)!.objects.set('a.mp4', { body: 'x', contentType: 'video/mp4' });
    const url = mediaStorageUrl(SAMPLE.archiveBucket, 'eu-central', 'a.mp4');
    const request = { origin, method: 'PUT', headers: [] as [string, string][], credentials: false };
    const preflight = await probeUrl(url, {
      agent,
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PUT' },
    });
    const response = await probeUrl(url, { agent, method: 'GET', headers: { origin } });
    const verdict = judgeCors(request, {
      preflight: { status: preflight.status, headers: preflight.headers },
      response: { status: response.status, headers: response.headers },
    });
    assert.equal(verdict.allowed, true, JSON.stringify(verdict.problems));
    assert.deepEqual(
      media.requests.map((r) => r.method),
      ['OPTIONS', 'GET'],
    );
  });

  it('a CORS change reaches the edge after the propagation delay; a cached copy keeps its old headers until purged', async () => {
    const path = 'streams/launch/video/360p/index.m3u8';
    const url = real(path);
    await probeUrl(url, { agent, method: 'GET', headers: { origin } }); // cached with the old policy
    media.corsPropagationMs = 60_000;
    await setCors(client, SAMPLE.mediaBucket, { 'Access-Control-Allow-Origin': origin });
    const preflight = await probeUrl(url, {
      agent,
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET' },
    });
    assert.equal(
      headerValue(preflight.headers, 'Access-Control-Allow-Origin'),
      'https://media-storage.us-west.qencode.com',
      'the change has not reached the edge yet',
    );
    media.corsPropagationMs = 0;
    const cached = await probeUrl(url, { agent, method: 'GET', headers: { origin } });
    assert.equal(
      headerValue(cached.headers, 'Access-Control-Allow-Origin'),
      'https://media-storage.us-west.qencode.com',
    );
    await purgeObject(client, SAMPLE.mediaBucket, path);
    const purged = await probeUrl(url, { agent, method: 'GET', headers: { origin } });
    assert.equal(headerValue(purged.headers, 'Access-Control-Allow-Origin'), origin);
  });
});
