import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  corsJsonSchema,
  parseCorsDocument,
  validateBucketName,
  validateCorsDocument,
  validateDomainName,
  validateObjectPath,
  validateSigningKeyName,
  validateStreamId,
  type Validation,
} from '../../src/core';

/** valid: [input, normalised]; invalid: [input, a word the message must contain]. */
function table(name: string, fn: (s: string) => Validation, valid: [string, string][], invalid: [string, RegExp][]) {
  describe(name, () => {
    assert.ok(valid.length + invalid.length >= 20, 'at least 20 cases');
    for (const [input, expected] of valid) {
      it(`accepts ${JSON.stringify(input)}`, () => assert.deepEqual(fn(input), { ok: true, value: expected }));
    }
    for (const [input, message] of invalid) {
      it(`refuses ${JSON.stringify(input)}`, () => {
        const r = fn(input);
        assert.equal(r.ok, false);
        assert.match((r as { message: string }).message, message);
      });
    }
  });
}

table(
  'domain names',
  validateDomainName,
  [
    ['live.mydomain.com', 'live.mydomain.com'],
    ['VOD.Example.COM', 'vod.example.com'],
    ['  cdn.example.org  ', 'cdn.example.org'],
    ['a.b', 'a.b'],
    ['x-1.example.co.uk', 'x-1.example.co.uk'],
    ['123.example.com', '123.example.com'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    [`${Array(4).fill('a'.repeat(61)).join('.')}.com`, `${Array(4).fill('a'.repeat(61)).join('.')}.com`],
  ],
  [
    ['', /Enter a domain name/],
    ['localhost', /at least two labels/],
    ['https://live.example.com', /host name only/],
    ['live.example.com/path', /host name only/],
    ['live.example.com.', /trailing dot/],
    ['live..example.com', /empty label/],
    ['.example.com', /empty label/],
    ['-live.example.com', /cannot start or end with a hyphen/],
    ['live-.example.com', /cannot start or end with a hyphen/],
    ['live_stream.example.com', /only letters, digits and hyphens/],
    ['live stream.example.com', /only letters, digits and hyphens/],
    [`${'a'.repeat(64)}.com`, /longer than 63/],
    [`${Array(5).fill('a'.repeat(60)).join('.')}.com`, /at most 253/],
    ['192.168.0.1', /IP address/],
    ['ünicode.example.com', /only letters, digits and hyphens/],
  ],
);

table(
  'bucket names',
  validateBucketName,
  [
    ['my-bucket', 'my-bucket'],
    ['abc', 'abc'],
    ['media.assets.2024', 'media.assets.2024'],
    ['a'.repeat(63), 'a'.repeat(63)],
    ['0bucket9', '0bucket9'],
    [' media-assets ', 'media-assets'],
    ['new-bucket-name', 'new-bucket-name'],
  ],
  [
    ['', /Enter a bucket name/],
    ['ab', /3 to 63/],
    ['a'.repeat(64), /3 to 63/],
    ['My-Bucket', /lowercase/],
    ['my_bucket', /only lowercase letters, digits, dots and hyphens/],
    ['my bucket', /only lowercase/],
    ['-bucket', /start and end with a letter or digit/],
    ['bucket-', /start and end/],
    ['.bucket', /start and end/],
    ['my..bucket', /two dots/],
    ['192.168.5.4', /IP address/],
    ['xn--bucket', /cannot start with "xn--"/],
    ['sthree-bucket', /cannot start with "sthree-"/],
    ['bucket-s3alias', /cannot end with "-s3alias"/],
    ['bucket--ol-s3', /cannot end with "--ol-s3"/],
    ['my/bucket', /only lowercase/],
  ],
);

table(
  'object paths',
  validateObjectPath,
  [
    ['path/to/object', 'path/to/object'],
    ['/videos/intro/master.m3u8', 'videos/intro/master.m3u8'],
    ['a', 'a'],
    ['file with spaces.mp4', 'file with spaces.mp4'],
    ['ünï/cødé.ts', 'ünï/cødé.ts'],
    ['a/./b', 'a/./b'],
    ['a..b/c', 'a..b/c'],
    ['segment_001.ts', 'segment_001.ts'],
    ['dir/', 'dir/'],
    ['x'.repeat(1024), 'x'.repeat(1024)],
  ],
  [
    ['', /Enter the path/],
    ['/', /Enter the path/],
    ['   ', /Enter the path/],
    ['../secret', /"\.\." segments/],
    ['a/../b', /"\.\." segments/],
    ['a/..', /"\.\." segments/],
    ['a\nb', /control characters/],
    ['a\tb', /control characters/],
    ['a\u0000b', /control characters/],
    ['x'.repeat(1025), /1024 bytes/],
    ['ü'.repeat(513), /1024 bytes/],
  ],
);

table(
  'signing key names',
  validateSigningKeyName,
  [
    ['My signing key', 'My signing key'],
    ['  padded  ', 'padded'],
    ['k', 'k'],
    ['Ключ для стрима', 'Ключ для стрима'],
    ['key #2 (backup)', 'key #2 (backup)'],
    ['x'.repeat(100), 'x'.repeat(100)],
    ['emoji 🔑', 'emoji 🔑'],
    ['a/b\\c', 'a/b\\c'],
    ['null', 'null'],
    ['123', '123'],
  ],
  [
    ['', /Enter a name/],
    ['   ', /Enter a name/],
    ['x'.repeat(101), /at most 100/],
    ['line\nbreak', /control characters/],
    ['tab\there', /control characters/],
    ['bell\u0007', /control characters/],
    ['del\u007f', /control characters/],
    ['c1\u0085', /control characters/],
    ['\u0000', /control characters/],
    ['y'.repeat(500), /at most 100/],
  ],
);

describe('stream ids', () => {
  it('accepts a UUID, normalised to lowercase', () =>
    assert.deepEqual(validateStreamId(' 1F1AB6A3-D867-4787-B882-7F2FB1203634 '), {
      ok: true,
      value: '1f1ab6a3-d867-4787-b882-7f2fb1203634',
    }));
  for (const bad of ['', 'stream-1', '1f1ab6a3d8674787b8827f2fb1203634', '1f1ab6a3-d867-4787-b882-7f2fb120363z']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.equal(validateStreamId(bad).ok, false));
  }
});

describe('CORS documents', () => {
  const validDocs: [string, object][] = [
    ['empty', {}],
    [
      'the seed example',
      {
        'Access-Control-Allow-Origin': 'https://media-storage.us-west.qencode.com',
        'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE',
        'Access-Control-Max-Age': '1600',
        'Access-Control-Allow-Credentials': 'true',
      },
    ],
    ['any origin', { 'Access-Control-Allow-Origin': '*' }],
    ['origin with port', { 'Access-Control-Allow-Origin': 'http://localhost:8080' }],
    ['methods without spaces', { 'Access-Control-Allow-Methods': 'GET,HEAD,OPTIONS' }],
    ['methods star', { 'Access-Control-Allow-Methods': '*' }],
    ['allow headers', { 'Access-Control-Allow-Headers': 'Range, Authorization, X-Custom-Header' }],
    ['expose headers', { 'Access-Control-Expose-Headers': 'Content-Length, Content-Range' }],
    ['max age zero', { 'Access-Control-Max-Age': '0' }],
    ['credentials false', { 'Access-Control-Allow-Credentials': 'false' }],
    [
      'all six',
      {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET',
        'Access-Control-Allow-Headers': '*',
        'Access-Control-Expose-Headers': '*',
        'Access-Control-Max-Age': '86400',
        'Access-Control-Allow-Credentials': 'false',
      },
    ],
  ];
  for (const [name, doc] of validDocs) {
    it(`accepts ${name}`, () => assert.deepEqual(validateCorsDocument(doc), { ok: true, value: doc }));
  }
  const invalidDocs: [string, unknown, RegExp][] = [
    ['an array', [], /JSON object/],
    ['null', null, /JSON object/],
    ['a string', '*', /JSON object/],
    ['an unknown header', { 'X-Frame-Options': 'DENY' }, /"X-Frame-Options" is not a supported CORS header/],
    [
      'a header in the wrong case',
      { 'access-control-allow-origin': '*' },
      /must be written "Access-Control-Allow-Origin"/,
    ],
    ['a number for max age', { 'Access-Control-Max-Age': 600 }, /Access-Control-Max-Age must be a string/],
    ['a negative max age', { 'Access-Control-Max-Age': '-1' }, /whole number of seconds/],
    ['a fractional max age', { 'Access-Control-Max-Age': '1.5' }, /whole number of seconds/],
    [
      'a boolean for credentials',
      { 'Access-Control-Allow-Credentials': true },
      /Access-Control-Allow-Credentials must be the string "true" or "false"/,
    ],
    ['credentials yes', { 'Access-Control-Allow-Credentials': 'yes' }, /"true" or "false"/],
    ['an unknown method', { 'Access-Control-Allow-Methods': 'GET, FETCH' }, /list of HTTP methods/],
    ['lowercase methods', { 'Access-Control-Allow-Methods': 'get' }, /list of HTTP methods/],
    ['an origin with a path', { 'Access-Control-Allow-Origin': 'https://example.com/app' }, /no path/],
    ['an origin without scheme', { 'Access-Control-Allow-Origin': 'example.com' }, /origin/],
    ['a header list with spaces in names', { 'Access-Control-Allow-Headers': 'X Custom' }, /header names/],
    ['an empty value', { 'Access-Control-Allow-Origin': '' }, /origin/],
  ];
  for (const [name, doc, message] of invalidDocs) {
    it(`refuses ${name}`, () => {
      const r = validateCorsDocument(doc);
      assert.equal(r.ok, false);
      assert.match((r as { message: string }).message, message);
    });
  }

  it('parses text: bad JSON names the fault; blank is {}', () => {
    const r = parseCorsDocument('{"Access-Control-Allow-Origin": "*",}');
    assert.equal(r.ok, false);
    assert.match((r as { message: string }).message, /not valid JSON/);
    assert.deepEqual(parseCorsDocument('  '), { ok: true, value: {} });
  });

  it('the JSON schema is generated from the same rules: six properties, no others, with descriptions and patterns', () => {
    const schema = corsJsonSchema() as {
      properties: Record<string, { description?: string; pattern?: string; enum?: string[] }>;
      additionalProperties: boolean;
    };
    assert.deepEqual(Object.keys(schema.properties).sort(), [
      'Access-Control-Allow-Credentials',
      'Access-Control-Allow-Headers',
      'Access-Control-Allow-Methods',
      'Access-Control-Allow-Origin',
      'Access-Control-Expose-Headers',
      'Access-Control-Max-Age',
    ]);
    assert.equal(schema.additionalProperties, false);
    for (const p of Object.values(schema.properties)) assert.ok(p.description && p.description.length > 20);
    assert.deepEqual(schema.properties['Access-Control-Allow-Credentials']?.enum, ['true', 'false']);
    assert.ok(new RegExp(schema.properties['Access-Control-Max-Age']!.pattern!).test('600'));
    assert.ok(!new RegExp(schema.properties['Access-Control-Max-Age']!.pattern!).test('-1'));
  });
});

describe('the editor schema file', () => {
  it('media/cors.schema.json is exactly what the zod schema generates (npm run schema rewrites it)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const committed = JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'media', 'cors.schema.json'), 'utf8'),
    ) as Record<string, unknown>;
    const { title: _title, description: _description, ...rest } = committed;
    assert.deepEqual(rest, corsJsonSchema());
    const props = (rest as { properties: Record<string, { patternErrorMessage?: string }> }).properties;
    assert.equal(
      props['Access-Control-Max-Age']?.patternErrorMessage,
      'Must be a whole number of seconds written as a string, e.g. "600".',
    );
  });
});
