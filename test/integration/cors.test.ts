import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CANCEL } from './scripted-ui';
import { addProject, bucketNode, children, ctx, reset, rows, run, sent, until, verifyUi } from './helpers';
import type { ProjectNode } from '../../src/explorer/nodes';

const calls = () =>
  sent().map((r) => `${r.method} ${r.path}${r.body === undefined ? '' : ` ${JSON.stringify(r.body)}`}`);

async function openCors(project: ProjectNode, bucket: string): Promise<vscode.TextEditor> {
  await run('editCors', await bucketNode(project, bucket));
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor && editor.document.uri.scheme === 'qencode-cors', 'the CORS document is open');
  return editor;
}

async function replace(editor: vscode.TextEditor, doc: unknown): Promise<void> {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
  const full = new vscode.Range(0, 0, editor.document.lineCount, 0);
  await editor.edit((e) => e.replace(full, text));
}

/** Edits the document and runs Apply to CDN, confirming it. */
async function replaceAndApply(editor: vscode.TextEditor, doc: unknown): Promise<void> {
  await replace(editor, doc);
  ctx.ui.confirmAnswer('corsApply', true);
  await run('applyCors', editor.document.uri);
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

  it('changing a value: Apply shows the change, then GET to check, POST the document, GET to read back; one short confirmation', async () => {
    const editor = await openCors(project, 'promo-clips');
    ctx.emulator.clearRequests();
    await replaceAndApply(editor, { 'Access-Control-Allow-Origin': 'https://player.example.com' });
    assert.equal(
      ctx.ui.confirms[0]!.message,
      'Apply the CORS policy of promo-clips (project Production) to the CDN: 1 changed?',
    );
    assert.equal(ctx.ui.confirms[0]!.detail, '~ Access-Control-Allow-Origin: "*" → "https://player.example.com"');
    assert.equal(ctx.ui.confirms[0]!.action, 'Apply');
    assert.deepEqual(
      ctx.ui.notifications.map((n) => n.message),
      ['Applied to the CDN: the CORS policy of promo-clips (1 changed).'],
    );
    assert.equal(editor.document.isDirty, false, 'the document is what the CDN holds, and saved');
    assert.deepEqual(calls(), [
      'GET /v1/buckets/promo-clips/cors',
      'POST /v1/buckets/promo-clips/cors {"Access-Control-Allow-Origin":"https://player.example.com"}',
      'GET /v1/buckets/promo-clips/cors',
    ]);
    assert.deepEqual(ctx.emulator.account().buckets.get('promo-clips')?.cors, {
      'Access-Control-Allow-Origin': 'https://player.example.com',
    });
  });

  it('adding a header posts the whole document', async () => {
    const editor = await openCors(project, 'promo-clips');
    ctx.emulator.clearRequests();
    await replaceAndApply(editor, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Max-Age': '600' });
    assert.deepEqual(calls(), [
      'GET /v1/buckets/promo-clips/cors',
      'POST /v1/buckets/promo-clips/cors {"Access-Control-Allow-Origin":"*","Access-Control-Max-Age":"600"}',
      'GET /v1/buckets/promo-clips/cors',
    ]);
  });

  it('removing a header: Apply names it and asks; then it deletes just that header, whatever POST would merge', async () => {
    const editor = await openCors(project, 'media-assets');
    ctx.emulator.clearRequests();
    await replaceAndApply(editor, {
      'Access-Control-Allow-Origin': 'https://media-storage.us-west.qencode.com',
      'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE',
      'Access-Control-Max-Age': '1600',
    });
    assert.deepEqual(calls(), [
      'GET /v1/buckets/media-assets/cors',
      'DELETE /v1/buckets/media-assets/cors/Access-Control-Allow-Credentials',
      'GET /v1/buckets/media-assets/cors',
    ]);
    assert.equal('Access-Control-Allow-Credentials' in ctx.emulator.account().buckets.get('media-assets')!.cors, false);
    assert.equal(ctx.ui.confirms[0]!.action, 'Apply and Remove 1 Header');
    assert.match(
      ctx.ui.confirms[0]!.detail,
      /^− Access-Control-Allow-Credentials \(was "true"\)\n\nThe removed header is no longer sent by the CDN/,
    );
  });

  it('removing one header and changing another: POST first, then DELETE (a failed POST leaves the old policy whole)', async () => {
    const editor = await openCors(project, 'media-assets');
    ctx.emulator.clearRequests();
    await replaceAndApply(editor, {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, HEAD',
      'Access-Control-Max-Age': '1600',
    });
    assert.deepEqual(calls(), [
      'GET /v1/buckets/media-assets/cors',
      'POST /v1/buckets/media-assets/cors {"Access-Control-Allow-Origin":"*","Access-Control-Allow-Methods":"GET, HEAD","Access-Control-Max-Age":"1600"}',
      'DELETE /v1/buckets/media-assets/cors/Access-Control-Allow-Credentials',
      'GET /v1/buckets/media-assets/cors',
    ]);
  });

  it('a refused POST: nothing was deleted, the CDN keeps its policy, the edits stay, and the error says so', async () => {
    const editor = await openCors(project, 'media-assets');
    const before = { ...ctx.emulator.account().buckets.get('media-assets')!.cors };
    ctx.emulator.addFault({
      method: 'POST',
      path: '^/v1/buckets/media-assets/cors$',
      fault: { type: 'status', status: 400, body: { error: 1, message: 'Policy refused' } },
      times: 1,
    });
    ctx.emulator.clearRequests();
    const edited = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'GET, HEAD',
      'Access-Control-Max-Age': '1600',
    };
    await replaceAndApply(editor, edited);
    assert.deepEqual(
      calls().map((c) => c.replace(/ \{.*$/, '')),
      ['GET /v1/buckets/media-assets/cors', 'POST /v1/buckets/media-assets/cors', 'GET /v1/buckets/media-assets/cors'],
      'no DELETE after the refused POST',
    );
    assert.deepEqual(ctx.emulator.account().buckets.get('media-assets')!.cors, before);
    assert.match(ctx.ui.errors()[0] ?? '', /Policy refused.*Nothing changed on the CDN; your changes are kept here\./);
    assert.deepEqual(JSON.parse(editor.document.getText()), edited, 'the edits are still in the editor');
  });

  it('when the whole policy must go first and the POST then fails, the old policy is posted back', async () => {
    const bucket = ctx.emulator.account().buckets.get('media-assets')!;
    bucket.cors = { 'Access-Control-Allow-Origin': 'https://a.example', 'X-Custom': '1' };
    const editor = await openCors(project, 'media-assets');
    ctx.emulator.addFault({
      method: 'POST',
      path: '^/v1/buckets/media-assets/cors$',
      fault: { type: 'status', status: 400, body: { error: 1, message: 'Policy refused' } },
      times: 1,
    });
    ctx.emulator.clearRequests();
    ctx.ui.confirmAnswer('corsApply', true);
    await replace(editor, { 'Access-Control-Allow-Origin': 'https://b.example' });
    await run('applyCors', editor.document.uri);
    assert.deepEqual(calls(), [
      'GET /v1/buckets/media-assets/cors',
      'DELETE /v1/buckets/media-assets/cors',
      'POST /v1/buckets/media-assets/cors {"Access-Control-Allow-Origin":"https://b.example"}',
      'POST /v1/buckets/media-assets/cors {"Access-Control-Allow-Origin":"https://a.example"}',
      'GET /v1/buckets/media-assets/cors',
    ]);
    assert.deepEqual(bucket.cors, { 'Access-Control-Allow-Origin': 'https://a.example' });
    assert.match(ctx.ui.errors()[0] ?? '', /neither the old one nor yours: Compare with CDN shows it/);
  });

  it('applying {} deletes the whole policy', async () => {
    const editor = await openCors(project, 'media-assets');
    ctx.emulator.clearRequests();
    await replaceAndApply(editor, '{}');
    assert.deepEqual(calls(), [
      'GET /v1/buckets/media-assets/cors',
      'DELETE /v1/buckets/media-assets/cors',
      'GET /v1/buckets/media-assets/cors',
    ]);
    assert.deepEqual(ctx.emulator.account().buckets.get('media-assets')?.cors, {});
  });

  for (const [name, doc, reason] of [
    ['bad JSON', '{"Access-Control-Allow-Origin": "*",', /The document is not valid JSON/],
    ['an unknown header', { 'X-Frame-Options': 'DENY' }, /"X-Frame-Options" is not a supported CORS header/],
    [
      'a bad value',
      { 'Access-Control-Max-Age': '-5' },
      /Access-Control-Max-Age must be a whole number of seconds written as a string/,
    ],
  ] as const) {
    it(`an invalid document (${name}) is refused by Apply with the header and the rule in plain words, marked as an error, and nothing is sent`, async () => {
      const editor = await openCors(project, 'media-assets');
      ctx.emulator.clearRequests();
      await replace(editor, doc);
      await run('applyCors', editor.document.uri);
      assert.deepEqual(calls(), []);
      assert.equal(ctx.ui.errors().length, 1);
      assert.match(
        ctx.ui.errors()[0]!,
        /^Apply CORS policy to the CDN failed: the CORS policy was not applied, and nothing was sent\. /,
      );
      assert.match(ctx.ui.errors()[0]!, reason);
      const errors = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'Qencode CDN');
      assert.ok(
        errors.length >= 1 && errors.every((d) => d.severity === vscode.DiagnosticSeverity.Error),
        'marked as an error, not a warning',
      );
      assert.equal(editor.document.isDirty, true, 'the edit stays in the editor');
    });
  }

  it('a conflict asks before applying; declining sends no write, Apply Anyway applies', async () => {
    const editor = await openCors(project, 'promo-clips');
    ctx.emulator.account().buckets.get('promo-clips')!.cors = {
      'Access-Control-Allow-Origin': 'https://someone-else.example.com',
    };
    ctx.emulator.clearRequests();
    await replace(editor, { 'Access-Control-Allow-Origin': '*' });
    ctx.ui.askAnswer('corsConflict', CANCEL);
    await run('applyCors', editor.document.uri);
    assert.deepEqual(calls(), ['GET /v1/buckets/promo-clips/cors']);
    ctx.ui.askAnswer('corsConflict', 'Apply Anyway').confirmAnswer('corsApply', true);
    await run('applyCors', editor.document.uri);
    assert.deepEqual(ctx.emulator.account().buckets.get('promo-clips')?.cors, { 'Access-Control-Allow-Origin': '*' });
  });

  it('Compare in a conflict opens a diff with the remote policy', async () => {
    const editor = await openCors(project, 'promo-clips');
    ctx.emulator.account().buckets.get('promo-clips')!.cors = { 'Access-Control-Max-Age': '5' };
    await replace(editor, { 'Access-Control-Allow-Origin': '*' });
    ctx.ui.askAnswer('corsConflict', 'Compare');
    await run('applyCors', editor.document.uri);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    assert.ok(
      tabs.some(
        (tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.original.scheme === 'qencode-cors-remote',
      ),
      'a diff tab is open',
    );
  });

  it('the bucket row shows the policy header by header, and refreshes after Apply', async () => {
    const bucket = await bucketNode(project, 'promo-clips');
    assert.deepEqual(rows(await children(bucket)), ['Allow-Origin — *']);
    const editor = await openCors(project, 'promo-clips');
    await replaceAndApply(editor, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'false' });
    assert.deepEqual(rows(await children(bucket)), ['Allow-Origin — *', 'Allow-Credentials — false']);
  });

  it('applying CORS after a bucket picked from the palette redraws the very row the view holds (no stale rows)', async () => {
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
      await replaceAndApply(editor, { 'Access-Control-Allow-Origin': 'https://player.example.com' });
      assert.ok(fired.includes(held), 'the apply fired the row instance the view holds');
      assert.deepEqual(rows(await children(held)), ['Allow-Origin — https://player.example.com']);
    } finally {
      listening.dispose();
    }
  });

  it('the JSON schema flags a wrong header and value, and completes header names', async () => {
    const editor = await openCors(project, 'vod-archive');
    await editor.edit((e) =>
      e.replace(
        new vscode.Range(0, 0, editor.document.lineCount, 0),
        '{\n  "X-Custom": "1",\n  "Access-Control-Max-Age": "soon"\n}\n',
      ),
    );
    let messages: string[] = [];
    for (let i = 0; i < 100 && messages.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      messages = vscode.languages.getDiagnostics(editor.document.uri).map((d) => d.message);
    }
    assert.ok(
      messages.some((m) => /X-Custom/.test(m) && /not allowed/.test(m)),
      `diagnostics: ${messages.join(' | ')}`,
    );
    assert.ok(
      messages.includes('Must be a whole number of seconds written as a string, e.g. "600".'),
      `diagnostics: ${messages.join(' | ')}`,
    );
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), '{\n  ""\n}\n'));
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      editor.document.uri,
      new vscode.Position(1, 3),
    );
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const header of ['Access-Control-Allow-Origin', 'Access-Control-Max-Age', 'Access-Control-Expose-Headers'])
      assert.ok(
        labels.some((l) => l.includes(header)),
        `completion offers ${header}: ${labels.join(', ')}`,
      );
  });

  it('Compare with Remote opens a read-only diff', async () => {
    await openCors(project, 'media-assets');
    await run('compareCors');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff);
    assert.equal(tab.input.original.scheme, 'qencode-cors-remote');
  });
});

describe('a CORS change reaches the CDN only when the user applies it', () => {
  let project: ProjectNode;
  const files = vscode.workspace.getConfiguration('files');
  beforeEach(async () => {
    await reset();
    project = await addProject();
    await children(project);
    ctx.emulator.clearRequests();
  });
  afterEach(async () => {
    await files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
    await files.update('autoSaveDelay', undefined, vscode.ConfigurationTarget.Global);
    await closeAll();
    verifyUi();
  });

  const maxAge = () => ctx.emulator.account().buckets.get('media-assets')!.cors['Access-Control-Max-Age'];
  const waitSaved = async (editor: vscode.TextEditor, what: string) => {
    for (let i = 0; i < 50 && editor.document.isDirty; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(editor.document.isDirty, false, `${what}: auto-saved`);
  };

  it('an explicit save keeps a draft and sends nothing (and says so once); the draft outlives the editor; Discard Changes shows the CDN policy again', async () => {
    const editor = await openCors(project, 'media-assets');
    ctx.emulator.clearRequests();
    await replace(editor, { 'Access-Control-Allow-Origin': '*' });
    assert.equal(await editor.document.save(), true);
    assert.deepEqual(calls(), [], 'saving sent nothing');
    assert.equal(maxAge(), '1600');
    await until(() => ctx.ui.notifications.some((n) => n.id === 'corsDraftSaved'), 'the save says it kept a draft');
    await replace(editor, { 'Access-Control-Allow-Origin': 'https://a.example' });
    await editor.document.save();
    assert.equal(ctx.ui.notifications.filter((n) => n.id === 'corsDraftSaved').length, 1, 'said once');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const reopened = await openCors(project, 'media-assets');
    assert.equal(reopened.document.getText(), '{\n  "Access-Control-Allow-Origin": "https://a.example"\n}');
    assert.deepEqual(calls(), [], 'the draft is read from the editor, not the CDN');
    await run('discardCors', reopened.document.uri);
    assert.match(reopened.document.getText(), /"Access-Control-Max-Age": "1600"/);
    assert.equal(reopened.document.isDirty, false);
    assert.deepEqual(calls(), ['GET /v1/buckets/media-assets/cors'], 'only a read');
  });

  for (const mode of ['afterDelay', 'onFocusChange'] as const) {
    it(`files.autoSave ${mode}: typing a digit, pausing, cutting a header and pasting it back send nothing; Apply sends exactly the change`, async () => {
      await files.update('autoSave', mode, vscode.ConfigurationTarget.Global);
      await files.update('autoSaveDelay', 100, vscode.ConfigurationTarget.Global);
      const editor = await openCors(project, 'media-assets');
      ctx.emulator.clearRequests();
      const pause = async (what: string) => {
        // afterDelay saves by itself; onFocusChange saves when focus moves to another editor and back.
        if (mode === 'onFocusChange') {
          await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'elsewhere' }), {
            preview: true,
            preserveFocus: false,
          });
          await vscode.window.showTextDocument(editor.document);
        }
        await waitSaved(vscode.window.activeTextEditor!, what);
      };
      const text = editor.document.getText();
      const at = editor.document.positionAt(text.indexOf('"1600"') + 5);
      await vscode.window.activeTextEditor!.edit((e) => e.insert(at, '9'));
      await pause('a digit typed into Max-Age');
      assert.equal(maxAge(), '1600', 'the half-typed value did not go live');
      const line = editor.document.lineAt(
        editor.document.positionAt(text.indexOf('"Access-Control-Allow-Credentials"')).line,
      );
      const cut = line.text;
      await vscode.window.activeTextEditor!.edit((e) => e.delete(line.rangeIncludingLineBreak));
      await pause('a header cut');
      assert.equal(
        ctx.emulator.account().buckets.get('media-assets')!.cors['Access-Control-Allow-Credentials'],
        'true',
        'the cut header is still on the CDN',
      );
      await vscode.window.activeTextEditor!.edit((e) => e.insert(new vscode.Position(line.lineNumber, 0), `${cut}\n`));
      await pause('the header pasted back');
      assert.deepEqual(calls(), [], 'nothing was sent while editing');
      assert.deepEqual(ctx.ui.errors(), [], 'no "Failed to save" while typing');
      ctx.ui.confirmAnswer('corsApply', true);
      await run('applyCors', editor.document.uri);
      assert.equal(ctx.ui.confirms[0]!.detail, '~ Access-Control-Max-Age: "1600" → "16009"');
      assert.deepEqual(calls(), [
        'GET /v1/buckets/media-assets/cors',
        'POST /v1/buckets/media-assets/cors {"Access-Control-Allow-Origin":"https://media-storage.us-west.qencode.com","Access-Control-Allow-Methods":"GET, PUT, POST, DELETE","Access-Control-Max-Age":"16009","Access-Control-Allow-Credentials":"true"}',
        'GET /v1/buckets/media-assets/cors',
      ]);
      assert.equal(maxAge(), '16009');
    });
  }

  it('the CodeLens at the top says whether the document is on the CDN, and offers Apply', async () => {
    const editor = await openCors(project, 'promo-clips');
    const titles = async () =>
      (
        (await vscode.commands.executeCommand<vscode.CodeLens[]>(
          'vscode.executeCodeLensProvider',
          editor.document.uri,
        )) ?? []
      ).map((l) => l.command?.title ?? '');
    assert.deepEqual(await titles(), ['$(check) Same as on the CDN', 'Compare with CDN', 'Test from an origin…']);
    await replace(editor, { 'Access-Control-Allow-Origin': 'https://player.example.com' });
    assert.deepEqual(await titles(), [
      '$(cloud-upload) Apply to CDN…',
      '$(circle-filled) Not on the CDN yet',
      'Discard Changes',
      'Compare with CDN',
      'Test from an origin…',
    ]);
    await replace(editor, { 'Access-Control-Max-Age': 'soon' });
    assert.deepEqual(await titles(), [
      '$(error) Not applied: fix the errors below',
      'Discard Changes',
      'Compare with CDN',
      'Test from an origin…',
    ]);
  });
});
