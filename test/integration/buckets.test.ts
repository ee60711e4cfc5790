import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { addProject, bucketNode, ctx, group, reset, rows, run, sent, verifyUi } from './helpers';

describe('buckets', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('lists the buckets named by vod domains and signing keys, without a request of their own', async () => {
    const project = await addProject();
    const buckets = await group(project, 'buckets');
    assert.deepEqual(rows(buckets), ['media-assets', 'promo-clips — has signing key', 'vod-archive']);
    assert.match(String(buckets[0]!.tooltip()), /Known because: served by vod\.example-tv\.com/);
    assert.match(String(buckets[1]!.tooltip()), /Known because: signing key Promo clips/);
    assert.deepEqual(
      sent()
        .map((r) => r.path)
        .sort(),
      ['/v1/domains', '/v1/signing-keys'],
    );
    assert.match(String(buckets[0]!.tooltip()), /cannot read a bucket's access policy/);
  });

  it('Add Bucket validates the name by the S3 rules, and Remove from List takes it away', async () => {
    const project = await addProject();
    ctx.ui.inputAnswer('bucketName', 'Bad_Name');
    await run('addBucket', project);
    assert.match(ctx.ui.validationMessages[0]?.message ?? '', /lowercase/);
    ctx.ui.inputAnswer('bucketName', 'media-assets');
    await run('addBucket', project);
    assert.equal(ctx.ui.validationMessages[1]?.message, 'media-assets is in the list already.');
    ctx.ui.inputAnswer('bucketName', 'raw-uploads');
    await run('addBucket', project);
    const added = (await group(project, 'buckets')).find((n) => rows([n])[0] === 'raw-uploads');
    assert.ok(added, 'raw-uploads is listed');
    assert.equal(added.treeItem().contextValue, 'bucket.added');
    assert.match(String(added.tooltip()), /added by you/);
    await run('removeBucket', await bucketNode(project, 'raw-uploads'));
    assert.ok(!rows(await group(project, 'buckets')).some((r) => r.startsWith('raw-uploads')));
  });

  it('Set Access Policy to authenticated asks first, sends the PUT, and the row remembers it', async () => {
    const project = await addProject();
    const bucket = await bucketNode(project, 'media-assets');
    ctx.emulator.clearRequests();
    ctx.ui.pickAnswer('accessPolicy', 'authenticated').confirmAnswer('authenticatedPolicy', false);
    await run('setAccessPolicy', bucket);
    assert.deepEqual(sent(), []);
    ctx.ui.pickAnswer('accessPolicy', 'authenticated').confirmAnswer('authenticatedPolicy', true);
    await run('setAccessPolicy', bucket);
    assert.deepEqual(sent(), [
      { method: 'PUT', path: '/v1/buckets/media-assets/policy/authenticated', body: undefined },
    ]);
    assert.equal(ctx.emulator.account().buckets.get('media-assets')?.policy, 'authenticated');
    assert.ok(rows(await group(project, 'buckets')).includes('media-assets — authenticated'));
  });

  it('Set Access Policy to public asks first, as it exposes every object', async () => {
    const project = await addProject();
    ctx.ui.pickAnswer('accessPolicy', 'public').confirmAnswer('publicPolicy', true);
    await run('setAccessPolicy', await bucketNode(project, 'promo-clips'));
    assert.deepEqual(
      sent('PUT').map((r) => r.path),
      ['/v1/buckets/promo-clips/policy/public'],
    );
  });

  it('Purge Bucket asks with the bucket named, then purges all', async () => {
    const project = await addProject();
    const bucket = await bucketNode(project, 'vod-archive');
    ctx.emulator.clearRequests();
    ctx.ui.confirmAnswer('purgeBucket', false);
    await run('purgeBucket', bucket);
    assert.deepEqual(sent(), []);
    ctx.ui.confirmAnswer('purgeBucket', true);
    await run('purgeBucket', bucket);
    assert.deepEqual(sent(), [{ method: 'POST', path: '/v1/buckets/vod-archive/cache/purge_all', body: undefined }]);
  });

  it('Purge Object from the palette: picks project and bucket by typed name, then the path', async () => {
    await addProject('Production');
    await addProject('Staging', 'second-project-key-0042');
    ctx.ui
      .pickAnswer('project', 'Production')
      .pickAnswer('purgeSource', (items) => items[0])
      .inputAnswer('objectPath', '/videos/intro/master.m3u8')
      .pickAnswer('bucket', (items) => items.find((i) => i.label.includes('Enter a bucket name')))
      .inputAnswer('bucketName', 'media-assets');
    await run('purgeObject');
    assert.deepEqual(sent('POST'), [
      { method: 'POST', path: '/v1/buckets/media-assets/cache/purge', body: { path: 'videos/intro/master.m3u8' } },
    ]);
    assert.deepEqual(ctx.emulator.account().purges.at(-1)?.path, 'videos/intro/master.m3u8');
  });

  it('Purge Object refuses a ".." path as you type', async () => {
    const project = await addProject();
    ctx.ui.pickAnswer('purgeSource', (items) => items[0]).inputAnswer('objectPath', '../other-bucket/x');
    await run('purgeObject', await bucketNode(project, 'media-assets'));
    assert.match(ctx.ui.validationMessages[0]?.message ?? '', /"\.\." segments/);
    assert.deepEqual(sent('POST'), []);
  });

  it('Show CORS Policy opens the policy read-only', async () => {
    const project = await addProject();
    await run('showCors', await bucketNode(project, 'media-assets'));
    assert.equal(sent().at(-1)?.path, '/v1/buckets/media-assets/cors');
    assert.equal(JSON.parse(vscode.window.activeTextEditor!.document.getText())['Access-Control-Max-Age'], '1600');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
