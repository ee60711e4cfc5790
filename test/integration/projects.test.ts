import assert from 'node:assert/strict';
import { DEMO_API_KEY } from '../emulator/emulator';
import { secretKey, tokenKey } from '../../src/resources/projects/store';
import { CANCEL } from './scripted-ui';
import { addProject, children, context, ctx, group, reset, rows, run, until, verifyUi } from './helpers';

const tokenRequests = () => ctx.emulator.requestsTo('POST', '^/v1/access_token/');

describe('projects and API keys', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('a project another window added (global state changed, no event here) shows after Refresh', async () => {
    await addProject('Production');
    const state = ctx.api.storage.globalState;
    const list = state.get<{ id: string; name: string }[]>('qencodeCdn.projects', []);
    await state.update('qencodeCdn.projects', [...list, { id: 'from-another-window', name: 'Staging' }]);
    await run('refreshNode');
    assert.deepEqual(
      (await children()).map((n) => n.treeItem().label),
      ['Production', 'Staging'],
    );
  });

  it('Add API Key checks the key with one token request, then stores it in SecretStorage', async () => {
    ctx.ui
      .inputAnswer('projectName', 'Production')
      .confirmAnswer('sendKeyTo', true)
      .inputAnswer('apiKey', DEMO_API_KEY);
    await run('addApiKey');
    assert.deepEqual(ctx.ui.errors(), []);
    assert.equal(tokenRequests().length, 1);
    const [project] = ctx.api.projects.list();
    assert.equal(project?.name, 'Production');
    assert.equal(await ctx.api.projects.apiKey(project!.id), DEMO_API_KEY);
    assert.deepEqual(rows(await children()), ['Production']);
  });

  it("the token from the key check is the project's first: adding a key and loading a list make one token request", async () => {
    ctx.ui
      .inputAnswer('projectName', 'Production')
      .confirmAnswer('sendKeyTo', true)
      .inputAnswer('apiKey', DEMO_API_KEY);
    await run('addApiKey');
    const project = ctx.api.explorer.roots()[0]!;
    assert.equal((await group(project, 'domains')).length, 4);
    assert.equal(tokenRequests().length, 1, 'one token request in all');
  });

  it('a window reload reuses the kept token (no token request); a refused one is refreshed; Remove deletes it', async () => {
    const project = await addProject();
    await group(project, 'domains');
    const kept = JSON.parse((await ctx.api.secrets.get(tokenKey(project.projectId)))!) as {
      value: string;
      expiresAt: number;
      origin: string;
    };
    assert.ok(
      kept.value.startsWith('eyJ') && kept.expiresAt > Date.now() && kept.origin === new URL(ctx.emulator.url).origin,
      'the token is kept in SecretStorage with its expiry and origin',
    );
    // What a reload does: a new client for the project.
    (ctx.api.clients as unknown as { reset(id: string): void }).reset(project.projectId);
    ctx.emulator.clearRequests();
    await run(
      'refreshNode',
      (await children(project)).find((g) => context(g) === 'group.tls'),
    );
    assert.equal((await group(project, 'tls')).length, 2);
    assert.deepEqual(tokenRequests(), [], 'no token request after the reload');
    assert.equal(
      ctx.emulator.requestsTo('GET', '^/v1/tls/subscriptions$')[0]?.authorization,
      `Bearer ${kept.value}`,
      'the kept token was used',
    );
    // The server forgets it: a 401 gets a fresh one, which is kept in turn.
    ctx.emulator.addFault({
      method: 'GET',
      path: '^/v1/signing-keys$',
      fault: { type: 'status', status: 401, body: { error: 4, message: 'Invalid token' } },
      times: 1,
    });
    assert.equal((await group(project, 'keys')).length, 3);
    assert.equal(tokenRequests().length, 1);
    ctx.ui.confirmAnswer('removeProject', true);
    await run('removeApiKey', project);
    assert.equal(
      await ctx.api.secrets.get(tokenKey(project.projectId)),
      undefined,
      'Remove API Key deletes the kept token too',
    );
  });

  it('a bad key is refused under its box, which stays open with the name kept; nothing is stored; the next key typed there is checked and saved', async () => {
    ctx.ui
      .inputAnswer('projectName', 'Typo')
      .confirmAnswer('sendKeyTo', true)
      .inputAnswer('apiKey', 'wrong-key-123456');
    await run('addApiKey');
    assert.deepEqual(ctx.ui.errors(), [], 'no failure toast: the error is under the key');
    assert.deepEqual(ctx.ui.validationMessages, [
      {
        id: 'apiKey',
        message:
          'Qencode refused this key (HTTP 401). Nothing was saved: check the key and press Enter, or Escape to stop.',
      },
    ]);
    assert.deepEqual(ctx.api.projects.list(), []);
    assert.equal(tokenRequests().length, 1);
    // Typed again in the same box: the name was not asked again, and the origin not again either.
    ctx.ui
      .inputAnswer('projectName', 'Production')
      .confirmAnswer('sendKeyTo', true)
      .inputAnswer('apiKey', 'wrong-key-123456')
      .inputAnswer('apiKey', DEMO_API_KEY);
    await run('addApiKey');
    assert.deepEqual(
      ctx.api.projects.list().map((p) => p.name),
      ['Production'],
    );
    assert.equal(await ctx.api.projects.apiKey(ctx.api.projects.list()[0]!.id), DEMO_API_KEY);
  });

  it('cancelling at the name or the key prompt sends and stores nothing', async () => {
    ctx.ui.inputAnswer('projectName', CANCEL);
    await run('addApiKey');
    ctx.ui.inputAnswer('projectName', 'Staging').confirmAnswer('sendKeyTo', true).inputAnswer('apiKey', CANCEL);
    await run('addApiKey');
    assert.deepEqual(ctx.api.projects.list(), []);
    assert.equal(ctx.emulator.requests.length, 0);
    assert.deepEqual(ctx.ui.notifications, [], 'cancelling is silent');
  });

  it('refuses a duplicate project name as you type', async () => {
    await addProject('Production');
    ctx.ui.inputAnswer('projectName', 'production');
    await run('addApiKey');
    assert.deepEqual(ctx.ui.validationMessages, [
      { id: 'projectName', message: 'A project named production exists already.' },
    ]);
    assert.equal(ctx.api.projects.list().length, 1);
  });

  it('several projects are roots of the tree, each with its own account', async () => {
    const prod = await addProject('Production', DEMO_API_KEY);
    const stage = await addProject('Staging', 'second-project-key-0042');
    ctx.emulator.account('second-project-key-0042').domains.clear();
    assert.deepEqual(rows(await children()), ['Production', 'Staging']);
    const [prodDomains, stageDomains] = await Promise.all([
      children((await children(prod))[0]),
      children((await children(stage))[0]),
    ]);
    assert.equal(prodDomains.length, 4);
    assert.deepEqual(rows(stageDomains), ['No playback domains yet. Create one…']);
  });

  it('Rename Project', async () => {
    const project = await addProject('Prod');
    ctx.ui.inputAnswer('projectName', 'Production EU');
    await run('renameProject', project);
    assert.deepEqual(rows(await children()), ['Production EU']);
    assert.equal(ctx.emulator.requests.length, 0);
  });

  it('Replace API Key checks the new key before storing it; a refused one is said under the box', async () => {
    const project = await addProject('Production', 'second-project-key-0042');
    ctx.ui.inputAnswer('apiKey', 'not-valid-key-9999');
    await run('replaceApiKey', project);
    assert.equal(
      await ctx.api.projects.apiKey(project.projectId),
      'second-project-key-0042',
      'a refused key replaces nothing',
    );
    assert.match(
      ctx.ui.validationMessages[0]?.message ?? '',
      /^Qencode refused this key \(HTTP 401\)\. Nothing was saved/,
    );
    ctx.ui.inputAnswer('apiKey', DEMO_API_KEY);
    await run('replaceApiKey', project);
    assert.equal(await ctx.api.projects.apiKey(project.projectId), DEMO_API_KEY);
    assert.deepEqual(ctx.ui.errors(), []);
  });

  it('Remove API Key asks first, then deletes the key from SecretStorage', async () => {
    const project = await addProject('Production');
    ctx.ui.confirmAnswer('removeProject', false);
    await run('removeApiKey', project);
    assert.equal(ctx.api.projects.list().length, 1);
    ctx.ui.confirmAnswer('removeProject', true);
    await run('removeApiKey', project);
    assert.deepEqual(ctx.api.projects.list(), []);
    assert.equal(await ctx.api.projects.apiKey(project.projectId), undefined);
  });

  it('a key that vanished from SecretStorage (another window) shows as "needs API key", not a crash', async () => {
    const project = await addProject('Production');
    assert.equal((await children(project)).length, 4);
    // What another window sharing the store would do; its change event reaches this window a moment later.
    await ctx.api.secrets.delete(secretKey(project.projectId));
    await until(
      async () => rows(await children(project))[0] === 'Enter the API key for this project…',
      'the row asks for the key',
    );
    const nodes = await children(project);
    assert.deepEqual(rows(nodes), ['Enter the API key for this project…']);
    assert.equal(context(nodes[0]!), 'authError');
    assert.equal(project.treeItem().description, 'needs API key');
    ctx.ui.inputAnswer('apiKey', DEMO_API_KEY);
    await run('replaceApiKey', project);
    assert.equal((await children(project)).length, 4);
  });

  it('a refresh of a project reads nothing from SecretStorage before its lists (whether it has a key is known)', async () => {
    const project = await addProject('Production');
    for (const g of await children(project)) await ctx.api.explorer.getChildren(g);
    const reads = ctx.api.controls.secretReads();
    ctx.emulator.clearRequests();
    ctx.api.explorer.refreshNode(project);
    for (const g of await children(project)) await ctx.api.explorer.getChildren(g);
    assert.equal(ctx.api.controls.secretReads(), reads);
    assert.deepEqual(ctx.emulator.requests.map((r) => `${r.method} ${r.path}`).sort(), [
      'GET /v1/domains',
      'GET /v1/signing-keys',
      'GET /v1/tls/subscriptions',
    ]);
  });

  it('with no project, palette commands offer to add an API key instead of failing', async () => {
    await run('purgeBucket');
    assert.deepEqual(
      ctx.ui.notifications.map((n) => n.id),
      ['noProjects'],
    );
    assert.equal(ctx.emulator.requests.length, 0);
  });
});
