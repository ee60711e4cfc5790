// One build script: `node esbuild.mjs` (dev, sourcemaps) or `--production` (minified).
// Writes dist/extension.js and dist/meta.json (the metafile the size budget reads).
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * The manifest readers (HLS, DASH, and the XML parser they use) are a bundle of their
 * own, dist/stream-readers.js, loaded on the first stream purge: the extension's
 * start-up bundle holds none of them.
 */
const readersApart = {
  name: 'stream-readers-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/readers$/ }, () => ({ path: './stream-readers.js', external: true }));
  },
};

/** The options of the bundle; the bundle-size test builds with exactly these. */
export function buildOptions(production) {
  return {
    entryPoints: ['src/extension.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    outfile: 'dist/extension.js',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    metafile: true,
    plugins: [zodEnglishOnly, readersApart],
    logLevel: 'warning',
  };
}

/** The readers' own bundle, next to the extension's. */
export function readerBuildOptions(production) {
  return {
    entryPoints: ['src/core/stream/readers.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: 'dist/stream-readers.js',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const production = process.argv.includes('--production');
  const [result] = await Promise.all([
    esbuild.build(buildOptions(production)),
    esbuild.build(readerBuildOptions(production)),
  ]);
  mkdirSync('dist', { recursive: true });
  writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
  const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  console.log(`built dist/extension.js (${production ? 'production' : 'development'}, ${bytes} bytes)`);
}
