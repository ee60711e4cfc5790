import * as vscode from 'vscode';
import { DataLayer } from './data';
import { DETAILS_SCHEME, DetailsDocuments } from './documents';
import { Explorer } from './explorer/explorer';
import { Log, shown } from './log';
import { bucketsGroup } from './resources/buckets/node';
import { registerBucketCommands } from './resources/buckets/commands';
import { CorsFileSystem } from './resources/buckets/cors-fs';
import { registerCommonCommands } from './resources/common';
import { registerDomainCommands } from './resources/domains/commands';
import { domainsGroup } from './resources/domains/node';
import { registerKeyCommands } from './resources/keys/commands';
import { keysGroup } from './resources/keys/node';
import { PrivateKeys } from './resources/keys/private-keys';
import { reenterApiKey, registerProjectCommands } from './resources/projects/commands';
import { Projects } from './resources/projects/store';
import { registerPurgeCommands } from './resources/purge/commands';
import { PurgeRunner } from './resources/purge/runner';
import { registerStreamCommands } from './resources/purge/stream';
import { registerUrlActions } from './resources/purge/url-actions';
import { registerCustomDomainCommands } from './resources/domains/setup';
import { registerTlsCommands } from './resources/tls/commands';
import { DnsChecks } from './resources/tls/dns';
import { TlsWatch } from './resources/tls/watch';
import { tlsGroup } from './resources/tls/node';
import type { Services } from './services';
import { countingSecrets, type TestSurface } from './test-surface';
import { EXPLORER_VIEW, plainTextUi, vscodeUi, type Ui } from './ui';

/**
 * The composition root. Activation does no network and no SecretStorage I/O: both
 * wait for the tree. It returns nothing outside the test host: another extension
 * can read whatever activate() returns.
 */
export function activate(context: vscode.ExtensionContext): TestSurface | undefined {
  const started = performance.now();
  const testing = context.extensionMode === vscode.ExtensionMode.Test;
  let current: Ui = vscodeUi;
  // Whatever Ui is in place, server text it shows is redacted first.
  const ui = plainTextUi(() => current, shown);
  const log = new Log();
  const counted = testing ? countingSecrets(context.secrets) : undefined;
  const projects = new Projects(counted?.secrets ?? context.secrets, context.globalState, log, () => ui);
  const data = new DataLayer(
    (projectId) => projects.readyClient(projectId),
    (projectId) => projects.buckets(projectId),
  );
  const privateKeys = new PrivateKeys(log, () => ui);
  const dns = new DnsChecks();
  const tlsWatch = new TlsWatch(projects, data, dns, () => ui, context.globalState, log);
  const explorer = new Explorer(projects, data, [
    domainsGroup,
    tlsGroup({ messages: (projectId, tlsId) => projects.tlsMessage(projectId, tlsId), dns, watch: tlsWatch }),
    keysGroup((projectId, keyId) => privateKeys.isUnsaved(projectId, keyId)),
    bucketsGroup,
  ]);
  const treeView = vscode.window.createTreeView(EXPLORER_VIEW, {
    treeDataProvider: explorer,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const details = new DetailsDocuments();
  const cors = new CorsFileSystem(projects, data, log, () => ui, context.globalState);
  const services: Services = {
    log,
    ui: () => ui,
    projects,
    data,
    explorer,
    details,
    reenterApiKey: (projectId) => reenterApiKey(services, projectId),
  };

  void addDemoProject(projects);

  const setHasProjects = () =>
    void vscode.commands.executeCommand('setContext', 'qencodeCdn.hasProjects', projects.list().length > 0);
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
    projects.onDidChange((project) => {
      setHasProjects();
      // A key replaced (here or in another window) or a rename: that project is read again; else the list changed.
      if (project) {
        explorer.roots(); // the row takes the new name before it is redrawn
        data.forget(project.id);
      } else {
        data.keepOnly(projects.list().map((p) => p.id));
        void cors.pruneDrafts(projects.list().map((p) => p.id));
        explorer.redrawRoots();
      }
    }),
    dns,
    tlsWatch,
    // A DNS verdict changed: the TLS rows say it.
    dns.onDidChange((domain) => {
      for (const root of explorer.roots())
        if (root.data.peek('domains').some((d) => d.name === domain)) root.data.changed('tls');
    }),
    // A private key saved (or not) changes the warning on its signing key.
    privateKeys.onDidChange(() => {
      for (const root of explorer.roots()) root.data.changed('keys');
    }),
  );
  registerProjectCommands(context, services);
  registerDomainCommands(context, services);
  registerTlsCommands(context, services, { dns, watch: tlsWatch, treeView });
  registerCustomDomainCommands(context, services, { dns, watch: tlsWatch, treeView });
  registerKeyCommands(context, services, privateKeys);
  registerBucketCommands(context, services, cors);
  const runner = new PurgeRunner(services);
  registerPurgeCommands(context, services, runner);
  registerStreamCommands(context, services, runner);
  registerUrlActions(context, services, runner, treeView);
  registerCommonCommands(context, services);

  const activateMs = performance.now() - started;
  if (!counted) return undefined;
  return {
    activateMs,
    explorer,
    projects,
    data,
    privateKeys,
    dns,
    tlsWatch,
    treeView,
    secrets: context.secrets,
    secretReads: counted.reads,
    onSecretRead: counted.onRead,
    log,
    storage: {
      globalState: context.globalState,
      workspaceState: context.workspaceState,
      globalStorageUri: context.globalStorageUri,
      logUri: context.logUri,
    },
    setUi: (replacement) => {
      current = replacement ?? vscodeUi;
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
  await projects.recordPurge(project.id, {
    at: '2024-06-20 10:00:00 UTC',
    targets: [{ bucket: 'promo-clips', path: null }],
    purged: 1,
    failed: 0,
    notSent: 0,
  });
  await projects.recordPurge(project.id, {
    at: '2024-10-02 18:30:00 UTC',
    targets: ['master.m3u8', '1080p/index.m3u8', '720p/index.m3u8'].map((p) => ({
      bucket: 'live-archive',
      path: `replays/final/${p}`,
    })),
    purged: 3,
    failed: 0,
    notSent: 0,
  });
}

export function deactivate(): void {}
