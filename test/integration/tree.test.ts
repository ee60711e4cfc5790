import assert from 'node:assert/strict';
import { DEMO_API_KEY } from '../emulator/emulator';
import { addProject, children, context, ctx, group, reset, rows, run, sent, verifyUi } from './helpers';

describe('tree behaviour', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('a load failure is an error node with Retry, never a popup; Retry reloads', async () => {
    const project = await addProject();
    ctx.emulator.addFault({ path: '^/v1/domains$', fault: { type: 'status', status: 500 } });
    const [errorNode] = await group(project, 'domains');
    assert.equal(context(errorNode!), 'error');
    assert.match(String(errorNode!.tooltip()), /List domains failed: Injected HTTP 500/);
    assert.deepEqual(ctx.ui.notifications, []);
    ctx.emulator.clearFaults();
    await run('retry', errorNode);
    assert.equal((await group(project, 'domains')).length, 4);
  });

  it('rows are drawn without their tooltips, which are made on hover (resolveTreeItem), for every kind of row', async () => {
    const project = await addProject();
    const explorer = ctx.api.explorer;
    const all = [project, ...(await children(project))];
    for (const kind of ['domains', 'tls', 'keys', 'buckets'] as const) all.push(...(await group(project, kind)));
    const bucket = all.find((n) => context(n).startsWith('bucket'))!;
    all.push(...(await explorer.getChildren(bucket)));
    let resolved = 0;
    for (const node of all) {
      const item = explorer.getTreeItem(node);
      assert.equal(item.tooltip, undefined, `${String(item.label)} is drawn without a tooltip`);
      const tooltip = node.tooltip();
      if (tooltip === undefined) continue;
      assert.equal(
        explorer.resolveTreeItem(item, node).tooltip,
        tooltip,
        `${String(item.label)}: hovering shows its tooltip`,
      );
      resolved++;
    }
    // The project, every domain, TLS subscription, key and bucket, and the CORS headers.
    assert.ok(resolved >= 12, `${resolved} tooltips`);
  });

  it('an auth failure is a node that asks to re-enter the API key', async () => {
    const project = await addProject('Revoked', DEMO_API_KEY);
    ctx.emulator.accounts.delete(DEMO_API_KEY); // the key was revoked in the account
    const [node] = await group(project, 'domains');
    assert.equal(context(node!), 'authError');
    assert.deepEqual(rows([node!]), ['API key rejected. Re-enter API Key…']);
    assert.equal(node!.treeItem().command?.command, 'qencodeCdn.replaceApiKey');
    ctx.emulator.addAccount(DEMO_API_KEY, true);
  });

  it('an item of the wrong shape is an invalid node; the rest of the list shows', async () => {
    const project = await addProject();
    ctx.emulator.account().domains.set('broken', {
      id: 'broken',
      domain_name: 'x.example.com',
      type: 'hls' as 'live',
      created: '2024-01-01 00:00:00',
    });
    const domains = await group(project, 'domains');
    assert.equal(domains.length, 5);
    const invalid = domains.find((d) => context(d) === 'invalid');
    assert.ok(invalid);
    assert.match(rows([invalid])[0]!, /^broken — invalid: domains\[\d\]\.type/);
  });

  it('each group loads with one request; a warm refresh of the project costs one request per list', async () => {
    const project = await addProject();
    await Promise.all(['domains', 'tls', 'keys', 'buckets'].map((g) => group(project, g as 'domains')));
    assert.deepEqual(
      sent()
        .map((r) => r.path)
        .sort(),
      ['/v1/domains', '/v1/signing-keys', '/v1/tls/subscriptions'],
    );
    assert.equal(ctx.emulator.requestsTo('POST', '^/v1/access_token/').length, 1);
    ctx.emulator.clearRequests();
    await run('refreshNode', project);
    await Promise.all(['domains', 'tls', 'keys', 'buckets'].map((g) => group(project, g as 'domains')));
    assert.deepEqual(ctx.emulator.requests.map((r) => r.path).sort(), [
      '/v1/domains',
      '/v1/signing-keys',
      '/v1/tls/subscriptions',
    ]);
  });

  it('refreshing one group reloads only its own list', async () => {
    const project = await addProject();
    await Promise.all(['domains', 'tls', 'keys'].map((g) => group(project, g as 'domains')));
    ctx.emulator.clearRequests();
    const groups = await children(project);
    await run(
      'refreshNode',
      groups.find((g) => context(g) === 'group.keys'),
    );
    await Promise.all(['domains', 'tls', 'keys'].map((g) => group(project, g as 'domains')));
    assert.deepEqual(
      sent().map((r) => r.path),
      ['/v1/signing-keys'],
    );
  });

  it('ids are stable, from the API', async () => {
    const project = await addProject();
    const first = (await group(project, 'domains')).map((n) => n.treeItem().id);
    await run('refresh');
    const second = (await group(project, 'domains')).map((n) => n.treeItem().id);
    assert.deepEqual(first, second);
    assert.ok(first.every((id) => id?.startsWith(`project/${project.projectId}/domains/`)));
    assert.ok(first.some((id) => id?.endsWith('/aeac03d6-beb0-4638-a094-fbc35653f931')));
  });
});
