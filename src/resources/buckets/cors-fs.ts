import * as vscode from 'vscode';
import * as api from '../../core';
import { errorMessage, isQencodeError, parseCorsDocument, validateBucketName, type CorsPolicy } from '../../core';
import type { DataLayer } from '../../data';
import { storeState } from '../../data/project-state';
import type { Log } from '../../log';
import type { Ui } from '../../ui';
import type { Clients } from '../projects/clients';
import type { Projects } from '../projects/store';
import { formatPolicy, planCorsSave, samePolicy } from './cors-plan';

const t = vscode.l10n.t;
export const CORS_SCHEME = 'qencode-cors';
const REMOTE_SCHEME = 'qencode-cors-remote';

/**
 * `qencode-cors://<projectId>/<bucket>.cors.json`: one document per project and bucket.
 * The project id is the authority, so the breadcrumb shows just the file name.
 */
export function corsUri(projectId: string, bucket: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CORS_SCHEME, authority: projectId, path: `/${bucket}.cors.json` });
}

function parseUri(uri: vscode.Uri): { projectId: string; bucket: string } {
  const m = /^\/([^/]+)\.cors\.json$/.exec(uri.path);
  if (!m || !uri.authority || !validateBucketName(m[1]!).ok) throw vscode.FileSystemError.FileNotFound(uri);
  return { projectId: uri.authority, bucket: m[1]! };
}

/** A document's edits not yet applied to the CDN, and the policy they were made on. Kept in global state (not secret). */
interface Draft {
  text: string;
  /** The CDN's policy when the document was read: a change on the CDN since then is a conflict. */
  base?: CorsPolicy;
}

const DRAFTS_KEY = 'qencodeCdn.corsDrafts';
/** A CORS document is a few hundred bytes; anything much larger is not one. */
const MAX_DRAFT_CHARS = 256 * 1024;

/**
 * A bucket's CORS policy as a JSON document. Reading fetches and pretty-prints.
 * **Saving never changes the CDN**: whatever saves the document (Ctrl+S, auto-save
 * after a delay or on focus change, another extension) keeps it here as a draft, so a
 * half-typed policy never goes live. Only *Apply to CDN* (cors-apply.ts) sends it,
 * after showing what will change. A draft survives a reload (global state).
 */
export class CorsFileSystem
  implements vscode.FileSystemProvider, vscode.TextDocumentContentProvider, vscode.Disposable
{
  /**
   * Per document: the CDN's policy as last read or applied (for conflict checks) and an
   * mtime that moves only when this provider changes the document, so VS Code's own
   * "modified since" check never fires on a plain read. Size is reported as 0.
   */
  private readonly snapshots = new Map<string, { policy?: CorsPolicy; mtime: number }>();
  private readonly remoteTexts = new Map<string, string>();
  private readonly fileChanged = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.fileChanged.event;
  private readonly remoteChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.remoteChanged.event;
  private readonly draftsChanged = new vscode.EventEmitter<vscode.Uri>();
  /** A draft was kept, applied or discarded. */
  readonly onDidChangeDraft = this.draftsChanged.event;
  /** Buckets whose unusable headers the user was told of already, this session. */
  private readonly warnedDropped = new Set<string>();

  constructor(
    private readonly projects: Projects,
    private readonly clients: Clients,
    private readonly data: DataLayer,
    private readonly log: Log,
    private readonly ui: () => Ui,
    private readonly state: vscode.Memento,
  ) {}

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => {});
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    parseUri(uri);
    return { type: vscode.FileType.File, ctime: 0, mtime: this.entry(uri).mtime, size: 0 };
  }

  private entry(uri: vscode.Uri): { policy?: CorsPolicy; mtime: number } {
    let entry = this.snapshots.get(uri.toString());
    if (!entry) this.snapshots.set(uri.toString(), (entry = { mtime: Date.now() }));
    return entry;
  }

  private drafts(): Record<string, Draft> {
    return this.state.get<Record<string, Draft>>(DRAFTS_KEY, {});
  }

  /** The draft of a document, if it has edits not applied to the CDN. */
  draft(uri: vscode.Uri): Draft | undefined {
    const all = this.drafts();
    return Object.hasOwn(all, uri.toString()) ? all[uri.toString()] : undefined;
  }

  private async setDraft(uri: vscode.Uri, draft: Draft | undefined): Promise<void> {
    const all = { ...this.drafts() };
    if (draft) all[uri.toString()] = draft;
    else delete all[uri.toString()];
    await storeState(this.state, DRAFTS_KEY, all);
    this.draftsChanged.fire(uri);
  }

  /** Drops the drafts of projects no longer in the editor (Remove API Key takes everything of a project). */
  async pruneDrafts(projectIds: readonly string[]): Promise<void> {
    const all = this.drafts();
    const kept = Object.fromEntries(
      Object.entries(all).filter(([uri]) => projectIds.includes(vscode.Uri.parse(uri).authority)),
    );
    if (Object.keys(kept).length !== Object.keys(all).length) await storeState(this.state, DRAFTS_KEY, kept);
  }

  /** The CDN's policy this document was read from (or last applied), when it is known. */
  basePolicy(uri: vscode.Uri): CorsPolicy | undefined {
    return this.entry(uri).policy ?? this.draft(uri)?.base;
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { projectId, bucket } = parseUri(uri);
    const draft = this.draft(uri);
    if (draft) {
      if (draft.base) this.entry(uri).policy = draft.base;
      return Buffer.from(draft.text);
    }
    // What the tree read is reused while fresh (the same rule as the lists).
    const policy = await this.fetch(projectId, bucket, t('Reading the CORS policy of {0}', bucket), true);
    this.entry(uri).policy = policy;
    return Buffer.from(formatPolicy(policy));
  }

  /** Keeps the text as a draft; sends nothing (see the class comment). A text that equals the CDN's policy is no draft. */
  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    parseUri(uri);
    const text = Buffer.from(content).toString('utf8');
    if (text.length > MAX_DRAFT_CHARS)
      throw vscode.FileSystemError.NoPermissions(
        t('A CORS document is at most {0} KB; this one is larger, so it was not kept.', MAX_DRAFT_CHARS / 1024),
      );
    const base = this.basePolicy(uri);
    const parsed = parseCorsDocument(text);
    const inSync = parsed.ok && base !== undefined && samePolicy(parsed.value, base);
    await this.setDraft(uri, inSync ? undefined : { text, ...(base ? { base } : {}) });
    this.entry(uri).mtime = Date.now();
  }

  /**
   * After the CDN changed (applied) or the user discarded the draft: the draft goes, and
   * an open document shows what the CDN holds, saved (so it is not dirty). No re-read.
   */
  async showRemote(uri: vscode.Uri, policy: CorsPolicy): Promise<void> {
    const entry = this.entry(uri);
    entry.policy = policy;
    await this.setDraft(uri, undefined);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc) return;
    const text = formatPolicy(policy);
    if (doc.getText() !== text) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
      await vscode.workspace.applyEdit(edit);
    }
    // Saving text equal to the CDN's policy keeps no draft.
    if (doc.isDirty) await doc.save();
  }

  /** The client and the CDN's policy now, for Apply; a removed project is unavailable. */
  async remote(
    uri: vscode.Uri,
  ): Promise<{ projectId: string; bucket: string; client: api.QencodeClient; policy: CorsPolicy; dropped: string[] }> {
    const { projectId, bucket } = parseUri(uri);
    const client = this.client(projectId);
    const { policy, dropped } = await api.getCorsReply(client, bucket);
    return { projectId, bucket, client, policy, dropped };
  }

  /** Makes the CDN hold `wanted` (the plan of cors-plan.ts), reads it back, and shows it. */
  async send(
    uri: vscode.Uri,
    remote: Awaited<ReturnType<CorsFileSystem['remote']>>,
    wanted: CorsPolicy,
  ): Promise<CorsPolicy> {
    const { client, bucket, projectId, policy: current } = remote;
    const plan = planCorsSave(current, wanted);
    if (plan.deleteAll) await api.deleteCors(client, bucket);
    for (const header of plan.deleteHeaders) await this.deleteHeader(client, bucket, header);
    if (plan.post) await api.setCors(client, bucket, wanted);
    // Read back, so the editor shows what the CDN now holds.
    const now = await api.getCors(client, bucket);
    this.data.project(projectId).invalidate('cors', bucket);
    await this.showRemote(uri, now);
    return now;
  }

  private async deleteHeader(client: api.QencodeClient, bucket: string, header: string): Promise<void> {
    try {
      await api.deleteCorsHeader(client, bucket, header);
    } catch (error) {
      if (!(isQencodeError(error, 'http') && error.status === 404)) throw error; // already gone is what we want
    }
  }

  /** A read-only view of what the CDN holds now, beside the document. */
  async compareWithRemote(uri: vscode.Uri): Promise<void> {
    const { projectId, bucket } = parseUri(uri);
    const remote = await this.fetch(projectId, bucket, t('Reading the CORS policy of {0}', bucket), false);
    // Comparing accepts the remote as the new base: the next Apply overwrites knowingly.
    this.entry(uri).policy = remote;
    const draft = this.draft(uri);
    if (draft) await this.setDraft(uri, { ...draft, base: remote });
    await this.showDiff(uri, bucket, remote);
  }

  async showDiff(uri: vscode.Uri, bucket: string, remote: CorsPolicy): Promise<void> {
    const left = uri.with({ scheme: REMOTE_SCHEME });
    this.remoteTexts.set(left.toString(), formatPolicy(remote));
    this.remoteChanged.fire(left);
    await vscode.commands.executeCommand('vscode.diff', left, uri, t('{0} CORS: on the CDN ↔ your document', bucket));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.remoteTexts.get(uri.toString()) ?? '{}\n';
  }

  private client(projectId: string): api.QencodeClient {
    if (!this.projects.get(projectId))
      throw vscode.FileSystemError.Unavailable(t('This project was removed from the editor.'));
    return this.clients.client(projectId);
  }

  /** The policy, from the data layer's cache when `cached` (and fresh from the CDN otherwise). */
  private async fetch(projectId: string, bucket: string, what: string, cached: boolean): Promise<CorsPolicy> {
    try {
      const data = this.data.project(projectId);
      if (!cached) data.invalidate('cors', bucket);
      this.client(projectId);
      const { policy, dropped } = await data.corsOf(bucket);
      if (dropped.length && !this.warnedDropped.has(`${projectId}/${bucket}`)) {
        this.warnedDropped.add(`${projectId}/${bucket}`);
        void this.ui().notify(
          'corsDropped',
          'warning',
          t(
            'The CORS policy of {0} has headers this editor cannot show, as their values are not text: {1}. Saving leaves them as they are, unless the whole policy is replaced (you are asked first).',
            bucket,
            dropped.join(', '),
          ),
        );
      }
      return policy;
    } catch (error) {
      if (error instanceof vscode.FileSystemError) throw error;
      const message = this.log.shown(errorMessage(error));
      this.log.error(`${what}: ${message}`);
      throw new vscode.FileSystemError(message);
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions(t('CORS documents have no folders.'));
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions(t('To remove a CORS policy, save the document as {}.'));
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions(t('CORS documents cannot be renamed.'));
  }

  static register(fs: CorsFileSystem): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.workspace.registerFileSystemProvider(CORS_SCHEME, fs, { isCaseSensitive: true }),
      vscode.workspace.registerTextDocumentContentProvider(REMOTE_SCHEME, fs),
    );
  }

  dispose(): void {
    this.fileChanged.dispose();
    this.remoteChanged.dispose();
    this.draftsChanged.dispose();
  }
}
