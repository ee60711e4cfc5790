import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ProbeResult } from '../../src/core';
import { checkReport, corsReport, displayUrl, verifyReport, verifySummary } from '../../src/resources/edge/report';
import { streamSample } from '../../src/resources/edge/verify-plan';

const result = (headers: [string, string][], status = 200): ProbeResult => ({
  url: 'https://b.media-storage.us-west.qencode.com/a.m3u8',
  method: 'HEAD',
  status,
  statusText: 'OK',
  headers,
  timings: { dnsMs: 1, connectMs: 2, tlsMs: 3, firstByteMs: 4, totalMs: 10, reused: false },
  fellBackToGet: false,
});

it('what the edge sent is text in the document: a header value cannot become a link, markup or an escape from a code block', () => {
  const hostile =
    '[click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> ``` $x$ https://evil.example';
  const md = checkReport({
    url: 'https://b.media-storage.us-west.qencode.com/a.m3u8',
    host: { kind: 'media-storage', bucket: 'b' },
    at: new Date('2026-12-07T00:00:00Z'),
    result: result([
      ['X-Cache', hostile],
      ['Access-Control-Allow-Origin', hostile],
    ]),
  });
  // Outside fenced blocks (inside one, everything is literal text).
  const prose = md.replace(/^(`{3,})\n[\s\S]*?\n\1$/gm, '');
  assert.ok(!prose.includes('[click](command:'), 'no link');
  assert.ok(!/(^|[^\\])<img/.test(prose), 'no HTML');
  assert.ok(!/(^|[^\\])https:\/\/evil/.test(prose), 'no bare URL the preview would link');
  assert.ok(prose.includes('\\[click\\]'), 'the value is there, as text');
  // In the block of every header, as sent, the fence is longer than any run of backticks in it.
  assert.match(md, /````\nX-Cache: .*```/);
});

it('a signed URL’s token is not repeated in a document', () => {
  assert.equal(
    displayUrl('https://v.example/a.m3u8?auth=eyJsecret&x=1'),
    'https://v.example/a.m3u8?auth=[redacted]&x=1',
  );
});

it('the status is said with what it means here: a 403 on a bucket known to be authenticated asks for a signed URL', () => {
  const md = checkReport({
    url: 'https://p.media-storage.us-west.qencode.com/c.mp4',
    host: { kind: 'media-storage', bucket: 'p', policy: 'authenticated' },
    at: new Date(),
    result: result([], 403),
  });
  assert.match(md, /## 403/);
  assert.match(md, /players need a signed URL/);
});

it('Test CORS says where the edge and the policy disagree', () => {
  const request = {
    origin: 'https://app.example',
    method: 'GET',
    headers: [] as [string, string][],
    credentials: false,
  };
  const md = corsReport({
    url: 'https://b.media-storage.us-west.qencode.com/a.m3u8',
    request,
    verdict: {
      allowed: false,
      problems: [
        {
          step: 'request',
          header: 'Access-Control-Allow-Origin',
          value: 'https://old.example',
          reason: 'the edge allows only https://old.example, not https://app.example',
        },
      ],
      notes: [],
    },
    policy: { 'Access-Control-Allow-Origin': 'https://app.example' },
    policyVerdict: { allowed: true, problems: [], notes: [] },
  });
  assert.match(md, /The edge disagrees with the policy/);
  assert.match(md, /purging this URL makes it fetch a new one/);
});

it('Verify sums up per verdict and lists every URL with why', () => {
  const rows = [
    {
      url: 'https://v.example/a',
      status: 200,
      freshness: { kind: 'fresh' as const, via: 'miss' as const, why: 'fetched from origin' },
    },
    { url: 'https://v.example/b', status: 200, freshness: { kind: 'cached' as const, ageSeconds: 340, why: 'old' } },
    { url: 'https://v.example/c', error: 'timeout' },
  ];
  assert.equal(verifySummary(rows), "3 URLs: 1 fresh from origin, 1 still cached (Age up to 340 s), 1 can't tell");
  const md = verifyReport(rows, new Date('2026-12-07T10:00:00Z'), undefined);
  assert.match(md, /still cached \(Age 340 s\)/);
  assert.match(md, /can't tell \| timeout/);
  assert.match(md, /On https:\\\/\\\/v\.example:/);
});

it('a stream is verified by its manifests and an even sample of the rest, and the report says so', () => {
  const objects = [
    ...Array.from({ length: 100 }, (_, i) => ({ url: `https://v.example/seg${i}.ts`, manifest: false })),
    { url: 'https://v.example/720p.m3u8', manifest: true },
    { url: 'https://v.example/master.m3u8', manifest: true },
  ];
  const plan = streamSample(objects, 4);
  assert.deepEqual(plan.urls, [
    'https://v.example/720p.m3u8',
    'https://v.example/master.m3u8',
    'https://v.example/seg0.ts',
    'https://v.example/seg25.ts',
    'https://v.example/seg50.ts',
    'https://v.example/seg75.ts',
  ]);
  assert.match(plan.note ?? '', /a sample of 4 of the 100 other objects/);
  assert.equal(streamSample(objects.slice(0, 3), 10).note, undefined, 'all of a small stream: nothing to say');
});
