import * as vscode from 'vscode';
import {
  formatDay,
  formatWhen,
  isInvalid,
  isQencodeError,
  getCorsReply,
  listDomains,
  listSigningKeys,
  listTlsSubscriptions,
  type CorsReply,
  type Domain,
  type InvalidItem,
  type Listed,
  type SigningKey,
  type TlsSubscription,
} from './core';
import { shown } from './log';
import type { Project, Projects } from './projects';

const t = vscode.l10n.t;

/** contextValues: `when` clauses in package.json match these. */
export const Ctx = {
  project: 'project',
  projectNeedsKey: 'project.needsKey',
  group: (kind: GroupKind) => `group.${kind}`,
  domain: (type: string) => `domain.${type}`,
  tls: 'tls',
  signingKey: 'signingKey',
  signingKeyUnsaved: 'signingKey.unsaved',
  bucket: 'bucket',
  bucketAdded: 'bucket.added',
  corsHeader: 'corsHeader',
  error: 'error',
  authError: 'authError',
  message: 'message',
  invalid: 'invalid',
} as const;

export type GroupKind = 'domains' | 'tls' | 'keys' | 'buckets';
export type Resource = 'domains' | 'tls' | 'keys';

/** Which resources each group's rows are built from. */
const GROUP_NEEDS: Record<GroupKind, Resource[]> = {
  domains: ['domains'],
  tls: ['tls', 'domains'],
  keys: ['keys', 'domains'],
  buckets: ['domains', 'keys'],
};

interface Loaded {
  domains: Listed<Domain>[];
  tls: Listed<TlsSubscription>[];
  keys: Listed<SigningKey>[];
}

export abstract class Node {
  abstract readonly id: string;
  abstract readonly parent: Node | undefined;
  abstract treeItem(): vscode.TreeItem;
  children(): Promise<Node[]> {
    return Promise.resolve([]);
  }
}

export class ProjectNode extends Node {
  readonly parent = undefined;
  readonly groups: Record<GroupKind, GroupNode>;
  private readonly cache = new Map<Resource, Promise<unknown>>();
  /** Set while the project has no key in SecretStorage, so the tree can say so. */
  needsKey = false;
  private readonly cors = new Map<string, Promise<CorsReply>>();
  /** The bucket rows last shown, so one can be redrawn by name. */
  readonly bucketNodes = new Map<string, BucketNode>();

  constructor(
    public project: Project,
    readonly projects: Projects,
    readonly isKeyUnsaved: (projectId: string, keyId: string) => boolean,
  ) {
    super();
    this.groups = {
      domains: new GroupNode(this, 'domains'),
      tls: new GroupNode(this, 'tls'),
      keys: new GroupNode(this, 'keys'),
      buckets: new GroupNode(this, 'buckets'),
    };
  }

  get id(): string {
    return `project/${this.project.id}`;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.project.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.contextValue = this.needsKey ? Ctx.projectNeedsKey : Ctx.project;
    item.iconPath = this.needsKey ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('project');
    item.description = this.needsKey ? t('needs API key') : undefined;
    item.tooltip = this.needsKey
      ? t('Project {0}: its API key is not in this machine\'s secret storage. Use "Replace API Key…" to enter it.', this.project.name)
      : t('Project {0}', this.project.name);
    return item;
  }

  override async children(): Promise<Node[]> {
    this.needsKey = !(await this.projects.hasApiKey(this.project.id));
    if (this.needsKey) return [new NeedsKeyNode(this)];
    return [this.groups.domains, this.groups.tls, this.groups.keys, this.groups.buckets];
  }

  /** One request per resource, shared by every group that needs it, and kept until invalidated. */
  load<R extends Resource>(resource: R): Promise<Loaded[R]> {
    let pending = this.cache.get(resource) as Promise<Loaded[R]> | undefined;
    if (!pending) {
      const client = this.projects.client(this.project.id);
      const loaders: { [K in Resource]: () => Promise<Loaded[K]> } = {
        domains: () => listDomains(client),
        tls: () => listTlsSubscriptions(client),
        keys: () => listSigningKeys(client),
      };
      pending = loaders[resource]();
      this.cache.set(resource, pending);
      // A failed load is not kept: the next expand or Retry asks again.
      pending.catch(() => this.cache.get(resource) === pending && this.cache.delete(resource));
    }
    return pending;
  }

  /** A bucket's CORS policy: one request when its row is first expanded, kept until invalidated. */
  loadCors(bucket: string): Promise<CorsReply> {
    let pending = this.cors.get(bucket);
    if (!pending) {
      pending = getCorsReply(this.projects.client(this.project.id), bucket);
      this.cors.set(bucket, pending);
      pending.catch(() => this.cors.get(bucket) === pending && this.cors.delete(bucket));
    }
    return pending;
  }

  invalidateCors(bucket?: string): void {
    if (bucket) this.cors.delete(bucket);
    else this.cors.clear();
  }

  /** Puts a freshly fetched item into the cached list, so one GET updates one row without a re-list. */
  replaceCached<R extends Resource>(resource: R, item: Loaded[R][number] & { id: string }): void {
    const pending = this.cache.get(resource) as Promise<Loaded[R]> | undefined;
    if (!pending) return;
    const updated = pending.then((items) => items.map((i) => (!isInvalid(i) && (i as { id: string }).id === item.id ? item : i)) as Loaded[R]);
    this.cache.set(resource, updated);
  }

  invalidate(resources: readonly Resource[] = ['domains', 'tls', 'keys']): void {
    for (const r of resources) this.cache.delete(r);
    if (resources.length === 3) this.invalidateCors();
  }

  /** The groups whose rows are built from any of these resources. */
  affectedGroups(resources: readonly Resource[]): GroupNode[] {
    return (Object.keys(GROUP_NEEDS) as GroupKind[]).filter((g) => GROUP_NEEDS[g].some((r) => resources.includes(r))).map((g) => this.groups[g]);
  }

  async domainsById(): Promise<Map<string, Domain>> {
    const domains = await this.load('domains').catch(() => [] as Listed<Domain>[]);
    return new Map(valid(domains).map((d) => [d.id, d]));
  }
}

const GROUP_LABELS: Record<GroupKind, () => string> = {
  domains: () => t('Playback Domains'),
  tls: () => t('TLS Subscriptions'),
  keys: () => t('Signing Keys'),
  buckets: () => t('Buckets'),
};
const GROUP_ICONS: Record<GroupKind, string> = { domains: 'globe', tls: 'shield', keys: 'key', buckets: 'database' };

export class GroupNode extends Node {
  constructor(
    readonly parent: ProjectNode,
    readonly kind: GroupKind,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/${this.kind}`;
  }

  get resources(): Resource[] {
    return GROUP_NEEDS[this.kind];
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(GROUP_LABELS[this.kind](), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = Ctx.group(this.kind);
    item.iconPath = new vscode.ThemeIcon(GROUP_ICONS[this.kind]);
    return item;
  }

  override async children(): Promise<Node[]> {
    const p = this.parent;
    switch (this.kind) {
      case 'domains': {
        const domains = await p.load('domains');
        return rows(this, domains, (d) => new DomainNode(this, d), (d) => d.name, t('No playback domains yet. Create one…'), 'qencodeCdn.createDomain');
      }
      case 'tls': {
        // Both lists are asked for at once; a failed domain list only costs the names.
        const [tls, domains] = await Promise.all([p.load('tls'), p.domainsById()]);
        return rows(this, tls, (s) => new TlsNode(this, s, domains.get(s.domainId)), (s) => domains.get(s.domainId)?.name ?? s.domainId, t('No TLS subscriptions yet. Create one…'), 'qencodeCdn.createTls');
      }
      case 'keys': {
        const [keys, domains] = await Promise.all([p.load('keys'), p.domainsById()]);
        return rows(this, keys, (k) => new SigningKeyNode(this, k, domains), (k) => k.name ?? `~${k.id}`, t('No signing keys yet. Create one…'), 'qencodeCdn.createSigningKey');
      }
      case 'buckets': {
        const [domains, keys] = await Promise.allSettled([p.load('domains'), p.load('keys')]);
        if (domains.status === 'rejected' && keys.status === 'rejected') throw domains.reason;
        const memory = p.projects.buckets(p.project.id);
        const sources = new Map<string, Set<string>>();
        const add = (bucket: string, source: string) => sources.set(bucket, (sources.get(bucket) ?? new Set()).add(source));
        for (const d of domains.status === 'fulfilled' ? valid(domains.value) : []) if (d.bucketName) add(d.bucketName, t('served by {0}', d.name));
        for (const k of keys.status === 'fulfilled' ? valid(keys.value) : []) if (k.target.kind === 'bucket') add(k.target.bucketName, t('signing key {0}', k.name ?? k.id));
        for (const b of memory.added) add(b, t('added by you'));
        const buckets = [...sources.keys()].sort((a, b) => a.localeCompare(b));
        if (buckets.length === 0) return [new MessageNode(this, t('No buckets known yet. Add one by name…'), 'qencodeCdn.addBucket')];
        p.bucketNodes.clear();
        return buckets.map((name) => {
          const node = new BucketNode(this, name, [...sources.get(name)!], memory.added.includes(name), Object.hasOwn(memory.policies, name) ? memory.policies[name] : undefined);
          p.bucketNodes.set(name, node);
          return node;
        });
      }
    }
  }
}

/** One node per valid item (deduplicated by id), an InvalidNode per bad one, a message when empty. */
function rows<T extends { id: string }>(
  group: GroupNode,
  items: Listed<T>[],
  make: (item: T) => Node,
  sortKey: (item: T) => string,
  emptyMessage: string,
  emptyCommand: string,
): Node[] {
  if (items.length === 0) return [new MessageNode(group, emptyMessage, emptyCommand)];
  const seen = new Set<string>();
  const good: T[] = [];
  const bad: Node[] = [];
  items.forEach((item, index) => {
    if (isInvalid(item)) bad.push(new InvalidNode(group, item, index));
    else if (seen.has(item.id)) bad.push(new InvalidNode(group, { invalid: true, id: item.id, problem: t('the API listed this id twice') }, index));
    else {
      seen.add(item.id);
      good.push(item);
    }
  });
  good.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  return [...good.map(make), ...bad];
}

/** The project a node belongs to. */
export function projectOf(node: Node): ProjectNode {
  let n: Node | undefined = node;
  while (n && !(n instanceof ProjectNode)) n = n.parent;
  if (!n) throw new Error('node outside any project');
  return n;
}

export function valid<T extends object>(items: Listed<T>[]): T[] {
  return items.filter((i): i is T => !isInvalid(i));
}

const day = formatDay;
const when = formatWhen;

export class DomainNode extends Node {
  constructor(
    readonly parent: GroupNode,
    readonly domain: Domain,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/${this.domain.id}`;
  }

  get project(): ProjectNode {
    return this.parent.parent;
  }

  treeItem(): vscode.TreeItem {
    const d = this.domain;
    const item = new vscode.TreeItem(d.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = Ctx.domain(d.type);
    item.iconPath = new vscode.ThemeIcon(d.type === 'live' ? 'broadcast' : 'device-camera-video');
    const kind = d.type === 'live' ? t('live') : d.bucketName ? t('vod → {0}', d.bucketName) : t('vod, no bucket');
    item.description = `${kind} · ${day(d.created)}`;
    item.tooltip = [
      d.name,
      t('Type: {0}', d.type === 'live' ? t('live streaming') : t('media storage (vod)')),
      ...(d.type === 'vod' ? [t('Bucket: {0}', d.bucketName ?? t('none'))] : []),
      t('Created: {0}', when(d.created)),
      t('ID: {0}', d.id),
    ].join('\n');
    return item;
  }
}

const TLS_ICONS: Record<string, [string, string]> = {
  issued: ['pass-filled', 'charts.green'],
  pending: ['clock', 'charts.yellow'],
  failed: ['error', 'charts.red'],
  expired: ['warning', 'charts.orange'],
};

export class TlsNode extends Node {
  constructor(
    readonly parent: GroupNode,
    readonly subscription: TlsSubscription,
    readonly domain: Domain | undefined,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/${this.subscription.id}`;
  }

  get project(): ProjectNode {
    return this.parent.parent;
  }

  /** The create reply's CNAME instruction, kept since the API does not repeat it. */
  get message(): string | undefined {
    return this.subscription.message ?? this.project.projects.tlsMessage(this.project.project.id, this.subscription.id);
  }

  treeItem(): vscode.TreeItem {
    const s = this.subscription;
    const item = new vscode.TreeItem(this.domain?.name ?? t('domain {0}', s.domainId), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = Ctx.tls;
    // Own keys only: a status such as "constructor" must not read the prototype.
    const [icon, color] = Object.hasOwn(TLS_ICONS, s.status) ? TLS_ICONS[s.status]! : ['question', 'charts.purple'];
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    item.description = s.status;
    item.tooltip = [
      t('TLS subscription for {0}', this.domain?.name ?? s.domainId),
      t('Status: {0}', s.status),
      ...(this.message ? [shown(this.message)] : []),
      t('Created: {0}', when(s.created)),
      t('ID: {0}', s.id),
    ].join('\n');
    return item;
  }
}

export function signingKeyTarget(k: SigningKey, domains: Map<string, Domain>): string {
  switch (k.target.kind) {
    case 'stream':
      return t('stream {0}', k.target.streamId);
    case 'domain':
      return t('live domain {0}', domains.get(k.target.domainId)?.name ?? k.target.domainId);
    case 'bucket':
      return t('bucket {0}', k.target.bucketName);
    default:
      return t('unknown target');
  }
}

export class SigningKeyNode extends Node {
  constructor(
    readonly parent: GroupNode,
    readonly key: SigningKey,
    readonly domains: Map<string, Domain>,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/${this.key.id}`;
  }

  get project(): ProjectNode {
    return this.parent.parent;
  }

  treeItem(): vscode.TreeItem {
    const k = this.key;
    const unsaved = this.project.isKeyUnsaved(this.project.project.id, k.id);
    const item = new vscode.TreeItem(k.name ?? t('(unnamed)'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = unsaved ? Ctx.signingKeyUnsaved : Ctx.signingKey;
    item.iconPath = unsaved ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('key');
    const target = signingKeyTarget(k, this.domains);
    item.description = t('for {0}', k.target.kind === 'stream' ? t('stream {0}…', k.target.streamId.slice(0, 8)) : target);
    item.tooltip = [
      k.name ?? t('Unnamed signing key'),
      t('Signs for: {0}', target),
      t('Created: {0}', when(k.created)),
      t('ID: {0}', k.id),
      ...(unsaved ? ['', t('Its private key was received but not saved to a file. It is still open in an editor in this window: save it now, it cannot be downloaded again.')] : []),
    ].join('\n');
    return item;
  }
}

export class BucketNode extends Node {
  constructor(
    readonly parent: GroupNode,
    readonly name: string,
    readonly sources: string[],
    readonly addedByUser: boolean,
    readonly policy: { policy: 'public' | 'authenticated'; at: string } | undefined,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/${this.name}`;
  }

  get project(): ProjectNode {
    return this.parent.parent;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = this.addedByUser ? Ctx.bucketAdded : Ctx.bucket;
    item.iconPath = new vscode.ThemeIcon(this.policy?.policy === 'authenticated' ? 'lock' : 'database');
    item.description = [this.policy?.policy, this.sources[0]].filter(Boolean).join(' · ');
    item.tooltip = [
      t('Bucket {0}', this.name),
      t('Known because: {0}', this.sources.join('; ')),
      this.policy
        ? t('Access policy: {0}, set from this editor on {1}.', this.policy.policy, this.policy.at)
        : t('Access policy: not set from this editor.'),
      t('The API cannot read a bucket\'s access policy, so this shows only what was last set here (buckets are public by default).'),
      t('Expand to see its CORS policy.'),
    ].join('\n');
    return item;
  }

  /** Its CORS policy, one row per header. */
  override async children(): Promise<Node[]> {
    const { policy, dropped } = await this.project.loadCors(this.name);
    const entries = Object.entries(policy);
    // A header whose value is not text is shown as such, not silently left out.
    const unusable = dropped.map((header, index) => new InvalidNode(this, { invalid: true, id: header, problem: t('its value is not text, so it cannot be shown or edited here') }, index));
    if (entries.length === 0 && unusable.length === 0) return [new MessageNode(this, t('No CORS policy. Edit…'), 'qencodeCdn.editCors')];
    return [...entries.map(([header, value]) => new CorsHeaderNode(this, header, value)), ...unusable];
  }
}

export class CorsHeaderNode extends Node {
  constructor(
    readonly parent: BucketNode,
    readonly header: string,
    readonly value: string,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/cors/${this.header}`;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.header, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = Ctx.corsHeader;
    item.description = this.value;
    item.tooltip = `${this.header}: ${this.value}\n${t('Click to edit the CORS policy of {0}.', this.parent.name)}`;
    item.iconPath = new vscode.ThemeIcon('symbol-field');
    item.command = { command: 'qencodeCdn.editCors', title: t('Edit CORS Policy'), arguments: [this.parent] };
    return item;
  }
}

export class NeedsKeyNode extends Node {
  constructor(readonly parent: ProjectNode) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/needs-key`;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(t('Enter the API key for this project…'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = Ctx.authError;
    item.iconPath = new vscode.ThemeIcon('key', new vscode.ThemeColor('list.warningForeground'));
    item.command = { command: 'qencodeCdn.replaceApiKey', title: t('Replace API Key…'), arguments: [this.parent] };
    return item;
  }
}

/** A failed load: clicking (or the inline button) retries; an auth failure asks for the key instead. */
export class ErrorNode extends Node {
  constructor(
    readonly parent: GroupNode | ProjectNode | BucketNode,
    readonly error: unknown,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/error`;
  }

  get isAuth(): boolean {
    return isQencodeError(this.error, 'auth');
  }

  treeItem(): vscode.TreeItem {
    const message = shown(this.error instanceof Error ? this.error.message : String(this.error));
    const project = projectOf(this);
    const item = new vscode.TreeItem(this.isAuth ? t('API key rejected. Re-enter API Key…') : t('Could not load. Retry'), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.isAuth ? undefined : message;
    item.tooltip = message;
    item.contextValue = this.isAuth ? Ctx.authError : Ctx.error;
    item.iconPath = this.isAuth ? new vscode.ThemeIcon('key', new vscode.ThemeColor('list.errorForeground')) : new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    item.command = this.isAuth
      ? { command: 'qencodeCdn.replaceApiKey', title: t('Re-enter API Key…'), arguments: [project] }
      : { command: 'qencodeCdn.retry', title: t('Retry'), arguments: [this] };
    return item;
  }
}

export class InvalidNode extends Node {
  constructor(
    readonly parent: GroupNode | BucketNode,
    readonly item: InvalidItem,
    readonly index: number,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/invalid/${this.index}`;
  }

  treeItem(): vscode.TreeItem {
    const problem = shown(this.item.problem);
    const item = new vscode.TreeItem(shown(this.item.id ?? t('item {0}', this.index + 1)), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = Ctx.invalid;
    item.description = t('invalid: {0}', problem);
    item.tooltip = t('The API returned this item in a shape the extension does not understand, so it is not shown: {0}', problem);
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    return item;
  }
}

export class MessageNode extends Node {
  constructor(
    readonly parent: GroupNode | BucketNode,
    readonly label: string,
    readonly command: string,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/message`;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = Ctx.message;
    item.iconPath = new vscode.ThemeIcon('info');
    item.command = { command: this.command, title: this.label, arguments: [this.parent] };
    return item;
  }
}

/**
 * The one refresh authority: caches per project, fires only the nodes a change
 * affects, and turns every load failure into a node (never a popup).
 */
export class Explorer implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, ProjectNode>();

  constructor(
    private readonly projects: Projects,
    private readonly isKeyUnsaved: (projectId: string, keyId: string) => boolean,
  ) {
    projects.onDidChange((project) => (project ? this.refreshProject(project.id) : this.refresh()));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    return node.treeItem();
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    try {
      return node ? await node.children() : this.roots();
    } catch (error) {
      return node instanceof GroupNode || node instanceof ProjectNode || node instanceof BucketNode ? [new ErrorNode(node, error)] : [];
    }
  }

  roots(): ProjectNode[] {
    const list = this.projects.list();
    for (const id of [...this.nodes.keys()]) if (!list.some((p) => p.id === id)) this.nodes.delete(id);
    return list.map((project) => {
      let node = this.nodes.get(project.id);
      if (!node) this.nodes.set(project.id, (node = new ProjectNode(project, this.projects, this.isKeyUnsaved)));
      node.project = project;
      return node;
    });
  }

  /** Everything: drops every cache. */
  refresh(): void {
    for (const node of this.nodes.values()) node.invalidate();
    this.changed.fire(undefined);
  }

  refreshProject(projectId: string): void {
    const node = this.nodes.get(projectId);
    if (!node) return this.changed.fire(undefined);
    node.invalidate();
    this.changed.fire(node);
  }

  /** A node and what it shows: a group reloads its own resource; a project reloads all. */
  refreshNode(node: Node): void {
    if (node instanceof ProjectNode) return this.refreshProject(node.project.id);
    if (node instanceof GroupNode) {
      // Refreshing Buckets refreshes their CORS rows too.
      if (node.kind === 'buckets') node.parent.invalidateCors();
      const own: Resource[] = node.kind === 'buckets' ? ['domains', 'keys'] : [node.resources[0]!];
      return this.reload(node.parent, own);
    }
    if (node instanceof ErrorNode) return this.refreshNode(node.parent);
    if (node instanceof BucketNode) node.project.invalidateCors(node.name);
    this.changed.fire(node);
  }

  /** After a CORS save: the bucket's rows reload; nothing else does. */
  refreshBucket(projectId: string, bucket: string): void {
    const project = this.nodes.get(projectId);
    if (!project) return;
    project.invalidateCors(bucket);
    const node = project.bucketNodes.get(bucket);
    if (node) this.changed.fire(node);
  }

  /** After a write: reload these resources and redraw the groups built from them, nothing else. */
  reload(project: ProjectNode, resources: readonly Resource[]): void {
    project.invalidate(resources);
    for (const group of project.affectedGroups(resources)) this.changed.fire(group);
  }

  /** Redraws one project's groups without reloading (e.g. a bucket policy remembered locally). */
  redraw(project: ProjectNode, groups: readonly GroupKind[]): void {
    for (const g of groups) this.changed.fire(project.groups[g]);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
