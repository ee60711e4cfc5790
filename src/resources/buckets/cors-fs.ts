import * as vscode from 'vscode';
import * as api from '../../core';
import { errorMessage, isQencodeError, parseCorsDocument, validateBucketName, type CorsPolicy } from '../../core';
import type { DataLayer } from '../../data';
import { shown, type Log } from '../../log';
import type { Ui } from '../../ui';
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

/**
 * A bucket's CORS policy as a JSON document. Reading fetches and pretty-prints;
 * saving validates (nothing is sent if the document is invalid), checks that the
 * remote policy has not changed since it was read, makes the remote policy equal
 * to the document whatever POST's merge semantics, and reads it back.
 */
export class CorsFileSystem implements vscode.FileSystemProvider, vscode.TextDocumentContentProvider, vscode.Disposable {
  /**
   * Per document: the policy as last read or written (for conflict checks) and an
   * mtime that moves only when this provider changes the document, so VS Code's own
   * "modified since" check never fires on a plain read. Size is reported as 0.
   */
  private readonly snapshots = new Map<string, { policy?: CorsPolicy; mtime: number }>();
  private readonly remoteTexts = new Map<string, string>();
  private readonly fileChanged = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.fileChanged.event;
  private readonly remoteChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.remoteChanged.event;
  /** Buckets whose unusable headers the user was told of already, this session. */
  private readonly warnedDropped = new Set<string>();

  constructor(
    private readonly projects: Projects,
    private readonly data: DataLayer,
    private readonly log: Log,
    private readonly ui: () => Ui,
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

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { projectId, bucket } = parseUri(uri);
    // What the tree read is reused while fresh (the same rule as the lists).
    const policy = await this.fetch(projectId, bucket, t('Reading the CORS policy of {0}', bucket), true);
    this.entry(uri).policy = policy;
    return Buffer.from(formatPolicy(policy));
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const { projectId, bucket } = parseUri(uri);
    const parsed = parseCorsDocument(Buffer.from(content).toString('utf8'));
    if (!parsed.ok) throw new vscode.FileSystemError(t('The CORS policy was not saved, and nothing was sent: {0}', parsed.message));
    const wanted = parsed.value;
    const client = this.client(projectId);
    try {
      const { policy: current, dropped } = await api.getCorsReply(client, bucket);
      const snapshot = this.entry(uri).policy;
      if (snapshot && !samePolicy(snapshot, current)) await this.resolveConflict(uri, bucket, current);
      const plan = planCorsSave(current, wanted);
      if (plan.deleteAll && dropped.length) {
        // The headers this editor cannot show would go too: say so before they do.
        const remove = t('Remove Them Too');
        const choice = await this.ui().ask(
          'corsDropAll',
          t('Saving replaces the whole CORS policy of {0}, which also removes headers this editor cannot show: {1}.', bucket, dropped.join(', ')),
          t('Their values are not text. Remove them too, or cancel and keep the policy as it is.'),
          remove,
        );
        if (choice !== remove) throw new vscode.FileSystemError(t('Not saved: the CORS policy of {0} was left as it is.', bucket));
      }
      if (plan.deleteAll) await api.deleteCors(client, bucket);
      for (const header of plan.deleteHeaders) await this.deleteHeader(client, bucket, header);
      if (plan.post) await api.setCors(client, bucket, wanted);
      // Read back, so the editor shows what the CDN now holds.
      const now = await api.getCors(client, bucket);
      const entry = this.entry(uri);
      entry.policy = now;
      entry.mtime = Date.now();
      if (!samePolicy(now, wanted)) {
        // The CDN holds something else than what was written: the editor reloads it.
        entry.mtime += 1;
        this.fileChanged.fire([{ type: vscode.FileChangeType.Changed, uri }]);
      }
      this.data.project(projectId).invalidate('cors', bucket);
    } catch (error) {
      if (error instanceof vscode.FileSystemError) throw error;
      const message = shown(errorMessage(error));
      this.log.error(`save CORS policy of ${bucket}: ${message}`);
      throw new vscode.FileSystemError(message);
    }
  }

  private async deleteHeader(client: api.QencodeClient, bucket: string, header: string): Promise<void> {
    try {
      await api.deleteCorsHeader(client, bucket, header);
    } catch (error) {
      if (!(isQencodeError(error, 'http') && error.status === 404)) throw error; // already gone is what we want
    }
  }

  private async resolveConflict(uri: vscode.Uri, bucket: string, remote: CorsPolicy): Promise<void> {
    const overwrite = t('Overwrite');
    const compare = t('Compare');
    const choice = await this.ui().ask(
      'corsConflict',
      t('The CORS policy of {0} changed on the CDN since you opened it.', bucket),
      t('Overwrite it with your document, or compare the two first?'),
      overwrite,
      compare,
    );
    if (choice === overwrite) return;
    if (choice === compare) await this.showDiff(uri, bucket, remote);
    throw new vscode.FileSystemError(t('Not saved: the CORS policy of {0} changed on the CDN. Compare, then save again to overwrite.', bucket));
  }

  /** A read-only view of what the CDN holds now, beside the document. */
  async compareWithRemote(uri: vscode.Uri): Promise<void> {
    const { projectId, bucket } = parseUri(uri);
    const remote = await this.fetch(projectId, bucket, t('Reading the CORS policy of {0}', bucket), false);
    // Comparing accepts the remote as the new base: the next save overwrites knowingly.
    this.entry(uri).policy = remote;
    await this.showDiff(uri, bucket, remote);
  }

  private async showDiff(uri: vscode.Uri, bucket: string, remote: CorsPolicy): Promise<void> {
    const left = uri.with({ scheme: REMOTE_SCHEME });
    this.remoteTexts.set(left.toString(), formatPolicy(remote));
    this.remoteChanged.fire(left);
    await vscode.commands.executeCommand('vscode.diff', left, uri, t('{0} CORS: on the CDN ↔ your document', bucket));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.remoteTexts.get(uri.toString()) ?? '{}\n';
  }

  private client(projectId: string): api.QencodeClient {
    if (!this.projects.get(projectId)) throw vscode.FileSystemError.Unavailable(t('This project was removed from the editor.'));
    return this.projects.client(projectId);
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
          t('The CORS policy of {0} has headers this editor cannot show, as their values are not text: {1}. Saving leaves them as they are, unless the whole policy is replaced (you are asked first).', bucket, dropped.join(', ')),
        );
      }
      return policy;
    } catch (error) {
      if (error instanceof vscode.FileSystemError) throw error;
      const message = shown(errorMessage(error));
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
  }
}
