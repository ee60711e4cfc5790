import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

describe('private keys are never lost', () => {
  const createStreamKey = async (project: Awaited<ReturnType<typeof addProject>>, name: string, thenAnswer?: () => void) => {
    ctx.ui.pickAnswer('signingKeyFor', 'Live stream').inputAnswer('streamId', SAMPLE.streamId).inputAnswer('signingKeyName', name);
    thenAnswer?.();
    await run('createSigningKey', project);
    return [...ctx.emulator.account().keys.values()].find((k) => k.name === name)!;
  };
  const untitledWith = (text: string) => vscode.workspace.textDocuments.find((d) => d.isUntitled && d.getText().includes(text));

  beforeEach(async () => {
    await reset();
    rmSync(join(workspace(), '.qencode'), { recursive: true, force: true });
    ctx.api.privateKeys.workspaceFolders = () => vscode.workspace.workspaceFolders;
  });
  afterEach(async () => {
    ctx.api.privateKeys.workspaceFolders = () => vscode.workspace.workspaceFolders;
    rmSync(join(workspace(), '.qencode'), { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    verifyUi();
  });

  it('a .qencode/keys that is a symlink out of the workspace is refused; the key opens in an editor, and its row warns', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'qencode-outside-'));
    mkdirSync(join(workspace(), '.qencode'), { recursive: true });
    symlinkSync(outside, keysDir());
    const project = await addProject();
    const key = await createStreamKey(project, 'Escape Attempt');
    assert.deepEqual(readdirSync(outside), [], 'nothing written outside the workspace');
    const warning = ctx.ui.notifications.find((n) => n.id === 'privateKeyUnsaved');
    assert.match(warning?.message ?? '', /could not be saved to a file \(\.qencode\/keys leads outside the workspace folder/);
    assert.match(warning?.message ?? '', /Qencode will not show it again/);
    assert.ok(untitledWith('-----BEGIN RSA PRIVATE KEY-----'), 'the key is open in an untitled editor');
    const node = await keyNode(project, key.id);
    assert.equal(node.treeItem().contextValue, 'signingKey.unsaved');
    assert.match(String(node.treeItem().tooltip), /not saved to a file/);
  });

  it('a write failure leaves the key in an editor; saving that text anywhere clears the warning', async () => {
    mkdirSync(join(workspace(), '.qencode'), { recursive: true });
    writeFileSync(keysDir(), 'not a folder'); // the disk refuses: .qencode/keys cannot be a directory
    const project = await addProject();
    const key = await createStreamKey(project, 'Disk Refused');
    const doc = untitledWith('-----BEGIN RSA PRIVATE KEY-----');
    assert.ok(doc, 'the key is open in an untitled editor');
    assert.equal((await keyNode(project, key.id)).treeItem().contextValue, 'signingKey.unsaved');
    // The user saves it somewhere of their choosing:
    const target = join(mkdtempSync(join(tmpdir(), 'qencode-saved-')), 'key.pem');
    writeFileSync(target, '');
    const file = await vscode.workspace.openTextDocument(vscode.Uri.file(target));
    const editor = await vscode.window.showTextDocument(file);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), doc.getText()));
    await file.save();
    await until(() => !ctx.api.privateKeys.isUnsaved(project.project.id, key.id), 'the warning clears');
    assert.equal((await keyNode(project, key.id)).treeItem().contextValue, 'signingKey');
  });

  it('with no folder open, a Save dialog is offered and the file is written 0600', async () => {
    ctx.api.privateKeys.workspaceFolders = () => undefined;
    const target = vscode.Uri.file(join(mkdtempSync(join(tmpdir(), 'qencode-dialog-')), 'chosen.pem'));
    const project = await addProject();
    await createStreamKey(project, 'No Folder', () => ctx.ui.saveAnswer('privateKeyFile', target));
    assert.equal(statSync(target.fsPath).mode & 0o777, 0o600);
    assert.match(readFileSync(target.fsPath, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
  });

  it('with no folder open and the dialog cancelled, the key opens in an editor with a warning', async () => {
    ctx.api.privateKeys.workspaceFolders = () => undefined;
    const project = await addProject();
    await createStreamKey(project, 'Dialog Cancelled', () => ctx.ui.saveAnswer('privateKeyFile', CANCEL));
    assert.ok(untitledWith('-----BEGIN RSA PRIVATE KEY-----'));
    assert.match(ctx.ui.notifications.find((n) => n.id === 'privateKeyUnsaved')?.message ?? '', /no file was chosen/);
  });

  it('the private key never reaches the output channel or a notification, even when saving fails', async () => {
    mkdirSync(join(workspace(), '.qencode'), { recursive: true });
    writeFileSync(keysDir(), 'not a folder');
    const project = await addProject();
    await createStreamKey(project, 'Quiet Key');
    const pem = untitledWith('-----BEGIN RSA PRIVATE KEY-----')!.getText();
    const lines = pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    assert.ok(lines.length > 10);
    const logged = ctx.api.log.recent().join('\n');
    assert.match(logged, /POST \/v1\/signing-keys \(create signing key\) → 200 ok/, 'the request itself is logged');
    assert.match(logged, /saving a private key failed/);
    for (const line of lines) {
      assert.equal(logged.includes(line), false, 'no line of the key in the output channel');
      assert.ok(ctx.ui.notifications.every((n) => !n.message.includes(line)), 'no line of the key in a notification');
    }
  });
});
