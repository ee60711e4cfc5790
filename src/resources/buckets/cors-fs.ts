import * as vscode from 'vscode';
import * as api from '../../core';
import {
  errorMessage,
  isCorsHeader,
  isQencodeError,
  parseCorsDocument,
  validateBucketName,
  type CorsPolicy,
} from '../../core';
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

export function parseUri(uri: vscode.Uri): { projectId: string; bucket: string } {
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

  /** How many CORS documents of a project have changes not applied to the CDN. */
  draftCount(projectId: string): number {
    return Object.keys(this.drafts()).filter((uri) => vscode.Uri.parse(uri).authority === projectId).length;
  }

  /** The draft of a document, if it has edits not applied to the CDN. */
  draft(uri: vscode.Uri): Draft | undefined {
    const all = this.drafts();
    return Object.hasOwn(all, uri.toString()) ? all[uri.toString()] : undefined;
  }

  private async setDraft(uri: vscode.Uri, draft: Draft | undefined): Promise<void> {
    // One key holds every window's drafts: the change is made to what is stored when written.
    await storeState<Record<string, Draft>>(this.state, DRAFTS_KEY, (stored) => {
      const all = { ...stored };
      if (draft) all[uri.toString()] = draft;
      else delete all[uri.toString()];
      return all;
    });
    this.draftsChanged.fire(uri);
  }

  /** Drops the drafts of projects no longer in the editor (Remove API Key takes everything of a project). */
  async pruneDrafts(projectIds: readonly string[]): Promise<void> {
    const keep = (all: Record<string, Draft>) =>
      Object.fromEntries(Object.entries(all).filter(([uri]) => projectIds.includes(vscode.Uri.parse(uri).authority)));
    const all = this.drafts();
    if (Object.keys(keep(all)).length !== Object.keys(all).length)
      await storeState<Record<string, Draft>>(this.state, DRAFTS_KEY, (stored) => keep(stored ?? {}));
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
  async showRemote(uri: vscode.Uri, policy: CorsPolicy, applied?: string): Promise<void> {
    const entry = this.entry(uri);
    entry.policy = policy;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    // Typed into while it was being applied: the new text stays, as a draft on what the CDN now holds.
    if (doc && applied !== undefined && doc.getText() !== applied) {
      const draft = this.draft(uri);
      if (draft) await this.setDraft(uri, { ...draft, base: policy });
      return;
    }
    await this.setDraft(uri, undefined);
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

  /**
   * Makes the CDN hold `wanted` (the plan of cors-plan.ts), reads it back, and shows it.
   * The new policy is posted before any header is deleted, so a failed post leaves the
   * old policy whole; where the whole policy must go first, a failed post puts the old
   * one back. On failure the draft stays, and the error says what the CDN holds now.
   */
  async send(
    uri: vscode.Uri,
    remote: Awaited<ReturnType<CorsFileSystem['remote']>>,
    wanted: CorsPolicy,
  ): Promise<CorsPolicy> {
    const { client, bucket, projectId, policy: current } = remote;
    const plan = planCorsSave(current, wanted);
    const applied = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.getText();
    try {
      if (plan.deleteAll) {
        await api.deleteCors(client, bucket);
        if (plan.post) await this.postOrRestore(client, bucket, wanted, current);
      } else {
        if (plan.post) await api.setCors(client, bucket, wanted);
        for (const header of plan.deleteHeaders) await this.deleteHeader(client, bucket, header);
      }
    } catch (error) {
      throw new Error(`${errorMessage(error)} ${await this.afterFailure(uri, client, bucket, projectId, current)}`);
    }
    // Read back, so the editor shows what the CDN now holds.
    const now = await api.getCors(client, bucket);
    this.data.project(projectId).invalidate('cors', bucket);
    await this.showRemote(uri, now, applied);
    return now;
  }

  /** Posts the new policy; if that fails after the old one was deleted, posts the old one back (what the API takes of it). */
  private async postOrRestore(
    client: api.QencodeClient,
    bucket: string,
    wanted: CorsPolicy,
    previous: CorsPolicy,
  ): Promise<void> {
    try {
      await api.setCors(client, bucket, wanted);
    } catch (error) {
      const restorable = Object.fromEntries(Object.entries(previous).filter(([h]) => isCorsHeader(h)));
      if (Object.keys(restorable).length) await api.setCors(client, bucket, restorable).catch(() => undefined);
      throw error;
    }
  }

  /** After a failed Apply: what the CDN holds now, in a sentence; the draft stays, based on it. */
  private async afterFailure(
    uri: vscode.Uri,
    client: api.QencodeClient,
    bucket: string,
    projectId: string,
    before: CorsPolicy,
  ): Promise<string> {
    this.data.project(projectId).invalidate('cors', bucket);
    const now = await api.getCors(client, bucket).catch(() => undefined);
    if (!now) return t('What the CDN holds now could not be read: use Compare with CDN.');
    this.entry(uri).policy = now;
    const draft = this.draft(uri);
    if (draft) await this.setDraft(uri, { ...draft, base: now });
    if (samePolicy(now, before)) return t('Nothing changed on the CDN; your changes are kept here.');
    if (Object.keys(now).length === 0)
      return t('Bucket {0} has no CORS policy on the CDN now; your changes are kept here: Apply again.', bucket);
    return t('The CDN holds a policy that is neither the old one nor yours: Compare with CDN shows it.');
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
            'The CORS policy of {0} has headers this editor cannot show, as their values are not text: {1}. Applying leaves them as they are, unless the whole policy is replaced (you are asked first).',
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
    throw vscode.FileSystemError.NoPermissions(t('To remove a CORS policy, make the document {} and Apply it.'));
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

/** The CORS document a command acts on: the one given, or the active editor's. */
export function corsDocumentUri(value: unknown): vscode.Uri {
  const uri = value instanceof vscode.Uri ? value : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== CORS_SCHEME)
    throw new Error(t('open a CORS document first (Edit CORS Policy on a bucket)'));
  return uri;
}
