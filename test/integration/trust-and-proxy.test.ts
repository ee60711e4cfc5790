import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startConnectProxy } from '../emulator/connect-proxy';
import { addProject, ctx, group, reset, rows, verifyUi } from './helpers';

const listen = (server: Server) =>
  new Promise<string>((r) =>
    server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));

describe('workspace trust and proxies', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it("a workspace's .vscode/settings.json naming another API URL sends nothing there", async () => {
    let rogueRequests = 0;
    const rogue = createServer((_req, res) => {
      rogueRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"x.y.z"}');
    });
    const rogueUrl = await listen(rogue);
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'qencodeCdn.apiUrl': rogueUrl }));
    try {
      await new Promise((r) => setTimeout(r, 500)); // let VS Code read the file
      assert.equal(
        vscode.workspace.getConfiguration('qencodeCdn').get('apiUrl'),
        ctx.emulator.url,
        'the application-scoped setting ignores the workspace',
      );
      const project = await addProject();
      assert.equal((await group(project, 'domains')).length, 4);
      assert.equal(rogueRequests, 0, 'nothing was sent to the workspace URL');
    } finally {
      rmSync(join(folder, '.vscode'), { recursive: true, force: true });
      await close(rogue);
    }
  });

  it("VS Code's http.proxy setting routes the extension's requests through the proxy", async () => {
    const proxy = await startConnectProxy();
    const { tunnels } = proxy;
    const http = vscode.workspace.getConfiguration('http');
    await http.update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
    await http.update('noProxy', [], vscode.ConfigurationTarget.Global);
    try {
      const project = await addProject();
      const domains = await group(project, 'domains');
      assert.equal(domains.length, 4, rows(domains).join(' | '));
      assert.ok(tunnels.includes(new URL(ctx.emulator.url).host), `tunnels: ${tunnels.join(', ')}`);
    } finally {
      await http.update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await http.update('noProxy', undefined, vscode.ConfigurationTarget.Global);
      await proxy.stop();
    }
  });
});
