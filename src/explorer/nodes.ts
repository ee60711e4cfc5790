import * as vscode from 'vscode';
import { errorMessage, isInvalid, isQencodeError, type InvalidItem, type Listed } from '../core';
import type { Change, DataLayer, ProjectData, Resource } from '../data';
import type { Project } from '../resources/projects/store';
import { Ctx } from './context-values';

const t = vscode.l10n.t;

/** A row of the tree: a view of data, never a cache of it. */
export abstract class Node {
  abstract readonly id: string;
  abstract readonly parent: Node | undefined;
  /** The row as drawn. Its tooltip is not in it: see tooltip(). */
  abstract treeItem(): vscode.TreeItem;
  /**
   * The row's tooltip, made when the user hovers it (the explorer's resolveTreeItem), not
   * when it is drawn: a list of 5,000 keys draws 5,000 rows and is hovered on a few.
   */
  tooltip(): string | undefined {
    return undefined;
  }
  children(): Promise<Node[]> {
    return Promise.resolve([]);
  }
  /** Whether this change of the data means this row must be redrawn (with its children). */
  shows(_change: Change): boolean {
    return false;
  }
  /** Refresh on this row: say which data is stale; the data layer's change event redraws. */
  invalidate(): boolean {
    return false;
  }
  /** The project this row belongs to. */
  get projectNode(): ProjectNode {
    // Every row's root is its project.
    let n: Node | undefined = this.parent;
    while (n?.parent) n = n.parent;
    return (n ?? this) as ProjectNode;
  }
}

/** One group under a project (Playback Domains, TLS, …): its label, icon, and how its rows are made. */
export interface GroupKind {
  kind: 'domains' | 'tls' | 'keys' | 'buckets';
  contextValue: string;
  label: () => string;
  icon: string;
  /** The data its rows are drawn from: a change of any of these redraws the group. */
  shows: readonly Resource[];
  rows(group: GroupNode): Promise<Node[]>;
  /** Refresh on the group: what it says is stale. */
  refresh(data: ProjectData): void;
}

export class ProjectNode extends Node {
  readonly parent = undefined;
  readonly groups: GroupNode[];
  /** Set while the project has no key in SecretStorage, so the tree can say so. */
  needsKey = false;

  constructor(
    public project: Project,
    private readonly dataLayer: DataLayer,
    kinds: readonly GroupKind[],
    private readonly hasKey: () => Promise<boolean>,
    /** Opens the API connection while the user looks at the groups, so the first expand pays no handshake. */
    private readonly warm: () => void = () => undefined,
  ) {
    super();
    this.groups = kinds.map((k) => new GroupNode(this, k));
  }

  get projectId(): string {
    return this.project.id;
  }

  get projectName(): string {
    return this.project.name;
  }

  /** The project's data (a new object after its key was replaced). */
  get data(): ProjectData {
    return this.dataLayer.project(this.project.id);
  }

  override invalidate(): boolean {
    this.data.invalidateAll();
    return true;
  }

  get id(): string {
    return `project/${this.project.id}`;
  }

  override get projectNode(): ProjectNode {
    return this;
  }

  group(kind: GroupKind['kind']): GroupNode {
    return this.groups.find((g) => g.kind.kind === kind)!;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.project.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.contextValue = this.needsKey ? Ctx.projectNeedsKey : Ctx.project;
    item.iconPath = this.needsKey
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon('project');
    item.description = this.needsKey ? t('needs API key') : undefined;
    return item;
  }

  override tooltip(): string {
    return this.needsKey
      ? t(
          'Project {0}: its API key is not in this machine\'s secret storage. Use "Replace API Key…" to enter it.',
          this.project.name,
        )
      : t('Project {0}', this.project.name);
  }

  override async children(): Promise<Node[]> {
    this.needsKey = !(await this.hasKey());
    if (this.needsKey) return [new NeedsKeyNode(this)];
    this.warm();
    return this.groups;
  }

  override shows(change: Change): boolean {
    return change.projectId === this.project.id && change.resource === 'project';
  }
}

export class GroupNode extends Node {
  /** Made once: every row's id starts with it, and a list can have thousands of rows. */
  readonly id: string;

  constructor(
    readonly parent: ProjectNode,
    readonly kind: GroupKind,
  ) {
    super();
    this.id = `${parent.id}/${kind.kind}`;
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.kind.label(), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = this.kind.contextValue;
    item.iconPath = new vscode.ThemeIcon(this.kind.icon);
    return item;
  }

  override children(): Promise<Node[]> {
    return this.kind.rows(this);
  }

  override invalidate(): boolean {
    this.kind.refresh(this.parent.data);
    return true;
  }

  override shows(change: Change): boolean {
    return change.projectId === this.parent.project.id && this.kind.shows.includes(change.resource);
  }
}

const collator = new Intl.Collator();

/**
 * One row per valid item (the data layer already turned a repeated id into an
 * invalid item), an InvalidNode per bad one, a message when the list is empty.
 */
export function rows<T extends object>(
  group: GroupNode,
  items: readonly Listed<T>[],
  make: (item: T) => Node,
  sortKey: (item: T) => string,
  empty: { label: string; command: string },
): Node[] {
  if (items.length === 0) return [new MessageNode(group, empty.label, empty.command)];
  const good: T[] = [];
  const bad: Node[] = [];
  items.forEach((item, index) => (isInvalid(item) ? bad.push(new InvalidNode(group, item, index)) : good.push(item)));
  // Each key made once, compared by one collator (as localeCompare would): a list can have thousands of rows.
  const keyed = good.map((item) => ({ item, key: sortKey(item) }));
  keyed.sort((a, b) => collator.compare(a.key, b.key));
  return [...keyed.map((k) => make(k.item)), ...bad];
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
    readonly parent: Node,
    readonly error: unknown,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/error`;
  }

  override invalidate(): boolean {
    return this.parent.invalidate();
  }

  get isAuth(): boolean {
    return isQencodeError(this.error, 'auth');
  }

  treeItem(): vscode.TreeItem {
    const message = errorMessage(this.error);
    const item = new vscode.TreeItem(
      this.isAuth ? t('API key rejected. Re-enter API Key…') : t('Could not load. Retry'),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    item.description = this.isAuth ? undefined : message;
    item.contextValue = this.isAuth ? Ctx.authError : Ctx.error;
    item.iconPath = this.isAuth
      ? new vscode.ThemeIcon('key', new vscode.ThemeColor('list.errorForeground'))
      : new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    item.command = this.isAuth
      ? { command: 'qencodeCdn.replaceApiKey', title: t('Re-enter API Key…'), arguments: [this.projectNode] }
      : { command: 'qencodeCdn.retry', title: t('Retry'), arguments: [this] };
    return item;
  }

  override tooltip(): string {
    return errorMessage(this.error);
  }
}

export class InvalidNode extends Node {
  constructor(
    readonly parent: Node,
    readonly item: InvalidItem,
    readonly index: number,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/invalid/${this.index}`;
  }

  treeItem(): vscode.TreeItem {
    const problem = this.item.problem;
    const item = new vscode.TreeItem(
      this.item.id ?? t('item {0}', this.index + 1),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    item.contextValue = Ctx.invalid;
    item.description = t('invalid: {0}', problem);
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    return item;
  }

  override tooltip(): string {
    return t(
      'The API returned this item in a shape the extension does not understand, so it is not shown: {0}',
      this.item.problem,
    );
  }
}

export class MessageNode extends Node {
  constructor(
    readonly parent: Node,
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
