import * as vscode from 'vscode';
import { Cancelled } from './actions';
import { registerCommands } from './commands';
import { BucketMemories, DataLayer } from './data';
import { addDemoProject } from './demo';
import { DETAILS_SCHEME, DetailsDocuments } from './documents';
import { Explorer } from './explorer/explorer';
import { Log } from './log';
import { bucketCommands } from './resources/buckets/commands';
import { registerCorsEditor } from './resources/buckets/cors-editor';
import { CorsFileSystem } from './resources/buckets/cors-fs';
import { bucketsGroup } from './resources/buckets/node';
import { commonCommands } from './resources/common';
import { domainCommands } from './resources/domains/commands';
import { domainsGroup } from './resources/domains/node';
import { customDomainCommands } from './resources/domains/setup';
import { keyCommands } from './resources/keys/commands';
import { keysGroup } from './resources/keys/node';
import { edgeChunk, edgeCommands } from './resources/edge/commands';
import type { EdgeChecks } from './resources/edge/edge-checks';
import { PrivateKeys } from './resources/keys/private-keys';
import { projectCommands, reenterApiKey } from './resources/projects/commands';
import { Clients } from './resources/projects/clients';
import { Projects } from './resources/projects/store';
import { PurgeHistory } from './resources/purge/history';
import { purgeCommands, streamCommands } from './resources/purge/commands';
import { PurgeRunner } from './resources/purge/runner';
import { registerUrlActions, urlCommands } from './resources/purge/url-actions';
import { tlsCommands, watchActions } from './resources/tls/commands';
import { DnsChecks } from './resources/tls/dns';
import { TlsInstructions } from './resources/tls/instructions';
import { tlsGroup } from './resources/tls/node';
import { TlsWatch } from './resources/tls/watch';
import type { Services } from './services';
import { TestControls, type TestSurface } from './test-surface';
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
  // Whatever Ui is in place, the text it shows is redacted and plain (src/ui.ts).
  const log = new Log();
  const ui = plainTextUi(() => current, log.shown);
  const controls = testing ? new TestControls(context.secrets) : undefined;
  const s = createServices(context, log, () => ui, controls);
  void addDemoProject(s);
  subscribe(context, s);
  registerCommands(context, s, [
    ...projectCommands(),
    ...domainCommands(),
    ...customDomainCommands(),
    ...tlsCommands(),
    ...keyCommands(),
    ...bucketCommands(),
    ...purgeCommands(),
    ...streamCommands(),
    ...urlCommands(),
    ...edgeCommands(),
    ...commonCommands(),
  ]);
  registerCorsEditor(context, s);
  registerUrlActions(context, s);
  s.tlsWatch.actions = watchActions(s);

  const activateMs = performance.now() - started;
  if (!controls) return undefined;
  return {
    activateMs,
    explorer: s.explorer,
    projects: s.projects,
    clients: s.clients,
    purgeHistory: s.purgeHistory,
    tlsInstructions: s.tlsInstructions,
    bucketMemory: s.bucketMemory,
    data: s.data,
    privateKeys: s.privateKeys,
    dns: s.dns,
    tlsWatch: s.tlsWatch,
    treeView: s.treeView,
    secrets: context.secrets,
    controls,
    log: s.log,
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

/** Every service, made once: the data layer under the tree, the explorer and its view, and what commands share. */
function createServices(context: vscode.ExtensionContext, log: Log, ui: () => Ui, controls?: TestControls): Services {
  const projects = new Projects(controls?.secrets ?? context.secrets, context.globalState, log);
  const clients = new Clients(projects, log, ui);
  const purgeHistory = new PurgeHistory(context.globalState);
  const tlsInstructions = new TlsInstructions(context.globalState);
  const bucketMemory = new BucketMemories(context.globalState);
  const data = new DataLayer(
    (projectId) => clients.readyClient(projectId),
    (projectId) => bucketMemory.get(projectId),
  );
  const privateKeys = new PrivateKeys(log, ui, controls?.window);
  const dns = new DnsChecks();
  const tlsWatch = new TlsWatch(
    projects,
    clients,
    tlsInstructions,
    data,
    dns,
    ui,
    context.globalState,
    log,
    controls && { focus: controls.focus, schedule: controls.watchSchedule, statusBar: controls.tlsStatusBar },
  );
  const explorer = new Explorer(projects, clients, data, log.shown, [
    domainsGroup,
    tlsGroup({ messages: (projectId, tlsId) => tlsInstructions.instruction(projectId, tlsId), dns, watch: tlsWatch }),
    keysGroup((projectId, keyId) => privateKeys.isUnsaved(projectId, keyId)),
    bucketsGroup,
  ]);
  const treeView = vscode.window.createTreeView(EXPLORER_VIEW, {
    treeDataProvider: explorer,
    canSelectMany: true,
    showCollapseAll: true,
  });
  const details = new DetailsDocuments(log.shown);
  const cors = new CorsFileSystem(projects, clients, data, log, ui, context.globalState);
  // The edge checks and their connections are made on first use, with their chunk (dist/edge.js).
  let edge: EdgeChecks | undefined;
  let disposed = false;
  const edgeChecks = () => {
    // A check still running when the extension ends makes no new connections.
    if (disposed) throw new Cancelled();
    return (edge ??= new (edgeChunk().EdgeChecks)({ ui, clients, explorer, log }));
  };
  context.subscriptions.push({
    dispose: () => {
      disposed = true;
      edge?.dispose();
    },
  });
  const purge = new PurgeRunner({
    ui,
    clients,
    purgeHistory,
    log,
    details,
    get edge() {
      return edgeChecks();
    },
  });
  const s: Services = {
    log,
    ui,
    projects,
    clients,
    purgeHistory,
    tlsInstructions,
    bucketMemory,
    data,
    explorer,
    treeView,
    details,
    privateKeys,
    cors,
    dns,
    tlsWatch,
    purge,
    get edge() {
      return edgeChecks();
    },
    reenterApiKey: (projectId) => reenterApiKey(s, projectId),
  };
  return s;
}

/** What is disposed with the extension, and the events that tie the services together. */
function subscribe(context: vscode.ExtensionContext, s: Services): void {
  const { projects, explorer, data, dns, privateKeys, cors } = s;
  const setHasProjects = () =>
    void vscode.commands.executeCommand('setContext', 'qencodeCdn.hasProjects', projects.list().length > 0);
  setHasProjects();
  const listChanged = () => {
    data.keepOnly(projects.list().map((p) => p.id));
    void cors.pruneDrafts(projects.list().map((p) => p.id));
    explorer.redrawRoots();
  };
  context.subscriptions.push(
    s.log,
    projects,
    s.clients,
    privateKeys,
    explorer,
    s.treeView,
    s.details,
    vscode.workspace.registerTextDocumentContentProvider(DETAILS_SCHEME, s.details),
    cors,
    CorsFileSystem.register(cors),
    projects.onDidChange((project) => {
      setHasProjects();
      // A key replaced (here or in another window) or a rename: that project is read again; else the list changed.
      if (project) data.forget(project.id);
      else listChanged();
    }),
    // The API URL, token host or proxy changed: every project is read again, through new clients.
    s.clients.onDidChangeSettings(listChanged),
    dns,
    s.tlsWatch,
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
}

export function deactivate(): void {}
