import * as vscode from 'vscode';
import { corsDocumentProblems, parseCorsDocument } from '../../core';
import type { Services } from '../../services';
import { CORS_SCHEME, type CorsFileSystem } from './cors-fs';
import { samePolicy } from './cors-plan';

const t = vscode.l10n.t;

/*
 * What the CORS editor shows around the document: a CodeLens at the top that says
 * whether the document is what the CDN holds and offers Apply to CDN, errors where the
 * document breaks a rule (Apply would refuse it), and, after an explicit save, a note
 * that saving kept a draft and changed nothing on the CDN.
 */
export function registerCorsEditor(context: vscode.ExtensionContext, s: Services): void {
  const cors = s.cors;
  const lensesChanged = new vscode.EventEmitter<void>();
  const diagnostics = vscode.languages.createDiagnosticCollection('qencode-cors');
  const isCors = (d: vscode.TextDocument) => d.uri.scheme === CORS_SCHEME;

  const check = (document: vscode.TextDocument) => {
    if (!isCors(document)) return;
    const text = document.getText();
    diagnostics.set(
      document.uri,
      corsDocumentProblems(text).map((p) => {
        // Where the header's name is, or the first line for a document that is not JSON.
        const at = p.header === undefined ? -1 : text.indexOf(JSON.stringify(p.header));
        const range =
          at < 0
            ? document.lineAt(0).range
            : new vscode.Range(
                document.positionAt(at),
                document.positionAt(text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at)),
              );
        const d = new vscode.Diagnostic(
          range,
          t('{0} Apply to CDN refuses this.', p.message),
          vscode.DiagnosticSeverity.Error,
        );
        d.source = 'Qencode CDN';
        return d;
      }),
    );
  };

  /** Saves the user asked for: their first one gets a note that nothing went to the CDN. */
  const manualSaves = new Set<string>();
  const noted = new Set<string>();

  context.subscriptions.push(
    lensesChanged,
    diagnostics,
    vscode.languages.registerCodeLensProvider(
      { scheme: CORS_SCHEME },
      {
        onDidChangeCodeLenses: lensesChanged.event,
        provideCodeLenses: (document) => corsLenses(cors, document),
      },
    ),
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (!isCors(e.document)) return;
      check(e.document);
      lensesChanged.fire();
    }),
    vscode.workspace.onDidCloseTextDocument((d) => diagnostics.delete(d.uri)),
    cors.onDidChangeDraft((uri) => {
      lensesChanged.fire();
      if (!manualSaves.delete(uri.toString()) || noted.has(uri.toString()) || !cors.draft(uri)) return;
      noted.add(uri.toString());
      const apply = t('Apply to CDN…');
      void s
        .ui()
        .notify(
          'corsDraftSaved',
          'info',
          t(
            'Saved here as a draft: the CDN still serves the CORS policy it had. Use Apply to CDN when the document is ready.',
          ),
          apply,
        )
        .then((choice) => choice === apply && vscode.commands.executeCommand('qencodeCdn.applyCors', uri));
    }),
    vscode.workspace.onWillSaveTextDocument((e) => {
      if (isCors(e.document) && e.reason === vscode.TextDocumentSaveReason.Manual)
        manualSaves.add(e.document.uri.toString());
    }),
  );
  for (const d of vscode.workspace.textDocuments) check(d);
}

/** The lenses at the top of a CORS document: whether it is on the CDN, what can be done with it. */
function corsLenses(cors: CorsFileSystem, document: vscode.TextDocument): vscode.CodeLens[] {
  const top = new vscode.Range(0, 0, 0, 0);
  const lens = (title: string, command = '', tooltip?: string) =>
    new vscode.CodeLens(top, { title, command, arguments: [document.uri], ...(tooltip ? { tooltip } : {}) });
  const compare = lens(t('Compare with CDN'), 'qencodeCdn.compareCors');
  // What the edge serves now, as a browser on an origin would meet it (the CDN's policy, not this draft).
  const test = lens(
    t('Test from an origin…'),
    'qencodeCdn.testCors',
    t('Send what a browser sends from an origin, and see whether it may read an object'),
  );
  const state = draftState(cors, document);
  if (state === 'same') return [lens(t('$(check) Same as on the CDN')), compare, test];
  const discard = lens(t('Discard Changes'), 'qencodeCdn.discardCors', t('Show the policy the CDN holds again'));
  if (state === 'invalid') return [lens(t('$(error) Not applied: fix the errors below')), discard, compare, test];
  return [
    lens(
      t('$(cloud-upload) Apply to CDN…'),
      'qencodeCdn.applyCors',
      t('Show what will change on the CDN, then apply it'),
    ),
    lens(t('$(circle-filled) Not on the CDN yet')),
    discard,
    compare,
    test,
  ];
}

/** Whether the document's text differs from the CDN's policy it was read from ('invalid' when it cannot be read). */
export function draftState(cors: CorsFileSystem, document: vscode.TextDocument): 'same' | 'changed' | 'invalid' {
  const parsed = parseCorsDocument(document.getText());
  if (!parsed.ok) return 'invalid';
  const base = cors.basePolicy(document.uri);
  return base && samePolicy(base, parsed.value) ? 'same' : 'changed';
}
