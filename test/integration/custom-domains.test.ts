import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SAMPLE } from '../emulator/sample-data';
import { addProject, ctx, domainNode, group, reset, rows, run, sent, tlsNode, until, verifyUi } from './helpers';
import type { TlsNode } from '../../src/resources/tls/node';
import { TlsWatch } from '../../src/resources/tls/watch';

const TARGET = 'j.sni.global.fastly.net.';

const tlsPosts = () => sent('POST', '^/v1/tls/subscriptions$');

describe('custom domains: the guided setup', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('from the first question to the CNAME shown: domain, bucket, TLS subscription, the record with Copy, the watch', async () => {
    const project = await addProject();
    let recordTitle = '';
    let recordStatus = '';
    ctx.ui
      .inputAnswer('domainName', 'Video.Example-TV.com')
      .pickAnswer('domainType', 'vod')
      .pickAnswer('bucket', 'media-assets')
      .pickAnswer('tlsOffer', 'Create the TLS Subscription')
      .pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Copy the name')))
      .pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Copy the target')))
      .pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    ctx.ui.onPick = (options) => {
      if (options.id === 'cnameRecord') {
        recordTitle = options.title ?? '';
        recordStatus = options.placeHolder ?? '';
      }
    };
    await run('addCustomDomain', project);
    assert.deepEqual(ctx.ui.errors(), []);
    const created = [...ctx.emulator.account().domains.values()].find((d) => d.domain_name === 'video.example-tv.com')!;
    assert.deepEqual(
      sent().filter((r) => r.method !== 'GET'),
      [
        { method: 'POST', path: '/v1/domains', body: { name: 'video.example-tv.com', type: 'vod' } },
        { method: 'PUT', path: `/v1/domains/${created.id}`, body: { bucket_name: 'media-assets' } },
        { method: 'POST', path: '/v1/tls/subscriptions', body: { domain_id: created.id } },
      ],
    );
    assert.equal(
      recordTitle,
      `Add this DNS record at your DNS provider: video.example-tv.com CNAME ${TARGET.replace(/\.$/, '')}`,
    );
    assert.equal(recordStatus, 'DNS: no CNAME yet');
    assert.equal(
      await vscode.env.clipboard.readText(),
      TARGET.replace(/\.$/, ''),
      'the last Copy put the target on the clipboard, without the final dot',
    );
    assert.match(
      ctx.ui.notifications.find((n) => n.id === 'setupWatching')?.message ?? '',
      /Watching the TLS subscription of video\.example-tv\.com/,
    );
    const sub = [...ctx.emulator.account().tls.values()].find((x) => x.domain_id === created.id)!;
    assert.deepEqual(
      ctx.api.tlsWatch.watched().map((w) => w.tlsId),
      [sub.id],
    );
    assert.equal(ctx.api.controls.tlsStatus(), '$(clock) 1 TLS pending');
    assert.ok(rows(await group(project, 'domains')).includes('video.example-tv.com — → media-assets'));
  });

  it('the 20-domain limit is stated before the first question', async () => {
    const project = await addProject();
    for (let i = 0; i < 16; i++)
      ctx.emulator.account().domains.set(`id-${i}`, {
        id: `id-${i}`,
        domain_name: `d${i}.example.com`,
        type: 'live',
        created: '2024-01-01 00:00:00',
      });
    ctx.ui.confirmAnswer('domainLimit', false);
    await run('addCustomDomain', project);
    assert.deepEqual(sent('POST'), []);
    assert.equal(ctx.ui.confirms[0]?.id, 'domainLimit');
  });

  it('each step can be skipped, and Continue Setup on the row takes it up where it stopped', async () => {
    const project = await addProject();
    ctx.ui
      .inputAnswer('domainName', 'later.example-tv.com')
      .pickAnswer('domainType', 'vod')
      .pickAnswer('bucket', (items) => items.find((i) => i.label.includes('Skip')))
      .pickAnswer('tlsOffer', (items) => items.find((i) => i.label.includes('Later')));
    await run('addCustomDomain', project);
    assert.deepEqual(sent('PUT'), [], 'no bucket was set');
    assert.deepEqual(tlsPosts(), [], 'no TLS subscription was created');
    assert.match(
      ctx.ui.notifications.find((n) => n.id === 'setupPaused')?.message ?? '',
      /Run "Continue Setup…" on its row/,
    );
    const row = await domainNode(project, 'later.example-tv.com');
    ctx.ui
      .pickAnswer('bucket', 'promo-clips')
      .pickAnswer('tlsOffer', 'Create the TLS Subscription')
      .pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    await run('continueSetup', row);
    assert.deepEqual(
      sent('PUT').map((r) => r.body),
      [{ bucket_name: 'promo-clips' }],
    );
    assert.equal(tlsPosts().length, 1);
    assert.equal(ctx.api.tlsWatch.watched().length, 1);
  });

  it('a failure at the TLS step leaves the domain and says what to do next', async () => {
    const project = await addProject();
    ctx.emulator.addFault({
      method: 'POST',
      path: '^/v1/tls/subscriptions$',
      fault: { type: 'status', status: 409, body: { error: 12, message: 'Domain quota for certificates reached' } },
      times: 1,
    });
    ctx.ui
      .inputAnswer('domainName', 'broken.example-tv.com')
      .pickAnswer('domainType', 'live')
      .pickAnswer('tlsOffer', 'Create the TLS Subscription');
    await run('addCustomDomain', project);
    assert.match(
      ctx.ui.errors()[0] ?? '',
      /playback domain broken\.example-tv\.com exists, but creating its TLS subscription failed: .*Domain quota for certificates reached.* Run "Continue Setup…" on its row to finish/,
    );
    assert.ok(
      rows(await group(project, 'domains')).some((r) => r.startsWith('broken.example-tv.com')),
      'the domain is there to continue from',
    );
  });
});

describe('custom domains: the TLS watch', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('a watched subscription turning issued updates its row, tells the user, and stops being watched', async () => {
    const project = await addProject();
    ctx.focus.set(true);
    assert.equal((await tlsNode(project, 'archive.example-tv.com')).treeItem().contextValue, 'tls.pending');
    assert.deepEqual(
      ctx.api.tlsWatch.watched().map((w) => w.tlsId),
      [SAMPLE.pendingTlsId],
      'the pending subscription in the list is watched',
    );
    ctx.emulator.issueTls(SAMPLE.pendingTlsId);
    await until(() => ctx.ui.notifications.some((n) => n.id === 'tlsIssued'), 'the user is told');
    assert.equal(
      ctx.ui.notifications.find((n) => n.id === 'tlsIssued')?.message,
      'The TLS certificate for archive.example-tv.com was issued: HTTPS is ready.',
    );
    const row = await tlsNode(project, 'archive.example-tv.com');
    assert.equal(row.treeItem().contextValue, 'tls.issued');
    assert.deepEqual(ctx.api.tlsWatch.watched(), []);
    assert.equal(ctx.api.controls.tlsStatus(), undefined, 'the status bar item is gone');
  });

  it('a watch list another window rewrote without the id still tells the user, and marks it told for the others', async () => {
    const project = await addProject();
    await group(project, 'tls');
    // Another window's write replaced the shared watch list without this id: that alone silences nothing.
    await ctx.api.storage.globalState.update('qencodeCdn.tlsWatch', []);
    ctx.emulator.issueTls(SAMPLE.pendingTlsId);
    ctx.focus.set(true);
    await until(() => ctx.ui.notifications.some((n) => n.id === 'tlsIssued'), 'told, though the list lost the id');
    ctx.focus.set(false);
    const told = ctx.api.storage.globalState.get<Record<string, unknown>>('qencodeCdn.tlsIssuedTold', {});
    assert.ok(Object.hasOwn(told, `${project.projectId}/${SAMPLE.pendingTlsId}`), 'marked told for the other windows');
  });

  it('a certificate another window told issued first updates its row here, and is not told twice', async () => {
    const project = await addProject();
    await group(project, 'tls');
    assert.deepEqual(
      ctx.api.tlsWatch.watched().map((w) => w.tlsId),
      [SAMPLE.pendingTlsId],
    );
    // What the window that told it first leaves in the global state every window shares.
    const key = `${project.projectId}/${SAMPLE.pendingTlsId}`;
    await ctx.api.storage.globalState.update('qencodeCdn.tlsIssuedTold', { [key]: { at: Date.now() } });
    await new Promise((r) => setTimeout(r, 300)); // global state settles (earlier writes of this test echo back)
    assert.ok(
      Object.hasOwn(ctx.api.storage.globalState.get<Record<string, unknown>>('qencodeCdn.tlsIssuedTold', {}), key),
      'the mark is in place',
    );
    ctx.emulator.issueTls(SAMPLE.pendingTlsId);
    ctx.focus.set(true);
    await until(() => ctx.api.tlsWatch.watched().length === 0, 'the watch here ends too');
    ctx.focus.set(false);
    assert.equal(
      (await tlsNode(project, 'archive.example-tv.com')).treeItem().contextValue,
      'tls.issued',
      'the row shows it issued',
    );
    assert.deepEqual(
      ctx.ui.notifications.filter((n) => n.id === 'tlsIssued').map((n) => n.message),
      [],
      'the user was told once, by the other window',
    );
    assert.ok(
      ctx.api.log.recent().some((l) => /archive\.example-tv\.com is issued; another window has told the user/.test(l)),
    );
  });

  it('one request per pending subscription per poll, and never a list', async () => {
    const project = await addProject();
    await group(project, 'domains');
    ctx.api.tlsWatch.watch(project.projectId, SAMPLE.pendingTlsId, 'archive.example-tv.com');
    const other = {
      id: 'a1a2a3a4-b5b6-4c7c-8d8d-9e9e9e9e9e9e',
      domain_id: SAMPLE.eventsDomainId,
      status: 'pending',
      created: '2024-05-01 10:00:00',
    };
    ctx.emulator.account().tls.set(other.id, other);
    ctx.api.tlsWatch.watch(project.projectId, other.id, 'events.example-tv.com');
    ctx.emulator.clearRequests();
    ctx.focus.set(true);
    await until(() => sent('GET').length >= 2, 'the first poll');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(
      sent('GET')
        .map((r) => r.path)
        .sort(),
      [`/v1/tls/subscriptions/${SAMPLE.pendingTlsId}`, `/v1/tls/subscriptions/${other.id}`].sort(),
    );
    await until(() => sent('GET').length >= 4, 'the second poll', 3000);
    assert.equal(sent('GET', '^/v1/tls/subscriptions$').length, 0, 'no list call');
    assert.equal(sent('GET').length, 4, 'two polls of two subscriptions: four requests');
    ctx.focus.set(false);
  });

  it('a failure notification left open does not hold up the watch of the others', async () => {
    const project = await addProject();
    await group(project, 'domains');
    const other = {
      id: 'b1b2b3b4-c5c6-4d7d-8e8e-9f9f9f9f9f9f',
      domain_id: SAMPLE.eventsDomainId,
      status: 'pending',
      created: '2024-05-01 10:00:00',
    };
    ctx.emulator.account().tls.set(other.id, other);
    ctx.api.tlsWatch.watch(project.projectId, SAMPLE.pendingTlsId, 'archive.example-tv.com');
    ctx.api.tlsWatch.watch(project.projectId, other.id, 'events.example-tv.com');
    ctx.ui.heldOpen.add('tlsFailed');
    ctx.emulator.account().tls.get(SAMPLE.pendingTlsId)!.status = 'failed';
    ctx.focus.set(true);
    await until(() => ctx.ui.notifications.some((n) => n.id === 'tlsFailed'), 'the failure is told (and left open)');
    ctx.emulator.issueTls(other.id);
    await until(
      () => ctx.ui.notifications.some((n) => n.id === 'tlsIssued'),
      'the other subscription is still watched, and its issue told',
    );
    ctx.focus.set(false);
  });

  it('a status this editor does not know is watched on, not taken for a failure', async () => {
    const project = await addProject();
    await group(project, 'tls');
    (ctx.emulator.account().tls.get(SAMPLE.pendingTlsId) as { status: string }).status = 'processing';
    ctx.emulator.clearRequests();
    ctx.focus.set(true);
    await until(() => sent('GET').length >= 2, 'two polls');
    ctx.focus.set(false);
    assert.deepEqual(
      ctx.api.tlsWatch.watched().map((w) => w.tlsId),
      [SAMPLE.pendingTlsId],
    );
    assert.deepEqual(
      ctx.ui.notifications.filter((n) => n.id === 'tlsFailed' || n.id === 'tlsIssued'),
      [],
    );
  });

  it('polling stops while the window is not focused, and resumes when it is', async () => {
    const project = await addProject();
    await group(project, 'tls');
    ctx.emulator.clearRequests();
    ctx.emulator.issueTls(SAMPLE.pendingTlsId);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(sent(), [], 'unfocused: nothing is asked');
    ctx.focus.set(true);
    await until(() => ctx.ui.notifications.some((n) => n.id === 'tlsIssued'), 'focused again: the change is found');
    assert.equal(sent('GET').length, 1);
  });

  it('the watch survives a reload: the ids are in global state, and nothing secret', async () => {
    const project = await addProject();
    await group(project, 'tls');
    const kept = ctx.api.storage.globalState.get<unknown[]>('qencodeCdn.tlsWatch');
    assert.deepEqual(kept, [
      { projectId: project.projectId, tlsId: SAMPLE.pendingTlsId, domain: 'archive.example-tv.com' },
    ]);
    // What a new window would build from it (the same module, the same state):
    const restored = new TlsWatch(
      ctx.api.projects,
      ctx.api.clients,
      ctx.api.tlsInstructions,
      ctx.api.data,
      ctx.api.dns,
      () => ctx.ui,
      ctx.api.storage.globalState,
      ctx.api.log,
      { focus: { focused: () => false, onDidChange: () => ({ dispose() {} }) } },
    );
    try {
      assert.deepEqual(restored.watched(), kept);
    } finally {
      restored.dispose();
    }
  });

  it('the setting qencodeCdn.tls.watch turns it off', async () => {
    const project = await addProject();
    await vscode.workspace.getConfiguration('qencodeCdn').update('tls.watch', false, vscode.ConfigurationTarget.Global);
    try {
      await group(project, 'tls');
      ctx.emulator.clearRequests();
      ctx.focus.set(true);
      await new Promise((r) => setTimeout(r, 800));
      assert.deepEqual(sent(), []);
      assert.equal(ctx.api.controls.tlsStatus(), undefined);
    } finally {
      await vscode.workspace
        .getConfiguration('qencodeCdn')
        .update('tls.watch', undefined, vscode.ConfigurationTarget.Global);
      ctx.focus.set(false);
    }
  });
});

describe('custom domains: DNS, failure, renewal and expiry', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  /** A pending subscription whose CNAME instructions this editor kept. */
  async function pendingWithInstructions() {
    const project = await addProject();
    await ctx.api.tlsInstructions.remember(
      project.projectId,
      SAMPLE.pendingTlsId,
      `Create a CNAME for 'archive.example-tv.com' and point it to '${TARGET}'.`,
    );
    return project;
  }

  it('a pending row whose CNAME is missing says so, and why it is pending', async () => {
    const project = await pendingWithInstructions();
    await group(project, 'tls');
    await until(
      async () => String((await tlsNode(project, 'archive.example-tv.com')).treeItem().description) === 'no CNAME',
      'the DNS verdict reaches the row',
    );
    const tooltip = String((await tlsNode(project, 'archive.example-tv.com')).tooltip());
    assert.match(tooltip, /DNS: no CNAME yet/);
    assert.match(
      tooltip,
      /This is why it is still pending: add the DNS record “archive\.example-tv\.com CNAME j\.sni\.global\.fastly\.net\.”/,
    );
  });

  it('Check DNS re-checks on demand: points elsewhere, then to the target', async () => {
    const project = await pendingWithInstructions();
    ctx.dns.zone.set('archive.example-tv.com', { cname: 'old-cdn.example.net.' });
    await run('checkDns', await tlsNode(project, 'archive.example-tv.com'));
    assert.equal(
      ctx.ui.notifications.at(-1)?.message,
      'archive.example-tv.com: DNS: points to old-cdn.example.net, expected j.sni.global.fastly.net. Add the record “archive.example-tv.com CNAME j.sni.global.fastly.net.”.',
    );
    assert.equal(String((await tlsNode(project, 'archive.example-tv.com')).treeItem().description), 'CNAME wrong');
    ctx.dns.zone.set('archive.example-tv.com', { cname: TARGET });
    await run('checkDns', await domainNode(project, 'archive.example-tv.com'));
    assert.equal(ctx.ui.notifications.at(-1)?.message, 'archive.example-tv.com: DNS: CNAME points to the target.');
    assert.ok(
      ctx.dns.queries.filter((q) => q.name === 'archive.example-tv.com').length >= 2,
      'the DNS server was asked each time',
    );
  });

  it('without the CNAME instructions, the row still says what the name points to', async () => {
    const project = await addProject();
    ctx.dns.zone.set('archive.example-tv.com', { cname: 'somewhere.example.net.' });
    await group(project, 'tls');
    await until(
      async () =>
        /DNS: points to somewhere\.example\.net/.test(
          String((await tlsNode(project, 'archive.example-tv.com')).tooltip()),
        ),
      'the row says where it points',
    );
  });

  it("a failed subscription is told with the server's message, and Renew makes a new one for the same domain and watches it", async () => {
    const project = await pendingWithInstructions();
    ctx.focus.set(true);
    await group(project, 'tls');
    const sub = ctx.emulator.account().tls.get(SAMPLE.pendingTlsId)!;
    sub.status = 'failed';
    sub.message = 'Domain verification failed';
    ctx.ui.notifyAnswers.set('tlsFailed', 'Renew…');
    ctx.ui
      .confirmAnswer('renewTls', true)
      .pickAnswer('cnameRecord', (items) => items.find((i) => i.label.includes('Done')));
    await until(() => tlsPosts().length === 1, 'the renewal was sent');
    assert.match(
      ctx.ui.notifications.find((n) => n.id === 'tlsFailed')?.message ?? '',
      /has failed: Domain verification failed\. DNS: no CNAME yet\. Fix the DNS record/,
    );
    assert.deepEqual(tlsPosts()[0]!.body, { domain_id: SAMPLE.archiveDomainId });
    await until(
      () => ctx.api.tlsWatch.watched().length === 1 && ctx.api.tlsWatch.watched()[0]!.tlsId !== SAMPLE.pendingTlsId,
      'the new subscription is watched',
    );
    ctx.focus.set(false);
  });

  it('an issued certificate close to its expiry says so on its row', async () => {
    const project = await addProject();
    const issued = ctx.emulator.account().tls.get(SAMPLE.issuedTlsId)! as { expires?: string };
    issued.expires = new Date(Date.now() + 9.5 * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
    const row: TlsNode = await tlsNode(project, 'live.example-tv.com');
    const item = row.treeItem();
    assert.equal(item.description, '9 days left');
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.match(row.tooltip(), /Expires: \d{4}-\d{2}-\d{2}/);
  });
});
