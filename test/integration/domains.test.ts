import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SAMPLE } from '../emulator/sample-data';
import { CANCEL } from './scripted-ui';
import { addProject, ctx, domainNode, group, reset, rows, run, sent, verifyUi } from './helpers';

describe('playback domains', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('Create Playback Domain from the palette: picks the project, validates the name, sends name and type', async () => {
    await addProject('Production');
    await addProject('Staging', 'second-project-key-0042');
    ctx.ui
      .pickAnswer('project', 'Production')
      .inputAnswer('domainName', 'Player.Example-TV.com')
      .pickAnswer('domainType', 'vod');
    await run('createDomain');
    assert.deepEqual(ctx.ui.errors(), []);
    assert.deepEqual(sent('POST'), [
      { method: 'POST', path: '/v1/domains', body: { name: 'player.example-tv.com', type: 'vod' } },
    ]);
    const project = ctx.api.explorer.roots()[0]!;
    assert.ok(rows(await group(project, 'domains')).some((r) => r.startsWith('player.example-tv.com — no bucket')));
    assert.match(ctx.ui.notifications.at(-1)?.message ?? '', /Playback domain player\.example-tv\.com created\./);
  });

  it('an invalid name is refused as you type, and nothing is sent', async () => {
    const project = await addProject();
    ctx.ui.inputAnswer('domainName', 'https://live.example.com');
    await run('createDomain', project);
    assert.deepEqual(ctx.ui.validationMessages, [
      { id: 'domainName', message: 'Enter the host name only, without "https://" or a path.' },
    ]);
    assert.deepEqual(
      sent().map((r) => `${r.method} ${r.path}`),
      ['GET /v1/domains'],
      'only the list, for the 20-domain limit; no create',
    );
  });

  it('cancelling at the type prompt sends nothing', async () => {
    const project = await addProject();
    ctx.ui.inputAnswer('domainName', 'new.example.com').pickAnswer('domainType', CANCEL);
    await run('createDomain', project);
    assert.deepEqual(sent('POST'), []);
    assert.deepEqual(ctx.ui.notifications, []);
  });

  it('at 20 domains, Create says so before the first question; declining sends nothing', async () => {
    const project = await addProject();
    for (let i = 0; i < 16; i++)
      ctx.emulator.account().domains.set(`id-${i}`, {
        id: `id-${i}`,
        domain_name: `d${i}.example.com`,
        type: 'live',
        created: '2024-01-01 00:00:00',
      });
    ctx.ui.confirmAnswer('domainLimit', false);
    await run('createDomain', project);
    assert.equal(
      ctx.ui.confirms[0]?.message,
      'Project Production has 20 playback domains, the most Qencode allows unless support raised the limit.',
    );
    assert.deepEqual(ctx.ui.errors(), []);
    assert.deepEqual(sent('POST'), [], 'no create was sent');
  });

  it('at 20 domains, "Try Anyway" (support raised the limit) lets the server decide', async () => {
    const project = await addProject();
    for (let i = 0; i < 16; i++)
      ctx.emulator.account().domains.set(`id-${i}`, {
        id: `id-${i}`,
        domain_name: `d${i}.example.com`,
        type: 'live',
        created: '2024-01-01 00:00:00',
      });
    ctx.ui
      .confirmAnswer('domainLimit', true)
      .inputAnswer('domainName', 'twenty-one.example.com')
      .pickAnswer('domainType', 'live');
    await run('createDomain', project);
    assert.deepEqual(ctx.ui.errors(), [
      'Create domain failed: Domain limit reached: at most 20 custom domains; contact support for more (HTTP 409).',
    ]);
    assert.equal(sent('POST').length, 1);
  });

  it('a limit the list did not show (another editor added one) is still refused by the API with its message', async () => {
    const project = await addProject();
    for (let i = 0; i < 15; i++)
      ctx.emulator.account().domains.set(`id-${i}`, {
        id: `id-${i}`,
        domain_name: `d${i}.example.com`,
        type: 'live',
        created: '2024-01-01 00:00:00',
      });
    await group(project, 'domains'); // 19 listed
    ctx.emulator.account().domains.set('id-late', {
      id: 'id-late',
      domain_name: 'late.example.com',
      type: 'live',
      created: '2024-01-01 00:00:00',
    });
    ctx.ui.inputAnswer('domainName', 'one-too-many.example.com').pickAnswer('domainType', 'live');
    await run('createDomain', project);
    assert.deepEqual(ctx.ui.errors(), [
      'Create domain failed: Domain limit reached: at most 20 custom domains; contact support for more (HTTP 409).',
    ]);
    assert.equal(sent('POST').length, 1, 'a create is sent once');
  });

  it('a name the project already has is refused as you type', async () => {
    const project = await addProject();
    ctx.ui.inputAnswer('domainName', 'Live.Example-TV.com');
    await run('createDomain', project);
    assert.deepEqual(ctx.ui.validationMessages, [
      { id: 'domainName', message: 'live.example-tv.com is a playback domain of this project already.' },
    ]);
    assert.deepEqual(sent('POST'), []);
  });

  it('Set Bucket on a vod domain: picks a known bucket and sends bucket_name', async () => {
    const project = await addProject();
    const vod = await domainNode(project, 'vod.example-tv.com');
    ctx.emulator.clearRequests();
    ctx.ui.pickAnswer('bucket', 'promo-clips');
    await run('setDomainBucket', vod);
    assert.deepEqual(sent('PUT'), [
      { method: 'PUT', path: `/v1/domains/${SAMPLE.vodDomainId}`, body: { bucket_name: 'promo-clips' } },
    ]);
    assert.ok(rows(await group(project, 'domains')).includes('vod.example-tv.com — → promo-clips'));
  });

  it('Set Bucket from the palette offers vod domains only', async () => {
    await addProject();
    let offered: string[] = [];
    ctx.ui
      .pickAnswer('domain', (items) => {
        offered = items.map((i) => i.label);
        return items.find((i) => i.label === 'archive.example-tv.com');
      })
      .pickAnswer('bucket', (items) => items.find((i) => i.label.includes('Enter a bucket name')))
      .inputAnswer('bucketName', 'media-assets');
    await run('setDomainBucket');
    assert.deepEqual(offered.sort(), ['archive.example-tv.com', 'vod.example-tv.com']);
    assert.deepEqual(
      sent('PUT').map((r) => r.body),
      [{ bucket_name: 'media-assets' }],
    );
  });

  it('Delete asks with the domain named; declining sends nothing; confirming deletes it and its TLS subscription', async () => {
    const project = await addProject();
    const live = await domainNode(project, 'live.example-tv.com');
    ctx.emulator.clearRequests();
    ctx.ui.confirmAnswer('deleteDomain', false);
    await run('deleteDomain', live);
    assert.deepEqual(sent(), []);
    ctx.ui.confirmAnswer('deleteDomain', true);
    await run('deleteDomain', live);
    assert.deepEqual(sent('DELETE'), [
      { method: 'DELETE', path: `/v1/domains/${SAMPLE.liveDomainId}`, body: undefined },
    ]);
    assert.ok(!rows(await group(project, 'domains')).some((r) => r.startsWith('live.example-tv.com')));
    assert.ok(!rows(await group(project, 'tls')).some((r) => r.startsWith('live.example-tv.com')));
  });

  it('deleting a domain that is already gone says so, without an error', async () => {
    const project = await addProject();
    const events = await domainNode(project, 'events.example-tv.com');
    ctx.emulator.account().domains.delete(SAMPLE.eventsDomainId);
    ctx.ui.confirmAnswer('deleteDomain', true);
    await run('deleteDomain', events);
    assert.deepEqual(ctx.ui.errors(), []);
    assert.match(ctx.ui.notifications.at(-1)?.message ?? '', /Already deleted elsewhere: events\.example-tv\.com/);
  });

  it('deletes several selected domains with one confirmation', async () => {
    const project = await addProject();
    const a = await domainNode(project, 'events.example-tv.com');
    const b = await domainNode(project, 'archive.example-tv.com');
    ctx.emulator.clearRequests();
    ctx.ui.confirmAnswer('deleteDomain', true);
    await run('deleteDomain', a, [a, b]);
    assert.deepEqual(
      sent('DELETE')
        .map((r) => r.path)
        .sort(),
      [`/v1/domains/${SAMPLE.archiveDomainId}`, `/v1/domains/${SAMPLE.eventsDomainId}`].sort(),
    );
  });

  it('Copy Domain Name and Copy ID', async () => {
    const project = await addProject();
    const vod = await domainNode(project, 'vod.example-tv.com');
    await run('copyDomainName', vod);
    assert.equal(await vscode.env.clipboard.readText(), 'vod.example-tv.com');
    await run('copyId', vod);
    assert.equal(await vscode.env.clipboard.readText(), SAMPLE.vodDomainId);
  });

  it('Show Details GETs the domain and opens its JSON read-only', async () => {
    const project = await addProject();
    const vod = await domainNode(project, 'vod.example-tv.com');
    ctx.emulator.clearRequests();
    await run('showDetails', vod);
    assert.deepEqual(sent(), [{ method: 'GET', path: `/v1/domains/${SAMPLE.vodDomainId}`, body: undefined }]);
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, 'qencode-details');
    assert.equal(doc?.languageId, 'json');
    assert.deepEqual(JSON.parse(doc!.getText()), {
      id: SAMPLE.vodDomainId,
      domain_name: 'vod.example-tv.com',
      type: 'vod',
      bucket_name: 'media-assets',
      created: '2023-06-09T10:45:03.000Z',
    });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('List Playback Domains by Type uses GET /v1/domains/live', async () => {
    const project = await addProject();
    let listed: string[] = [];
    ctx.ui.pickAnswer('domainType', 'Live streaming domains').pickAnswer('domain', (items) => {
      listed = items.map((i) => i.label);
      return items[0];
    });
    await run('listDomainsByType', project);
    assert.deepEqual(
      sent().map((r) => r.path),
      ['/v1/domains/live'],
    );
    assert.deepEqual(listed.sort(), ['events.example-tv.com', 'live.example-tv.com']);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});

describe('creates whose reply is lost', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('a domain create whose reply breaks is checked by a re-list and reported as done, never retried', async () => {
    const project = await addProject();
    ctx.emulator.addFault({ method: 'POST', path: '^/v1/domains$', fault: { type: 'reset-mid-body' }, times: 1 });
    ctx.ui.inputAnswer('domainName', 'lost-reply.example.com').pickAnswer('domainType', 'live');
    await run('createDomain', project);
    assert.equal(sent('POST', '^/v1/domains$').length, 1, 'the create was sent once');
    assert.deepEqual(ctx.ui.errors(), []);
    assert.match(
      ctx.ui.notifications.find((n) => n.id === 'reconciled')?.message ?? '',
      /Create domain failed: .* The reply was lost, but the check shows it did happen: domain lost-reply\.example\.com exists\./,
    );
    assert.ok(rows(await group(project, 'domains')).some((r) => r.startsWith('lost-reply.example.com')));
  });

  it('a create that did not happen says so, so the user can try again', async () => {
    const project = await addProject();
    ctx.emulator.addFault({ method: 'POST', path: '^/v1/domains$', fault: { type: 'reset' }, times: 1 });
    ctx.ui.inputAnswer('domainName', 'never.example.com').pickAnswer('domainType', 'live');
    await run('createDomain', project);
    assert.equal(sent('POST', '^/v1/domains$').length, 1);
    assert.match(
      ctx.ui.errors()[0] ?? '',
      /^Create domain failed: the connection was (reset|closed unexpectedly); a check of the list shows it did not happen, so you can try again\.$/,
    );
  });

  it('a signing key created with its reply lost is found by target and time (not name), and named, with the advice to replace it', async () => {
    const project = await addProject();
    const before = new Set(ctx.emulator.account().keys.keys());
    ctx.emulator.addFault({ method: 'POST', path: '^/v1/signing-keys$', fault: { type: 'reset-mid-body' }, times: 1 });
    ctx.ui
      .pickAnswer('signingKeyFor', 'Live stream')
      .inputAnswer('streamId', SAMPLE.streamId)
      .inputAnswer('signingKeyName', 'Lost Reply');
    await run('createSigningKey', project);
    const created = [...ctx.emulator.account().keys.values()].filter((k) => !before.has(k.id));
    assert.equal(created.length, 1);
    assert.equal(created[0]!.name, null, 'the name was never sent: it follows the create');
    const message = ctx.ui.notifications.find((n) => n.id === 'reconciled')?.message ?? '';
    assert.match(
      message,
      new RegExp(`signing key ${created[0]!.id} exists, but its private key was lost with the reply`),
    );
    assert.equal(message.includes(SAMPLE.streamKeyId), false, 'an older key for the same stream is not taken for it');
    assert.equal(sent('POST', '^/v1/signing-keys$').length, 1);
    assert.deepEqual(sent('PUT'), []);
  });
});

describe('creates whose reply is lost, and the check fails too', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('says it could not be checked, rather than "it did not happen"', async () => {
    const project = await addProject();
    await group(project, 'domains');
    ctx.emulator.addFault({ method: 'POST', path: '^/v1/domains$', fault: { type: 'reset-mid-body' }, times: 1 });
    ctx.emulator.addFault({ method: 'GET', path: '^/v1/domains$', fault: { type: 'status', status: 501 }, times: 1 });
    ctx.ui.inputAnswer('domainName', 'unchecked.example.com').pickAnswer('domainType', 'live');
    await run('createDomain', project);
    assert.match(
      ctx.ui.errors()[0] ?? '',
      /whether it happened could not be checked, so refresh the list before you try again/,
    );
    assert.equal(sent('POST', '^/v1/domains$').length, 1);
  });
});
