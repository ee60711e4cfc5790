// One build script: `node esbuild.mjs` (development) or `--production` (minified).
// Writes dist/extension.js (what start-up loads), one file per chunk (CHUNKS, loaded on
// first use), their source maps, and dist/meta.json (start-up's metafile).
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * What the tree's first paint does not need: each entry is a file of its own in dist/,
 * loaded where its entry module is first required (through `onFirstUse`,
 * src/core/first-use.ts; test/unit/bundle.test.ts checks the two lists agree).
 */
export const CHUNKS = [
  { entry: 'src/core/stream/readers.ts', out: 'stream-readers.js' }, // HLS, DASH and the XML parser
  { entry: 'src/resources/purge/stream.ts', out: 'streams.js' }, // Purge Stream, Copy Playback URL
  { entry: 'src/resources/edge/chunk.ts', out: 'edge.js' }, // Check URL, Test CORS, Verify
  { entry: 'src/resources/tls/dns-check.ts', out: 'dns.js' }, // custom domains' CNAME lookups
  { entry: 'src/resources/buckets/cors-apply.ts', out: 'cors-apply.js' }, // Apply to CDN, Discard Changes
  { entry: 'src/resources/purge/url-commands.ts', out: 'url-commands.js' }, // Purge URL, Copy Path, Reveal Bucket
  // undici's HTTP/1.1 parser (WebAssembly, as base64): read on the first HTTP/1.1 connection.
  { entry: 'node_modules/undici/lib/llhttp/llhttp-wasm.js', out: 'llhttp-wasm.js' },
  { entry: 'node_modules/undici/lib/llhttp/llhttp_simd-wasm.js', out: 'llhttp-simd-wasm.js' },
];
const CHUNK_OF = new Map(CHUNKS.map((c) => [join(ROOT, c.entry), c.out]));
const STARTUP = 'extension.js';

/** What start-up may load, and what start-up and its chunks may hold in all (bytes, production). */
export const BUDGETS = { startupBytes: 550 * 1000, totalBytes: 800 * 1000 };

/**
 * zod's classic build re-exports every locale (about 260 KB) while it only uses
 * English, which it imports directly: the locales index is reduced to English.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
    }));
  },
};

const posix = (path) => relative(ROOT, path).split(sep).join('/');

/*
 * How a chunk is made and loaded. A chunk's file exports one function: given start-up's
 * modules (a frozen table, by path), it runs the chunk's code once for that table and
 * returns its exports. Its imports of a module start-up holds read that table, so the
 * classes and their state are start-up's own; the table is handed over by the bundle
 * that loads the chunk, never exported, so no other code can reach it or swap it.
 */
const CHUNK_BANNER = [
  "'use strict';",
  'const loaded = new WeakMap();',
  'module.exports = function loadChunk(startupModules) {',
  '  if (loaded.has(startupModules)) return loaded.get(startupModules);',
  '  const module = { exports: {} };',
].join('\n');
const CHUNK_FOOTER = ['  loaded.set(startupModules, module.exports);', '  return module.exports;', '};'].join('\n');
const TABLE = 'qencode:startup-modules';

/**
 * Resolves each import as esbuild would. A chunk's entry becomes a load of its file,
 * handed start-up's table; in a chunk (`startup` given), a module start-up holds is
 * read from that table instead of being copied.
 */
function chunksOnFirstUse({ startup, used }) {
  return {
    name: 'chunks-on-first-use',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.inner || args.kind === 'entry-point') return undefined;
        if (args.path === TABLE) return { path: TABLE, namespace: 'table' };
        if (args.namespace === 'chunk') return { path: args.path, external: true };
        const { path, external, errors } = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { inner: true },
        });
        if (errors.length || external) return undefined;
        const chunk = CHUNK_OF.get(path);
        if (chunk) {
          if (args.kind !== 'require-call')
            throw new Error(`${args.importer} imports ${chunk}: require it on first use`);
          return { path: chunk, namespace: 'chunk' };
        }
        if (startup?.has(posix(path))) {
          used.add(posix(path));
          return { path: posix(path), namespace: 'startup' };
        }
        return undefined;
      });
      // In start-up, the table is its own modules; in a chunk, the one it was handed.
      const table = startup ? 'startupModules' : `require(${JSON.stringify(TABLE)}).startupModules()`;
      build.onLoad({ filter: /.*/, namespace: 'chunk' }, (args) => ({
        contents: `module.exports = require("./${args.path}")(${table});`,
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: 'startup' }, (args) => ({
        contents: `module.exports = startupModules[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
      // Where start-up keeps its table: set by its entry, read by each chunk's loader. The
      // table is built in the entry, not here: what is require()d is evaluated lazily, and so
      // would be every module it imports, which esbuild could then no longer trim.
      build.onLoad({ filter: /.*/, namespace: 'table' }, () => ({
        contents: 'let table; export const hold = (t) => { table = t; }; export const startupModules = () => table;',
        loader: 'js',
      }));
    },
  };
}

function common(production) {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    minify: production,
    // Maps in both modes: the tests run the production build; the VSIX leaves maps out.
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
    write: false,
  };
}

const entryOutput = (result) => Object.values(result.metafile.outputs).find((o) => o.entryPoint);
/** What a bundle holds code of (esbuild also lists modules it reached but left nothing of). */
const held = (output) => Object.keys(output.inputs).filter((p) => output.inputs[p].bytesInOutput > 0);

/**
 * Builds start-up and every chunk, checks how they fit, and (`write`) writes them.
 * Returns start-up's output and metafile, each chunk's output, and the files.
 */
export async function buildAll({ production = false, write = true, outdir = join(ROOT, 'dist') } = {}) {
  const startupOptions = (shared) => ({
    ...common(production),
    stdin: {
      contents: [
        'export { activate, deactivate } from "./src/extension";',
        `import { hold } from ${JSON.stringify(TABLE)};`,
        ...shared.map((p, i) => `import * as m${i} from ${JSON.stringify(join(ROOT, p))};`),
        `hold(Object.freeze({${shared.map((p, i) => `${JSON.stringify(p)}: m${i}`).join(', ')}}));`,
      ].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'startup.js',
      loader: 'js',
    },
    outfile: join(outdir, STARTUP),
    plugins: [zodEnglishOnly, chunksOnFirstUse({})],
  });
  // 1. What start-up holds; 2. the chunks, reading those modules from the table; 3. start-up with that table.
  const first = await esbuild.build(startupOptions([]));
  const startupHeld = new Set(held(entryOutput(first)));
  const used = new Set();
  const chunks = await Promise.all(
    CHUNKS.map((c) =>
      esbuild.build({
        ...common(production),
        entryPoints: [c.entry],
        outfile: join(outdir, c.out),
        banner: { js: CHUNK_BANNER },
        footer: { js: CHUNK_FOOTER },
        plugins: [zodEnglishOnly, chunksOnFirstUse({ startup: startupHeld, used })],
      }),
    ),
  );
  const startup = await esbuild.build(startupOptions([...used].sort()));
  const main = entryOutput(startup);
  const added = held(main).filter((p) => !startupHeld.has(p));
  if (added.length)
    throw new Error(
      `sharing with the chunks put into start-up what it did not hold: ${added.join(', ')}; import it from start-up code, or only from one chunk`,
    );
  // A module in two chunks would be two copies, each with its own state: it belongs at start-up, or in one chunk.
  const seen = new Map();
  const chunkOutputs = chunks.map((r, i) => ({ file: CHUNKS[i].out, ...entryOutput(r) }));
  for (const chunk of chunkOutputs)
    for (const input of held(chunk).filter((p) => !/^(startup|chunk|table):/.test(p))) {
      if (seen.has(input)) throw new Error(`${input} is in both ${seen.get(input)} and ${chunk.file}`);
      seen.set(input, chunk.file);
    }
  const files = [...startup.outputFiles, ...chunks.flatMap((r) => r.outputFiles)];
  if (write) {
    mkdirSync(outdir, { recursive: true });
    for (const file of files) writeFileSync(file.path, file.contents);
  }
  return { startup: main, chunks: chunkOutputs, files, metafile: startup.metafile };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const production = process.argv.includes('--production');
  const dist = join(ROOT, 'dist');
  const { startup, chunks, files, metafile } = await buildAll({ production });
  writeFileSync(join(dist, 'meta.json'), JSON.stringify(metafile));
  // A file an earlier build made and this one did not (a chunk renamed) would be packaged: it goes.
  const made = new Set(files.map((f) => relative(dist, f.path)));
  for (const file of readdirSync(dist)) if (/\.js(\.map)?$/.test(file) && !made.has(file)) rmSync(join(dist, file));
  const total = startup.bytes + chunks.reduce((n, c) => n + c.bytes, 0);
  console.log(
    `built dist/${STARTUP} (${production ? 'production' : 'development'}): ${startup.bytes} bytes at start-up, ${total} with its ${chunks.length} chunks`,
  );
}
