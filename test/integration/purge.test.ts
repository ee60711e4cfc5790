import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { addProject, bucketNode, children, ctx, reset, run, sent, verifyUi } from './helpers';
import type { ProjectNode } from '../../src/explorer/nodes';

const purges = () => sent('POST', '/cache/purge$');
const fromFile = (items: readonly vscode.QuickPickItem[]) => items.find((i) => i.label.includes('text file'));

function listFile(lines: string[]): vscode.Uri {
  const file = join(mkdtempSync(join(tmpdir(), 'qencode-purge-')), 'paths.txt');
  writeFileSync(file, `# paths to purge\n${lines.join('\n')}\n`);
  return vscode.Uri.file(file);
}

describe('purging at scale', () => {
  let project: ProjectNode;
  beforeEach(async () => {
    await reset();
    project = await addProject();
    await children(project);
    await vscode.workspace
      .getConfiguration('qencodeCdn')
      .update('purge.concurrency', undefined, vscode.ConfigurationTarget.Global);
  });
  afterEach(verifyUi);

  it('200 paths from a file with concurrency 4: all sent, never more than 4 in flight', async () => {
    const paths = Array.from({ length: 200 }, (_, i) => `hls/segment_${String(i).padStart(3, '0')}.ts`);
    const bucket = await bucketNode(project, 'media-assets');
    ctx.emulator.latencyMs = 15;
    ctx.emulator.clearRequests();
    ctx.ui
      .pickAnswer('purgeSource', fromFile)
      .openAnswer('purgeFile', listFile(paths))
      .confirmAnswer('purgeList', true);
    await run('purgeObject', bucket);
    assert.equal(purges().length, 200);
    assert.deepEqual(new Set(purges().map((r) => (r.body as { path: string }).path)), new Set(paths));
    assert.ok(ctx.emulator.maxInFlight <= 4, `max in flight ${ctx.emulator.maxInFlight}`);
    assert.ok(ctx.emulator.maxInFlight >= 3, `the limit is used, not serialised: ${ctx.emulator.maxInFlight}`);
    assert.match(ctx.ui.notifications.at(-1)!.message, /^The CDN accepted the purge of 200 objects in media-assets\.$/);
    // A list from a file is confirmed first, with its count and bucket.
    assert.equal(ctx.ui.confirms[0]!.message, 'Purge 200 objects in media-assets?');
    assert.match(
      ctx.ui.confirms[0]!.detail,
      /^200 objects in bucket media-assets\n\nmedia-assets\/hls\/segment_000\.ts\n/,
    );
  });

  it('honours the concurrency setting', async () => {
    await vscode.workspace
      .getConfiguration('qencodeCdn')
      .update('purge.concurrency', 2, vscode.ConfigurationTarget.Global);
    ctx.emulator.latencyMs = 15;
    ctx.emulator.clearRequests();
    ctx.ui
      .pickAnswer('purgeSource', fromFile)
      .openAnswer('purgeFile', listFile(Array.from({ length: 20 }, (_, i) => `f${i}.ts`)))
      .confirmAnswer('purgeList', true);
    await run('purgeObject', await bucketNode(project, 'media-assets'));
    assert.equal(purges().length, 20);
    assert.equal(ctx.emulator.maxInFlight, 2);
  });

  it('maps both URL forms to bucket and path, and reports what maps to nothing before sending', async () => {
    ctx.emulator.clearRequests();
    const lines = [
      'https://promo-clips.media-storage.us-west.qencode.com/trailers/teaser%201.mp4',
      'https://vod.example-tv.com/videos/intro/master.m3u8?token=abc',
      'https://cdn.unknown-host.com/x.ts',
    ];
    ctx.ui.pickAnswer('purgeSource', fromFile).openAnswer('purgeFile', listFile(lines));
    ctx.ui.confirmAnswer('purgeProblems', true);
    await run('purgeObject', project);
    const asked = ctx.ui.confirms.find((c) => c.id === 'purgeProblems')!;
    const detail = `${asked.message}\n${asked.detail}\n${asked.action}`;
    assert.match(detail, /1 of 3 entries cannot be purged\. Purge the other 2\?/);
    assert.match(detail, /cdn\.unknown-host\.com maps to no known bucket/);
    assert.deepEqual(
      purges()
        .map((r) => `${r.path} ${JSON.stringify(r.body)}`)
        .sort(),
      [
        '/v1/buckets/media-assets/cache/purge {"path":"videos/intro/master.m3u8"}',
        '/v1/buckets/promo-clips/cache/purge {"path":"trailers/teaser 1.mp4"}',
      ],
    );
  });

  it('an address that maps to nothing is reported and nothing is sent', async () => {
    ctx.emulator.clearRequests();
    ctx.ui
      .pickAnswer('purgeSource', (items) => items[0])
      .inputAnswer('objectPath', 'https://live.example-tv.com/stream.m3u8');
    await run('purgeObject', project);
    assert.deepEqual(purges(), []);
    assert.match(ctx.ui.errors()[0] ?? '', /live playback domain; only media-storage objects can be purged/);
  });

  it('cancelling halfway: nothing more is sent, and the summary says how many were not', async () => {
    ctx.emulator.latencyMs = 10;
    ctx.emulator.clearRequests();
    ctx.ui.onProgress = (message, cancel) => {
      if (message.startsWith('50 /')) cancel();
    };
    ctx.ui
      .pickAnswer('purgeSource', fromFile)
      .openAnswer('purgeFile', listFile(Array.from({ length: 200 }, (_, i) => `p${i}.ts`)))
      .confirmAnswer('purgeList', true);
    await run('purgeObject', await bucketNode(project, 'media-assets'));
    const sentAtCancel = purges().length;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(purges().length, sentAtCancel, 'nothing more is sent after cancelling');
    assert.ok(sentAtCancel >= 50 && sentAtCancel <= 54, `sent ${sentAtCancel}`);
    const summary = ctx.ui.notifications.at(-1)!;
    assert.match(summary.message, /^Purge cancelled: \d+ purged, 0 failed, \d+ not sent\.$/);
    assert.deepEqual(summary.actions, ['Purge the Rest', 'Show Details']);
    const [purged, notSent] = summary.message
      .match(/\d+/g)!
      .filter((_, i) => i !== 1)
      .map(Number);
    assert.equal(purged! + notSent!, 200);
  });

  it('a 429 with Retry-After is honoured, and every purge lands', async () => {
    ctx.emulator.clearRequests();
    ctx.emulator.addFault({ path: '/cache/purge$', fault: { type: 'rate-limit', retryAfter: 1 }, times: 1 });
    ctx.ui
      .pickAnswer('purgeSource', fromFile)
      .openAnswer('purgeFile', listFile(Array.from({ length: 10 }, (_, i) => `r${i}.ts`)))
      .confirmAnswer('purgeList', true);
    const started = Date.now();
    await run('purgeObject', await bucketNode(project, 'media-assets'));
    assert.ok(Date.now() - started >= 950, 'waited for Retry-After');
    assert.deepEqual(purges().length, 11);
    assert.equal(ctx.emulator.requestsTo('POST', '/cache/purge$').filter((r) => r.status === 429).length, 1);
    assert.equal(ctx.emulator.account().purges.filter((p) => p.path?.startsWith('r')).length, 10);
  });

  it('Retry Failed sends exactly the failed ones again', async () => {
    ctx.emulator.clearRequests();
    ctx.emulator.addFault({
      path: '/cache/purge$',
      fault: { type: 'status', status: 422, body: { error: 1, message: 'Object is locked' } },
      times: 3,
    });
    ctx.ui.notifyAnswers.set('purgeSummary', 'Retry Failed');
    ctx.ui
      .pickAnswer('purgeSource', fromFile)
      .openAnswer('purgeFile', listFile(Array.from({ length: 12 }, (_, i) => `q${i}.ts`)))
      .confirmAnswer('purgeList', true);
    // Answer only the first summary with Retry Failed: the retry's own summary is then dismissed.
    const notify = ctx.ui.notify.bind(ctx.ui);
    ctx.ui.notify = async (id, severity, message, ...actions) => {
      const answer = await notify(id, severity, message, ...actions);
      ctx.ui.notifyAnswers.delete('purgeSummary');
      return answer;
    };
    await run('purgeObject', await bucketNode(project, 'media-assets'));
    const summaries = ctx.ui.notifications.filter((n) => n.id === 'purgeSummary').map((n) => n.message);
    assert.deepEqual(summaries, [
      'Purged 9 of 12; 3 failed.',
      'The CDN accepted the purge of 3 objects in media-assets.',
    ]);
    const failedPaths = ctx.emulator
      .requestsTo('POST', '/cache/purge$')
      .filter((r) => r.status === 422)
      .map((r) => (r.body as { path: string }).path);
    const retried = purges()
      .slice(12)
      .map((r) => (r.body as { path: string }).path);
    assert.deepEqual(retried.sort(), failedPaths.sort());
  });

  it('keeps a per-project history of runs, and Purge Again repeats one', async () => {
    ctx.ui.pickAnswer('purgeSource', (items) => items[0]).inputAnswer('objectPath', 'a/b.m3u8');
    await run('purgeObject', await bucketNode(project, 'vod-archive'));
    const history = ctx.api.purgeHistory.get(project.projectId);
    assert.equal(history.length, 1);
    assert.deepEqual(history[0]!.targets, [{ bucket: 'vod-archive', path: 'a/b.m3u8' }]);
    assert.equal(history[0]!.purged, 1);
    ctx.emulator.clearRequests();
    ctx.ui
      .pickAnswer('purgeRun', (items) => items[0])
      .pickAnswer('purgeRunAction', 'Purge Again')
      .confirmAnswer('purgeAgain', true);
    await run('purgeHistory', project);
    assert.deepEqual(purges(), [
      { method: 'POST', path: '/v1/buckets/vod-archive/cache/purge', body: { path: 'a/b.m3u8' } },
    ]);
    assert.equal(ctx.api.purgeHistory.get(project.projectId).length, 2);
  });

  it('purges the lines selected in a purge list', async () => {
    const doc = await vscode.workspace.openTextDocument({
      content:
        '# list\nhttps://vod.example-tv.com/one.ts\nhttps://vod.example-tv.com/two.ts\nhttps://vod.example-tv.com/three.ts\n',
      language: 'qencode-purge-list',
    });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 3, 0);
    ctx.emulator.clearRequests();
    ctx.ui.confirmAnswer('purgeList', true);
    await run('purgeFromEditor');
    assert.equal(ctx.ui.confirms[0]?.message, 'Purge 2 objects in media-assets?');
    assert.deepEqual(
      purges()
        .map((r) => (r.body as { path: string }).path)
        .sort(),
      ['one.ts', 'two.ts'],
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
