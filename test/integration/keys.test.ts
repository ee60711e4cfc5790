import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SAMPLE } from '../emulator/sample-data';
import { CANCEL } from './scripted-ui';
import { addProject, ctx, group, keyNode, reset, rows, run, sent, until, verifyUi } from './helpers';

const workspace = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
const keysDir = () => join(workspace(), '.qencode', 'keys');

describe('signing keys', () => {
  beforeEach(async () => {
    await reset();
    rmSync(join(workspace(), '.qencode'), { recursive: true, force: true });
    rmSync(join(workspace(), '.gitignore'), { force: true });
    rmSync(join(workspace(), '.git'), { recursive: true, force: true });
  });
  afterEach(verifyUi);

  it('Create for a live stream: sends stream_id alone, then the name with a PUT; writes the private key 0600 into .qencode/keys; in a repository that would commit it, offers to git-ignore it', async () => {
    const project = await addProject();
    execFileSync('git', ['init', '-q'], { cwd: workspace() });
    ctx.emulator.clearRequests();
    ctx.ui.notifyAnswers.set('privateKeyNotIgnored', 'Add to .gitignore');
    ctx.ui
      .pickAnswer('signingKeyFor', 'Live stream')
      .inputAnswer('streamId', SAMPLE.streamId)
      .inputAnswer('signingKeyName', 'Backup Encoder');
    await run('createSigningKey', project);
    assert.deepEqual(ctx.ui.errors(), []);
    const [post, put] = sent().filter((r) => r.method !== 'GET');
    assert.deepEqual(post, { method: 'POST', path: '/v1/signing-keys', body: { stream_id: SAMPLE.streamId } });
    const created = [...ctx.emulator.account().keys.values()].find((k) => k.name === 'Backup Encoder')!;
    assert.deepEqual(put, { method: 'PUT', path: `/v1/signing-keys/${created.id}`, body: { name: 'Backup Encoder' } });
    const file = join(keysDir(), 'backup-encoder.pem');
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.ok(rows(await group(project, 'keys')).includes(`Backup Encoder — stream ${SAMPLE.streamId.slice(0, 8)}…`));
    // Appended to (opened, then written): wait for the line, not for the file.
    const ignore = join(workspace(), '.gitignore');
    await until(() => existsSync(ignore) && readFileSync(ignore, 'utf8').length > 0, '.gitignore written');
    assert.match(readFileSync(ignore, 'utf8'), /^\.qencode\/keys\/$/m);
    const told = ctx.ui.notifications.find((n) => n.id === 'privateKeyNotIgnored')!;
    assert.match(
      told.message,
      /is in \.qencode\/keys\/backup-encoder\.pem \(readable only by you\), in a git repository that does not ignore that file/,
    );
    assert.deepEqual(told.actions, ['Add to .gitignore', 'Open', 'Reveal in Explorer']);
    rmSync(join(workspace(), '.git'), { recursive: true, force: true });
  });

  it('in a folder that is not a git repository, the message says where the key is, with Open and Reveal, and does not mention git', async () => {
    const project = await addProject();
    ctx.ui.notifyAnswers.set('privateKeySaved', 'Open');
    ctx.ui
      .pickAnswer('signingKeyFor', 'Live stream')
      .inputAnswer('streamId', SAMPLE.streamId)
      .inputAnswer('signingKeyName', 'No Repo');
    await run('createSigningKey', project);
    const told = ctx.ui.notifications.find((n) => n.id === 'privateKeySaved')!;
    assert.equal(
      told.message,
      'The private key of signing key No Repo is in .qencode/keys/no-repo.pem, readable only by you. Qencode will not show it again: keep the file safe.',
    );
    assert.deepEqual(told.actions, ['Open', 'Reveal in Explorer']);
    assert.ok(!ctx.ui.notifications.some((n) => /git/i.test(n.message)), 'git is not mentioned');
    await until(
      () => vscode.window.activeTextEditor?.document.uri.fsPath === join(keysDir(), 'no-repo.pem'),
      'Open opened the key file',
    );
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Create for a live domain picks from live domains only; an unnamed key gets a readable file name and a label with its short id', async () => {
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
    assert.deepEqual(
      readdirSync(keysDir()),
      [`events.example-tv.com-${created.created.slice(0, 10)}.pem`],
      'named by its domain and date, never the bare UUID',
    );
    assert.ok(
      rows(await group(project, 'keys')).includes(`unnamed · ${created.id.slice(0, 8)} — events.example-tv.com`),
    );
  });

  it('Create for a bucket, and a second key of the same name never overwrites the first file', async () => {
    const project = await addProject();
    for (let i = 0; i < 2; i++) {
      ctx.ui
        .pickAnswer('signingKeyFor', 'Media-storage bucket')
        .pickAnswer('bucket', 'media-assets')
        .inputAnswer('signingKeyName', 'Media');
      await run('createSigningKey', project);
    }
    assert.deepEqual(
      sent('POST').map((r) => r.body),
      [{ bucket_name: 'media-assets' }, { bucket_name: 'media-assets' }],
    );
    assert.deepEqual(
      sent('PUT').map((r) => r.body),
      [{ name: 'Media' }, { name: 'Media' }],
    );
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
    ctx.ui
      .pickAnswer('signingKeyFor', 'Live stream')
      .inputAnswer('streamId', SAMPLE.streamId)
      .inputAnswer('signingKeyName', CANCEL);
    await run('createSigningKey', project);
    assert.deepEqual(sent(), []);
  });

  it('Rename sends the new name and the row shows it', async () => {
    const project = await addProject();
    const node = await keyNode(project, SAMPLE.domainKeyId);
    ctx.emulator.clearRequests();
    ctx.ui.inputAnswer('signingKeyName', 'Live site');
    await run('renameSigningKey', node);
    assert.deepEqual(sent(), [
      { method: 'PUT', path: `/v1/signing-keys/${SAMPLE.domainKeyId}`, body: { name: 'Live site' } },
    ]);
    assert.ok(rows(await group(project, 'keys')).includes('Live site — live.example-tv.com'));
  });

  it('Delete several selected keys with one confirmation naming them', async () => {
    const project = await addProject();
    const a = await keyNode(project, SAMPLE.streamKeyId);
    const b = await keyNode(project, SAMPLE.bucketKeyId);
    ctx.emulator.clearRequests();
    ctx.ui.confirmAnswer('deleteSigningKey', true);
    await run('deleteSigningKey', a, [a, b]);
    assert.deepEqual(
      sent('DELETE').map((r) => r.path),
      [`/v1/signing-keys/${SAMPLE.streamKeyId}`, `/v1/signing-keys/${SAMPLE.bucketKeyId}`],
    );
    assert.deepEqual(rows(await group(project, 'keys')), [
      `unnamed · ${SAMPLE.domainKeyId.slice(0, 8)} — live.example-tv.com`,
    ]);
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
  const createStreamKey = async (
    project: Awaited<ReturnType<typeof addProject>>,
    name: string,
    thenAnswer?: () => void,
  ) => {
    ctx.ui
      .pickAnswer('signingKeyFor', 'Live stream')
      .inputAnswer('streamId', SAMPLE.streamId)
      .inputAnswer('signingKeyName', name);
    thenAnswer?.();
    await run('createSigningKey', project);
    return [...ctx.emulator.account().keys.values()].find((k) => k.name === name)!;
  };
  const restoreWindow = () => {
    ctx.api.controls.window.folders = () => vscode.workspace.workspaceFolders;
    ctx.api.controls.window.trusted = () => vscode.workspace.isTrusted;
  };
  const untitledWith = (text: string) =>
    vscode.workspace.textDocuments.find((d) => d.isUntitled && d.getText().includes(text));

  beforeEach(async () => {
    await reset();
    rmSync(join(workspace(), '.qencode'), { recursive: true, force: true });
    restoreWindow();
  });
  afterEach(async () => {
    restoreWindow();
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
    assert.match(
      warning?.message ?? '',
      /could not be saved to a file \(\.qencode\/keys is a symbolic link or not a folder/,
    );
    assert.match(warning?.message ?? '', /Qencode will not show it again/);
    assert.ok(untitledWith('-----BEGIN RSA PRIVATE KEY-----'), 'the key is open in an untitled editor');
    const node = await keyNode(project, key.id);
    assert.equal(node.treeItem().contextValue, 'signingKey.unsaved');
    assert.match(String(node.tooltip()), /not saved to a file/);
    // Read aloud without a hover: the icon alone would say nothing to a screen reader.
    assert.equal(
      node.treeItem().accessibilityInformation?.label,
      'Escape Attempt, stream 1f1ab6a3…, private key not saved to a file',
    );
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
    await until(() => !ctx.api.privateKeys.isUnsaved(project.projectId, key.id), 'the warning clears');
    assert.equal((await keyNode(project, key.id)).treeItem().contextValue, 'signingKey');
  });

  it('with no folder open, a Save dialog is offered and the file is written 0600', async () => {
    ctx.api.controls.window.folders = () => undefined;
    const target = vscode.Uri.file(join(mkdtempSync(join(tmpdir(), 'qencode-dialog-')), 'chosen.pem'));
    const project = await addProject();
    await createStreamKey(project, 'No Folder', () => ctx.ui.saveAnswer('privateKeyFile', target));
    assert.equal(
      ctx.ui.saveDialogs[0]?.options.defaultUri?.fsPath,
      join(homedir(), 'no-folder.pem'),
      'the dialog starts in the home folder',
    );
    assert.equal(statSync(target.fsPath).mode & 0o777, 0o600);
    assert.match(readFileSync(target.fsPath, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
  });

  it('with no folder open and the dialog cancelled, the key opens in an editor with a warning', async () => {
    ctx.api.controls.window.folders = () => undefined;
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
      assert.ok(
        ctx.ui.notifications.every((n) => !n.message.includes(line)),
        'no line of the key in a notification',
      );
    }
  });
  it('a .qencode that is a symlink out of the workspace: mkdir does not follow it, nothing is created outside', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'qencode-outside-'));
    symlinkSync(outside, join(workspace(), '.qencode'));
    const project = await addProject();
    await createStreamKey(project, 'Parent Link');
    assert.deepEqual(readdirSync(outside), [], 'no keys folder and no key outside the workspace');
    assert.match(
      ctx.ui.notifications.find((n) => n.id === 'privateKeyUnsaved')?.message ?? '',
      /\.qencode is a symbolic link or not a folder/,
    );
    assert.ok(untitledWith('-----BEGIN RSA PRIVATE KEY-----'), 'the key is open in an untitled editor');
  });

  it('Cancel pressed while a create is on the wire: the reply is still awaited, the key file exists and the row is there', async () => {
    const project = await addProject();
    await group(project, 'keys');
    ctx.emulator.addFault({
      method: 'POST',
      path: '^/v1/signing-keys$',
      fault: { type: 'latency', ms: 1500 },
      times: 1,
    });
    ctx.ui.onProgressStart = (title, cancel) => {
      // The worst moment: the request has been sent, its reply not yet read.
      if (title.startsWith('Creating a signing key')) setTimeout(cancel, 300);
    };
    const key = await createStreamKey(project, 'Impatient');
    assert.ok(key, 'the key exists on the server');
    const creating = ctx.ui.progresses.find((p) => p.title.startsWith('Creating a signing key'));
    assert.equal(creating?.cancellable, false, 'the create offers no Cancel button');
    assert.ok(existsSync(join(keysDir(), 'impatient.pem')), 'the private key was saved despite the cancel');
    assert.equal(sent('POST', '^/v1/signing-keys$').length, 1);
    assert.ok(rows(await group(project, 'keys')).some((r) => r.startsWith('Impatient')));
    assert.deepEqual(ctx.ui.errors(), []);
  });
});

describe('a hostile repository cannot run a program', () => {
  let scratch: string;
  let realPath: string | undefined;
  const marker = () => join(scratch, 'fsmonitor-ran');
  const gitMarker = () => join(scratch, 'git-ran');

  beforeEach(async () => {
    await reset();
    rmSync(join(workspace(), '.qencode'), { recursive: true, force: true });
    scratch = mkdtempSync(join(tmpdir(), 'qencode-hostile-'));
    // A repository whose config runs a program whenever git reads its index.
    const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace(), stdio: 'ignore' });
    git('init', '-q', '.');
    writeFileSync(join(workspace(), 'README'), 'hostile\n');
    git('add', 'README');
    git('-c', 'user.email=a@example.com', '-c', 'user.name=a', 'commit', '-qm', 'init');
    git('config', 'core.fsmonitor', `touch ${marker()}; true`);
  });
  afterEach(async () => {
    if (realPath !== undefined) process.env.PATH = realPath;
    realPath = undefined;
    ctx.api.controls.window.trusted = () => vscode.workspace.isTrusted;
    for (const f of ['.git', '.qencode', 'README', '.gitignore'])
      rmSync(join(workspace(), f), { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    verifyUi();
  });

  /** A `git` first on PATH that leaves a marker, then runs the real one: shows whether git ran at all. */
  function watchGit(): void {
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    writeFileSync(join(bin, 'git'), `#!/bin/sh\ntouch '${gitMarker()}'\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    realPath = process.env.PATH;
    process.env.PATH = `${bin}:${realPath}`;
  }

  const createKey = async (name: string, answer?: () => void) => {
    const project = await addProject();
    ctx.ui
      .pickAnswer('signingKeyFor', 'Live stream')
      .inputAnswer('streamId', SAMPLE.streamId)
      .inputAnswer('signingKeyName', name);
    answer?.();
    await run('createSigningKey', project);
  };

  it("the repository's core.fsmonitor runs for plain git (so the test can fail)", () => {
    rmSync(marker(), { force: true });
    try {
      execFileSync('git', ['check-ignore', '-q', '--', 'README'], { cwd: workspace(), stdio: 'ignore' });
    } catch {
      // exit 1: not ignored
    }
    assert.ok(existsSync(marker()), 'plain git ran the hostile fsmonitor');
  });

  it('trusted folder: git runs with core.fsmonitor neutralised, and the marker never appears', async () => {
    rmSync(marker(), { force: true });
    watchGit();
    await createKey('Trusted Folder');
    assert.ok(existsSync(join(keysDir(), 'trusted-folder.pem')));
    assert.ok(existsSync(gitMarker()), 'git did run (to ask whether the key file is ignored)');
    assert.equal(existsSync(marker()), false, "the repository's fsmonitor command never ran");
    assert.ok(
      ctx.ui.notifications.some((n) => n.id === 'privateKeyNotIgnored'),
      "git's answer was used",
    );
  });

  it('Restricted Mode: no git process starts, nothing is written unasked; a Save dialog starts in the home folder, outside the repository', async () => {
    rmSync(marker(), { force: true });
    watchGit();
    ctx.api.controls.window.trusted = () => false;
    const chosen = vscode.Uri.file(join(scratch, 'restricted.pem'));
    await createKey('Restricted', () => ctx.ui.saveAnswer('privateKeyFile', chosen));
    assert.equal(existsSync(gitMarker()), false, 'no git process started');
    assert.equal(existsSync(marker()), false);
    assert.equal(existsSync(join(workspace(), '.qencode')), false, 'nothing written into the untrusted folder unasked');
    assert.equal(
      ctx.ui.saveDialogs[0]?.options.defaultUri?.fsPath,
      join(homedir(), 'restricted.pem'),
      'the dialog starts in the home folder',
    );
    assert.equal(statSync(chosen.fsPath).mode & 0o777, 0o600);
    assert.match(readFileSync(chosen.fsPath, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
  });

  it('Restricted Mode and the dialog cancelled: the key is in an editor with a warning, still no git', async () => {
    watchGit();
    ctx.api.controls.window.trusted = () => false;
    await createKey('Restricted Cancel', () => ctx.ui.saveAnswer('privateKeyFile', CANCEL));
    assert.equal(existsSync(gitMarker()), false);
    assert.ok(
      vscode.workspace.textDocuments.some(
        (d) => d.isUntitled && d.getText().startsWith('-----BEGIN RSA PRIVATE KEY-----'),
      ),
    );
    assert.match(ctx.ui.notifications.find((n) => n.id === 'privateKeyUnsaved')?.message ?? '', /no file was chosen/);
  });
});
