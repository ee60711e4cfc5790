import * as vscode from 'vscode';
import type { Command } from '../../commands';
import {
  mapUrl,
  qencodeUrlAt,
  qencodeUrlsIn,
  URL_SCAN,
  validateObjectPath,
  type Domain,
  type PurgeTarget,
  type QencodeUrl,
} from '../../core';
import { confirm, Hint } from '../../actions';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { BucketNode } from '../buckets/node';
import { pickProject } from '../projects/picker';
import { MAX_VERIFY_URLS } from '../edge/verify-plan';
import { knownDomains, ownerOf, urlHover } from './url-hover';

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

const NOT_ON_A_URL = () =>
  t(
    'There is no Qencode URL at the cursor. Right-click on a URL of a media-storage host or of one of your vod domains, or select the lines that hold them.',
  );

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

async function projectFor(s: Services, urls: readonly string[]): Promise<ProjectNode> {
  const roots = s.explorer.roots();
  const hosts = new Set(urls.map((u) => new URL(u).hostname.toLowerCase()));
  const owners = roots.filter((r) => r.data.peek('domains').some((d) => hosts.has(d.name)));
  return owners.length === 1 ? owners[0]! : pickProject(s, undefined);
}

/** The Qencode URLs given (a hover link, a code action) or at the cursor: their project, each mapped to bucket and path (what maps to nothing is left out and said), confirmed, then purged. */
export async function purgeUrl(s: Services, value?: unknown): Promise<void> {
  const urls = urlsOf(value) ?? cursorUrls(knownDomains(s));
  if (!urls?.length) throw new Hint(NOT_ON_A_URL());
  const project = await projectFor(s, urls);
  const domains = await s
    .ui()
    .loading(t('Loading playback domains…'), () => project.data.items('domains').catch(() => [] as Domain[]));
  const targets: PurgeTarget[] = [];
  const mapped: string[] = [];
  const problems: string[] = [];
  for (const url of urls) {
    const target = mapUrl(url, domains);
    if ('reason' in target) problems.push(`${url}: ${target.reason}`);
    else {
      targets.push(target);
      mapped.push(url);
    }
  }
  if (targets.length === 0) throw new Error(t('nothing can be purged: {0}', problems.slice(0, 5).join('; ')));
  await confirm(
    s.ui(),
    'purgeUrl',
    targets.length === 1
      ? t('Purge {0} in {1}?', targets[0]!.path, targets[0]!.bucket)
      : t('Purge {0} objects?', targets.length),
    [
      ...targets.slice(0, 10).map((x) => `${x.bucket}/${x.path}`),
      ...(targets.length > 10 ? [t('…and {0} more', targets.length - 10)] : []),
      ...(problems.length ? ['', t('Left out ({0}):', problems.length), ...problems.slice(0, 5)] : []),
    ].join('\n'),
    t('Purge'),
  );
  // The URLs themselves are what Verify looks at (the most a verification looks at: MAX_VERIFY_URLS).
  await s.purge.run(project, [targets], undefined, { urls: mapped.slice(0, MAX_VERIFY_URLS) });
}

/** The object path of the URL given or at the cursor, checked, to the clipboard. */
export async function copyPath(s: Services, value?: unknown): Promise<void> {
  const [url] = urlsOf(value) ?? cursorUrls(knownDomains(s)) ?? [];
  if (!url) throw new Hint(NOT_ON_A_URL());
  const target = mapUrl(url, knownDomains(s));
  if ('reason' in target) throw new Error(target.reason);
  const checked = validateObjectPath(target.path);
  if (!checked.ok) throw new Error(checked.message);
  await vscode.env.clipboard.writeText(checked.value);
}

/** The bucket of the URL given or at the cursor, shown in the explorer under its project. */
export async function revealBucket(s: Services, value?: unknown): Promise<void> {
  const [url] = urlsOf(value) ?? cursorUrls(knownDomains(s)) ?? [];
  const found = url ? qencodeUrlsIn(url, knownDomains(s))[0] : undefined;
  if (!found) throw new Hint(NOT_ON_A_URL());
  const owner = ownerOf(s, found);
  if (!owner) throw new Error(t('bucket {0} is not in a project loaded in this window', found.bucket));
  const shown = await s.explorer.reveal(
    s.treeView,
    owner.group('buckets'),
    (r) => r instanceof BucketNode && r.name === found.bucket,
  );
  if (!shown) throw new Error(t('bucket {0} is not listed in project {1}', found.bucket, owner.project.name));
}

/** The commands on Qencode URLs in any file (the hover's links, code actions and the editor's menu). */
export const urlCommands = (): Command[] => [
  { id: 'qencodeCdn.purgeUrl', name: t('Purge URL'), run: purgeUrl },
  { id: 'qencodeCdn.copyPath', name: t('Copy path'), run: copyPath },
  { id: 'qencodeCdn.revealBucket', name: t('Reveal bucket'), run: revealBucket },
];
