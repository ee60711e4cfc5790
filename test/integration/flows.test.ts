import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SAMPLE } from '../emulator/sample-data';
import { addProject, children, context, ctx, group, reset, rows, run, sent, verifyUi } from './helpers';
import type { Node } from '../../src/explorer/nodes';

/** Every row under a node, depth first, expanding everything. */
async function allRows(node?: Node): Promise<Node[]> {
  const out: Node[] = [];
  for (const child of await children(node)) {
    out.push(child);
    out.push(...(await allRows(child)));
  }
  return out;
}

describe('flows as a user sees them', () => {
  beforeEach(reset);
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    verifyUi();
  });

  it('every row of the sample account fits a 300 px sidebar: label and description in at most 40 characters (a CORS value, which is data, may run on)', async () => {
    await addProject();
    const all = await allRows();
    assert.ok(all.length > 20);
    const tooLong = all.filter((n) => {
      const [label, description = ''] = rows([n])[0]!.split(' — ');
      return context(n) === 'corsHeader' ? label!.length > 20 : label!.length + description.length > 40;
    });
    assert.deepEqual(rows(tooLong), []);
  });

  it("creating a signing key shows one notification (the create); the lists load under the view's own progress bar", async () => {
    const project = await addProject();
    ctx.ui
      .pickAnswer('signingKeyFor', 'Media-storage bucket')
      .pickAnswer('bucket', 'media-assets')
      .inputAnswer('signingKeyName', 'One Notice');
    await run('createSigningKey', project);
    assert.deepEqual(
      ctx.ui.progresses.map((p) => p.title),
      ['Creating a signing key…'],
    );
    assert.ok(ctx.ui.loadingTitles.includes('Loading signing keys…'), ctx.ui.loadingTitles.join(', '));
    assert.ok(ctx.ui.loadingTitles.some((t) => t.startsWith('Naming the signing key')));
  });

  it('Purge Objects asks no bucket for a URL, nor when one bucket is known, and remembers the last bucket', async () => {
    const project = await addProject();
    await children(project);
    // A URL names its bucket: no question.
    ctx.ui
      .pickAnswer('purgeSource', (items) => items[0])
      .inputAnswer('objectPath', 'https://vod.example-tv.com/hls/master.m3u8');
    await run('purgeObject', project);
    assert.deepEqual(
      sent('POST').map((r) => `${r.path} ${JSON.stringify(r.body)}`),
      ['/v1/buckets/media-assets/cache/purge {"path":"hls/master.m3u8"}'],
    );
    // A plain path with three buckets known: asked, and the answer is remembered and offered first next time.
    ctx.ui
      .pickAnswer('purgeSource', (items) => items[0])
      .inputAnswer('objectPath', 'a.ts')
      .pickAnswer('bucket', 'promo-clips');
    await run('purgeObject', project);
    let offered: string[] = [];
    ctx.ui
      .pickAnswer('purgeSource', (items) => items[0])
      .inputAnswer('objectPath', 'b.ts')
      .pickAnswer('bucket', (items) => {
        offered = items.map((i) => `${i.label}${i.description ? ` (${i.description})` : ''}`);
        return items[0];
      });
    await run('purgeObject', project);
    assert.equal(offered[0], 'promo-clips (last used)');
    assert.deepEqual(
      sent('POST')
        .slice(1)
        .map((r) => r.path),
      ['/v1/buckets/promo-clips/cache/purge', '/v1/buckets/promo-clips/cache/purge'],
    );
  });

  it('with one bucket known, a plain path is purged there without a question', async () => {
    const account = ctx.emulator.account();
    for (const [id, d] of account.domains)
      if (d.bucket_name && d.bucket_name !== 'media-assets') account.domains.delete(id);
    for (const [id, k] of account.keys) if (k.bucket_name) account.keys.delete(id);
    const project = await addProject();
    ctx.ui.pickAnswer('purgeSource', (items) => items[0]).inputAnswer('objectPath', 'only.ts');
    await run('purgeObject', project);
    assert.deepEqual(
      sent('POST').map((r) => r.path),
      ['/v1/buckets/media-assets/cache/purge'],
    );
  });

  it('one rule for an id the API lists twice: the first wins in every group, the second is an invalid row', async () => {
    const account = ctx.emulator.account();
    // The same id twice in the domain list, under two names.
    const twin = { ...account.domains.get(SAMPLE.liveDomainId)!, domain_name: 'twin.example-tv.com' };
    const entries = [...account.domains.entries()];
    account.domains.clear();
    for (const [id, d] of entries) account.domains.set(id, d);
    account.domains.set(`${SAMPLE.liveDomainId}-dup`, twin as never);
    const project = await addProject();
    const domains = await group(project, 'domains');
    assert.ok(rows(domains).includes('live.example-tv.com — live'));
    assert.ok(!rows(domains).some((r) => r.startsWith('twin.example-tv.com')));
    assert.equal(domains.filter((n) => context(n) === 'invalid').length, 1);
    // The TLS and key rows name the domain the Domains group shows.
    assert.ok(rows(await group(project, 'tls')).some((r) => r.startsWith('live.example-tv.com')));
    assert.ok(rows(await group(project, 'keys')).some((r) => r.endsWith('— live.example-tv.com')));
  });

  it('a command that needs a row says so when it has none, instead of doing nothing', async () => {
    await addProject();
    await run('removeBucket');
    await run('copyId');
    assert.equal(ctx.ui.errors().length, 2);
    assert.match(ctx.ui.errors()[0]!, /choose a bucket you added/);
    assert.match(ctx.ui.errors()[1]!, /Copy ID works on/);
  });
});
