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
    check('it is installed from the VSIX, not under development', !ext.extensionPath.includes('/out/') && /extensions/.test(ext.extensionPath), ext.extensionPath);
    const exports: unknown = await ext.activate();
    check('it activates', ext.isActive);
    check('activate() returns nothing to another extension', exports === undefined, describe(exports));
    check('extension.exports is undefined', ext.exports === undefined, describe(ext.exports));
    const commands = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('qencodeCdn.'));
    check('its commands are registered (it really ran)', commands.length >= 25, String(commands.length));
    // The demo project's key is in its SecretStorage now; nothing reachable from here may hold it.
    const canary = process.env.QENCODE_PROBE_CANARY ?? '';
    const reachable = walk(exports) + walk(ext.exports) + JSON.stringify(ext.packageJSON);
    check('the API key appears nowhere this extension can reach', canary.length > 8 && !reachable.includes(canary));
  }

  for (const [name, ok, detail] of results) console.log(`${ok ? 'ok' : 'FAILED'} - ${name}${detail && !ok ? ` (${detail})` : ''}`);
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
