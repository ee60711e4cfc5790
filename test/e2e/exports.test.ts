import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { Emulator } from '../emulator/emulator';
import { ROOT, runInHost } from '../host/code-server';

/*
 * A second, tiny extension installed beside the packaged VSIX reads Qencode CDN's
 * exports, as any installed extension can, and must find nothing of use. The demo
 * key is set, so our extension holds a real project's API key while it is probed.
 */
it(
  'another installed extension reads our exports and finds nothing, and cannot redirect the key by changing a setting',
  { timeout: 180_000 },
  async () => {
    const vsix = readdirSync(ROOT).find((f) => /^qencode-cdn-.*\.vsix$/.test(f));
    assert.ok(vsix, 'npm run package made a VSIX');
    const canary = `probe-canary-key-${Math.random().toString(36).slice(2)}`;
    const emulator = new Emulator({ seed: true, apiKeys: [canary] });
    const apiUrl = await emulator.start();
    const probe = mkdtempSync(join(tmpdir(), 'qencode-probe-'));
    writeFileSync(
      join(probe, 'package.json'),
      JSON.stringify({
        name: 'exports-probe',
        publisher: 'test',
        version: '0.0.1',
        engines: { vscode: '^1.100.0' },
        main: './extension.js',
        activationEvents: [],
      }),
    );
    writeFileSync(join(probe, 'extension.js'), 'exports.activate = () => undefined;\n');
    const lines: string[] = [];
    try {
      const code = await runInHost({
        testsIndex: join(ROOT, 'out', 'test', 'probe', 'index.js'),
        developmentPath: probe,
        vsix: [join(ROOT, vsix)],
        settings: { 'qencodeCdn.apiUrl': apiUrl },
        env: { QENCODE_CDN_DEMO_API_KEY: canary, QENCODE_PROBE_CANARY: canary },
        timeoutMs: 150_000,
        onLine: (line) => lines.push(line),
      });
      process.stdout.write(
        lines
          .filter((l) => /^(ok|FAILED) - |passed, /.test(l))
          .map((l) => `# ${l}\n`)
          .join(''),
      );
      assert.equal(code, 0, lines.join('\n'));
      assert.ok(lines.includes('ok - activate() returns nothing to another extension'));
      assert.ok(lines.includes('ok - requiring its start-up file gives activate and deactivate only'));
      assert.ok(
        lines.includes('ok - requiring a chunk gives a function of a table of modules, with nothing of ours in it'),
      );
      assert.ok(lines.includes('ok - nothing reachable from its files holds the API key'));
      assert.ok(lines.includes("ok - a redirected API URL gets no request and no key without the user's confirmation"));
      // The key was there to take: with the real API URL the same command reached the API with it.
      assert.equal(emulator.requestsTo('POST', '^/v1/access_token/').length, 1, 'the demo project had a working key');
      assert.equal(emulator.requestsTo('GET', '^/v1/tls/subscriptions$').length, 1);
    } finally {
      await emulator.stop();
      rmSync(probe, { recursive: true, force: true });
    }
  },
);
