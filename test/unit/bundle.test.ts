import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { before, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..', '..');

interface Output {
  bytes: number;
  inputs: Record<string, { bytesInOutput: number }>;
  imports: { path: string; kind: string; external?: boolean }[];
}
interface Built {
  startup: Output;
  chunks: (Output & { file: string })[];
  files: { path: string; contents: Uint8Array }[];
}
interface BuildScript {
  buildAll: (o: { production: boolean; write: boolean; outdir: string }) => Promise<Built>;
  CHUNKS: { entry: string; out: string }[];
  BUDGETS: { startupBytes: number; totalBytes: number };
}

let script: BuildScript;
let built: Built;
before(async () => {
  script = (await import(pathToFileURL(join(ROOT, 'esbuild.mjs')).href)) as BuildScript;
  built = await script.buildAll({ production: true, write: false, outdir: join(ROOT, 'dist') });
});

const text = (name: string) =>
  Buffer.from(built.files.find((f) => f.path.endsWith(`${sep}dist${sep}${name}`))!.contents).toString();
/** What a bundle holds code of (esbuild also lists modules it reached but left nothing of, and the chunk stubs). */
const held = (o: Output) => Object.keys(o.inputs).filter((i) => o.inputs[i]!.bytesInOutput > 0 && !i.includes(':'));

it('start-up and everything stay within their budgets; vscode stays external; unused code is left out', () => {
  const { startupBytes, totalBytes } = script.BUDGETS;
  const total = built.startup.bytes + built.chunks.reduce((n, c) => n + c.bytes, 0);
  const gzip = gzipSync(text('extension.js')).length;
  console.log(`start-up: ${built.startup.bytes} bytes minified, ${gzip} gzip; with its chunks: ${total} bytes`);
  assert.ok(built.startup.bytes <= startupBytes, `start-up: ${built.startup.bytes} bytes of ${startupBytes}`);
  assert.ok(total <= totalBytes, `in all: ${total} bytes of ${totalBytes}`);
  const everything = [built.startup, ...built.chunks].flatMap(held);
  assert.ok(!everything.some((i) => /zod\/v4\/locales\/(?!en\.js|index\.js)/.test(i)), 'no zod locale but English');
  assert.ok(
    !everything.some((i) => /undici\/(index\.js|lib\/(web\/websocket|mock|cache)\/)/.test(i)),
    "undici's root, WebSocket, mocks and caches are not bundled",
  );
  assert.ok(/require\("vscode"\)/.test(text('extension.js')), 'vscode stays external');
});

it('what the first paint does not need is not in start-up, and each chunk is loaded by a require where it is used', () => {
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
  // Each chunk is loaded by a require() call (never a static import, which would load it at start-up), handed a table.
  const loads = [built.startup, ...built.chunks].flatMap((o) =>
    o.imports.filter((i) => i.external && /^\.\/[a-z-]+\.js$/.test(i.path)),
  );
  for (const chunk of built.chunks) {
    const found = loads.filter((l) => l.path === `./${chunk.file}`);
    assert.ok(found.length > 0, `${chunk.file} is loaded somewhere`);
    assert.deepEqual(
      found.map((l) => l.kind),
      found.map(() => 'require-call'),
      `${chunk.file} is loaded on first use`,
    );
  }
  assert.match(text('extension.js'), /require\("\.\/edge\.js"\)\(/, 'start-up hands the edge chunk its table');
});

it("a chunk is a function of start-up's modules, holding none of them itself; nothing exports start-up's table", () => {
  const startup = held(built.startup);
  for (const chunk of built.chunks) {
    // A path mismatch in the build's plugin would copy a module instead of reading it from the table.
    assert.deepEqual(
      held(chunk).filter((i) => i.startsWith('src/') && startup.includes(i)),
      [],
      `${chunk.file} copies no module of start-up`,
    );
    assert.match(
      text(chunk.file),
      /^'use strict';\nconst loaded = new WeakMap\(\);\nmodule\.exports = function loadChunk\(/,
    );
  }
  assert.match(
    text('edge.js'),
    /startupModules\["src\/actions\.ts"\]/,
    'the edge chunk takes actions.ts from start-up',
  );
  // Start-up exports activate and deactivate, and nothing else another extension's require() could reach.
  // (esbuild's annotation of a CommonJS bundle's exports, for Node's ESM loader, lists them.)
  const annotated = /0&&\(module\.exports=\{([^}]*)\}\)/.exec(text('extension.js'))?.[1];
  assert.deepEqual(annotated?.split(',').sort(), ['activate', 'deactivate']);
});

/** `onFirstUse('file.js', () => require('./module'))` in src: the file each names, and the module it requires. */
function firstUses(): { file: string; entry: string }[] {
  const found: { file: string; entry: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts'))
        for (const m of readFileSync(path, 'utf8').matchAll(
          /onFirstUse\(\s*'([^']+)',\s*(?:\/\/[^\n]*\n\s*)?\(\)\s*=>\s*require\('([^']+)'\)/g,
        ))
          found.push({
            file: m[1]!,
            entry: relative(ROOT, resolve(dirname(path), `${m[2]!}.ts`))
              .split(sep)
              .join('/'),
          });
    }
  };
  walk(join(ROOT, 'src'));
  return found;
}

it('every onFirstUse in src names the chunk the build makes of the module it requires, and every chunk of ours has one', () => {
  const uses = firstUses();
  const ours = script.CHUNKS.filter((c) => c.entry.startsWith('src/'));
  assert.deepEqual(uses.map((u) => `${u.entry} -> ${u.file}`).sort(), ours.map((c) => `${c.entry} -> ${c.out}`).sort());
});
