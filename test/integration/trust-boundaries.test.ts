import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as vscode from 'vscode';
import { list, DomainWire, SigningKeyWire, TlsSubscriptionWire, isInvalid, type Domain } from '../../src/core';
// The compiled sources themselves (not the bundle), to build rows from arbitrary data.
import type { Node, ProjectNode } from '../../src/explorer/nodes';
import { domainJson, DomainNode } from '../../src/resources/domains/node';
import { signingKeyJson, SigningKeyNode } from '../../src/resources/keys/node';
import { tlsJson, TlsNode } from '../../src/resources/tls/node';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';
import { SAMPLE, sampleData } from '../emulator/sample-data';
import { CANCEL } from './scripted-ui';
import {
  addProject,
  bucketNode,
  children,
  context,
  ctx,
  EXTENSION_ID,
  group,
  reset,
  rows,
  run,
  sent,
  until,
  verifyUi,
} from './helpers';

describe('trust boundaries: the smaller edges a user hits', () => {
  beforeEach(reset);
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    verifyUi();
  });

  it('a refused key on Add is retried in the same box, for the same new project, never another one', async () => {
    await addProject('Production');
    await addProject('Staging', 'second-project-key-0042');
    ctx.ui
      .inputAnswer('projectName', 'Typo')
      .confirmAnswer('sendKeyTo', true)
      .inputAnswer('apiKey', 'wrong-key-123456')
      .inputAnswer('apiKey', 'third-project-key-0077');
    await run('addApiKey');
    assert.deepEqual(
      ctx.api.projects.list().map((p) => p.name),
      ['Production', 'Staging', 'Typo'],
    );
    assert.equal(await ctx.api.projects.apiKey(ctx.api.projects.list()[2]!.id), 'third-project-key-0077');
    assert.equal(
      await ctx.api.projects.apiKey(ctx.api.projects.list()[1]!.id),
      'second-project-key-0042',
      'the other project is untouched',
    );
  });

  it("Re-enter API Key after a project's key is refused acts on that project", async () => {
    const production = await addProject('Production');
    const staging = await addProject('Staging', 'third-project-key-0077');
    ctx.emulator.accounts.delete('third-project-key-0077'); // the key was revoked in the account
    ctx.ui.notifyAnswers.set('error', 'Re-enter API Key');
    ctx.ui.pickAnswer('domainType', 'Live streaming domains');
    ctx.ui.inputAnswer('apiKey', 'second-project-key-0042');
    await run('listDomainsByType', staging);
    await until(() => ctx.ui.pending.length === 0, 'the key prompt was answered');
    await until(
      () => ctx.ui.notifications.some((n) => n.message.includes('The API key of Staging was replaced')),
      'the key of Staging was replaced',
    );
    assert.equal(await ctx.api.projects.apiKey(staging.project.id), 'second-project-key-0042');
    assert.equal(await ctx.api.projects.apiKey(production.project.id), DEMO_API_KEY, 'the other project is untouched');
  });

  it('making a bucket public asks first; declining sends nothing', async () => {
    const project = await addProject();
    const bucket = await bucketNode(project, 'promo-clips');
    ctx.emulator.clearRequests();
    ctx.ui.pickAnswer('accessPolicy', 'public').confirmAnswer('publicPolicy', false);
    await run('setAccessPolicy', bucket);
    assert.deepEqual(sent(), []);
    ctx.ui.pickAnswer('accessPolicy', 'public').confirmAnswer('publicPolicy', true);
    await run('setAccessPolicy', bucket);
    assert.deepEqual(
      sent().map((r) => `${r.method} ${r.path}`),
      ['PUT /v1/buckets/promo-clips/policy/public'],
    );
    assert.match(ctx.ui.confirms.find((c) => c.id === 'publicPolicy')?.detail ?? '', /anyone who has its URL/);
  });

  it('server text with a secret in it is redacted in the notification and in the error row', async () => {
    const project = await addProject();
    await group(project, 'domains'); // the key has been read, so it is known as a secret
    const leaky = { error: 1, message: `API key ${DEMO_API_KEY} may not do this; token Bearer abc.def.ghi` };
    ctx.emulator.addFault({
      method: 'GET',
      path: '^/v1/domains/live$',
      fault: { type: 'status', status: 403, body: leaky },
    });
    ctx.ui.pickAnswer('domainType', 'Live streaming domains');
    await run('listDomainsByType', project);
    const [message] = ctx.ui.errors();
    assert.ok(message && !message.includes(DEMO_API_KEY), message);
    assert.match(message, /API key \[redacted\] may not do this; token Bearer \[redacted\]/);
    ctx.emulator.addFault({
      method: 'GET',
      path: '^/v1/tls/subscriptions$',
      fault: { type: 'status', status: 403, body: leaky },
    });
    const [errorRow] = await group(project, 'tls');
    // As the view gets the row: the explorer redacts every row's text, whichever node drew it.
    const item = ctx.api.explorer.getTreeItem(errorRow!);
    assert.equal(item.contextValue, 'error');
    const tooltip = String(ctx.api.explorer.resolveTreeItem(item, errorRow!).tooltip);
    assert.ok(!tooltip.includes(DEMO_API_KEY) && !String(item.description).includes(DEMO_API_KEY));
    assert.match(tooltip, /\[redacted\]/);
  });

  it('Purge Paths in This Editor works only in a purge list, never in plain text (a private key, say)', async () => {
    const project = await addProject();
    await children(project);
    const manifest = JSON.parse(
      readFileSync(join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'package.json'), 'utf8'),
    ) as {
      contributes: { menus: Record<string, { command: string; when?: string }[]> };
    };
    const whens = Object.values(manifest.contributes.menus)
      .flat()
      .filter((m) => m.command === 'qencodeCdn.purgeFromEditor')
      .map((m) => m.when);
    assert.deepEqual(whens.sort(), ['editorLangId == qencode-purge-list', 'editorLangId == qencode-purge-list']);
    const plain = await vscode.workspace.openTextDocument({
      content: 'videos/a.ts\nvideos/b.ts\n',
      language: 'plaintext',
    });
    await vscode.window.showTextDocument(plain);
    ctx.emulator.clearRequests();
    await run('purgeFromEditor');
    assert.match(ctx.ui.errors()[0] ?? '', /works in a purge list only/);
    assert.deepEqual(sent(), []);
    assert.deepEqual(ctx.api.purgeHistory.get(project.projectId), []);
  });

  it('a PEM selected in an editor is never purged nor kept in the purge history', async () => {
    const project = await addProject();
    await children(project);
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('rsa', {
      modulusLength: 1024,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    const doc = await vscode.workspace.openTextDocument({ content: pem, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, doc.lineCount, 0);
    ctx.emulator.clearRequests();
    let offered: string[] = [];
    ctx.ui.pickAnswer('purgeSource', (items) => {
      offered = items.map((i) => i.label);
      return items[0];
    });
    ctx.ui.inputAnswer('objectPath', CANCEL);
    await run('purgeObject', project);
    assert.ok(
      offered.length > 0 && !offered.some((l) => l.includes('selected')),
      `no line of a selected key is offered as a path: ${offered.join(', ')}`,
    );
    assert.deepEqual(sent('POST'), []);
    assert.deepEqual(ctx.api.purgeHistory.get(project.projectId), []);
  });

  it('lines of a private key received in this session, selected without their armour, are not offered as paths', async () => {
    const project = await addProject();
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    mkdirSync(join(folder, '.qencode'), { recursive: true });
    writeFileSync(join(folder, '.qencode', 'keys'), 'not a folder'); // the key cannot be written: it opens in an editor
    try {
      ctx.ui
        .pickAnswer('signingKeyFor', 'Live stream')
        .inputAnswer('streamId', SAMPLE.streamId)
        .inputAnswer('signingKeyName', '');
      await run('createSigningKey', project);
      const doc = vscode.workspace.textDocuments.find((d) => d.isUntitled && d.getText().startsWith('-----BEGIN'));
      assert.ok(doc, 'the key is in an editor');
      const editor = await vscode.window.showTextDocument(doc);
      editor.selection = new vscode.Selection(2, 0, doc.lineCount - 2, 0); // body lines only, the short last one included
      let offered: string[] = [];
      ctx.ui.pickAnswer('purgeSource', (items) => {
        offered = items.map((i) => i.label);
        return items[0];
      });
      ctx.ui.inputAnswer('objectPath', CANCEL);
      await run('purgeObject', project);
      assert.ok(!offered.some((l) => l.includes('selected')), offered.join(', '));
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    } finally {
      rmSync(join(folder, '.qencode'), { recursive: true, force: true });
    }
  });

  it('Remove API Key says everything it removes before the user confirms', async () => {
    const project = await addProject('Production');
    const id = project.projectId;
    await ctx.api.purgeHistory.record(id, {
      at: '2024-01-01 00:00:00 UTC',
      targets: [{ bucket: 'media-assets', path: 'a.ts' }],
      purged: 1,
      failed: 0,
      notSent: 0,
    });
    await ctx.api.tlsInstructions.remember(
      id,
      'tls-1',
      "Create a CNAME for 'a.example.com' and point it to 'x.example.net.'.",
    );
    await ctx.api.bucketMemory.update(id, (m) => ({ ...m, added: ['my-bucket'] }));
    ctx.ui.confirmAnswer('removeProject', false);
    await run('removeApiKey', project);
    const detail = ctx.ui.confirms[0]?.detail ?? '';
    for (const part of [
      /API key/,
      /purge history \(1 run\)/,
      /CNAME instructions kept for 1 TLS subscription /,
      /buckets you added: my-bucket/,
      /Nothing changes in your Qencode account/,
    ])
      assert.match(detail, part);
    assert.equal(ctx.api.projects.list().length, 1, 'declined: nothing removed');
    ctx.ui.confirmAnswer('removeProject', true);
    await run('removeApiKey', project);
    assert.equal(ctx.api.projects.list().length, 0);
    for (const key of ['qencodeCdn.purgeHistory', 'qencodeCdn.tlsMessages', 'qencodeCdn.buckets'])
      assert.equal(ctx.api.storage.globalState.get(`${key}.${id}`), undefined, `${key} forgotten with the project`);
  });

  it("Compare CORS from a bucket's menu compares that bucket, not the open editor's", async () => {
    const project = await addProject();
    await run('editCors', await bucketNode(project, 'media-assets'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.path, '/media-assets.cors.json');
    ctx.emulator.clearRequests();
    await run('compareCors', await bucketNode(project, 'promo-clips'));
    const paths = sent().map((r) => r.path);
    assert.ok(paths.length >= 1 && paths.every((p) => p === '/v1/buckets/promo-clips/cors'), paths.join(', '));
    assert.match(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? '', /^promo-clips CORS/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Refresh on Buckets refreshes their CORS rows', async () => {
    const project = await addProject();
    assert.deepEqual(rows(await children(await bucketNode(project, 'promo-clips'))), ['Allow-Origin — *']);
    ctx.emulator.account().buckets.get('promo-clips')!.cors = {
      'Access-Control-Allow-Origin': 'https://player.example.com',
    };
    const groups = await children(project);
    await run(
      'refreshNode',
      groups.find((g) => context(g) === 'group.buckets'),
    );
    assert.deepEqual(rows(await children(await bucketNode(project, 'promo-clips'))), [
      'Allow-Origin — https://player.example.com',
    ]);
  });

  it('a CORS reply the client cannot fully use shows what it can and says what it dropped', async () => {
    const project = await addProject();
    const bucket = await bucketNode(project, 'media-assets');
    ctx.emulator.addFault({
      method: 'GET',
      path: '/cors$',
      fault: {
        type: 'status',
        status: 200,
        body: { 'Access-Control-Max-Age': 1600, 'Access-Control-Allow-Origin': '*', 'X-Rules': { nested: true } },
      },
    });
    const nodes = await children(bucket);
    assert.deepEqual(rows(nodes), [
      'Max-Age — 1600',
      'Allow-Origin — *',
      'X-Rules — invalid: not text, not editable here',
    ]);
  });

  it('a CORS reply that says "error" inside a 200 is an error row, not a header named error', async () => {
    const project = await addProject();
    const bucket = await bucketNode(project, 'media-assets');
    ctx.emulator.addFault({
      method: 'GET',
      path: '/cors$',
      fault: { type: 'status', status: 200, body: { error: 1, message: 'Bucket is locked' } },
    });
    const nodes = await children(bucket);
    assert.deepEqual(nodes.map(context), ['error']);
    assert.match(String(nodes[0]!.tooltip()), /Bucket is locked/);
  });
});

describe('no value in any reply breaks a group or a details view', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  /** A seed-shaped item with one field replaced by something odd. */
  const odd = fc.oneof(
    fc.constant(null),
    fc.constant(undefined),
    fc.constantFrom(
      '0000-00-00 00:00:00',
      '2023-13-45 99:99:99',
      '9999-99-99T99:99:99Z',
      '',
      ' ',
      'NaN',
      '\u0000',
      '__proto__',
      'constructor',
    ),
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.object({ maxDepth: 1 }),
    fc.string({ minLength: 300, maxLength: 2000 }),
  );
  const mutate = (item: Record<string, unknown>) =>
    fc
      .tuple(fc.subarray(Object.keys(item), { minLength: 1 }), fc.array(odd, { minLength: 4, maxLength: 4 }))
      .map(([keys, values]) => {
        const copy: Record<string, unknown> = { ...item };
        keys.forEach((k, i) => {
          if (values[i % values.length] === undefined) delete copy[k];
          else copy[k] = values[i % values.length];
        });
        return copy;
      });
  const seed = sampleData();

  it('random mutations of every field never throw from rows, tooltips or details (2,000 runs per kind)', async () => {
    const project: ProjectNode = await addProject();
    await children(project);
    const render = (node: Node) => {
      const item = node.treeItem();
      return `${String(item.label)}${String(item.description)}${String(node.tooltip())}`;
    };
    const domains = list('domains', DomainWire);
    const tls = list('tls_subscriptions', TlsSubscriptionWire);
    const keys = list('signing_keys', SigningKeyWire);
    const byId = new Map<string, Domain>();
    for (const [kind, bases, schema, key] of [
      ['domains', seed.domains, domains, 'domains'],
      ['tls', seed.tls, tls, 'tls_subscriptions'],
      ['keys', seed.keys, keys, 'signing_keys'],
    ] as const) {
      fc.assert(
        fc.property(fc.constantFrom(...(bases as Record<string, unknown>[])).chain(mutate), (raw) => {
          const parsed = schema.parse({ [key]: [raw] } as never) as unknown[];
          for (const item of parsed) {
            if (isInvalid(item as never)) continue;
            if (kind === 'domains') {
              render(new DomainNode(project.group('domains'), item as Domain));
              JSON.stringify(domainJson(item as Domain));
            } else if (kind === 'tls') {
              const sub = item as Parameters<typeof tlsJson>[0];
              render(new TlsNode(project.group('tls'), sub, undefined, { messages: () => undefined }));
              JSON.stringify(tlsJson(sub, undefined, sub.message));
            } else {
              const k = item as Parameters<typeof signingKeyJson>[0];
              render(new SigningKeyNode(project.group('keys'), k, byId, () => false));
              JSON.stringify(signingKeyJson(k, byId));
            }
          }
        }),
        { numRuns: 2000 },
      );
    }
  });

  it('the worst dates and shapes served by the API: every group still draws, bad items become invalid rows', async () => {
    const project = await addProject();
    const account = ctx.emulator.account();
    const junk = (record: object) => record as never;
    account.domains.set(
      'bad-1',
      junk({ id: 'bad-1', domain_name: 'zero.example.com', type: 'live', created: '0000-00-00 00:00:00' }),
    );
    account.domains.set(
      'bad-2',
      junk({ id: 'bad-2', domain_name: 'thirteen.example.com', type: 'vod', created: '2023-13-45 99:99:99' }),
    );
    account.tls.set(
      'bad-3',
      junk({ id: 'bad-3', domain_id: SAMPLE.liveDomainId, status: 'pending', created: '2023-02-30 10:00:00' }),
    );
    account.keys.set(
      'bad-4',
      junk({ id: 'bad-4', name: { nested: true }, stream_id: SAMPLE.streamId, created: '2024-01-01 00:00:00' }),
    );
    for (const kind of ['domains', 'tls', 'keys', 'buckets'] as const) {
      const nodes = await group(project, kind);
      for (const n of nodes) n.treeItem();
      if (kind !== 'buckets')
        assert.ok(
          nodes.some((n) => context(n) === 'invalid'),
          `${kind} shows the bad item as an invalid row`,
        );
      assert.ok(
        nodes.some((n) => context(n) !== 'invalid' && context(n) !== 'error'),
        `${kind} still shows the good items`,
      );
    }
  });
});

describe('where the token comes from', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('a real key works when the API host has no token route: the token comes from the fallback host, every call from the API host', async () => {
    const api = new Emulator({ seed: true, apiKeys: [DEMO_API_KEY], tokenRoute: false });
    const tokenOnly = new Emulator({ shareAccountsWith: api, apiRoutes: false });
    const apiUrl = await api.start();
    const tokenUrl = await tokenOnly.start();
    const settings = vscode.workspace.getConfiguration('qencodeCdn');
    await settings.update('apiUrl', apiUrl, vscode.ConfigurationTarget.Global);
    await settings.update('tokenFallbackUrl', tokenUrl, vscode.ConfigurationTarget.Global);
    try {
      ctx.ui
        .inputAnswer('projectName', 'Fallback')
        .confirmAnswer('sendKeyTo', true)
        .inputAnswer('apiKey', DEMO_API_KEY);
      await run('addApiKey');
      assert.deepEqual(ctx.ui.errors(), []);
      const project = ctx.api.explorer.roots()[0]!;
      assert.equal((await group(project, 'domains')).length, 4);
      assert.ok(api.requestsTo('POST', '^/v1/access_token/').length >= 1, 'the API host was asked first');
      assert.ok(tokenOnly.requestsTo('POST', '^/v1/access_token/').length >= 1, 'the fallback host served the token');
      assert.deepEqual(
        tokenOnly.requests.filter((r) => !r.path.startsWith('/v1/access_token/')),
        [],
        'no API call went to the token host',
      );
      assert.deepEqual(
        api.requestsTo('GET').map((r) => r.path),
        ['/v1/domains'],
      );
      assert.ok(
        ctx.api.log.recent().some((l) => l.includes(`access token served by ${new URL(tokenUrl).origin}`)),
        'the log says which host served the token',
      );
      assert.ok(ctx.api.log.recent().every((l) => !l.includes(DEMO_API_KEY)));
    } finally {
      await settings.update('apiUrl', ctx.emulator.url, vscode.ConfigurationTarget.Global);
      await settings.update('tokenFallbackUrl', undefined, vscode.ConfigurationTarget.Global);
      await api.stop();
      await tokenOnly.stop();
    }
  });

  it('no workspace can choose where the key is sent: both hosts are application settings, https-only', () => {
    const manifest = JSON.parse(
      readFileSync(join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'package.json'), 'utf8'),
    ) as {
      contributes: { configuration: { properties: Record<string, { scope?: string; default?: string }> } };
    };
    const props = manifest.contributes.configuration.properties;
    for (const key of ['qencodeCdn.apiUrl', 'qencodeCdn.tokenFallbackUrl'])
      assert.equal(props[key]?.scope, 'application', key);
    assert.equal(props['qencodeCdn.tokenFallbackUrl']?.default, 'https://api-live.qencode.com');
  });
});

describe('a key goes only where it was checked, unless the user says so', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('a changed API URL asks before the key is sent there; declining sends nothing, accepting is remembered', async () => {
    const project = await addProject();
    await group(project, 'domains');
    const elsewhere = new Emulator({ seed: true, apiKeys: [DEMO_API_KEY] });
    const url = await elsewhere.start();
    const settings = vscode.workspace.getConfiguration('qencodeCdn');
    await settings.update('apiUrl', url, vscode.ConfigurationTarget.Global);
    try {
      ctx.ui.confirmAnswer('sendKeyTo', false);
      const declined = await group(project, 'tls');
      assert.equal(context(declined[0]!), 'error');
      assert.match(String(declined[0]!.tooltip()), /was not sent to http:\/\/127\.0\.0\.1:\d+: that was not confirmed/);
      assert.equal(elsewhere.requests.length, 0, 'nothing reached the new URL');
      assert.match(ctx.ui.confirms[0]!.message, /^Send the API key of Production to http:\/\/127\.0\.0\.1:\d+\?$/);
      ctx.ui.confirmAnswer('sendKeyTo', true);
      await run(
        'refreshNode',
        (await children(project)).find((g) => context(g) === 'group.tls'),
      );
      assert.equal((await group(project, 'tls')).length, 2);
      assert.equal(elsewhere.requestsTo('POST', '^/v1/access_token/').length, 1);
      // Remembered: the next client (after any settings change) does not ask again.
      await settings.update('apiUrl', ctx.emulator.url, vscode.ConfigurationTarget.Global);
      await settings.update('apiUrl', url, vscode.ConfigurationTarget.Global);
      await run(
        'refreshNode',
        (await children(project)).find((g) => context(g) === 'group.keys'),
      );
      assert.equal((await group(project, 'keys')).length, 3);
    } finally {
      await settings.update('apiUrl', ctx.emulator.url, vscode.ConfigurationTarget.Global);
      await elsewhere.stop();
    }
  });

  it('Replace API Key: agreeing to a new host and then pressing Escape at the key leaves the old key where it was allowed', async () => {
    const project = await addProject();
    const elsewhere = new Emulator({ seed: true, apiKeys: [DEMO_API_KEY] });
    const url = await elsewhere.start();
    const settings = vscode.workspace.getConfiguration('qencodeCdn');
    await settings.update('apiUrl', url, vscode.ConfigurationTarget.Global);
    try {
      const origins = () => ctx.api.projects.get(project.projectId)?.origins ?? [];
      ctx.ui.confirmAnswer('sendKeyTo', true).inputAnswer('apiKey', CANCEL);
      await run('replaceApiKey', project);
      assert.ok(!origins().includes(new URL(url).origin), 'the consent went with the Escape');
      // The old key is still asked about before it goes there.
      ctx.ui.confirmAnswer('sendKeyTo', false);
      const rows = await group(project, 'tls');
      assert.equal(context(rows[0]!), 'error');
      assert.equal(elsewhere.requests.length, 0, 'nothing reached the new URL');
    } finally {
      await settings.update('apiUrl', ctx.emulator.url, vscode.ConfigurationTarget.Global);
      await elsewhere.stop();
    }
  });

  it('a kept token goes only to the origin it was issued for, even when the API URL changes while it is being read', async () => {
    const project = await addProject();
    await group(project, 'domains'); // a token is fetched and kept for the emulator's origin
    await until(
      async () => !!(await ctx.api.secrets.get(`qencodeCdn.token.${project.projectId}`)),
      'the token was kept',
    );
    const rogue = new Emulator({ seed: true, apiKeys: [DEMO_API_KEY] });
    const url = await rogue.start();
    const settings = vscode.workspace.getConfiguration('qencodeCdn');
    const http = vscode.workspace.getConfiguration('http');
    try {
      // A reload's first read of the kept token; the setting changes while SecretStorage answers.
      await http.update('noProxy', ['example.invalid'], vscode.ConfigurationTarget.Global);
      ctx.api.controls.onSecretRead(async (key) => {
        if (!key.startsWith('qencodeCdn.token.')) return;
        ctx.api.controls.onSecretRead(undefined);
        await settings.update('apiUrl', url, vscode.ConfigurationTarget.Global);
      });
      ctx.ui.confirmAnswer('sendKeyTo', false);
      const rows = await group(project, 'tls');
      assert.equal(context(rows[0]!), 'error');
      assert.match(ctx.ui.confirms[0]!.message, /^Send the API key of Production to http:\/\/127\.0\.0\.1:\d+\?$/);
      assert.deepEqual(rogue.requests, [], 'neither the token nor the key reached the new URL');
    } finally {
      ctx.api.controls.onSecretRead(undefined);
      await settings.update('apiUrl', ctx.emulator.url, vscode.ConfigurationTarget.Global);
      await http.update('noProxy', undefined, vscode.ConfigurationTarget.Global);
      await rogue.stop();
    }
  });

  it('Add API Key asks before a new key goes anywhere but Qencode (declining sends and saves nothing), and its prompt names the host', async () => {
    ctx.ui.inputAnswer('projectName', 'Production').confirmAnswer('sendKeyTo', false);
    await run('addApiKey');
    assert.match(ctx.ui.confirms[0]!.message, /^Send the new API key to http:\/\/127\.0\.0\.1:\d+\?$/);
    assert.match(
      ctx.ui.confirms[0]!.detail,
      /not to Qencode \(https:\/\/api-cdn\.qencode\.com and https:\/\/api-live\.qencode\.com\)/,
    );
    assert.deepEqual(ctx.emulator.requests, [], 'the key was not sent');
    assert.deepEqual(ctx.api.projects.list(), [], 'nothing was saved');
    assert.ok(
      ctx.ui.notifications.some((n) =>
        /the new API key was not sent to http:\/\/127\.0\.0\.1:\d+: that was not confirmed/.test(n.message),
      ),
    );
    let prompt = '';
    ctx.ui.onInput = (options) => {
      if (options.id === 'apiKey') prompt = options.prompt ?? '';
    };
    ctx.ui.inputAnswer('projectName', 'Production').confirmAnswer('sendKeyTo', true).inputAnswer('apiKey', CANCEL);
    await run('addApiKey');
    assert.match(
      prompt,
      new RegExp(`It is sent to ${new URL(ctx.emulator.url).host.replace(/\./g, '\\.')} to check it`),
    );
    assert.deepEqual(ctx.emulator.requests, [], 'cancelled at the key: nothing sent');
  });
});
