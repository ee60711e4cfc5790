import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import * as vscode from 'vscode';
import { ctx, setup } from './helpers';
import { ScriptedUi } from './scripted-ui';

/*
 * Runs last (index.ts adds it after every other file). Every API key, access token and private key the suite used is a
 * canary. None may appear in the output channel, in anything shown to the user,
 * in globalState or workspaceState, in settings, in the extension host's logs, or
 * in any file written outside .qencode/keys/.
 */
function files(dir: string, skip: (path: string) => boolean): string[] {
  if (!existsSync(dir) || skip(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (skip(path)) return [];
    if (e.isDirectory()) return files(path, skip);
    return e.isFile() && statSync(path).size < 50 * 1024 * 1024 ? [path] : [];
  });
}

describe('secrets never leak (canary scan)', () => {
  before(setup);

  it('no API key, token or private key in anything that could be seen', () => {
    const canaries = [
      ...ctx.emulator.accounts.keys(),
      ...ctx.emulator.issuedTokens,
      // A private key's body lines: a PEM may be re-wrapped, its lines stay.
      ...ctx.emulator.issuedPrivateKeys.flatMap((pem) =>
        pem.split('\n').filter((l) => l.length > 40 && !l.startsWith('-----')),
      ),
    ];
    assert.ok(
      ctx.emulator.issuedTokens.length > 0 && ctx.emulator.issuedPrivateKeys.length > 0,
      'the suite did use secrets',
    );
    const hits: string[] = [];
    const scan = (where: string, text: string) => {
      for (const c of canaries) if (text.includes(c)) hits.push(`${where}: ${c.slice(0, 12)}…`);
    };

    scan('output channel', ctx.api.log.recent().join('\n'));
    scan('shown to the user', ScriptedUi.shown.join('\n'));
    const { globalState, workspaceState, globalStorageUri, logUri } = ctx.api.storage;
    scan('globalState', JSON.stringify(globalState.keys().map((k) => [k, globalState.get(k)])));
    scan('workspaceState', JSON.stringify(workspaceState.keys().map((k) => [k, workspaceState.get(k)])));

    // globalStorage is <user-data>/User/globalStorage/<extension>: the user-data folder holds
    // settings and VS Code's state; logUri is under the run's logs folder.
    const userData = resolve(globalStorageUri.fsPath, '..', '..', '..');
    const logs = resolve(logUri.fsPath, '..', '..', '..');
    const workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const keysDir = join(workspace, '.qencode', 'keys');
    const scanned = [
      ...files(userData, () => false),
      ...files(logs, () => false),
      ...files(workspace, (p) => p === keysDir || p.startsWith(keysDir + sep)),
    ];
    const unique = [...new Set(scanned)];
    assert.ok(
      unique.some((f) => f.endsWith('settings.json')),
      'the settings file is among those scanned',
    );
    assert.ok(
      unique.some((f) => /exthost/i.test(f)),
      'the extension host log is among those scanned',
    );
    for (const file of unique) scan(file, readFileSync(file).toString('latin1'));

    console.log(
      `canary hits: ${hits.length} (${canaries.length} canaries; ${unique.length} files, the output channel, ${ScriptedUi.shown.length} user-facing texts and both states scanned)`,
    );
    assert.deepEqual(hits, []);
  });
});
