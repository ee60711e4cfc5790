import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { it } from 'node:test';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..', '..');
/** What start-up loads (dist/extension.js): 731 KB before the chunks, 532 KB after. */
export const STARTUP_BUDGET_BYTES = 550 * 1000;
/** Start-up and every chunk: what the extension holds in all (760 KB with the edge checks, before the chunks). */
export const BUNDLE_BUDGET_BYTES = 800 * 1000;

interface Output {
  bytes: number;
  inputs: Record<string, { bytesInOutput: number }>;
}
interface Built {
  startup: Output;
  chunks: (Output & { file: string })[];
  files: { path: string; contents: Uint8Array }[];
}

async function build(): Promise<Built> {
  const { buildAll } = (await import(pathToFileURL(join(ROOT, 'esbuild.mjs')).href)) as {
    buildAll: (o: { production: boolean; write: boolean; outdir: string }) => Promise<Built>;
  };
  return buildAll({ production: true, write: false, outdir: join(ROOT, 'dist') });
}

/** What a bundle holds code of (esbuild lists modules it reached but left nothing of). */
const held = (o: Output) => Object.keys(o.inputs).filter((i) => o.inputs[i]!.bytesInOutput > 0);

it('start-up stays within 550 KB and everything within 800 KB; vscode stays external; unused code is left out', async () => {
  const built = await build();
  const text = (name: string) =>
    Buffer.from(built.files.find((f) => f.path.endsWith(`${join('dist', name)}`))!.contents).toString();
  const total = built.startup.bytes + built.chunks.reduce((n, c) => n + c.bytes, 0);
  const gzip = gzipSync(text('extension.js')).length;
  console.log(`start-up: ${built.startup.bytes} bytes minified, ${gzip} gzip; with its chunks: ${total} bytes`);
  assert.ok(built.startup.bytes <= STARTUP_BUDGET_BYTES, `start-up: ${built.startup.bytes} bytes`);
  assert.ok(total <= BUNDLE_BUDGET_BYTES, `in all: ${total} bytes`);
  const everything = [built.startup, ...built.chunks].flatMap(held);
  assert.ok(!everything.some((i) => /zod\/v4\/locales\/(?!en\.js|index\.js)/.test(i)), 'no zod locale but English');
  assert.ok(
    !everything.some((i) => /undici\/(index\.js|lib\/(web\/websocket|mock|cache)\/)/.test(i)),
    "undici's root, WebSocket, mocks and caches are not bundled",
  );
  assert.ok(/require\("vscode"\)/.test(text('extension.js')), 'vscode stays external');
});

it('what the first paint does not need is a chunk, loaded on first use, taking start-up modules from start-up', async () => {
  const built = await build();
  const text = (name: string) =>
    Buffer.from(built.files.find((f) => f.path.endsWith(`${join('dist', name)}`))!.contents).toString();
  const startup = held(built.startup);
  const lazy = [
    /src\/core\/stream\/(hls|dash|dash-segments|xml|collector|collection|order)\.ts$/, // reading a stream
    /src\/core\/edge\//, // the edge checks' core
    /src\/resources\/edge\/(check-url|test-cors|verify|report|edge-checks)\.ts$/,
    /src\/resources\/purge\/(stream|stream-preview|url-commands)\.ts$/, // Purge Stream, Purge URL and the like
    /src\/resources\/tls\/dns-check\.ts$/, // DNS lookups
    /src\/resources\/buckets\/cors-apply\.ts$/, // Apply to CDN
    /undici\/lib\/llhttp\/llhttp(_simd)?-wasm\.js$/, // the HTTP/1.1 parser, about 150 KB
  ];
  for (const pattern of lazy)
    assert.deepEqual(
      startup.filter((i) => pattern.test(i)),
      [],
      `${pattern} is not in start-up`,
    );
  // Each chunk is required where it is first used: start-up, or (the readers) the streams chunk.
  const all = ['extension.js', ...built.chunks.map((c) => c.file)].map(text).join('\n');
  for (const chunk of built.chunks)
    assert.ok(all.includes(`require("./${chunk.file}")`), `${chunk.file} is required by name`);
  // A chunk takes what start-up holds from it (one copy of its state and classes), and holds none of it.
  assert.match(text('edge.js'), /require\("\.\/extension\.js"\)\.__startupModules\["src\/actions\.ts"\]/);
  for (const chunk of built.chunks) {
    const shared = held(chunk).filter((i) => i.startsWith('src/') && startup.includes(i));
    assert.deepEqual(shared, [], `${chunk.file} copies no module of start-up`);
  }
});
