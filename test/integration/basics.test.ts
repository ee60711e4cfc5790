import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { DEMO_API_KEY } from '../emulator/emulator';
import { SAMPLE } from '../emulator/sample-data';
import { CANCEL } from './scripted-ui';
import {
  addProject,
  children,
  context,
  ctx,
  distFilesLoaded,
  EXTENSION_ID,
  group,
  reset,
  rows,
  run,
  sent,
  verifyUi,
} from './helpers';

describe('activation and basics', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('activates in a real extension host', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.equal(ext?.isActive, true);
    assert.ok(vscode.version.length > 0);
  });

  it('activation does no network and no SecretStorage I/O', () => {
    assert.deepEqual(ctx.afterActivation, { requests: 0, secretReads: 0, distFiles: ['extension.js'] });
    assert.ok(ctx.api.activateMs >= 0 && ctx.api.activateMs < 1000);
  });

  it("a chunk loads on its first use and shares start-up's classes: a Cancel inside it is start-up's Cancelled", async () => {
    await addProject();
    assert.equal(distFilesLoaded().includes('edge.js'), false, 'no edge check has run yet');
    const url = `https://${SAMPLE.mediaBucket}.media-storage.us-west.qencode.com/streams/launch/master.m3u8`;
    await run('checkUrl', { url });
    assert.deepEqual(ctx.ui.errors(), []);
    assert.ok(distFilesLoaded().includes('edge.js'), 'Check URL loaded dist/edge.js');
    // Silent only if what the chunk throws is start-up's Cancelled (runAction's instanceof): one copy of actions.ts.
    ctx.ui.inputAnswer('checkUrl', CANCEL);
    await run('checkUrl');
    assert.deepEqual(ctx.ui.errors(), []);
  });

  it('registers every contributed command', async () => {
    const manifest = JSON.parse(
      readFileSync(join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'package.json'), 'utf8'),
    ) as {
      contributes: { commands: { command: string }[] };
    };
    const contributed = manifest.contributes.commands.map((c) => c.command);
    assert.ok(contributed.length >= 25);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
    );
  });

  it('stores the API key in SecretStorage and reads it back; nothing of it in globalState', async () => {
    const project = await addProject('Secrets', DEMO_API_KEY);
    assert.equal(await ctx.api.projects.apiKey(project.projectId), DEMO_API_KEY);
    assert.deepEqual(
      ctx.api.projects.list().map((p) => p.name),
      ['Secrets'],
    );
    const { globalState } = ctx.api.storage;
    const everything = JSON.stringify(globalState.keys().map((k) => [k, globalState.get(k)]));
    assert.ok(everything.includes(project.projectId), 'the project is in globalState');
    assert.equal(everything.includes(DEMO_API_KEY), false, 'its key is not');
  });

  it("the tree shows the emulator's domains, with one list request", async () => {
    const project = await addProject();
    const groups = await children(project);
    assert.deepEqual(rows(groups), ['Playback Domains', 'TLS Subscriptions', 'Signing Keys', 'Buckets']);
    assert.equal(sent().length, 0, 'groups load lazily');
    const domains = await group(project, 'domains');
    assert.deepEqual(rows(domains), [
      'archive.example-tv.com — → vod-archive',
      'events.example-tv.com — live',
      'live.example-tv.com — live',
      'vod.example-tv.com — → media-assets',
    ]);
    assert.deepEqual(domains.map(context), ['domain.vod', 'domain.live', 'domain.live', 'domain.vod']);
    assert.deepEqual(
      sent().map((r) => `${r.method} ${r.path}`),
      ['GET /v1/domains'],
    );
    assert.deepEqual(groups.map(context), ['group.domains', 'group.tls', 'group.keys', 'group.buckets']);
  });
});
