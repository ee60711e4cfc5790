import * as vscode from 'vscode';
import type { Change, DataLayer } from '../data';
import type { Clients } from '../resources/projects/clients';
import type { Projects } from '../resources/projects/store';
import { ErrorNode, Node, ProjectNode, type GroupKind } from './nodes';

/**
 * The TreeDataProvider. It only draws: rows are views of the data layer, and when
 * the data says "resource X of project P changed", it fires exactly the rows the
 * view holds that show X, so VS Code redraws them. A load failure is a row, never a popup.
 */
export class Explorer implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly projectNodes = new Map<string, ProjectNode>();
  private rootNodes: readonly ProjectNode[] = [];
  /** The rows the view was given, by id: a fire must name the instance the view holds. */
  private readonly held = new Map<string, Node>();
  private readonly heldChildren = new Map<string, string[]>();
  private readonly subscriptions: { dispose(): void }[];

  constructor(
    private readonly projects: Projects,
    private readonly clients: Clients,
    private readonly data: DataLayer,
    /** The log's redaction: every row's text passes it here, whatever node drew it. */
    private readonly shown: (text: string) => string,
    private readonly kinds: readonly GroupKind[],
  ) {
    // Subscribed before anything else hears of a change: the rows are right when the others act on it.
    this.subscriptions = [
      data.onDidChange((change) => this.redraw(change)),
      projects.onDidChange(() => this.syncRoots()),
      // Another window may have added, renamed or removed a project (global state is shared, and says nothing):
      // coming back to this window, the list is read again.
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused && this.syncRoots()) this.changed.fire(undefined);
      }),
    ];
    this.syncRoots();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const item = node.treeItem();
    // Server text (a status, a message, an error) is in labels and descriptions: no secret it echoes is drawn.
    if (typeof item.label === 'string') item.label = this.shown(item.label);
    else if (item.label) item.label = { label: this.shown(item.label.label) };
    if (typeof item.description === 'string') item.description = this.shown(item.description);
    if (typeof item.tooltip === 'string') item.tooltip = this.shown(item.tooltip);
    if (item.accessibilityInformation)
      item.accessibilityInformation = {
        ...item.accessibilityInformation,
        label: this.shown(item.accessibilityInformation.label),
      };
    return item;
  }

  /** Called on hover, for a row drawn without a tooltip. */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (item.tooltip === undefined) {
      const tooltip = node.tooltip();
      if (tooltip !== undefined) item.tooltip = this.shown(tooltip);
    }
    return item;
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    let children: Node[];
    try {
      if (!node) this.syncRoots();
      children = node ? await node.children() : [...this.roots()];
    } catch (error) {
      children = node ? [new ErrorNode(node, error)] : [];
    }
    this.hold(node?.id ?? '', children);
    return children;
  }

  /** The project rows, in the list's order: a query, with no effect (syncRoots makes them). */
  roots(): readonly ProjectNode[] {
    return this.rootNodes;
  }

  /**
   * One node per project, kept while the project exists, so a fire reaches the row the
   * view holds; made again from the list whenever it changes (a rename renames its row).
   */
  private syncRoots(): boolean {
    const list = this.projects.list();
    const before = this.rootNodes.map((n) => `${n.projectId}\n${n.projectName}`).join('\n');
    for (const id of [...this.projectNodes.keys()]) if (!list.some((p) => p.id === id)) this.projectNodes.delete(id);
    this.rootNodes = list.map((project) => {
      let node = this.projectNodes.get(project.id);
      if (!node) {
        node = new ProjectNode(
          project,
          this.data,
          this.kinds,
          () => this.projects.hasApiKey(project.id),
          () => {
            void this.clients.readyClient(project.id).then((client) => client.preconnect());
          },
        );
        this.projectNodes.set(project.id, node);
      }
      node.project = project;
      return node;
    });
    return this.rootNodes.map((n) => `${n.projectId}\n${n.projectName}`).join('\n') !== before;
  }

  /** The project list changed (added, removed, renamed). */
  redrawRoots(): void {
    this.changed.fire(undefined);
  }

  /** Refresh everything: every list is read again. */
  refresh(): void {
    this.syncRoots();
    this.data.invalidateAll();
    this.changed.fire(undefined);
  }

  /** Refresh on a row: it says which data is stale; a row with nothing to reload is just redrawn. */
  refreshNode(node: Node): void {
    if (!node.invalidate()) this.changed.fire(node);
  }

  /** The row with this id as the view holds it, if the view has it. */
  heldRow(id: string): Node | undefined {
    return this.held.get(id);
  }

  /**
   * Shows a row: its parent is revealed and expanded first, so VS Code asks for the
   * children itself and the row found is the instance the view holds.
   */
  async reveal(view: vscode.TreeView<Node>, parent: Node, match: (row: Node) => boolean): Promise<boolean> {
    await view.reveal(parent, { expand: true, select: false, focus: false });
    const ids = this.heldChildren.get(parent.id) ?? (await this.getChildren(parent)).map((c) => c.id);
    const row = ids.map((id) => this.held.get(id)).find((n): n is Node => !!n && match(n));
    if (!row) return false;
    await view.reveal(row, { select: true, focus: true, expand: true });
    return true;
  }

  private hold(parentId: string, children: Node[]): void {
    const ids = children.map((c) => c.id);
    const before = this.heldChildren.get(parentId);
    if (before) {
      // Rows gone from under this parent are dropped, with everything under them.
      const keep = new Set(ids);
      const drop = (id: string) => {
        this.held.delete(id);
        for (const child of this.heldChildren.get(id) ?? []) drop(child);
        this.heldChildren.delete(id);
      };
      for (const id of before) if (!keep.has(id)) drop(id);
    }
    for (let i = 0; i < children.length; i++) this.held.set(ids[i]!, children[i]!);
    this.heldChildren.set(parentId, ids);
  }

  /** Fires the held rows that show this change, but not those whose ancestor is redrawn anyway. */
  private redraw(change: Change): void {
    const candidates = [...this.projectNodes.values(), ...this.held.values()].filter((n) => n.shows(change));
    const set = new Set(candidates);
    const covered = (n: Node) => {
      for (let p = n.parent; p; p = p.parent) if (set.has(p)) return true;
      return false;
    };
    for (const node of new Set(candidates)) if (!covered(node)) this.changed.fire(node);
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
