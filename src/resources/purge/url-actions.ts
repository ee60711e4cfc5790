import * as vscode from 'vscode';
import type { Command } from '../../commands';
import { onFirstUse } from '../../core/first-use';
import { qencodeUrlAt, qencodeUrlsIn, URL_SCAN, type Domain, type QencodeUrl } from '../../core';
import type { Services } from '../../services';
import { knownDomains, urlHover } from './url-hover';

const t = vscode.l10n.t;

/**
 * Qencode URLs wherever they appear: a hover with what the URL is and what can be
 * done with it, code actions for one URL or every one in a selection, and a context
 * key for the editor's context menu. Cheap: one line is read, no request is made,
 * and the known vod domains are the data layer's lists as last read.
 */
export function registerUrlActions(context: vscode.ExtensionContext, s: Services): void {
  const editorKey = new EditorUrlsKey(() => knownDomains(s));
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(
      { scheme: '*' },
      { provideHover: (document, position) => urlHover(s, document, position) },
    ),
    vscode.languages.registerCodeActionsProvider(
      { scheme: '*' },
      { provideCodeActions: (document, range) => urlCodeActions(s, document, range) },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
    // For the editor's context menu: does the document hold Qencode URLs (manifests among them)?
    // Per document, not per cursor: the menu opens before a cursor-based key could follow the click.
    vscode.window.onDidChangeActiveTextEditor(() => editorKey.update()),
    vscode.workspace.onDidChangeTextDocument(
      (e) => e.document === vscode.window.activeTextEditor?.document && editorKey.later(),
    ),
    s.data.onDidChange((change) => change.resource === 'domains' && editorKey.later()),
    editorKey,
  );
  editorKey.update();
}

/** Code actions for the Qencode URL at the cursor, or every one in the selection (its first URL_SCAN.selectionChars). */
function urlCodeActions(s: Services, document: vscode.TextDocument, range: vscode.Range): vscode.CodeAction[] {
  const domains = knownDomains(s);
  const selected = range.isEmpty ? undefined : boundedText(document, range);
  const urls = selected
    ? qencodeUrlsIn(selected.text, domains)
    : [qencodeUrlAt(document.lineAt(range.start.line).text, range.start.character, domains)].filter(
        (u): u is QencodeUrl => !!u,
      );
  if (urls.length === 0) return [];
  const action = (title: string, command: string, value: unknown) => {
    const a = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix.append('qencode'));
    a.command = { title, command, arguments: [value] };
    return a;
  };
  if (urls.length === 1) {
    const u = urls[0]!;
    return [
      action(t('Qencode: purge {0}', u.path), 'qencodeCdn.purgeUrl', { url: u.url }),
      ...(u.manifest
        ? [action(t('Qencode: purge the stream {0}', u.path), 'qencodeCdn.purgeStream', { url: u.url })]
        : []),
      action(t('Qencode: check {0} at the edge', u.path), 'qencodeCdn.checkUrl', { url: u.url }),
    ];
  }
  const title =
    selected?.truncated || urls.length >= URL_SCAN.urls
      ? t('Qencode: purge the first {0} Qencode URLs in the selection', urls.length)
      : t('Qencode: purge the {0} Qencode URLs in the selection', urls.length);
  return [action(title, 'qencodeCdn.purgeUrl', { urls: urls.map((u) => u.url) })];
}

/** `{ url }` or `{ urls }`, as hover links and code actions pass them. */
export function urlsOf(value: unknown): string[] | undefined {
  const v = value as { url?: unknown; urls?: unknown } | undefined;
  if (typeof v?.url === 'string') return [v.url];
  if (Array.isArray(v?.urls) && v.urls.every((u) => typeof u === 'string')) return v.urls as string[];
  return undefined;
}

/** The Qencode URLs at the cursor, or in the selection, of the active editor. */
export function cursorUrls(domains: readonly Domain[]): string[] | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const sel = editor.selection;
  const urls = sel.isEmpty
    ? [qencodeUrlAt(editor.document.lineAt(sel.active.line).text, sel.active.character, domains)].filter(
        (u): u is QencodeUrl => !!u,
      )
    : qencodeUrlsIn(boundedText(editor.document, sel).text, domains);
  return urls.length ? urls.map((u) => u.url) : undefined;
}

/** A selection's text, at most URL_SCAN.selectionChars of it: a code action runs on every move of the cursor. */
function boundedText(document: vscode.TextDocument, range: vscode.Range): { text: string; truncated: boolean } {
  const start = document.offsetAt(range.start);
  const length = document.offsetAt(range.end) - start;
  if (length <= URL_SCAN.selectionChars) return { text: document.getText(range), truncated: false };
  return {
    text: document.getText(new vscode.Range(range.start, document.positionAt(start + URL_SCAN.selectionChars))),
    truncated: true,
  };
}

/**
 * `qencodeCdn.urlsInEditor`: whether the active editor's document holds a Qencode URL
 * ('object') or a manifest URL among them ('manifest'). The commands then act on the
 * position that was clicked (a right-click moves the cursor there first) and say so
 * when no URL is there. Only the first MiB of a document is scanned.
 */
class EditorUrlsKey implements vscode.Disposable {
  private value: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly domains: () => Domain[]) {}

  later(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.update(), 300);
  }

  update(): void {
    const document = vscode.window.activeTextEditor?.document;
    const text = document
      ? document.getText(new vscode.Range(document.positionAt(0), document.positionAt(1024 * 1024)))
      : '';
    const urls = text && /https?:\/\//i.test(text) ? qencodeUrlsIn(text, this.domains(), 200) : [];
    const value = urls.some((u) => u.manifest) ? 'manifest' : urls.length ? 'object' : undefined;
    if (value === this.value) return;
    this.value = value;
    void vscode.commands.executeCommand('setContext', 'qencodeCdn.urlsInEditor', value);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/** Purge URL, Copy Path and Reveal Bucket: dist/url-commands.js, loaded on first use. */
const urlChunk = /* @__PURE__ */ onFirstUse(
  'url-commands.js',
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  () => require('./url-commands') as typeof import('./url-commands'),
);

/** The commands on Qencode URLs in any file (the hover's links, code actions and the editor's menu). */
export const urlCommands = (): Command[] => [
  { id: 'qencodeCdn.purgeUrl', name: t('Purge URL'), run: (s, value) => urlChunk().purgeUrl(s, value) },
  { id: 'qencodeCdn.copyPath', name: t('Copy path'), run: (s, value) => urlChunk().copyPath(s, value) },
  { id: 'qencodeCdn.revealBucket', name: t('Reveal bucket'), run: (s, value) => urlChunk().revealBucket(s, value) },
];
