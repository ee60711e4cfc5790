import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SAMPLE } from '../emulator/sample-data';
import { CANCEL } from './scripted-ui';
import { addProject, bucketNode, ctx, reset, run, sent, until, verifyUi } from './helpers';

/*
 * The edge checks from each place they are offered, against the emulator's edge over
 * TLS (qencodeCdn.edgeOverride): what is sent to the edge (asserted where it arrives),
 * and what the user reads.
 */

const host = `${SAMPLE.mediaBucket}.media-storage.us-west.qencode.com`;
const objectUrl = (path: string) => `https://${host}/${path}`;
const MASTER = 'streams/launch/master.m3u8';
const media = () => ctx.emulator.media!;
const seen = () => media().requests.map((r) => `${r.method} ${r.host} /${r.path}`);

/** The Markdown document a check opened (its text, as the preview reads it), once it says `marker` (the same path is reused). */
async function shown(path: string, marker: RegExp): Promise<string> {
  const text = async () =>
    (await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'qencode-details', path }))).getText();
  await until(async () => marker.test(await text()), `${path} says ${marker}`);
  return text();
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('Check URL', () => {
  beforeEach(reset);
  afterEach(async () => {
    await closeAll();
    verifyUi();
  });

  it('from a hover link: one HEAD to the edge with no credentials, and a document of status, time, cache, CORS and certificate', async () => {
    await addProject();
    await run('checkUrl', { url: objectUrl(MASTER) });
    assert.deepEqual(ctx.ui.errors(), []);
    assert.deepEqual(seen(), [`HEAD ${host} /${MASTER}`]);
    assert.equal(media().requests[0]!.credentials, false, 'no Authorization, no Cookie');
    assert.deepEqual(sent(), [], 'the API is not asked anything');
    const doc = await shown(`/Production/check ${host}.md`, /## 200 OK/);
    assert.match(doc, /Fetched from storage for this request \(X-Cache: MISS\)/);
    assert.match(doc, /\| Access-Control-Allow-Origin \| https:\\\/\\\/media-storage\.us-west\.qencode\.com \|/);
    assert.match(doc, new RegExp(`Names: ${host.replace(/\./g, '\\.')}`));
    assert.match(doc, /Issuer: Qencode CDN test CA/);
    assert.match(
      ctx.ui.notifications.find((n) => n.id === 'checkedUrl')!.message,
      /200: The edge serves this object\./,
    );
  });

  it('the light bulb offers it for the URL at the cursor', async () => {
    await addProject();
    const doc = await vscode.workspace.openTextDocument({
      content: `play ${objectUrl(MASTER)} now`,
      language: 'plaintext',
    });
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      new vscode.Range(0, 10, 0, 10),
    );
    const check = actions.find((a) => a.command?.command === 'qencodeCdn.checkUrl');
    assert.ok(check, actions.map((a) => a.title).join(', '));
    assert.equal(check.title, `Qencode: check ${MASTER} at the edge`);
    assert.deepEqual(check.command!.arguments, [{ url: objectUrl(MASTER) }]);
  });

  it('from the editor’s menu: the URL at the cursor; with none there, the palette asks for one', async () => {
    await addProject();
    const doc = await vscode.workspace.openTextDocument({ content: `see ${objectUrl(MASTER)}`, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 12, 0, 12);
    await run('checkUrl');
    assert.deepEqual(seen(), [`HEAD ${host} /${MASTER}`]);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    media().clearRequests();
    ctx.ui.inputAnswer('checkUrl', objectUrl('streams/launch/video/720p/index.m3u8'));
    await run('checkUrl');
    assert.deepEqual(seen(), [`HEAD ${host} /streams/launch/video/720p/index.m3u8`]);
  });

  it('a second look at an object it served says HIT, with the Age of its copy', async () => {
    await addProject();
    await run('checkUrl', { url: objectUrl(MASTER) });
    media().clockOffsetMs = 90_000;
    await run('checkUrl', { url: objectUrl(MASTER) });
    const doc = await shown(`/Production/check ${host}.md`, /X-Cache: HIT/);
    assert.match(doc, /Served from the edge’s cache \(X-Cache: HIT\), a copy 90 s old \(Age\)/);
    assert.match(doc, /Over a connection kept from an earlier check/);
  });

  it('a playback domain without an issued certificate: nothing is sent, and the document says why', async () => {
    await addProject();
    await run('checkUrl', { url: `https://vod.example-tv.com/${MASTER}` });
    assert.deepEqual(seen(), [], 'nothing sent over a certificate that does not name the domain');
    const doc = await shown(
      '/Production/check vod.example-tv.com.md',
      /## Not checked: the certificate is not trusted/,
    );
    assert.match(doc, /it does not name vod\.example-tv\.com/);
    assert.match(doc, /The domain's TLS subscription is missing/);
    assert.match(
      ctx.ui.notifications.at(-1)!.message,
      /Not checked: the certificate of vod\.example-tv\.com is not trusted/,
    );
  });

  it('Check Object on a bucket: the path asked, on the vod domain of the bucket once its certificate is issued; the DNS answer shown', async () => {
    const project = await addProject();
    const sub = {
      id: 'c1c2c3c4-d5d6-4e7e-8f8f-a0a0a0a0a0a0',
      domain_id: SAMPLE.vodDomainId,
      status: 'issued',
      created: '2024-05-01 10:00:00',
    };
    ctx.emulator.account().tls.set(sub.id, sub);
    ctx.dns.zone.set('vod.example-tv.com', { cname: 'j.sni.global.fastly.net' });
    ctx.ui.inputAnswer('checkPath', MASTER);
    await run('checkObject', await bucketNode(project, SAMPLE.mediaBucket));
    assert.deepEqual(seen(), [`HEAD vod.example-tv.com /${MASTER}`]);
    const doc = await shown('/Production/check vod.example-tv.com.md', /## 200 OK/);
    assert.match(doc, /It matches vod\.example-tv\.com, and the domain’s TLS subscription is issued/);
    assert.match(doc, /## DNS/);
    assert.match(doc, /vod\.example-tv\.com → j\.sni\.global\.fastly\.net/);
  });

  it('a host that is not the project’s is checked only after the user agrees, naming it; declining sends nothing', async () => {
    await addProject();
    ctx.ui.confirmAnswer('checkOtherHost', false);
    await run('checkUrl', { url: 'https://cdn.other.example/video.mp4' });
    assert.match(ctx.ui.confirms[0]!.message, /^Check cdn\.other\.example\?$/);
    assert.deepEqual(seen(), []);
    assert.match(ctx.ui.errors()[0] ?? '', /cdn\.other\.example was not checked/);
  });

  it('only https URLs are checked', async () => {
    await addProject();
    await run('checkUrl', { url: `http://${host}/${MASTER}` });
    assert.match(ctx.ui.errors()[0] ?? '', /only https URLs are checked/);
    assert.deepEqual(seen(), []);
  });
});

describe('Test CORS', () => {
  beforeEach(reset);
  afterEach(async () => {
    await closeAll();
    verifyUi();
  });

  it('from the bucket’s menu, from the policy’s own origin: the request with its Origin, allowed, in one sentence', async () => {
    const project = await addProject();
    ctx.ui
      .pickAnswer('corsOrigin', 'https://media-storage.us-west.qencode.com')
      .pickAnswer('corsMethod', 'GET')
      .inputAnswer('corsObject', objectUrl(MASTER));
    await run('testCors', await bucketNode(project, SAMPLE.mediaBucket));
    assert.deepEqual(seen(), [`GET ${host} /${MASTER}`], 'a GET needs no preflight');
    assert.deepEqual(media().requests[0]!.cors, { origin: 'https://media-storage.us-west.qencode.com' });
    const told = ctx.ui.notifications.find((n) => n.id === 'corsTested')!;
    assert.equal(told.severity, 'info');
    assert.equal(told.message, 'A page on https://media-storage.us-west.qencode.com can read this object (GET).');
    const doc = await shown(
      `/Production/cors ${SAMPLE.mediaBucket} media-storage.us-west.qencode.com.md`,
      /## Allowed/,
    );
    assert.match(doc, /The edge’s answer agrees with the policy/);
  });

  it('from another origin, typed: blocked, with the header that decided it', async () => {
    const project = await addProject();
    ctx.ui
      .pickAnswer('corsOrigin', 'Enter an origin…')
      .inputAnswer('corsOriginInput', 'https://app.example.com')
      .pickAnswer('corsMethod', 'GET')
      .inputAnswer('corsObject', objectUrl(MASTER));
    await run('testCors', await bucketNode(project, SAMPLE.mediaBucket));
    const told = ctx.ui.notifications.find((n) => n.id === 'corsTested')!;
    assert.equal(told.severity, 'warning');
    assert.equal(
      told.message,
      'A page on https://app.example.com would be blocked: the edge allows only https://media-storage.us-west.qencode.com, not https://app.example.com (GET).',
    );
  });

  it('a method that needs a preflight: OPTIONS with what a browser asks; the method itself is never sent (a GET stands in)', async () => {
    const project = await addProject();
    const answer = () =>
      ctx.ui
        .pickAnswer('corsOrigin', 'https://media-storage.us-west.qencode.com')
        .pickAnswer('corsMethod', 'PUT')
        .inputAnswer('corsObject', objectUrl(MASTER));
    answer();
    await run('testCors', await bucketNode(project, SAMPLE.mediaBucket));
    assert.deepEqual(seen(), [`OPTIONS ${host} /${MASTER}`], 'blocked at the preflight: nothing more is sent');
    assert.deepEqual(media().requests[0]!.cors, {
      origin: 'https://media-storage.us-west.qencode.com',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type',
    });
    assert.equal(
      ctx.ui.notifications.find((n) => n.id === 'corsTested')!.message,
      "A page on https://media-storage.us-west.qencode.com would be blocked at the preflight: the request sets the header content-type, and the preflight's answer allows no header (PUT with Content-Type).",
    );
    // The policy lets it: the preflight passes, and a GET stands in for the PUT's answer.
    ctx.emulator.account().buckets.get(SAMPLE.mediaBucket)!.cors['Access-Control-Allow-Headers'] = 'Content-Type';
    media().clearRequests();
    answer();
    await run('testCors', await bucketNode(project, SAMPLE.mediaBucket));
    assert.deepEqual(seen(), [`OPTIONS ${host} /${MASTER}`, `GET ${host} /${MASTER}`]);
    assert.equal(
      ctx.ui.notifications.filter((n) => n.id === 'corsTested').at(-1)!.message,
      'A page on https://media-storage.us-west.qencode.com can read this object (PUT with Content-Type).',
    );
  });

  it('where the edge disagrees with the policy (a change not yet at the edge), it says so and Purge This URL purges it', async () => {
    const project = await addProject();
    media().corsPropagationMs = 600_000;
    ctx.emulator.account().buckets.get(SAMPLE.mediaBucket)!.corsChanged = {
      at: Date.now(),
      previous: { 'Access-Control-Allow-Origin': 'https://old.example' },
    };
    ctx.emulator.account().buckets.get(SAMPLE.mediaBucket)!.cors = {
      'Access-Control-Allow-Origin': 'https://app.example.com',
    };
    ctx.ui
      .pickAnswer('corsOrigin', 'https://app.example.com')
      .pickAnswer('corsMethod', 'GET')
      .inputAnswer('corsObject', objectUrl(MASTER));
    ctx.ui.notifyAnswers.set('corsTested', 'Purge This URL');
    await run('testCors', await bucketNode(project, SAMPLE.mediaBucket));
    const told = ctx.ui.notifications.find((n) => n.id === 'corsTested')!;
    assert.match(
      told.message,
      /would be blocked: the edge allows only https:\/\/old\.example.*The edge disagrees with the bucket’s policy\./,
    );
    assert.deepEqual(told.actions, ['Purge This URL']);
    assert.deepEqual(
      sent('POST').map((r) => [r.path, r.body]),
      [[`/v1/buckets/${SAMPLE.mediaBucket}/cache/purge`, { path: MASTER }]],
    );
  });

  it('from the CORS document’s CodeLens: the document’s bucket, without asking which', async () => {
    const project = await addProject();
    await run('editCors', await bucketNode(project, SAMPLE.mediaBucket));
    const uri = vscode.window.activeTextEditor!.document.uri;
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const lens = lenses.find((l) => l.command?.command === 'qencodeCdn.testCors');
    assert.equal(lens?.command?.title, 'Test from an origin…');
    let title = '';
    ctx.ui.onPick = (options) => (title = options.title ?? '');
    ctx.ui.pickAnswer('corsOrigin', CANCEL);
    await run('testCors', uri);
    ctx.ui.onPick = undefined;
    assert.match(title, new RegExp(`Test CORS of ${SAMPLE.mediaBucket}`));
    assert.deepEqual(seen(), [], 'cancelled before anything was sent');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});

describe('Verify a purge', () => {
  beforeEach(reset);
  afterEach(async () => {
    await vscode.workspace
      .getConfiguration('qencodeCdn')
      .update('purge.verifyAutomatically', undefined, vscode.ConfigurationTarget.Global);
    await closeAll();
    verifyUi();
  });

  it('after a purge of a URL, Verify looks at it: fresh from origin once the edge forgot its copy', async () => {
    await addProject();
    await run('checkUrl', { url: objectUrl(MASTER) }); // the edge holds a copy
    media().clockOffsetMs = 3_600_000; // an hour old
    media().clearRequests();
    ctx.ui.confirmAnswer('purgeUrl', true);
    ctx.ui.notifyAnswers.set('purgeSummary', 'Verify');
    await run('purgeUrl', { url: objectUrl(MASTER) });
    assert.deepEqual(ctx.ui.notifications.find((n) => n.id === 'purgeSummary')!.actions, ['Verify', 'Show Details']);
    assert.deepEqual(seen(), [`HEAD ${host} /${MASTER}`]);
    assert.equal(
      ctx.ui.notifications.find((n) => n.id === 'purgeVerified')!.message,
      'Verified at the edge: 1 URL: 1 fresh from origin.',
    );
  });

  it('a copy older than the purge (an edge that missed it) is still cached, with its Age; no verdict is guessed', async () => {
    await addProject();
    await run('checkUrl', { url: objectUrl(MASTER) }); // the edge holds a copy
    media().clockOffsetMs = 300_000;
    media().missPurges = true;
    ctx.ui.confirmAnswer('purgeUrl', true);
    ctx.ui.notifyAnswers.set('purgeSummary', 'Verify');
    await run('purgeUrl', { url: objectUrl(MASTER) });
    const told = ctx.ui.notifications.find((n) => n.id === 'purgeVerified')!;
    assert.equal(told.severity, 'warning');
    assert.equal(told.message, 'Verified at the edge: 1 URL: 0 fresh from origin, 1 still cached (Age up to 300 s).');
  });

  it('a stream: its manifests and a sample of segments of the size set, checked without asking when verifyAutomatically is on', async () => {
    await addProject();
    const config = vscode.workspace.getConfiguration('qencodeCdn');
    await config.update('purge.verifyAutomatically', true, vscode.ConfigurationTarget.Global);
    await config.update('purge.verifySample', 3, vscode.ConfigurationTarget.Global);
    try {
      ctx.ui.confirmAnswer('purgeStream', true);
      await run('purgeStream', { url: objectUrl(MASTER) });
      await until(() => ctx.ui.notifications.some((n) => n.id === 'purgeVerified'), 'verified without asking');
      const heads = media()
        .requests.filter((r) => r.method === 'HEAD')
        .map((r) => r.path);
      const manifests = heads.filter((p) => p.endsWith('.m3u8'));
      assert.ok(manifests.includes(MASTER) && manifests.length >= 2, heads.join(', '));
      assert.equal(heads.length - manifests.length, 3, 'three segments');
      assert.ok(!ctx.ui.notifications.find((n) => n.id === 'purgeSummary')!.actions.includes('Verify'));
      const docs = () =>
        vscode.workspace.textDocuments.filter((d) => /verify purge/.test(d.uri.path)).map((d) => d.getText());
      await until(
        () => docs().some((text) => /a sample of 3 of the \d+ other objects/.test(text)),
        'the report says how the sample was chosen',
      );
    } finally {
      await config.update('purge.verifySample', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
