import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SAMPLE } from '../emulator/sample-data';
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
    assert.deepEqual(sent('POST'), [{ method: 'POST', path: '/v1/tls/subscriptions', body: { domain_id: SAMPLE.eventsDomainId } }]);
    assert.equal(record, 'Add this DNS record at your DNS provider: events.example-tv.com CNAME j.sni.global.fastly.net.');
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
    assert.deepEqual(sent('POST').map((r) => r.body), [{ domain_id: SAMPLE.vodDomainId }]);
  });

  it('Refresh TLS Status GETs one subscription and updates its row without re-listing', async () => {
    const project = await addProject();
    const pending = await tlsNode(project, 'archive.example-tv.com');
    ctx.emulator.issueTls(SAMPLE.pendingTlsId);
    ctx.emulator.clearRequests();
    await run('refreshTlsStatus', pending);
    assert.deepEqual(sent().map((r) => `${r.method} ${r.path}`), [`GET /v1/tls/subscriptions/${SAMPLE.pendingTlsId}`]);
    assert.ok(rows(await group(project, 'tls')).includes('archive.example-tv.com — issued'));
    assert.deepEqual(sent().length, 1, 'no re-list');
  });

  it('Show CNAME Instructions uses the message kept from the create reply, and copies the target', async () => {
    const project = await addProject();
    ctx.ui.pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    await run('createTls', await domainNode(project, 'events.example-tv.com'));
    const node = await tlsNode(project, 'events.example-tv.com');
    assert.match(String(node.tooltip()), /events\.example-tv\.com CNAME j\.sni\.global\.fastly\.net\./, 'the record, from the create reply');
    ctx.ui.pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Copy the target'))).pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    await run('showCnameInstructions', node);
    assert.equal(await vscode.env.clipboard.readText(), 'j.sni.global.fastly.net.');
  });

  it('Show CNAME Instructions on a subscription created elsewhere says where to look', async () => {
    const project = await addProject();
    await run('showCnameInstructions', await tlsNode(project, 'archive.example-tv.com'));
    assert.match(ctx.ui.notifications[0]?.message ?? '', /only in the reply that creates the TLS subscription/);
  });

  it('Show Details GETs the subscription', async () => {
    const project = await addProject();
    await run('showDetails', await tlsNode(project, 'live.example-tv.com'));
    assert.deepEqual(sent().map((r) => r.path).at(-1), `/v1/tls/subscriptions/${SAMPLE.issuedTlsId}`);
    assert.equal(JSON.parse(vscode.window.activeTextEditor!.document.getText()).status, 'issued');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Delete asks, then deletes; a 404 on a second delete is reported as already gone', async () => {
    const project = await addProject();
    const node = await tlsNode(project, 'live.example-tv.com');
    ctx.ui.confirmAnswer('deleteTls', true);
    await run('deleteTls', node);
    assert.deepEqual(sent('DELETE').map((r) => r.path), [`/v1/tls/subscriptions/${SAMPLE.issuedTlsId}`]);
    assert.ok(!rows(await group(project, 'tls')).some((r) => r.startsWith('live.example-tv.com')));
    ctx.ui.confirmAnswer('deleteTls', true);
    await run('deleteTls', node);
    assert.deepEqual(ctx.ui.errors(), []);
    assert.match(ctx.ui.notifications.at(-1)?.message ?? '', /Already deleted elsewhere/);
  });
});
