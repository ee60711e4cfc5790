import { execFile } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorMessage, type CreatedSigningKey } from '../../core';
import type { Log } from '../../log';
import type { Ui } from '../../ui';
import { keyFileBase } from './key-file';

const t = vscode.l10n.t;
export const KEYS_DIR = path.join('.qencode', 'keys');

/** Where a private key may be written: the window's folders, if the user trusts them. */
export interface KeyWindow {
  folders(): readonly vscode.WorkspaceFolder[] | undefined;
  trusted(): boolean;
}

const vscodeWindow: KeyWindow = {
  folders: () => vscode.workspace.workspaceFolders,
  trusted: () => vscode.workspace.isTrusted,
};

export type KeptWhere = { kind: 'file'; path: string; git?: GitStatus } | { kind: 'editor'; reason: string };

/**
 * The API returns a signing key's private key once. From the moment it arrives it
 * is held here, in memory, until it is in a file the user controls; if no file
 * can be written it goes into an editor with a warning. It is never logged.
 */
export class PrivateKeys implements vscode.Disposable {
  /** Keys received but not yet in a file: `${projectId}/${keyId}` to PEM. */
  private readonly unsaved = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly log: Log,
    private readonly ui: () => Ui,
    /** The window this runs in: its folders, and whether the user trusts them. */
    private readonly window: KeyWindow = vscodeWindow,
  ) {
    // A key shown in an untitled editor counts as saved once that text is saved anywhere.
    this.subscription = vscode.workspace.onDidSaveTextDocument((doc) => {
      const text = doc.getText();
      for (const [id, pem] of this.unsaved) if (text.includes(pem.trim())) this.markSaved(id);
    });
  }

  isUnsaved(projectId: string, keyId: string): boolean {
    return this.unsaved.has(`${projectId}/${keyId}`);
  }

  /**
   * Puts a new private key somewhere the user controls; never throws and never drops it.
   * `domainName` names the file of an unnamed key that signs for a live domain.
   */
  async keep(projectId: string, key: CreatedSigningKey, domainName?: string): Promise<KeptWhere> {
    const id = `${projectId}/${key.id}`;
    this.log.addSecret(key.privateKey);
    this.unsaved.set(id, key.privateKey);
    const label = key.name ?? key.id;
    const base = keyFileBase(key, domainName);
    let reason: string;
    try {
      const folder = this.window.folders()?.find((f) => f.uri.scheme === 'file');
      if (folder && this.window.trusted()) {
        const file = await writeKeyFile(folder.uri.fsPath, base, key.privateKey);
        this.markSaved(id);
        const git = await gitStatusOf(folder.uri.fsPath, file);
        void this.announce(folder.uri.fsPath, file, label, git);
        return { kind: 'file', path: file, git };
      }
      // In Restricted Mode nothing is written into the folder unasked and git is not run
      // (a hostile repository's config could make git run a program): the user chooses
      // the file, starting in the home folder, outside the untrusted repository.
      const target = await this.ui().saveDialog('privateKeyFile', {
        title: folder
          ? t('Save the private key of signing key {0}: this folder is in Restricted Mode, so choose where', label)
          : t('Save the private key of signing key {0}', label),
        defaultUri: vscode.Uri.file(path.join(os.homedir(), `${base}.pem`)),
        filters: { [t('PEM private key')]: ['pem'] },
      });
      if (target) {
        if (target.scheme === 'file') await writeChosenFile(target.fsPath, key.privateKey);
        else await vscode.workspace.fs.writeFile(target, Buffer.from(key.privateKey));
        this.markSaved(id);
        void this.ui().notify(
          'privateKeySaved',
          'info',
          t(
            'The private key of signing key {0} was saved to {1}. It cannot be downloaded again.',
            label,
            target.fsPath || target.toString(),
          ),
        );
        return { kind: 'file', path: target.fsPath };
      }
      reason = t('no file was chosen');
    } catch (error) {
      reason = errorMessage(error);
      this.log.error(`saving a private key failed: ${reason}`);
    }
    try {
      await this.showInEditor(key.privateKey);
    } catch (error) {
      reason += `; ${errorMessage(error)}`;
    }
    void this.ui().notify(
      'privateKeyUnsaved',
      'warning',
      t(
        'The private key of signing key {0} could not be saved to a file ({1}). It is open in an unsaved editor: save it somewhere safe now. Qencode will not show it again.',
        label,
        reason,
      ),
    );
    this.changed.fire();
    return { kind: 'editor', reason };
  }

  private async showInEditor(pem: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument({ content: pem, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  private markSaved(id: string): void {
    if (this.unsaved.delete(id)) this.changed.fire();
  }

  /** Says where the key is, with Open and Reveal; git is mentioned only in a repository that would not ignore it. */
  private async announce(root: string, file: string, label: string, git: GitStatus): Promise<void> {
    const relative = path.relative(root, file);
    const open = t('Open');
    const reveal = t('Reveal in Explorer');
    const add = t('Add to .gitignore');
    const exposed = git === 'not-ignored';
    const choice = await this.ui().notify(
      exposed ? 'privateKeyNotIgnored' : 'privateKeySaved',
      exposed ? 'warning' : 'info',
      exposed
        ? t(
            'The private key of signing key {0} is in {1} (readable only by you), in a git repository that does not ignore that file. Add {2} to .gitignore so it is never committed?',
            label,
            relative,
            '.qencode/keys/',
          )
        : t(
            'The private key of signing key {0} is in {1}, readable only by you. Qencode will not show it again: keep the file safe.',
            label,
            relative,
          ),
      ...(exposed ? [add] : []),
      open,
      reveal,
    );
    const uri = vscode.Uri.file(file);
    if (choice === open) await vscode.window.showTextDocument(uri, { preview: false });
    if (choice === reveal) await vscode.commands.executeCommand('revealInExplorer', uri);
    if (choice === add) {
      await addToGitignore(root).catch((error: unknown) =>
        this.ui().notify('gitignoreFailed', 'warning', t('.gitignore was not changed: {0}', errorMessage(error))),
      );
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * Writes `<root>/.qencode/keys/<base>.pem`, mode 0600, created exclusively (an existing
 * file is never overwritten: `<base>-2.pem` and so on), and refuses a folder whose
 * real path leaves the workspace (a symbolic link included).
 */
export async function writeKeyFile(root: string, base: string, pem: string): Promise<string> {
  // One level at a time, never through a symbolic link: mkdir -p would follow a
  // `.qencode` link out of the folder and create `keys` there before any check.
  let dir = root;
  for (const part of KEYS_DIR.split(path.sep)) {
    dir = path.join(dir, part);
    try {
      await fs.mkdir(dir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stat = await fs.lstat(dir);
    if (stat.isSymbolicLink() || !stat.isDirectory()) {
      throw new Error(
        t('{0} is a symbolic link or not a folder, so the key was not written there', path.relative(root, dir)),
      );
    }
  }
  const realRoot = await fs.realpath(root);
  const realDir = await fs.realpath(dir);
  if (realDir !== path.join(realRoot, KEYS_DIR)) {
    throw new Error(
      t('{0} leads outside the workspace folder (a symbolic link?), so the key was not written there', KEYS_DIR),
    );
  }
  for (let n = 1; n <= 1000; n++) {
    const file = path.join(realDir, `${base}${n > 1 ? `-${n}` : ''}.pem`);
    if (await writeExclusive(file, pem)) return file;
  }
  throw new Error(t('too many key files named {0} already exist', base));
}

/** O_CREAT|O_EXCL with mode 0600: fails on any existing file or link. Returns false when the name is taken. */
async function writeExclusive(file: string, pem: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  await fillAndClose(handle, pem);
  return true;
}

/** A file the user chose in the Save dialog: it may be replaced, but never through a symbolic link. */
async function writeChosenFile(file: string, pem: string): Promise<void> {
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fsConstants;
  const handle = await fs.open(file, O_WRONLY | O_CREAT | O_TRUNC | (O_NOFOLLOW ?? 0), 0o600);
  await fillAndClose(handle, pem);
}

async function fillAndClose(handle: fs.FileHandle, pem: string): Promise<void> {
  try {
    await handle.chmod(0o600); // an existing file, or the umask, may have had looser rights
    await handle.writeFile(pem);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Settings that make git run a program, overridden on the command line (which beats
 * any repository config): a cloned repository's `.git/config` must not run code.
 */
const GIT_NEUTRAL_CONFIG = ['-c', 'core.fsmonitor=false', '-c', `core.hooksPath=${os.devNull}`, '-c', 'core.pager=cat'];

/** Whether git would commit a file: it ignores it, it would not, or the folder is no git repository (or git cannot tell). */
export type GitStatus = 'ignored' | 'not-ignored' | 'no-repository';

/**
 * git's own answer when git and a repository are there; else a look at .git and
 * .gitignore. Only ever called for a trusted folder. git runs from a neutral directory
 * (`-C` names the folder), so no program in the folder can stand in for git.
 */
export async function gitStatusOf(root: string, file: string): Promise<GitStatus> {
  // On Windows a program is looked for in the working directory before PATH, so git is not run there at all.
  const code =
    process.platform === 'win32'
      ? undefined
      : await new Promise<number | undefined>((resolve) => {
          execFile(
            'git',
            [...GIT_NEUTRAL_CONFIG, '-C', root, 'check-ignore', '-q', '--', file],
            {
              cwd: os.tmpdir(),
              timeout: 5000,
              env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' },
            },
            (error) => {
              if (!error) return resolve(0);
              const c = (error as { code?: unknown }).code;
              resolve(typeof c === 'number' ? c : undefined);
            },
          );
        });
  if (code === 0) return 'ignored';
  if (code === 1) return 'not-ignored';
  // git said neither (128: not a repository, or it could not tell) or did not run: a .git entry says whether it is one.
  if (!(await fs.lstat(path.join(root, '.git')).catch(() => undefined))) return 'no-repository';
  const text = await readRegularFile(path.join(root, '.gitignore'));
  if (text === undefined) return 'not-ignored';
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  return lines.some((l) =>
    [
      '.qencode',
      '.qencode/',
      '/.qencode',
      '/.qencode/',
      '.qencode/keys',
      '.qencode/keys/',
      '/.qencode/keys/',
      '*.pem',
    ].includes(l),
  )
    ? 'ignored'
    : 'not-ignored';
}

/** A file's text if it is a plain file (not a link, a FIFO or a device) of a sane size. */
async function readRegularFile(file: string): Promise<string | undefined> {
  try {
    const stat = await fs.lstat(file);
    if (!stat.isFile() || stat.size > 1024 * 1024) return undefined;
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function addToGitignore(root: string): Promise<void> {
  const file = path.join(root, '.gitignore');
  const existing = await readRegularFile(file);
  if (existing === undefined && (await fs.lstat(file).catch(() => undefined)))
    throw new Error(t('.gitignore is not a plain file, so it was not changed'));
  const prefix = existing && !existing.endsWith('\n') ? '\n' : '';
  const { O_WRONLY, O_CREAT, O_APPEND, O_NOFOLLOW } = fsConstants;
  const handle = await fs.open(file, O_WRONLY | O_CREAT | O_APPEND | (O_NOFOLLOW ?? 0), 0o644);
  try {
    await handle.writeFile(`${prefix}# Private keys of Qencode signing keys\n.qencode/keys/\n`);
  } finally {
    await handle.close();
  }
}
