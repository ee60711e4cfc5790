import * as vscode from 'vscode';
import { formatWhen, getTlsSubscription, isoOrNull, type Domain, type QencodeClient, type TlsSubscription } from '../../core';
import { Ctx } from '../../explorer/context-values';
import { Node, rows, type GroupKind, type GroupNode } from '../../explorer/nodes';
import { shown } from '../../log';

const t = vscode.l10n.t;

const TLS_ICONS: Record<string, [string, string]> = {
  issued: ['pass-filled', 'charts.green'],
  pending: ['clock', 'charts.yellow'],
  failed: ['error', 'charts.red'],
  expired: ['warning', 'charts.orange'],
};

/** Where the CNAME instructions of a subscription are kept, since the API gives them only once. */
export type TlsMessages = (projectId: string, tlsId: string) => string | undefined;

export class TlsNode extends Node {
  constructor(
    readonly parent: GroupNode,
    readonly subscription: TlsSubscription,
    readonly domain: Domain | undefined,
    private readonly messages: TlsMessages,
  ) {
    super();
  }

  get id(): string {
    return `${this.parent.id}/${this.subscription.id}`;
  }

  get itemId(): string {
    return this.subscription.id;
  }

  /** The create reply's CNAME instructions, kept since the API does not repeat them. */
  get message(): string | undefined {
    return this.subscription.message ?? this.messages(this.projectNode.project.id, this.subscription.id);
  }

  treeItem(): vscode.TreeItem {
    const s = this.subscription;
    const item = new vscode.TreeItem(this.domain?.name ?? t('domain {0}', s.domainId), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = Ctx.tls;
    // Own keys only: a status such as "constructor" must not read the prototype.
    const [icon, color] = Object.hasOwn(TLS_ICONS, s.status) ? TLS_ICONS[s.status]! : ['question', 'charts.purple'];
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    item.description = shown(s.status);
    item.tooltip = [
      t('TLS subscription for {0}', this.domain?.name ?? s.domainId),
      t('Status: {0}', shown(s.status)),
      ...(this.message ? [shown(this.message)] : []),
      t('Created: {0}', formatWhen(s.created)),
      t('ID: {0}', s.id),
    ].join('\n');
    return item;
  }

  async details(client: QencodeClient, signal: AbortSignal): Promise<{ title: string; json: Record<string, unknown> }> {
    const sub = await getTlsSubscription(client, this.subscription.id, signal);
    return { title: `tls ${this.domain?.name ?? sub.id}`, json: tlsJson(sub, this.domain, sub.message ?? this.message) };
  }
}

export function tlsJson(sub: TlsSubscription, domain: Domain | undefined, message: string | undefined): Record<string, unknown> {
  return { id: sub.id, status: sub.status, domain_id: sub.domainId, domain_name: domain?.name, created: isoOrNull(sub.created), message };
}

export function tlsGroup(messages: TlsMessages): GroupKind {
  return {
    kind: 'tls',
    contextValue: Ctx.groupTls,
    label: () => t('TLS Subscriptions'),
    icon: 'shield',
    shows: ['tls', 'domains'],
    async rows(group) {
      const data = group.parent.data;
      // Both lists are asked for at once; a failed domain list only costs the names.
      const [tls, domains] = await Promise.all([data.list('tls'), data.domainsById()]);
      return rows(group, tls, (s) => new TlsNode(group, s, domains.get(s.domainId), messages), (s) => domains.get(s.domainId)?.name ?? s.domainId, {
        label: t('No TLS subscriptions yet. Create one…'),
        command: 'qencodeCdn.createTls',
      });
    },
    refresh: (data) => data.invalidate('tls'),
  };
}
