import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ControlledFocus, TestSurface } from '../../src/test-surface';
// Types only: the extension runs from its bundle, so its classes are not these (instanceof would fail).
import type { GroupNode, Node, ProjectNode } from '../../src/explorer/nodes';
import type { BucketNode } from '../../src/resources/buckets/node';
import type { DomainNode } from '../../src/resources/domains/node';
import type { SigningKeyNode } from '../../src/resources/keys/node';
import type { TlsNode } from '../../src/resources/tls/node';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { DnsServer } from '../emulator/dns-server';
import { testCertificates, writeCaFile } from '../emulator/https';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';
import { ScriptedUi } from './scripted-ui';

export const EXTENSION_ID = 'qencode-cdn.qencode-cdn';

/**
 * Shared state of the suite: one emulator on an ephemeral port, set as the API URL
 * before the extension activates, and the extension's test API.
 */
export const ctx = {} as {
  emulator: Emulator;
  dns: DnsServer;
  api: TestSurface;
  ui: ScriptedUi;
  focus: ControlledFocus;
  /** What activation did: requests, secret reads, and which of the extension's dist/ files Node loaded. */
  afterActivation: { requests: number; secretReads: number; distFiles: string[] };
};

/** The window focus the TLS watch sees: unfocused unless a test says otherwise, so no poll runs behind other tests. */
let started: Promise<void> | undefined;

export function setup(): Promise<void> {
  started ??= (async () => {
    ctx.emulator = new Emulator({
      seed: true,
      media: true,
      apiKeys: [DEMO_API_KEY, 'second-project-key-0042', 'third-project-key-0077'],
    });
    const url = await ctx.emulator.start();
    ctx.dns = new DnsServer();
    const dnsServer = await ctx.dns.start();
    await vscode.workspace.getConfiguration('qencodeCdn').update('apiUrl', url, vscode.ConfigurationTarget.Global);
    // The CNAME checks ask the suite's own DNS server, never the machine's.
    await vscode.workspace
      .getConfiguration('qencodeCdn')
      .update('dns.servers', [dnsServer], vscode.ConfigurationTarget.Global);
    // Manifests are read from the emulator's media server, which stands in for media-storage hosts.
    await vscode.workspace
      .getConfiguration('qencodeCdn')
      .update('mediaStorageOverride', ctx.emulator.media!.url, vscode.ConfigurationTarget.Global);
    // The edge checks go to the media server's TLS side, whose certificates the run's CA signs.
    const certificates = await testCertificates();
    const edge = await ctx.emulator.media!.startTls(certificates);
    const caFile = writeCaFile(certificates, join(tmpdir(), `qencode-edge-ca-${process.pid}.pem`));
    await vscode.workspace
      .getConfiguration('qencodeCdn')
      .update('edgeOverride', edge, vscode.ConfigurationTarget.Global);
    await vscode.workspace
      .getConfiguration('qencodeCdn')
      .update('edgeOverrideCa', caFile, vscode.ConfigurationTarget.Global);
    const ext = vscode.extensions.getExtension<TestSurface | undefined>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
    const api = await ext.activate();
    assert.ok(api, 'the test host (ExtensionMode.Test) gets the test surface');
    ctx.api = api;
    ctx.afterActivation = {
      requests: ctx.emulator.requests.length,
      secretReads: ctx.api.controls.secretReads(),
      distFiles: distFilesLoaded(),
    };
    console.log(
      `VS Code ${vscode.version} (${vscode.env.appHost}, ui kind ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}, remote ${vscode.env.remoteName ?? 'none'}), emulator at ${url}`,
    );
  })();
  return started;
}

/** The extension's files in dist/ that Node has loaded (its module cache), by name. */
export function distFilesLoaded(): string[] {
  const dist = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'dist') + sep;
  return Object.keys(require.cache)
    .filter((file) => file.startsWith(dist))
    .map((file) => file.slice(dist.length))
    .sort();
}

/** Before each test: a fresh emulator state and log, a fresh prompt script, no projects. */
export async function reset(): Promise<void> {
  await setup();
  for (const key of [...ctx.emulator.accounts.keys()]) ctx.emulator.addAccount(key, true);
  ctx.emulator.clearFaults();
  ctx.emulator.clearRequests();
  ctx.emulator.media?.clearRequests();
  ctx.emulator.media?.resetEdge();
  ctx.emulator.latencyMs = 0;
  for (const p of ctx.api.projects.list()) await ctx.api.projects.remove(p.id);
  ctx.ui = new ScriptedUi();
  ctx.api.setUi(ctx.ui);
  ctx.dns.zone.clear();
  ctx.dns.silent.clear();
  ctx.focus = ctx.api.controls.focus;
  ctx.focus.set(false);
}

/** After each test: every scripted answer was used, and no prompt came unexpected. */
export function verifyUi(): void {
  assert.deepEqual(ctx.ui.unexpected, [], 'no unexpected prompts');
  assert.deepEqual(ctx.ui.pending, [], 'every scripted answer was used');
}

export async function addProject(name = 'Production', key = DEMO_API_KEY): Promise<ProjectNode> {
  const project = await ctx.api.projects.add(name, key, { origins: ctx.api.clients.currentOrigins() });
  return projectNode(project.id);
}

export function projectNode(projectId: string): ProjectNode {
  const node = ctx.api.explorer.roots().find((n) => n.project.id === projectId);
  assert.ok(node, `project ${projectId} is in the tree`);
  return node;
}

export async function children(node?: Node): Promise<Node[]> {
  return ctx.api.explorer.getChildren(node);
}

export async function group(project: ProjectNode, kind: GroupNode['kind']['kind']): Promise<Node[]> {
  const groups = await children(project);
  const g = groups.find((n): n is GroupNode => context(n) === `group.${kind}`);
  assert.ok(g, `group ${kind} is shown`);
  return children(g);
}

/** Label and description of each row, as a person reads them. */
export function rows(nodes: Node[]): string[] {
  return nodes.map((n) => {
    const item = n.treeItem();
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    return item.description ? `${label} — ${String(item.description)}` : label;
  });
}

export function context(n: Node): string {
  return n.treeItem().contextValue ?? '';
}

export const domainNode = async (p: ProjectNode, name: string) =>
  find<DomainNode>(await group(p, 'domains'), /^domain\./, (n) => n.domain.name === name);
export const tlsNode = async (p: ProjectNode, domain: string) =>
  find<TlsNode>(await group(p, 'tls'), /^tls\./, (n) => n.domain?.name === domain);
export const keyNode = async (p: ProjectNode, id: string) =>
  find<SigningKeyNode>(await group(p, 'keys'), /^signingKey/, (n) => n.key.id === id);
export const bucketNode = async (p: ProjectNode, name: string) =>
  find<BucketNode>(await group(p, 'buckets'), /^bucket/, (n) => n.name === name);

function find<T extends Node>(nodes: Node[], contextValue: RegExp, match: (n: T) => boolean): T {
  const found = nodes.find((n) => contextValue.test(context(n)) && match(n as T)) as T | undefined;
  assert.ok(found, `node not found among: ${rows(nodes).join(' | ')}`);
  return found;
}

/** API requests after token requests: what the extension sent. */
export function sent(method?: string, path?: string | RegExp): { method: string; path: string; body: unknown }[] {
  return ctx.emulator
    .requestsTo(method, path)
    .filter((r) => !r.path.startsWith('/v1/access_token/'))
    .map((r) => ({ method: r.method, path: r.path, body: r.body }));
}

export function run(command: string, ...args: unknown[]): Thenable<unknown> {
  return vscode.commands.executeCommand(`qencodeCdn.${command}`, ...args);
}

/** Waits for `check` to hold (VS Code's events cross a process), then asserts it. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check()) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  assert.ok(await check(), what);
}
