import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { it } from 'node:test';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..', '..');
// 700 KB until the edge checks (Check URL, Test CORS, Verify: about 30 KB) came in.
export const BUNDLE_BUDGET_BYTES = 760 * 1000;

it('the production bundle stays within 760 KB, keeps vscode external, and leaves out what it does not use', async () => {
  const esbuild = await import('esbuild');
  const { buildOptions } = (await import(pathToFileURL(join(ROOT, 'esbuild.mjs')).href)) as {
    buildOptions: (production: boolean) => import('esbuild').BuildOptions;
  };
  const result = await esbuild.build({
    ...buildOptions(true),
    absWorkingDir: ROOT,
    write: false,
    outfile: join(ROOT, 'dist', 'size-check.js'),
  });
  const output = Object.values(result.metafile!.outputs).find((o) => o.entryPoint)!;
  const js = result.outputFiles!.find((f) => f.path.endsWith('size-check.js'))!;
  const gzip = gzipSync(js.contents).length;
  console.log(`bundle: ${output.bytes} bytes minified, ${gzip} bytes gzip (budget ${BUNDLE_BUDGET_BYTES})`);
  assert.ok(output.bytes <= BUNDLE_BUDGET_BYTES, `${output.bytes} bytes`);
  const inputs = Object.keys(output.inputs);
  assert.ok(!inputs.some((i) => /zod\/v4\/locales\/(?!en\.js|index\.js)/.test(i)), 'no zod locale but English');
  assert.ok(
    !inputs.some((i) => /undici\/(index\.js|lib\/(web\/websocket|mock|cache)\/)/.test(i)),
    "undici's root, WebSocket, mocks and caches are not bundled",
  );
  assert.ok(/require\("vscode"\)/.test(Buffer.from(js.contents).toString()), 'vscode stays external');
  assert.ok(
    !inputs.some((i) => /src\/core\/stream\/(hls|dash|dash-segments|xml)\.ts$/.test(i)),
    'the manifest readers and the XML parser are not in the start-up bundle',
  );
  assert.ok(
    /require\("\.\/stream-readers\.js"\)/.test(Buffer.from(js.contents).toString()),
    'they load from their own bundle, on first use',
  );
});
