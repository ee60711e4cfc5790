import * as vscode from 'vscode';
import type { Change, KnownBucket } from '../../data';
import { Ctx } from '../../explorer/context-values';
import { InvalidNode, MessageNode, Node, type GroupKind, type GroupNode } from '../../explorer/nodes';

const t = vscode.l10n.t;

function describeSource(source: KnownBucket['sources'][number]): string {
  if (source.kind === 'domain') return t('served by {0}', source.domain);
  if (source.kind === 'key') return t('signing key {0}', source.key);
  return t('added by you');
}

export class BucketNode extends Node {
  constructor(
    readonly parent: GroupNode,
    readonly bucket: KnownBucket,
  ) {
    super();
  }

  get name(): string {
    return this.bucket.name;
  }

  get id(): string {
    return `${this.parent.id}/${this.bucket.name}`;
  }

  treeItem(): vscode.TreeItem {
    const b = this.bucket;
    const item = new vscode.TreeItem(b.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = b.addedByUser ? Ctx.bucketAdded : Ctx.bucket;
    item.iconPath = new vscode.ThemeIcon(b.policy?.policy === 'authenticated' ? 'lock' : 'database');
    // Only what fits a 300 px sidebar; why it is known is in the tooltip. A signing key of its own hints at an authenticated bucket.
    item.description = b.policy?.policy ?? (this.hasSigningKey ? t('has signing key') : undefined);
    return item;
  }

  private get hasSigningKey(): boolean {
    return this.bucket.sources.some((s) => s.kind === 'key');
  }

  override tooltip(): string {
    const b = this.bucket;
    return [
      t('Bucket {0}', b.name),
      t('Known because: {0}', b.sources.map(describeSource).join('; ')),
      b.policy
        ? t('Access policy: {0}, set from this editor on {1}.', b.policy.policy, b.policy.at)
        : this.hasSigningKey
          ? t(
              'Access policy: not set from this editor, but a signing key exists for this bucket: it is probably authenticated, so players need signed URLs.',
            )
          : t('Access policy: not set from this editor.'),
      ...(b.region
        ? [t('Media-storage region: {0}, as you said (Set Media-Storage Region… changes it).', b.region)]
        : []),
      t(
        "The API cannot read a bucket's access policy, so this shows only what was last set here (buckets are public by default).",
      ),
      t('Expand to see its CORS policy.'),
    ].join('\n');
  }

  /** Its CORS policy, one row per header; a header whose value is not text is shown as such. */
  override async children(): Promise<Node[]> {
    const { policy, dropped } = await this.projectNode.data.corsOf(this.name);
    const entries = Object.entries(policy);
    const unusable = dropped.map(
      (header, index) =>
        new InvalidNode(this, { invalid: true, id: header, problem: t('not text, not editable here') }, index),
    );
    if (entries.length === 0 && unusable.length === 0)
      return [new MessageNode(this, t('No CORS policy. Edit…'), 'qencodeCdn.editCors')];
    return [...entries.map(([header, value]) => new CorsHeaderNode(this, header, value)), ...unusable];
  }

  override shows(change: Change): boolean {
    return (
      change.projectId === this.projectNode.projectId &&
      change.resource === 'cors' &&
      (change.bucket === undefined || change.bucket === this.name)
    );
  }

  override invalidate(): boolean {
    this.projectNode.data.invalidate('cors', this.name);
    return true;
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
    // "Allow-Origin" rather than "Access-Control-Allow-Origin": the value matters, and a sidebar is narrow.
    const item = new vscode.TreeItem(
      this.header.replace(/^Access-Control-/i, ''),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = this.id;
    item.contextValue = Ctx.corsHeader;
    item.description = this.value;
    item.iconPath = new vscode.ThemeIcon('symbol-field');
    item.command = { command: 'qencodeCdn.editCors', title: t('Edit CORS Policy'), arguments: [this.parent] };
    return item;
  }

  override tooltip(): string {
    return `${this.header}: ${this.value}\n${t('Click to edit the CORS policy of {0}.', this.parent.name)}`;
  }
}

export const bucketsGroup: GroupKind = {
  kind: 'buckets',
  contextValue: Ctx.groupBuckets,
  label: () => t('Buckets'),
  icon: 'database',
  shows: ['domains', 'keys', 'buckets'],
  async rows(group) {
    const buckets = await group.parent.data.buckets();
    if (buckets.length === 0)
      return [new MessageNode(group, t('No buckets known yet. Add one by name…'), 'qencodeCdn.addBucket')];
    return buckets.map((b) => new BucketNode(group, b));
  },
  // Refreshing Buckets refreshes their CORS rows too.
  refresh: (data) => {
    data.invalidate('cors');
    data.invalidate('domains');
    data.invalidate('keys');
  },
};
