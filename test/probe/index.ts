import { createServer } from 'node:http';
import { readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';

/*
 * Runs inside the extension host as another installed extension would: Qencode CDN
 * is installed from its packaged VSIX (so it runs as in production), and this code
 * reads what any extension can reach of it. Prints one line per check and closes
 * with "N passed, N failed".
 */
const ID = 'qencode-cdn.qencode-cdn';

export async function run(): Promise<void> {
  const results: [string, boolean, string?][] = [];
  const check = (name: string, ok: boolean, detail?: string) => results.push([name, ok, detail]);

  const ext = vscode.extensions.getExtension(ID);
  check('Qencode CDN is installed', !!ext);
  if (ext) {
    check(
      'it is installed from the VSIX, not under development',
      !ext.extensionPath.includes('/out/') && /extensions/.test(ext.extensionPath),
      ext.extensionPath,
    );
    const exports: unknown = await ext.activate();
    check('it activates', ext.isActive);
    check('activate() returns nothing to another extension', exports === undefined, describe(exports));
    check('extension.exports is undefined', ext.exports === undefined, describe(ext.exports));
    const commands = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('qencodeCdn.'));
    check('its commands are registered (it really ran)', commands.length >= 25, String(commands.length));
    check('nothing is reachable through its exports', walk(exports) === '' && walk(ext.exports) === '');

    // Any extension in this host can also require() our files. Start-up's gives activate and deactivate
    // (never the table of modules its chunks are handed); a chunk's gives a function, and runs nothing.
    const dist = join(ext.extensionPath, 'dist');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- what another extension can do
    const startup = require(join(dist, 'extension.js')) as Record<string, unknown>;
    const keys = Object.keys(startup).sort();
    check(
      'requiring its start-up file gives activate and deactivate only',
      keys.join() === 'activate,deactivate',
      keys.join(),
    );
    const chunks = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'extension.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- what another extension can do
    const loaders = chunks.map((f) => require(join(dist, f)) as unknown);
    check(
      'requiring a chunk gives a function of a table of modules, with nothing of ours in it',
      chunks.length >= 5 && loaders.every((l) => typeof l === 'function' && l.length === 1),
      chunks.join(', '),
    );
    const canaryText = process.env.QENCODE_PROBE_CANARY ?? '';
    check(
      'nothing reachable from its files holds the API key',
      !walk(startup).includes(canaryText) && loaders.every((l) => !walk(l).includes(canaryText)),
    );

    // An extension may change settings: point the API URL at its own server, then make
    // Qencode CDN load a list. The key must not be sent there without the user's word.
    const canary = process.env.QENCODE_PROBE_CANARY ?? '';
    const seen: string[] = [];
    const rogue = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"x.y.z","tls_subscriptions":[]}');
    });
    await new Promise<void>((r) => rogue.listen(0, '127.0.0.1', () => r()));
    const settings = vscode.workspace.getConfiguration('qencodeCdn');
    const original = settings.get<string>('apiUrl');
    await new Promise((r) => setTimeout(r, 1000)); // the demo project is added at activation
    // First with the real API URL: the list loads (the test runner checks the API saw it), so the project and its key exist.
    void vscode.commands.executeCommand('qencodeCdn.refreshTlsStatus');
    await new Promise((r) => setTimeout(r, 2000));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await settings.update(
      'apiUrl',
      `http://127.0.0.1:${(rogue.address() as AddressInfo).port}`,
      vscode.ConfigurationTarget.Global,
    );
    // Not awaited: the command waits for a confirmation nobody here will give.
    void vscode.commands.executeCommand('qencodeCdn.refreshTlsStatus');
    await new Promise((r) => setTimeout(r, 3000));
    check(
      "a redirected API URL gets no request and no key without the user's confirmation",
      seen.length === 0 && !seen.join(' ').includes(canary),
      seen.join(', '),
    );
    await settings.update('apiUrl', original, vscode.ConfigurationTarget.Global);
    rogue.close();
  }

  for (const [name, ok, detail] of results)
    console.log(`${ok ? 'ok' : 'FAILED'} - ${name}${detail && !ok ? ` (${detail})` : ''}`);
  const failed = results.filter(([, ok]) => !ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  if (failed) throw new Error(`${failed} probe checks failed`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return String(value);
  return `an object with ${Object.keys(value).join(', ')}`;
}

/** Everything reachable from a value through own properties, as text (cycles cut, depth bounded). */
function walk(value: unknown, seen = new Set<unknown>(), depth = 0): string {
  if (value === null || value === undefined || depth > 8) return '';
  if (typeof value !== 'object' && typeof value !== 'function') return String(value);
  if (seen.has(value)) return '';
  seen.add(value);
  let text = '';
  for (const key of Reflect.ownKeys(value)) {
    try {
      text += `${String(key)}=${walk((value as Record<PropertyKey, unknown>)[key], seen, depth + 1)};`;
    } catch {
      // a getter that throws holds nothing readable
    }
  }
  return text;
}
