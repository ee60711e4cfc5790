import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CANCEL } from './scripted-ui';
import { addProject, bucketNode, children, ctx, reset, rows, run, sent, verifyUi } from './helpers';
import type { ProjectNode } from '../../src/explorer/nodes';

const calls = () => sent().map((r) => `${r.method} ${r.path}${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}`);

async function openCors(project: ProjectNode, bucket: string): Promise<vscode.TextEditor> {
  await run('editCors', await bucketNode(project, bucket));
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor && editor.document.uri.scheme === 'qencode-cors', 'the CORS document is open');
  return editor;
}

async function replaceAndSave(editor: vscode.TextEditor, doc: unknown): Promise<boolean> {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
  const full = new vscode.Range(0, 0, editor.document.lineCount, 0);
  await editor.edit((e) => e.replace(full, text));
  return editor.document.save();
}

async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

describe('CORS policy as a JSON document', () => {
  let project: ProjectNode;
  beforeEach(async () => {
    await reset();
    project = await addProject();
    await children(project);
    ctx.emulator.clearRequests();
  });
  afterEach(async () => {
    await closeAll();
    verifyUi();
  });

  it("opens the bucket's policy, pretty-printed, with one GET", async () => {
    const bucket = await bucketNode(project, 'media-assets');
    ctx.emulator.clearRequests();
    await run('editCors', bucket);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.scheme, 'qencode-cors');
    assert.equal(editor.document.languageId, 'json');
    assert.equal(
      editor.document.getText(),
      '{\n  "Access-Control-Allow-Origin": "https://media-storage.us-west.qencode.com",\n  "Access-Control-Allow-Methods": "GET, PUT, POST, DELETE",\n  "Access-Control-Max-Age": "1600",\n  "Access-Control-Allow-Credentials": "true"\n}\n',
    );
    assert.deepEqual(calls(), ['GET /v1/buckets/media-assets/cors']);
  });

  it('opening the document after the bucket was expanded reuses the policy just read (no second GET)', async () => {
    const bucket = await bucketNode(project, 'media-assets');
    await children(bucket);
    ctx.emulator.clearRequests();
    await run('editCors', bucket);
    assert.match(vscode.window.activeTextEditor!.document.getText(), /Access-Control-Max-Age/);
    assert.deepEqual(calls(), [], 'the expanded rows and the document share one read');
  });

  it('an empty policy opens as {}', async () => {
    const editor = await openCors(project, 'vod-archive');
    assert.equal(editor.document.getText(), '{}\n');
  });

  it('changing a value: GET to check, POST the document, GET to read back', async () => {
    const editor = await openCors(project, 'promo-clips');
    ctx.emulator.clearRequests();
    assert.equal(await replaceAndSave(editor, { 'Access-Control-Allow-Origin': 'https://player.example.com' }), true);
    assert.deepEqual(calls(), [
      'GET /v1/buckets/promo-clips/cors',
      'POST /v1/buckets/promo-clips/cors {"Access-Control-Allow-Origin":"https://player.example.com"}',
      'GET /v1/buckets/promo-clips/cors',
    ]);
    assert.deepEqual(ctx.emulator.account().buckets.get('promo-clips')?.cors, { 'Access-Control-Allow-Origin': 'https://player.example.com' });
  });

  it('adding a header posts the whole document', async () => {
    const editor = await openCors(project, 'promo-clips');
    ctx.emulator.clearRequests();
    await replaceAndSave(editor, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Max-Age': '600' });
    assert.deepEqual(calls(), [
      'GET /v1/buckets/promo-clips/cors',
      'POST /v1/buckets/promo-clips/cors {"Access-Control-Allow-Origin":"*","Access-Control-Max-Age":"600"}',
      'GET /v1/buckets/promo-clips/cors',
    ]);
  });

  it('removing a header deletes just that header, whatever POST would merge', async () => {
    const editor = await openCors(project, 'media-assets');
    ctx.emulator.clearRequests();
    await replaceAndSave(editor, {
      'Access-Control-Allow-Origin': 'https://media-storage.us-west.qencode.com',
      'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE',
      'Access-Control-Max-Age': '1600',
    });
    assert.deepEqual(calls(), ['GET /v1/buckets/media-assets/cors', 'DELETE /v1/buckets/media-assets/cors/Access-Control-Allow-Credentials', 'GET /v1/buckets/media-assets/cors']);
    assert.equal('Access-Control-Allow-Credentials' in ctx.emulator.account().buckets.get('media-assets')!.cors, false);
  });

  it('removing one header and changing another: DELETE, then POST', async () => {
    const editor = await openCors(project, 'media-assets');
    ctx.emulator.clearRequests();
    await replaceAndSave(editor, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Max-Age': '1600' });
    assert.deepEqual(calls(), [
      'GET /v1/buckets/media-assets/cors',
      'DELETE /v1/buckets/media-assets/cors/Access-Control-Allow-Credentials',
      'POST /v1/buckets/media-assets/cors {"Access-Control-Allow-Origin":"*","Access-Control-Allow-Methods":"GET, HEAD","Access-Control-Max-Age":"1600"}',
      'GET /v1/buckets/media-assets/cors',
    ]);
  });

  it('saving {} deletes the whole policy', async () => {
    const editor = await openCors(project, 'media-assets');
    ctx.emulator.clearRequests();
    await replaceAndSave(editor, '{}');
    assert.deepEqual(calls(), ['GET /v1/buckets/media-assets/cors', 'DELETE /v1/buckets/media-assets/cors', 'GET /v1/buckets/media-assets/cors']);
    assert.deepEqual(ctx.emulator.account().buckets.get('media-assets')?.cors, {});
  });

  for (const [name, doc] of [
    ['bad JSON', '{"Access-Control-Allow-Origin": "*",'],
    ['an unknown header', { 'X-Frame-Options': 'DENY' }],
    ['a bad value', { 'Access-Control-Max-Age': '-5' }],
  ] as const) {
    it(`an invalid document (${name}) is refused, and nothing is sent`, async () => {
      const editor = await openCors(project, 'media-assets');
      ctx.emulator.clearRequests();
      assert.equal(await replaceAndSave(editor, doc), false, 'the save fails');
      assert.deepEqual(calls(), []);
      assert.equal(editor.document.isDirty, true, 'the edit stays in the editor');
    });
  }

  it('a conflict asks before overwriting; declining sends no write, Overwrite saves', async () => {
    const editor = await openCors(project, 'promo-clips');
    ctx.emulator.account().buckets.get('promo-clips')!.cors = { 'Access-Control-Allow-Origin': 'https://someone-else.example.com' };
    ctx.emulator.clearRequests();
    ctx.ui.askAnswer('corsConflict', CANCEL);
    assert.equal(await replaceAndSave(editor, { 'Access-Control-Allow-Origin': '*' }), false);
    assert.deepEqual(calls(), ['GET /v1/buckets/promo-clips/cors']);
    ctx.ui.askAnswer('corsConflict', 'Overwrite');
    assert.equal(await editor.document.save(), true);
    assert.deepEqual(ctx.emulator.account().buckets.get('promo-clips')?.cors, { 'Access-Control-Allow-Origin': '*' });
  });

  it('Compare in a conflict opens a diff with the remote policy', async () => {
    const editor = await openCors(project, 'promo-clips');
    ctx.emulator.account().buckets.get('promo-clips')!.cors = { 'Access-Control-Max-Age': '5' };
    ctx.ui.askAnswer('corsConflict', 'Compare');
    assert.equal(await replaceAndSave(editor, { 'Access-Control-Allow-Origin': '*' }), false);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(tabs.some((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.original.scheme === 'qencode-cors-remote'), 'a diff tab is open');
  });

  it('the bucket row shows the policy header by header, and refreshes after a save', async () => {
    const bucket = await bucketNode(project, 'promo-clips');
    assert.deepEqual(rows(await children(bucket)), ['Allow-Origin — *']);
    const editor = await openCors(project, 'promo-clips');
    await replaceAndSave(editor, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'false' });
    assert.deepEqual(rows(await children(bucket)), ['Allow-Origin — *', 'Allow-Credentials — false']);
  });

  it('a CORS save after a bucket picked from the palette redraws the very row the view holds (no stale rows)', async () => {
    // What the view holds: the bucket rows it was given.
    const held = await bucketNode(project, 'promo-clips');
    assert.deepEqual(rows(await children(held)), ['Allow-Origin — *']);
    const fired: unknown[] = [];
    const listening = ctx.api.explorer.onDidChangeTreeData((node) => fired.push(node));
    try {
      // From the palette: the bucket is picked from a list, with no row clicked.
      ctx.ui.pickAnswer('bucket', 'promo-clips');
      await run('editCors');
      const editor = vscode.window.activeTextEditor!;
      assert.equal(editor.document.uri.path, '/promo-clips.cors.json');
      await replaceAndSave(editor, { 'Access-Control-Allow-Origin': 'https://player.example.com' });
      assert.ok(fired.includes(held), 'the save fired the row instance the view holds');
      assert.deepEqual(rows(await children(held)), ['Allow-Origin — https://player.example.com']);
    } finally {
      listening.dispose();
    }
  });

  it('the JSON schema flags a wrong header and value, and completes header names', async () => {
    const editor = await openCors(project, 'vod-archive');
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), '{\n  "X-Custom": "1",\n  "Access-Control-Max-Age": "soon"\n}\n'));
    let messages: string[] = [];
    for (let i = 0; i < 100 && messages.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      messages = vscode.languages.getDiagnostics(editor.document.uri).map((d) => d.message);
    }
    assert.ok(messages.some((m) => /X-Custom/.test(m) && /not allowed/.test(m)), `diagnostics: ${messages.join(' | ')}`);
    assert.ok(messages.includes('Must be a whole number of seconds written as a string, e.g. "600".'), `diagnostics: ${messages.join(' | ')}`);
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), '{\n  ""\n}\n'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(1, 3));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const header of ['Access-Control-Allow-Origin', 'Access-Control-Max-Age', 'Access-Control-Expose-Headers']) assert.ok(labels.some((l) => l.includes(header)), `completion offers ${header}: ${labels.join(', ')}`);
  });

  it('Compare with Remote opens a read-only diff', async () => {
    await openCors(project, 'media-assets');
    await run('compareCors');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff);
    assert.equal(tab.input.original.scheme, 'qencode-cors-remote');
  });
});
