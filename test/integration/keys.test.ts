import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SAMPLE } from '../emulator/sample-data';
import { CANCEL } from './scripted-ui';
import { addProject, ctx, group, keyNode, reset, rows, run, sent, verifyUi } from './helpers';

const workspace = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
const keysDir = () => join(workspace(), '.qencode', 'keys');

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check(), what);
}

describe('signing keys', () => {
  beforeEach(async () => {
    await reset();
    rmSync(join(workspace(), '.qencode'), { recursive: true, force: true });
    rmSync(join(workspace(), '.gitignore'), { force: true });
  });
  afterEach(verifyUi);

  it('Create for a live stream: sends stream_id and name, writes the private key 0600 into .qencode/keys, offers to git-ignore it', async () => {
    const project = await addProject();
    ctx.emulator.clearRequests();
    ctx.ui.notifyAnswers.set('privateKeyNotIgnored', 'Add to .gitignore');
    ctx.ui.pickAnswer('signingKeyFor', 'Live stream').inputAnswer('streamId', SAMPLE.streamId).inputAnswer('signingKeyName', 'Backup Encoder');
    await run('createSigningKey', project);
    assert.deepEqual(ctx.ui.errors(), []);
    assert.deepEqual(sent('POST'), [{ method: 'POST', path: '/v1/signing-keys', body: { stream_id: SAMPLE.streamId, name: 'Backup Encoder' } }]);
    const file = join(keysDir(), 'backup-encoder.pem');
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.ok(rows(await group(project, 'keys')).includes(`Backup Encoder — for stream ${SAMPLE.streamId.slice(0, 8)}…`));
    await until(() => existsSync(join(workspace(), '.gitignore')), '.gitignore written');
    assert.match(readFileSync(join(workspace(), '.gitignore'), 'utf8'), /^\.qencode\/keys\/$/m);
  });

  it('Create for a live domain picks from live domains only, and an unnamed key is named by its id', async () => {
    const project = await addProject();
    let offered: string[] = [];
    ctx.ui
      .pickAnswer('signingKeyFor', 'Live playback domain')
      .pickAnswer('domain', (items) => {
        offered = items.map((i) => i.label);
        return items.find((i) => i.label === 'events.example-tv.com');
      })
      .inputAnswer('signingKeyName', '');
    await run('createSigningKey', project);
    assert.deepEqual(offered.sort(), ['events.example-tv.com', 'live.example-tv.com']);
    const [request] = sent('POST');
    assert.deepEqual(request?.body, { domain_id: SAMPLE.eventsDomainId });
    const created = [...ctx.emulator.account().keys.values()].find((k) => k.domain_id === SAMPLE.eventsDomainId)!;
    assert.ok(existsSync(join(keysDir(), `${created.id}.pem`)));
    assert.ok(rows(await group(project, 'keys')).includes('(unnamed) — for live domain events.example-tv.com'));
  });

  it('Create for a bucket, and a second key of the same name never overwrites the first file', async () => {
    const project = await addProject();
    for (let i = 0; i < 2; i++) {
      ctx.ui.pickAnswer('signingKeyFor', 'Media-storage bucket').pickAnswer('bucket', 'media-assets').inputAnswer('signingKeyName', 'Media');
      await run('createSigningKey', project);
    }
    assert.deepEqual(sent('POST').map((r) => r.body), [{ bucket_name: 'media-assets', name: 'Media' }, { bucket_name: 'media-assets', name: 'Media' }]);
    const first = readFileSync(join(keysDir(), 'media.pem'), 'utf8');
    const second = readFileSync(join(keysDir(), 'media-2.pem'), 'utf8');
    assert.notEqual(first, second);
  });

  it('an invalid stream id is refused as you type, and nothing is sent', async () => {
    const project = await addProject();
    ctx.ui.pickAnswer('signingKeyFor', 'Live stream').inputAnswer('streamId', 'my-stream');
    await run('createSigningKey', project);
    assert.equal(ctx.ui.validationMessages[0]?.id, 'streamId');
    assert.deepEqual(sent(), []);
  });

  it('cancelling at the name prompt sends nothing', async () => {
    const project = await addProject();
    ctx.ui.pickAnswer('signingKeyFor', 'Live stream').inputAnswer('streamId', SAMPLE.streamId).inputAnswer('signingKeyName', CANCEL);
    await run('createSigningKey', project);
    assert.deepEqual(sent(), []);
  });

  it('Rename sends the new name and the row shows it', async () => {
    const project = await addProject();
    const node = await keyNode(project, SAMPLE.domainKeyId);
    ctx.emulator.clearRequests();
    ctx.ui.inputAnswer('signingKeyName', 'Live site');
    await run('renameSigningKey', node);
    assert.deepEqual(sent(), [{ method: 'PUT', path: `/v1/signing-keys/${SAMPLE.domainKeyId}`, body: { name: 'Live site' } }]);
    assert.ok(rows(await group(project, 'keys')).includes('Live site — for live domain live.example-tv.com'));
  });

  it('Delete several selected keys with one confirmation naming them', async () => {
    const project = await addProject();
    const a = await keyNode(project, SAMPLE.streamKeyId);
    const b = await keyNode(project, SAMPLE.bucketKeyId);
    ctx.emulator.clearRequests();
    ctx.ui.confirmAnswer('deleteSigningKey', true);
    await run('deleteSigningKey', a, [a, b]);
    assert.deepEqual(sent('DELETE').map((r) => r.path), [`/v1/signing-keys/${SAMPLE.streamKeyId}`, `/v1/signing-keys/${SAMPLE.bucketKeyId}`]);
    assert.deepEqual(rows(await group(project, 'keys')), ['(unnamed) — for live domain live.example-tv.com']);
  });

  it('Show Details GETs the key; Copy ID copies it', async () => {
    const project = await addProject();
    const node = await keyNode(project, SAMPLE.bucketKeyId);
    await run('showDetails', node);
    assert.equal(sent().at(-1)?.path, `/v1/signing-keys/${SAMPLE.bucketKeyId}`);
    assert.equal(JSON.parse(vscode.window.activeTextEditor!.document.getText()).bucket_name, 'promo-clips');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await run('copyId', node);
    assert.equal(await vscode.env.clipboard.readText(), SAMPLE.bucketKeyId);
  });
});
