// One build script: `node esbuild.mjs` (dev, sourcemaps) or `--production` (minified).
// Writes dist/extension.js (what start-up loads), one file per chunk (CHUNKS, loaded on
// first use) and dist/meta.json (the start-up bundle's metafile, which the size budget reads).
import * as esbuild from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * What the tree's first paint does not need, each a file of its own in dist/, loaded by
 * a require() of its entry module where it is first used (src/first-use.ts). A chunk
 * takes every module start-up already holds from dist/extension.js (the same objects,
 * so `instanceof` and state are shared); what only it uses is bundled into it.
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

/**
 * Resolves each import as esbuild would; a chunk's entry becomes a require of its file.
 * In a chunk (`startup` given), a module start-up holds is taken from it, not copied.
 */
function splitting(startup, used) {
  return {
    name: 'chunks',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.inner || args.kind === 'entry-point') return undefined;
        if (args.namespace === 'startup') return { path: `./${STARTUP}`, external: true };
        const { path, external, errors } = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { inner: true },
        });
        if (errors.length || external) return undefined;
        const chunk = CHUNK_OF.get(path);
        if (chunk) return { path: `./${chunk}`, external: true };
        if (startup?.has(posix(path))) {
          used.add(posix(path));
          return { path: posix(path), namespace: 'startup' };
        }
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'startup' }, (args) => ({
        contents: `module.exports = require("./${STARTUP}").__startupModules[${JSON.stringify(args.path)}];`,
        loader: 'js',
        resolveDir: ROOT,
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
    sourcemap: !production,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  };
}

/**
 * The start-up bundle: src/extension.ts, and (`shared` given) the modules chunks take
 * from it, by path, as `__startupModules`: code, never an instance or a secret.
 */
function startupOptions(production, outdir, shared = []) {
  const imports = shared.map((p, i) => `import * as m${i} from ${JSON.stringify(join(ROOT, p))};`);
  const table = shared.map((p, i) => `${JSON.stringify(p)}: m${i}`);
  return {
    ...common(production),
    stdin: {
      contents: [
        `export { activate, deactivate } from "./src/extension";`,
        ...imports,
        `export const __startupModules = {${table.join(', ')}};`,
      ].join('\n'),
      resolveDir: ROOT,
      sourcefile: 'startup.js',
      loader: 'js',
    },
    outfile: join(outdir, STARTUP),
    plugins: [zodEnglishOnly, splitting()],
  };
}

/**
 * Builds the start-up bundle and every chunk. Returns the start-up metafile's output,
 * each chunk's, and their files (with `write: false`).
 */
export async function buildAll({ production = false, write = true, outdir = join(ROOT, 'dist') } = {}) {
  // 1. What start-up holds, 2. the chunks (taking those modules from it), 3. start-up again, sharing them.
  const first = await esbuild.build({ ...startupOptions(production, outdir), write: false });
  // A module esbuild reached but left nothing of (a barrel's unused re-export) is not start-up's.
  const firstInputs = Object.values(first.metafile.outputs).find((o) => o.entryPoint).inputs;
  const startupInputs = new Set(Object.keys(firstInputs).filter((p) => firstInputs[p].bytesInOutput > 0));
  const used = new Set();
  const chunks = await Promise.all(
    CHUNKS.map((c) =>
      esbuild.build({
        ...common(production),
        entryPoints: [c.entry],
        outfile: join(outdir, c.out),
        plugins: [zodEnglishOnly, splitting(startupInputs, used)],
        write,
      }),
    ),
  );
  const startup = await esbuild.build({ ...startupOptions(production, outdir, [...used].sort()), write });
  const main = Object.values(startup.metafile.outputs).find((o) => o.entryPoint);
  const added = Object.keys(main.inputs).filter((i) => main.inputs[i].bytesInOutput > 0 && !startupInputs.has(i));
  if (added.length) throw new Error(`sharing with the chunks added modules to start-up: ${added.join(', ')}`);
  // A module of ours in two chunks would be two copies, each with its own state: it belongs at start-up.
  const seen = new Map();
  const chunkOutputs = chunks.map((r, i) => ({
    file: CHUNKS[i].out,
    ...Object.values(r.metafile.outputs).find((o) => o.entryPoint),
  }));
  for (const chunk of chunkOutputs)
    for (const input of Object.keys(chunk.inputs).filter(
      (p) => p.startsWith('src/') && chunk.inputs[p].bytesInOutput,
    )) {
      if (seen.has(input)) throw new Error(`${input} is in ${seen.get(input)} and ${chunk.file}`);
      seen.set(input, chunk.file);
    }
  return {
    startup: main,
    chunks: chunkOutputs,
    files: [...(startup.outputFiles ?? []), ...chunks.flatMap((r) => r.outputFiles ?? [])],
    metafile: startup.metafile,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const production = process.argv.includes('--production');
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const { startup, chunks, metafile } = await buildAll({ production });
  writeFileSync(join(ROOT, 'dist', 'meta.json'), JSON.stringify(metafile));
  // A file an earlier build made that this one did not (a chunk renamed) would be packaged: it goes.
  const made = new Set([STARTUP, ...CHUNKS.map((c) => c.out)].flatMap((f) => [f, `${f}.map`]));
  for (const file of readdirSync(join(ROOT, 'dist')))
    if (/\.js(\.map)?$/.test(file) && !made.has(file)) rmSync(join(ROOT, 'dist', file));
  const total = startup.bytes + chunks.reduce((n, c) => n + c.bytes, 0);
  console.log(
    `built dist/${STARTUP} (${production ? 'production' : 'development'}): ${startup.bytes} bytes at start-up, ${total} with its ${chunks.length} chunks`,
  );
}
