import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { SAMPLE } from '../emulator/sample-data';
import { launchStreams } from '../emulator/stream-fixtures';
import { addProject, bucketNode, ctx, domainNode, group, reset, run, sent, verifyUi } from './helpers';

const MASTER_URL = 'https://media-assets.media-storage.us-west.qencode.com/streams/launch/master.m3u8';
const { hls, dash } = launchStreams();
const isManifest = (p: string) => /\.(m3u8|mpd)$/.test(p);
const purged = () => sent('POST', '/cache/purge$').map((r) => (r.body as { path: string }).path);

/** Every object purged once; all media before any manifest; the root last. */
function assertStreamPurge(expected: readonly string[], root: string): void {
  const paths = purged();
  assert.deepEqual([...paths].sort(), [...expected].sort(), 'exactly the stream, each object once');
  const firstManifest = paths.findIndex(isManifest);
  assert.ok(
    firstManifest > 0 && paths.slice(firstManifest).every(isManifest),
    'manifests come after every other object',
  );
  assert.equal(paths.at(-1), root, 'the root manifest last');
}

describe('purge a whole stream', () => {
  beforeEach(reset);
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    verifyUi();
  });

  it('from a master playlist URL: a preview, a confirmation, then every object with the manifests last', async () => {
    const project = await addProject();
    ctx.ui.confirmAnswer('purgeStream', true);
    await run('purgeStream', { url: MASTER_URL });
    assert.deepEqual(ctx.ui.errors(), []);
    // What the Markdown preview renders: the document it reads (its text, as the provider gives it).
    const preview = (
      await vscode.workspace.openTextDocument(
        vscode.Uri.from({ scheme: 'qencode-details', path: '/Production/stream streams-launch-master.m3u8.md' }),
      )
    ).getText();
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(
      tabs.some((tab) => tab.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType)),
      `the preview is rendered: ${tabs.map((tab) => tab.label).join(', ')}`,
    );
    assert.match(preview, /# Purge stream: streams\/launch\/master\.m3u8/);
    assert.match(preview, /Bucket \*\*media-assets\*\* · project \*\*Production\*\* · HLS/);
    assert.match(preview, /\| keys \| 1 \|/);
    // Every path is listed, in the order it is sent, not only the first and last of each rendition.
    for (const o of hls.objects) assert.ok(preview.includes(`${o.path}  (`), o.path);
    assert.ok(
      preview.indexOf('streams/launch/video/720p/seg-00003.m4s') < preview.indexOf('2. Then the 6 manifests'),
      'segments are listed before the manifests',
    );
    assert.match(
      ctx.ui.confirms[0]!.detail,
      /^1 key, 3 init sections, 18 media segments, 3 subtitle segments, 4 playlists, 1 I-frame playlist, 1 root manifest/,
    );
    assert.match(
      ctx.ui.confirms[0]!.message,
      /^Purge the stream streams\/launch\/master\.m3u8: 31 objects in bucket media-assets\?$/,
    );
    assertStreamPurge(
      hls.objects.map((o) => o.path),
      hls.root,
    );
    assert.equal(ctx.emulator.media!.pathsRead().filter(isManifest).length, 6, 'each manifest read once');
    const [run1] = ctx.api.purgeHistory.get(project.projectId);
    assert.equal(run1?.purged, 31);
    assert.deepEqual(run1?.phases, [25, 5, 1], 'the steps are kept: objects, playlists, the root');
    // Purge Again repeats it in the same steps.
    ctx.emulator.clearRequests();
    ctx.ui
      .pickAnswer('purgeRun', (items) => items[0])
      .pickAnswer('purgeRunAction', 'Purge Again')
      .confirmAnswer('purgeAgain', true);
    await run('purgeHistory', project);
    assertStreamPurge(
      hls.objects.map((o) => o.path),
      hls.root,
    );
  });

  it('from a bucket and a path (DASH), read through the vod domain that serves the bucket (its certificate issued)', async () => {
    const sub = {
      id: 'd1d2d3d4-e5e6-4f7f-8a8a-b0b0b0b0b0b0',
      domain_id: SAMPLE.vodDomainId,
      status: 'issued',
      created: '2024-05-01 10:00:00',
    };
    ctx.emulator.account().tls.set(sub.id, sub);
    const project = await addProject();
    ctx.ui.inputAnswer('streamPath', dash.root).confirmAnswer('purgeStream', true);
    await run('purgeStream', await bucketNode(project, 'media-assets'));
    assert.deepEqual(ctx.ui.errors(), []);
    assertStreamPurge(
      dash.objects.map((o) => o.path),
      dash.root,
    );
  });

  it('from a local manifest file, with the bucket and folder it is published under', async () => {
    await addProject();
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    mkdirSync(join(folder, 'out-stream'), { recursive: true });
    const file = join(folder, 'out-stream', 'master.m3u8');
    writeFileSync(file, String(hls.objects.find((o) => o.path === hls.root)!.body));
    try {
      ctx.ui
        .pickAnswer('bucket', 'media-assets')
        .inputAnswer('streamPrefix', 'streams/launch/')
        // No vod domain of the bucket has an issued certificate: it is read from its media-storage host.
        .pickAnswer('region', 'us-west')
        .confirmAnswer('purgeStream', true);
      await run('purgeStream', vscode.Uri.file(file));
      assert.deepEqual(ctx.ui.errors(), []);
      assertStreamPurge(
        hls.objects.map((o) => o.path),
        hls.root,
      );
      assert.ok(!ctx.emulator.media!.pathsRead().includes(hls.root), 'the root came from the file, not the server');
    } finally {
      rmSync(join(folder, 'out-stream'), { recursive: true, force: true });
    }
  });

  it('a manifest that cannot be read stops the run with a clear message, and nothing is sent', async () => {
    await addProject();
    ctx.emulator.media!.addFault({ path: 'video/360p/index.m3u8', fault: { type: 'status', status: 404 }, times: 1 });
    await run('purgeStream', { url: MASTER_URL });
    assert.match(
      ctx.ui.errors()[0] ?? '',
      /the stream was not purged, and nothing was sent: .*video\/360p\/index\.m3u8.*404/,
    );
    assert.deepEqual(purged(), []);
  });

  it('past the limit, a bucket purge is offered instead', async () => {
    await addProject();
    await vscode.workspace
      .getConfiguration('qencodeCdn')
      .update('purge.streamLimit', 10, vscode.ConfigurationTarget.Global);
    try {
      ctx.ui.askAnswer('streamTooLarge', 'Purge Bucket Instead').confirmAnswer('purgeBucket', true);
      await run('purgeStream', { url: MASTER_URL });
      assert.deepEqual(purged(), []);
      assert.deepEqual(
        sent('POST').map((r) => r.path),
        ['/v1/buckets/media-assets/cache/purge_all'],
      );
    } finally {
      await vscode.workspace
        .getConfiguration('qencodeCdn')
        .update('purge.streamLimit', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a cancel halfway leaves the history right: what was purged, and what was not sent', async () => {
    const project = await addProject();
    ctx.emulator.latencyMs = 40;
    let reports = 0;
    ctx.ui.onProgress = (_message, cancel) => {
      if (++reports === 10) cancel();
    };
    ctx.ui.confirmAnswer('purgeStream', true);
    await run('purgeStream', { url: MASTER_URL });
    const [last] = ctx.api.purgeHistory.get(project.projectId);
    assert.ok(last, 'the run is recorded');
    assert.equal(last.purged + last.failed + last.notSent, 31);
    assert.ok(last.notSent > 0 && last.purged >= 10, `purged ${last.purged}, not sent ${last.notSent}`);
    // A purge in flight at the cancel may reach the CDN though its reply is abandoned (it counts as not sent: sending it again is harmless).
    assert.ok(
      purged().length >= last.purged && purged().length <= last.purged + 4,
      `the CDN received ${purged().length}, the history says ${last.purged} purged`,
    );
    assert.ok(!purged().some(isManifest), 'no manifest was purged before the segments were');
    assert.match(ctx.ui.notifications.find((n) => n.id === 'purgeSummary')?.message ?? '', /Purge cancelled/);
  });

  it('Copy Playback URL: a vod domain in its own form, a bucket in the media-storage form (its region asked once)', async () => {
    const project = await addProject();
    ctx.ui.inputAnswer('playbackPath', 'streams/launch/master.m3u8');
    await run('copyPlaybackUrl', await domainNode(project, 'vod.example-tv.com'));
    assert.equal(await vscode.env.clipboard.readText(), 'https://vod.example-tv.com/streams/launch/master.m3u8');
    ctx.ui.inputAnswer('playbackPath', 'a b.m3u8').pickAnswer('region', 'eu-central');
    await run('copyPlaybackUrl', await bucketNode(project, 'promo-clips'));
    assert.equal(
      await vscode.env.clipboard.readText(),
      'https://promo-clips.media-storage.eu-central.qencode.com/a%20b.m3u8',
    );
    ctx.ui.inputAnswer('playbackPath', 'c.ts');
    await run('copyPlaybackUrl', await bucketNode(project, 'promo-clips'));
    assert.equal(
      await vscode.env.clipboard.readText(),
      'https://promo-clips.media-storage.eu-central.qencode.com/c.ts',
      'the region is remembered',
    );
  });

  it("a wrong region answer is changed from the bucket's menu: the picker marks the current one, the tooltip and the next URL follow", async () => {
    const project = await addProject();
    ctx.ui.inputAnswer('playbackPath', 'a.ts').pickAnswer('region', 'eu-central');
    await run('copyPlaybackUrl', await bucketNode(project, 'promo-clips'));
    assert.match((await bucketNode(project, 'promo-clips')).tooltip(), /Media-storage region: eu-central, as you said/);
    let offered: string[] = [];
    ctx.ui.pickAnswer('region', (items) => {
      offered = items.map((i) => `${i.label}${i.description ? ` (${i.description})` : ''}`);
      return items.find((i) => i.label === 'us-west')!;
    });
    const promo = await bucketNode(project, 'promo-clips');
    ctx.emulator.clearRequests();
    await run('setBucketRegion', promo);
    assert.deepEqual(offered, ['us-west', 'eu-central (current)']);
    assert.match(
      ctx.ui.notifications.find((n) => n.id === 'bucketRegion')?.message ?? '',
      /Bucket promo-clips is in us-west/,
    );
    assert.match((await bucketNode(project, 'promo-clips')).tooltip(), /Media-storage region: us-west/);
    ctx.ui.inputAnswer('playbackPath', 'b.ts');
    await run('copyPlaybackUrl', await bucketNode(project, 'promo-clips'));
    assert.equal(await vscode.env.clipboard.readText(), 'https://promo-clips.media-storage.us-west.qencode.com/b.ts');
    assert.deepEqual(ctx.emulator.requests, [], "the region is the editor's memory: nothing is sent");
  });
});

describe('Qencode URLs in any file', () => {
  beforeEach(reset);
  afterEach(async () => {
    // The scratch documents are dirty: revert them, so closing asks nothing.
    for (let i = 0; i < 10 && vscode.window.activeTextEditor; i++)
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    verifyUi();
  });

  async function hoverAt(text: string, needle: string): Promise<{ doc: vscode.TextDocument; hovers: vscode.Hover[] }> {
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc);
    const offset = text.indexOf(needle) + 10;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      doc.positionAt(offset),
    );
    return { doc, hovers };
  }

  const ours = (hovers: vscode.Hover[]) =>
    hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
      .filter((v) => v.includes('Qencode media'))
      // What a person reads: Markdown escapes removed.
      .map((v) => ({ raw: v, read: v.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1') }));

  it('a media-storage URL in a plain text file: bucket, path, project, and links that act', async () => {
    const project = await addProject();
    await bucketNode(project, 'media-assets'); // the lists are loaded, as after a look at the tree
    const { hovers } = await hoverAt(`Stream for the launch: ${MASTER_URL} (see the ticket)\n`, MASTER_URL);
    const [hover] = ours(hovers);
    assert.ok(hover, 'our hover is there');
    const md = hover.raw;
    assert.match(hover.read, /bucket media-assets · project Production/);
    assert.match(hover.read, /Path: streams\/launch\/master\.m3u8/);
    assert.match(hover.read, /Also served by vod\.example-tv\.com/);
    const links = [...md.matchAll(/\[([^\]]+)\]\(command:([\w.]+)\?([^)]+)\)/g)].map((m) => ({
      label: m[1]!,
      command: m[2]!,
      args: JSON.parse(decodeURIComponent(m[3]!)) as unknown[],
    }));
    assert.deepEqual(
      links.map((l) => l.label),
      ['Purge', 'Purge Stream', 'Check at the Edge', 'Copy Path', 'Reveal Bucket'],
    );
    // Clicking "Purge" runs exactly what the link names:
    const purge = links.find((l) => l.label === 'Purge')!;
    ctx.emulator.clearRequests();
    ctx.ui.confirmAnswer('purgeUrl', true);
    await vscode.commands.executeCommand(purge.command, ...purge.args);
    assert.deepEqual(
      sent('POST').map((r) => `${r.path} ${JSON.stringify(r.body)}`),
      ['/v1/buckets/media-assets/cache/purge {"path":"streams/launch/master.m3u8"}'],
    );
  });

  it('what the hover knows of access: a bucket with a signing key of its own is probably authenticated; a vod domain with no issued certificate is marked', async () => {
    const project = await addProject();
    await bucketNode(project, 'promo-clips'); // domains and keys read
    await group(project, 'tls'); // and the TLS subscriptions
    const promo = 'https://promo-clips.media-storage.us-west.qencode.com/trailers/a.mp4';
    const [hover] = ours((await hoverAt(`see ${promo}\n`, promo)).hovers);
    assert.match(
      hover?.read ?? '',
      /Access policy: a signing key exists for this bucket, so it is probably authenticated: players need a signed URL/,
    );
    assert.doesNotMatch(hover?.read ?? '', /public by default/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    const [media] = ours((await hoverAt(`see ${MASTER_URL}\n`, MASTER_URL)).hovers);
    assert.match(media?.read ?? '', /Also served by vod\.example-tv\.com \(no issued certificate: https to it fails\)/);
    const bucket = await bucketNode(project, 'promo-clips');
    assert.equal(bucket.treeItem().description, 'has signing key');
    assert.match(String(bucket.tooltip()), /a signing key exists for this bucket: it is probably authenticated/);
    const vod = await domainNode(project, 'vod.example-tv.com');
    assert.match(String(vod.tooltip()), /No TLS subscription: https to this domain fails/);
    assert.equal(((vod.treeItem().iconPath as vscode.ThemeIcon).color as vscode.ThemeColor).id, 'charts.orange');
  });

  it('with no project loaded, a media-storage URL still shows its bucket and path', async () => {
    const { hovers } = await hoverAt(`x ${MASTER_URL}\n`, MASTER_URL);
    const [hover] = ours(hovers);
    assert.match(hover?.read ?? '', /bucket media-assets/);
    assert.match(hover?.read ?? '', /Not in a project loaded in this window yet/);
    assert.deepEqual(sent(), [], 'a hover makes no request');
  });

  it('a crafted URL cannot slip a command link of its own into the hover', async () => {
    // Decoded, its path closes a code span and opens a link: x` [Copy Path](command:qencodeCdn.purgeUrl?[{"urls":["https://evil"]}]) `y.m3u8
    const crafted =
      'https://media-assets.media-storage.us-west.qencode.com/x%60%20%5BCopy%20Path%5D%28command:qencodeCdn.purgeUrl%3F%5B%7B%22urls%22%3A%5B%22https%3A%2F%2Fevil%22%5D%7D%5D%29%20%60y.m3u8';
    const { hovers } = await hoverAt(`see ${crafted}\n`, crafted);
    const [hover] = ours(hovers);
    assert.ok(hover, 'the URL is still described');
    const labels = [...hover.raw.matchAll(/\[([^\]]*)\]\(command:/g)].map((m) => m[1]);
    assert.deepEqual(
      labels,
      ['Purge', 'Purge Stream', 'Check at the Edge', 'Copy Path'],
      'only the links the extension wrote, once each',
    );
    assert.ok(
      !hover.raw.includes('https%3A%2F%2Fevil') && !/\(command:qencodeCdn\.purgeUrl\?%5B%7B%22urls/.test(hover.raw),
      'no link carries the crafted arguments',
    );
  });

  it('a code action purges every Qencode URL in the selection', async () => {
    const project = await addProject();
    await bucketNode(project, 'media-assets');
    const text = `a ${MASTER_URL}\nb https://vod.example-tv.com/clips/one.mp4\nc https://example.com/not-ours.mp4\n`;
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      new vscode.Range(0, 0, 3, 0),
    );
    const all = actions.find((a) => a.title === 'Qencode: purge the 2 Qencode URLs in the selection');
    assert.ok(all, actions.map((a) => a.title).join(' | '));
    ctx.emulator.clearRequests();
    ctx.ui.confirmAnswer('purgeUrl', true);
    await vscode.commands.executeCommand(all.command!.command, ...(all.command!.arguments ?? []));
    assert.deepEqual(purged().sort(), ['clips/one.mp4', 'streams/launch/master.m3u8']);
  });

  it('the editor menu acts where the user clicked: off a URL it says so as a hint (no failure, no Show Log); on a URL it purges that URL', async () => {
    const project = await addProject();
    await bucketNode(project, 'media-assets');
    const doc = await vscode.workspace.openTextDocument({
      content: `plain words here\nsee ${MASTER_URL} now\n`,
      language: 'plaintext',
    });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 3, 0, 3);
    // From the editor's menu, a command gets the document's URI.
    await run('purgeUrl', doc.uri);
    await run('purgeStream', doc.uri);
    assert.deepEqual(ctx.ui.errors(), [], 'not an error');
    assert.deepEqual(
      ctx.ui.notifications.map((n) => [n.id, n.severity, n.actions]),
      [
        ['hint', 'info', []],
        ['hint', 'info', []],
      ],
    );
    assert.match(ctx.ui.notifications[0]!.message, /^There is no Qencode URL at the cursor\. Right-click on a URL/);
    assert.match(ctx.ui.notifications[1]!.message, /^There is no manifest URL at the cursor\./);
    editor.selection = new vscode.Selection(1, 10, 1, 10);
    ctx.emulator.clearRequests();
    ctx.ui.confirmAnswer('purgeUrl', true);
    await run('purgeUrl', doc.uri);
    assert.deepEqual(purged(), ['streams/launch/master.m3u8']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
