import * as vscode from 'vscode';
import {
  formatDay,
  formatWhen,
  getSigningKey,
  isoOrNull,
  type Domain,
  type QencodeClient,
  type SigningKey,
} from '../../core';
import { Ctx } from '../../explorer/context-values';
import { Node, rows, type GroupKind, type GroupNode } from '../../explorer/nodes';

const t = vscode.l10n.t;

/** What a key signs for, in full (tooltips, details, confirmations). */
export function signingKeyTarget(k: SigningKey, domains: ReadonlyMap<string, Domain>): string {
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

/** A key's label: its name, or for an unnamed key a short id, so two can be told apart at a glance. */
export function signingKeyLabel(k: SigningKey): string {
  return k.name ?? t('unnamed · {0}', k.id.slice(0, 8));
}

/** Whether a key's private key arrived but is not in a file yet. */
export type IsKeyUnsaved = (projectId: string, keyId: string) => boolean;

export class SigningKeyNode extends Node {
  constructor(
    readonly parent: GroupNode,
    readonly key: SigningKey,
    readonly domains: Map<string, Domain>,
    private readonly isUnsaved: IsKeyUnsaved,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/${this.key.id}`;
  }

  get itemId(): string {
    return this.key.id;
  }

  treeItem(): vscode.TreeItem {
    const k = this.key;
    const unsaved = this.isUnsaved(this.projectNode.projectId, k.id);
    const item = new vscode.TreeItem(signingKeyLabel(k), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = unsaved ? Ctx.signingKeyUnsaved : Ctx.signingKey;
    item.iconPath = unsaved
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon('key');
    // Short for a 300 px sidebar: what it signs for, briefly; the rest is in the tooltip.
    const target = k.target;
    item.description =
      target.kind === 'stream'
        ? t('stream {0}…', target.streamId.slice(0, 8))
        : target.kind === 'domain'
          ? (this.domains.get(target.domainId)?.name ?? t('domain {0}…', target.domainId.slice(0, 8)))
          : target.kind === 'bucket'
            ? t('bucket {0}', target.bucketName)
            : t('unknown target');
    // The warning icon is not read aloud, and the tooltip comes only on hover: a screen reader hears it.
    if (unsaved)
      item.accessibilityInformation = {
        label: t('{0}, {1}, private key not saved to a file', String(item.label), String(item.description)),
      };
    return item;
  }

  override tooltip(): string {
    const k = this.key;
    const unsaved = this.isUnsaved(this.projectNode.projectId, k.id);
    return [
      k.name ?? t('Unnamed signing key'),
      t('Signs for: {0}', signingKeyTarget(k, this.domains)),
      t('Created: {0}', formatWhen(k.created)),
      t('ID: {0}', k.id),
      ...(unsaved
        ? [
            '',
            t(
              'Its private key was received but not saved to a file. It is still open in an editor in this window: save it now, it cannot be downloaded again.',
            ),
          ]
        : []),
    ].join('\n');
  }

  async details(client: QencodeClient, signal: AbortSignal): Promise<{ title: string; json: Record<string, unknown> }> {
    const k = await getSigningKey(client, this.key.id, signal);
    return { title: `signing key ${k.name ?? k.id}`, json: signingKeyJson(k, this.domains) };
  }
}

export function signingKeyJson(k: SigningKey, domains: Map<string, Domain>): Record<string, unknown> {
  const target =
    k.target.kind === 'stream'
      ? { stream_id: k.target.streamId }
      : k.target.kind === 'domain'
        ? { domain_id: k.target.domainId }
        : k.target.kind === 'bucket'
          ? { bucket_name: k.target.bucketName }
          : {};
  return { id: k.id, name: k.name, signs_for: signingKeyTarget(k, domains), ...target, created: isoOrNull(k.created) };
}

export function keysGroup(isUnsaved: IsKeyUnsaved): GroupKind {
  return {
    kind: 'keys',
    contextValue: Ctx.groupKeys,
    label: () => t('Signing Keys'),
    icon: 'key',
    shows: ['keys', 'domains'],
    async rows(group) {
      const data = group.parent.data;
      const [keys, domains] = await Promise.all([data.list('keys'), data.domainsById()]);
      // Named keys by name, then unnamed ones by date.
      return rows(
        group,
        keys,
        (k) => new SigningKeyNode(group, k, domains, isUnsaved),
        (k) => (k.name ? `0${k.name}` : `1${formatDay(k.created)}${k.id}`),
        {
          label: t('No signing keys yet. Create one…'),
          command: 'qencodeCdn.createSigningKey',
        },
      );
    },
    refresh: (data) => data.invalidate('keys'),
  };
}
