import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SAMPLE } from '../emulator/sample-data';
import { CANCEL } from './scripted-ui';
import { addProject, ctx, domainNode, group, reset, rows, run, sent, tlsNode, verifyUi } from './helpers';

describe('TLS subscriptions', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('Create TLS Subscription from a domain node: sends domain_id, shows the CNAME, and the TLS group shows it pending', async () => {
    const project = await addProject();
    const domain = await domainNode(project, 'events.example-tv.com');
    ctx.emulator.clearRequests();
    let record = '';
    ctx.ui.onPick = (options) => (record = options.title ?? '');
    ctx.ui.pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    await run('createTls', domain);
    assert.deepEqual(ctx.ui.errors(), []);
    assert.deepEqual(sent('POST'), [
      { method: 'POST', path: '/v1/tls/subscriptions', body: { domain_id: SAMPLE.eventsDomainId } },
    ]);
    assert.equal(
      record,
      'Add this DNS record at your DNS provider: events.example-tv.com CNAME j.sni.global.fastly.net',
    );
    const node = await tlsNode(project, 'events.example-tv.com');
    assert.equal(node.subscription.status, 'pending');
    const tls = await group(project, 'tls');
    assert.deepEqual(
      tls.map((n) => `${rows([n])[0]!.split(' — ')[0]} ${n.treeItem().contextValue}`),
      ['archive.example-tv.com tls.pending', 'events.example-tv.com tls.pending', 'live.example-tv.com tls.issued'],
    );
  });
});

describe('TLS subscriptions, more', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('Create from the palette offers only domains without a subscription', async () => {
    await addProject();
    let offered: string[] = [];
    ctx.ui.pickAnswer('domain', (items) => {
      offered = items.map((i) => i.label);
      return items.find((i) => i.label === 'vod.example-tv.com');
    });
    ctx.ui.pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    await run('createTls');
    assert.deepEqual(offered.sort(), ['events.example-tv.com', 'vod.example-tv.com']);
    assert.deepEqual(
      sent('POST').map((r) => r.body),
      [{ domain_id: SAMPLE.vodDomainId }],
    );
  });

  it('Refresh TLS Status GETs one subscription and updates its row without re-listing', async () => {
    const project = await addProject();
    const pending = await tlsNode(project, 'archive.example-tv.com');
    ctx.emulator.issueTls(SAMPLE.pendingTlsId);
    ctx.emulator.clearRequests();
    await run('refreshTlsStatus', pending);
    assert.deepEqual(
      sent().map((r) => `${r.method} ${r.path}`),
      [`GET /v1/tls/subscriptions/${SAMPLE.pendingTlsId}`],
    );
    assert.ok(rows(await group(project, 'tls')).includes('archive.example-tv.com — issued'));
    assert.deepEqual(sent().length, 1, 'no re-list');
  });

  it('Show CNAME Instructions uses the message kept from the create reply, and copies the target', async () => {
    const project = await addProject();
    ctx.ui.pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    await run('createTls', await domainNode(project, 'events.example-tv.com'));
    const node = await tlsNode(project, 'events.example-tv.com');
    assert.match(
      String(node.tooltip()),
      /events\.example-tv\.com CNAME j\.sni\.global\.fastly\.net\./,
      'the record, from the create reply',
    );
    const labels: string[][] = [];
    ctx.ui.onPick = (options) => options.id === 'cnameRecord' && labels.push([]);
    ctx.ui
      .pickAnswer(
        'cnameRecord',
        (items) => (
          labels.at(-1)!.push(...items.map((i) => i.label)),
          items.find((i) => i.label === 'Copy the target')
        ),
      )
      .pickAnswer(
        'cnameRecord',
        (items) => (
          labels.at(-1)!.push(...items.map((i) => i.label)),
          items.find((i) => i.label === 'Copy the target with its final dot')
        ),
      )
      .pickAnswer(
        'cnameRecord',
        (items) => (labels.at(-1)!.push(...items.map((i) => i.label)), items.find((i) => i.label.includes('Done'))),
      );
    await run('showCnameInstructions', node);
    // Copied without the root's final dot, as most DNS forms want it; the picker says what was copied.
    assert.equal(labels[1]![1], 'Copied the target', 'the copy is confirmed where it was clicked');
    assert.equal(labels[2]![2], 'Copied the target with its final dot');
    assert.equal(
      await vscode.env.clipboard.readText(),
      'j.sni.global.fastly.net.',
      'the last copy: with its dot, for forms that want it',
    );
  });

  it('Copy the target copies it without the final dot', async () => {
    const project = await addProject();
    ctx.ui.pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    await run('createTls', await domainNode(project, 'events.example-tv.com'));
    ctx.ui
      .pickAnswer('cnameRecord', (items) => items.find((i) => i.label === 'Copy the target'))
      .pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    await run('showCnameInstructions', await tlsNode(project, 'events.example-tv.com'));
    assert.equal(await vscode.env.clipboard.readText(), 'j.sni.global.fastly.net');
  });

  it('Show CNAME Instructions on a subscription created elsewhere says why in a modal, and offers to re-create it or open the portal; Re-create shows the record', async () => {
    const project = await addProject();
    const node = await tlsNode(project, 'archive.example-tv.com');
    const oldId = node.subscription.id;
    ctx.ui.askAnswer('cnameUnknown', CANCEL);
    await run('showCnameInstructions', node);
    const asked = ctx.ui.asks[0]!;
    assert.equal(asked.message, 'The CNAME record for archive.example-tv.com is not known here.');
    assert.match(
      asked.detail,
      /only in the reply that creates a TLS subscription, and this one was created outside this editor/,
    );
    assert.match(
      asked.detail,
      /Re-create Subscription: this subscription is deleted and a new one is made for archive\.example-tv\.com/,
    );
    assert.deepEqual(asked.actions, ['Re-create Subscription', 'Open the Qencode Portal']);
    assert.deepEqual(
      sent().filter((r) => r.method !== 'GET'),
      [],
      'cancelled: nothing changed',
    );
    let title = '';
    ctx.ui.onPick = (options) => (title = options.title ?? title);
    ctx.ui
      .askAnswer('cnameUnknown', 'Re-create Subscription')
      .pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    await run('showCnameInstructions', node);
    const domainId = node.subscription.domainId;
    assert.deepEqual(
      sent()
        .filter((r) => r.method !== 'GET')
        .map((r) => `${r.method} ${r.path}`),
      [`DELETE /v1/tls/subscriptions/${oldId}`, 'POST /v1/tls/subscriptions'],
    );
    assert.deepEqual(sent('POST')[0]!.body, { domain_id: domainId });
    assert.equal(
      title,
      'Add this DNS record at your DNS provider: archive.example-tv.com CNAME j.sni.global.fastly.net',
    );
  });

  it('a subscription made elsewhere says in its tooltip that its target is not known here, and what to do; a failed one says why, or that no reason was given', async () => {
    const project = await addProject();
    const pending = await tlsNode(project, 'archive.example-tv.com');
    assert.match(
      String(pending.tooltip()),
      /The CNAME target is not known here \(the subscription was made outside this editor\): Show CNAME Instructions offers to make it again, or to open the Qencode portal\./,
    );
    ctx.emulator.issueTls(SAMPLE.pendingTlsId, 'failed');
    await run('refreshTlsStatus', pending);
    const failed = await tlsNode(project, 'archive.example-tv.com');
    assert.equal(failed.subscription.status, 'failed');
    assert.match(
      String(failed.tooltip()),
      /Why: |Qencode gave no reason\. Most often the CNAME record is missing or points elsewhere: Check DNS, then Renew\./,
    );
  });

  it('Show Details GETs the subscription', async () => {
    const project = await addProject();
    await run('showDetails', await tlsNode(project, 'live.example-tv.com'));
    assert.deepEqual(
      sent()
        .map((r) => r.path)
        .at(-1),
      `/v1/tls/subscriptions/${SAMPLE.issuedTlsId}`,
    );
    assert.equal(JSON.parse(vscode.window.activeTextEditor!.document.getText()).status, 'issued');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Delete asks, then deletes; a 404 on a second delete is reported as already gone', async () => {
    const project = await addProject();
    const node = await tlsNode(project, 'live.example-tv.com');
    ctx.ui.confirmAnswer('deleteTls', true);
    await run('deleteTls', node);
    assert.deepEqual(
      sent('DELETE').map((r) => r.path),
      [`/v1/tls/subscriptions/${SAMPLE.issuedTlsId}`],
    );
    assert.ok(!rows(await group(project, 'tls')).some((r) => r.startsWith('live.example-tv.com')));
    ctx.ui.confirmAnswer('deleteTls', true);
    await run('deleteTls', node);
    assert.deepEqual(ctx.ui.errors(), []);
    assert.match(ctx.ui.notifications.at(-1)?.message ?? '', /Already deleted elsewhere/);
  });
});
