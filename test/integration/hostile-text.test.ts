import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Ui } from '../../src/ui';
import { addProject, bucketNode, ctx, reset, run, sent, until, verifyUi } from './helpers';

/*
 * Text anyone can write (a purge list, a manifest's URIs) reaches a notification
 * through the real workbench, and the rendered DOM is read back through the host
 * launcher's DOM probe (test/host/code-server.ts): no anchor forms in the message, and
 * clicking where the link would be runs nothing. A control shows the same link from
 * our side, unneutralised, to prove that the probe does see and click links.
 */

interface DomElement {
  text: string;
  links: { text: string; href: string | null }[];
}

async function probe<T>(path: '/query' | '/click', body: object): Promise<T> {
  const res = await fetch(`${process.env.QENCODE_DOM_PROBE}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`DOM probe ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** The messages of the notifications on screen (toasts, or the list when the center is open) that contain `text`. */
async function notificationMessages(text: string): Promise<DomElement[]> {
  const all = await probe<DomElement[]>('/query', {
    selector: '.notification-list-item .notification-list-item-message',
  });
  return all.filter((m) => m.text.includes(text));
}

async function waitForMessage(text: string): Promise<DomElement> {
  let found: DomElement | undefined;
  await until(
    async () => {
      found = (await notificationMessages(text))[0];
      if (!found) await vscode.commands.executeCommand('notifications.showList');
      return !!found;
    },
    `a notification with "${text}" on screen`,
    15_000,
  );
  return found!;
}

/** The scripted prompts, but real notifications: they must render in the workbench. */
function withRealNotifications(scripted: Ui): Ui {
  return {
    ...scripted,
    pick: (items, options) => scripted.pick(items, options),
    input: (options) => scripted.input(options),
    confirm: (...a) => scripted.confirm(...a),
    ask: (...a) => scripted.ask(...a),
    saveDialog: (...a) => scripted.saveDialog(...a),
    openDialog: (...a) => scripted.openDialog(...a),
    progress: (...a) => scripted.progress(...a),
    loading: (...a) => scripted.loading(...a),
    notify: async (_id, severity, message, ...actions) => {
      void scripted.notify(_id, severity, message, ...actions);
      const show =
        severity === 'error'
          ? vscode.window.showErrorMessage
          : severity === 'warning'
            ? vscode.window.showWarningMessage
            : vscode.window.showInformationMessage;
      return show(message, ...actions);
    },
  };
}

describe('text anyone can write never becomes a command link (the rendered workbench)', () => {
  let marker = 0;
  let registration: vscode.Disposable | undefined;
  const LINK = '[run the marker](command:qencodeTest.marker)';

  before(() => {
    registration = vscode.commands.registerCommand('qencodeTest.marker', () => marker++);
  });
  after(() => registration?.dispose());
  beforeEach(async () => {
    await reset();
    marker = 0;
    ctx.api.setUi(withRealNotifications(ctx.ui));
    await vscode.commands.executeCommand('notifications.clearAll');
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    verifyUi();
  });

  it('control: the same link, written by us, renders as an anchor and clicking it runs the command', async () => {
    void vscode.window.showInformationMessage(`Control notification: ${LINK}`);
    const message = await waitForMessage('Control notification');
    assert.deepEqual(
      message.links.map((l) => l.text),
      ['run the marker'],
    );
    await probe('/click', { selector: '.notification-list-item-message a', text: 'run the marker' });
    await until(() => marker === 1, 'the control link ran the command');
  });

  it('a purge list whose lines carry a command link: the error lists them as text, no anchor, and nothing runs', async () => {
    await addProject();
    const doc = await vscode.workspace.openTextDocument({
      language: 'qencode-purge-list',
      content: `https://elsewhere.example/${LINK}\nhttps://elsewhere.example/$(warning)\u202Eevil\n`,
    });
    await vscode.window.showTextDocument(doc);
    await run('purgeFromEditor');
    const message = await waitForMessage('elsewhere.example');
    assert.match(message.text, /nothing can be purged/);
    assert.ok(message.text.includes('run the marker'), 'the line is shown, as text');
    assert.deepEqual(message.links, [], 'no anchor in the message');
    assert.ok(!message.text.includes('\u202e'), 'a bidi override is shown as its code point, not applied');
    await probe('/click', { selector: '.notification-list-item-message', text: 'run the marker' });
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(marker, 0, 'the command the link names never ran');
    assert.deepEqual(sent('POST'), [], 'nothing was purged');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('a manifest whose URIs carry a command link: the read error names the URL as text, no anchor, and nothing runs', async () => {
    await addProject();
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    mkdirSync(join(folder, 'hostile'), { recursive: true });
    const file = join(folder, 'hostile', 'master.m3u8');
    // No spaces in a URI: the label stays readable after URL encoding.
    writeFileSync(
      file,
      ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1', 'v/[run-the-marker](command:qencodeTest.marker).m3u8', ''].join(
        '\n',
      ),
    );
    try {
      ctx.ui
        .pickAnswer('bucket', 'media-assets')
        .inputAnswer('streamPrefix', 'streams/hostile/')
        .pickAnswer('region', 'us-west');
      await run('purgeStream', vscode.Uri.file(file));
      const message = await waitForMessage('Could not read the manifest');
      assert.ok(message.text.includes('[run-the-marker]'), `the URL is shown, as text: ${message.text}`);
      assert.deepEqual(message.links, [], 'no anchor in the message');
      await probe('/click', { selector: '.notification-list-item-message', text: 'run-the-marker' });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(marker, 0, 'the command the link names never ran');
      assert.deepEqual(sent('POST'), [], 'nothing was purged');
    } finally {
      rmSync(join(folder, 'hostile'), { recursive: true, force: true });
    }
  });
});

describe('a local file is checked before it is read', () => {
  let folder: string;
  beforeEach(async () => {
    await reset();
    folder = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'links');
    mkdirSync(folder, { recursive: true });
  });
  afterEach(async () => {
    rmSync(folder, { recursive: true, force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    verifyUi();
  });

  it('Purge Stream on a manifest that is a link to /dev/zero, or a FIFO, refuses it at once with a clear message, and sends nothing', async () => {
    await addProject();
    symlinkSync('/dev/zero', join(folder, 'zero.m3u8'));
    execFileSync('mkfifo', [join(folder, 'pipe.m3u8')]);
    const started = Date.now();
    await run('purgeStream', vscode.Uri.file(join(folder, 'zero.m3u8')));
    await run('purgeStream', vscode.Uri.file(join(folder, 'pipe.m3u8')));
    assert.ok(Date.now() - started < 5000, 'refused at once, not after reading');
    assert.deepEqual(ctx.ui.errors(), [
      'Purge stream failed: zero.m3u8 is a device, not a regular file, so it is not read',
      'Purge stream failed: pipe.m3u8 is a named pipe, not a regular file, so it is not read',
    ]);
    assert.deepEqual(ctx.emulator.requests, []);
  });

  it('a file whose size says 0 (a link to /proc/self/status) is read to its end, not cut at what the size said', async () => {
    await addProject();
    symlinkSync('/proc/self/status', join(folder, 'status.m3u8'));
    ctx.ui.pickAnswer('bucket', 'media-assets').inputAnswer('streamPrefix', 'streams/').pickAnswer('region', 'us-west');
    await run('purgeStream', vscode.Uri.file(join(folder, 'status.m3u8')));
    const [error] = ctx.ui.errors();
    assert.match(
      error ?? '',
      /it is neither an HLS playlist \(#EXTM3U\) nor a DASH MPD; it begins "Name:/,
      'read whole, not as the one byte the size allowed',
    );
  });

  it('Purge Objects from a text file: a link to /dev/zero is refused, a file over the cap is refused, and a file with URLs of two buckets says so before anything is sent', async () => {
    const project = await addProject();
    symlinkSync('/dev/zero', join(folder, 'zero.txt'));
    writeFileSync(join(folder, 'big.txt'), Buffer.alloc(8 * 1024 * 1024 + 1, 0x61));
    writeFileSync(
      join(folder, 'list.txt'),
      [
        'https://media-assets.media-storage.us-west.qencode.com/a.ts',
        'https://vod-archive.media-storage.eu-central.qencode.com/b.ts',
        'c.ts',
        '',
      ].join('\n'),
    );
    const node = await bucketNode(project, 'media-assets');
    ctx.ui.pickAnswer('purgeSource', (items) => items.find((i) => i.label.startsWith('Paths from a text file')));
    ctx.ui.openAnswer('purgeFile', vscode.Uri.file(join(folder, 'zero.txt')));
    await run('purgeObject', node);
    ctx.ui.pickAnswer('purgeSource', (items) => items.find((i) => i.label.startsWith('Paths from a text file')));
    ctx.ui.openAnswer('purgeFile', vscode.Uri.file(join(folder, 'big.txt')));
    await run('purgeObject', node);
    assert.deepEqual(ctx.ui.errors(), [
      'Purge objects failed: zero.txt is a device, not a regular file, so it is not read',
      'Purge objects failed: big.txt is larger than 8 MiB, the most that is read',
    ]);
    ctx.ui.pickAnswer('purgeSource', (items) => items.find((i) => i.label.startsWith('Paths from a text file')));
    ctx.ui.openAnswer('purgeFile', vscode.Uri.file(join(folder, 'list.txt')));
    ctx.ui.confirmAnswer('purgeList', false);
    await run('purgeObject', node);
    const asked = ctx.ui.confirms.at(-1)!;
    assert.equal(asked.message, 'Purge 3 objects in 2 buckets?');
    assert.match(
      asked.detail,
      /^3 objects in 2 buckets: media-assets: 2, vod-archive: 1\n\nNot in media-assets: 1 object in bucket vod-archive \(their URLs name another bucket\)\./,
    );
    assert.deepEqual(sent('POST'), [], 'declined: nothing was purged');
  });
});
