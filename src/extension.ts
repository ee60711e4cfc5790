import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { CorsFileSystem } from './cors';
import { DETAILS_SCHEME, DetailsDocuments } from './documents';
import { Log } from './log';
import { PrivateKeys } from './private-keys';
import { registerPurgeCommands } from './purging';
import { Projects } from './projects';
import { Explorer } from './tree';
import { countingSecrets, type TestSurface } from './test-surface';
import { vscodeUi, type Ui } from './ui';

/**
 * The composition root. Activation does no network and no SecretStorage I/O: both
 * wait for the tree. It returns nothing outside the test host: another extension
 * can read whatever activate() returns.
 */
export function activate(context: vscode.ExtensionContext): TestSurface | undefined {
  const started = performance.now();
  const testing = context.extensionMode === vscode.ExtensionMode.Test;
  let ui: Ui = vscodeUi;
  const log = new Log();
  const counted = testing ? countingSecrets(context.secrets) : undefined;
  const projects = new Projects(counted?.secrets ?? context.secrets, context.globalState, log);
  const privateKeys = new PrivateKeys(log, () => ui);
  const explorer = new Explorer(projects, (projectId, keyId) => privateKeys.isUnsaved(projectId, keyId));
  const treeView = vscode.window.createTreeView('qencodeCdn.explorer', { treeDataProvider: explorer, canSelectMany: true, showCollapseAll: true });
  const details = new DetailsDocuments();
  const cors = new CorsFileSystem(projects, log, () => ui);

  void addDemoProject(projects);

  const setHasProjects = () => void vscode.commands.executeCommand('setContext', 'qencodeCdn.hasProjects', projects.list().length > 0);
  setHasProjects();

  context.subscriptions.push(
    log,
    projects,
    privateKeys,
    explorer,
    treeView,
    details,
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, details),
    cors,
    CorsFileSystem.register(cors),
    cors.onDidSave(({ projectId, bucket }) => explorer.refreshBucket(projectId, bucket)),
    projects.onDidChange(setHasProjects),
    // A private key saved (or not) changes the warning on its signing key.
    privateKeys.onDidChange(() => {
      for (const node of explorer.roots()) explorer.redraw(node, ['keys']);
    }),
  );
  const services = { log, ui: () => ui, projects, explorer, details, privateKeys, cors };
  registerCommands(context, services);
  registerPurgeCommands(context, services);

  const activateMs = performance.now() - started;
  if (!counted) return undefined;
  return {
    activateMs,
    explorer,
    projects,
    privateKeys,
    treeView,
    secrets: context.secrets,
    secretReads: counted.reads,
    log,
    storage: { globalState: context.globalState, workspaceState: context.workspaceState, globalStorageUri: context.globalStorageUri, logUri: context.logUri },
    setUi: (replacement) => {
      ui = replacement ?? vscodeUi;
    },
  };
}

/**
 * `npm run demo` starts VS Code with QENCODE_CDN_DEMO_API_KEY set, so the tree is
 * populated at once. Honoured only when no project exists and the API URL is the
 * local emulator: it can never add a key for a real account.
 */
async function addDemoProject(projects: Projects): Promise<void> {
  const key = process.env.QENCODE_CDN_DEMO_API_KEY;
  if (!key || projects.list().length > 0) return;
  const host = (() => {
    try {
      return new URL(projects.apiUrl()).hostname;
    } catch {
      return '';
    }
  })();
  if (host !== '127.0.0.1' && host !== 'localhost') return;
  const project = await projects.add('Demo (local emulator)', key);
  // A history to look at and repeat ("Purge History…"), as if purged from this editor before.
  await projects.recordPurge(project.id, { at: '2024-06-20 10:00:00 UTC', targets: [{ bucket: 'promo-clips', path: null }], purged: 1, failed: 0, notSent: 0 });
  await projects.recordPurge(project.id, {
    at: '2024-10-02 18:30:00 UTC',
    targets: ['master.m3u8', '1080p/index.m3u8', '720p/index.m3u8'].map((p) => ({ bucket: 'live-archive', path: `replays/final/${p}` })),
    purged: 3,
    failed: 0,
    notSent: 0,
  });
}

export function deactivate(): void {}
