import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ROOT } from '../host/code-server';

/* The VSIX holds only what the extension needs at run time. */
it('packs exactly the bundle, media, README, LICENSE, CHANGELOG, package.json and the nls file', () => {
  const listed = execFileSync(join(ROOT, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
  assert.deepEqual(listed, [
    'CHANGELOG.md',
    'LICENSE',
    'README.md',
    'dist/cors-apply.js',
    'dist/dns.js',
    'dist/edge.js',
    'dist/extension.js',
    'dist/llhttp-simd-wasm.js',
    'dist/llhttp-wasm.js',
    'dist/stream-readers.js',
    'dist/streams.js',
    'dist/url-commands.js',
    'media/cors.schema.json',
    'media/icon.png',
    'media/qencode.svg',
    'media/screenshot-custom-domain.png',
    'media/screenshot-explorer.png',
    'media/screenshot-stream-purge.png',
    'package.json',
    'package.nls.json',
  ]);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  for (const field of [
    'icon',
    'categories',
    'keywords',
    'repository',
    'license',
    'publisher',
    'displayName',
    'description',
  ])
    assert.ok(manifest[field], `package.json has ${field}`);
  const png = readFileSync(join(ROOT, 'media', 'icon.png'));
  assert.equal(png.readUInt32BE(16), 128, 'icon is 128 px wide');
  assert.equal(png.readUInt32BE(20), 128, 'icon is 128 px high');
});
