import * as vscode from 'vscode';
import {
  formatDay,
  formatWhen,
  getTlsSubscription,
  isoOrNull,
  validItems,
  type Domain,
  type QencodeClient,
  type TlsSubscription,
} from '../../core';
import { Ctx } from '../../explorer/context-values';
import { Node, rows, type GroupKind, type GroupNode } from '../../explorer/nodes';
import { parseCname } from './certificate';
import { describeVerdict, shortVerdict, type DnsChecks } from './dns';
import type { TlsWatch } from './watch';

const t = vscode.l10n.t;

const TLS_ICONS: Record<string, [string, string]> = {
  issued: ['pass-filled', 'charts.green'],
  pending: ['clock', 'charts.yellow'],
  failed: ['error', 'charts.red'],
  expired: ['warning', 'charts.orange'],
};

/** Where the CNAME instructions of a subscription are kept, since the API gives them only once. */
export type TlsMessages = (projectId: string, tlsId: string) => string | undefined;

/** What TLS rows need besides their data. */
export interface TlsRowServices {
  messages: TlsMessages;
  dns: DnsChecks;
  watch?: TlsWatch;
}

/** A certificate this close to its end gets a warning. */
export const EXPIRY_WARNING_DAYS = 14;

const STATUS_CONTEXT: Record<string, string> = {
  pending: Ctx.tlsPending,
  issued: Ctx.tlsIssued,
  failed: Ctx.tlsFailed,
  expired: Ctx.tlsExpired,
};

export class TlsNode extends Node {
  constructor(
    readonly parent: GroupNode,
    readonly subscription: TlsSubscription,
    readonly domain: Domain | undefined,
    private readonly services: Pick<TlsRowServices, 'messages'> & Partial<TlsRowServices>,
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
    return this.subscription.message ?? this.services.messages(this.projectNode.projectId, this.subscription.id);
  }

  /** The CNAME target Qencode named for this domain, when this editor saw it. */
  get cnameTarget(): string | undefined {
    return parseCname(this.message)?.target;
  }

  /** Whole days until the certificate expires, when the API says. */
  daysLeft(now = Date.now()): number | undefined {
    const expires = this.subscription.expires;
    return expires ? Math.floor((expires.getTime() - now) / 86_400_000) : undefined;
  }

  treeItem(): vscode.TreeItem {
    const s = this.subscription;
    const domainName = this.domain?.name;
    const item = new vscode.TreeItem(domainName ?? t('domain {0}', s.domainId), vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    // Own keys only: a status such as "constructor" must not read the prototype.
    item.contextValue = Object.hasOwn(STATUS_CONTEXT, s.status) ? STATUS_CONTEXT[s.status]! : Ctx.tlsOther;
    const days = this.daysLeft();
    const expiring = s.status === 'issued' && days !== undefined && days < EXPIRY_WARNING_DAYS;
    const dns = domainName ? this.services.dns?.current(domainName, this.cnameTarget) : undefined;
    // The signal first, in the icon, where a 300 px sidebar may cut the description: pending for want of DNS is a warning.
    const waitingOnDns = s.status === 'pending' && (dns?.verdict.kind === 'missing' || dns?.verdict.kind === 'wrong');
    const [icon, color] = expiring
      ? ['warning', 'charts.orange']
      : waitingOnDns
        ? ['warning', 'charts.yellow']
        : Object.hasOwn(TLS_ICONS, s.status)
          ? TLS_ICONS[s.status]!
          : ['question', 'charts.purple'];
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    const status = s.status;
    // Short for a 300 px sidebar: the icon tells the status; a pending row says what DNS says.
    item.description =
      s.status === 'pending'
        ? dns
          ? shortVerdict(dns.verdict)
          : t('checking DNS')
        : expiring
          ? days < 0
            ? t('expired')
            : t('{0} days left', days)
          : status;
    item.accessibilityInformation = { label: [domainName ?? s.domainId, status, String(item.description)].join(', ') };
    return item;
  }

  override tooltip(): string {
    const s = this.subscription;
    const domainName = this.domain?.name;
    const dns = domainName ? this.services.dns?.current(domainName, this.cnameTarget) : undefined;
    const status = s.status;
    const waitingOn = s.status === 'pending' && dns && (dns.verdict.kind === 'missing' || dns.verdict.kind === 'wrong');
    const cname = parseCname(this.message);
    return [
      t('TLS subscription for {0}', domainName ?? s.domainId),
      t('Status: {0}', status),
      ...(dns ? [describeVerdict(dns.verdict)] : domainName ? [t('DNS: checking…')] : []),
      ...(waitingOn && cname
        ? [t('This is why it is still pending: add the DNS record “{0} CNAME {1}”.', cname.name, cname.target)]
        : cname && s.status === 'pending'
          ? [t('CNAME record: {0} CNAME {1}', cname.name, cname.target)]
          : []),
      ...(s.status === 'failed'
        ? [
            this.message
              ? t('Why: {0}', this.message)
              : t(
                  'Qencode gave no reason. Most often the CNAME record is missing or points elsewhere: Check DNS, then Renew.',
                ),
          ]
        : this.message && !cname
          ? [this.message]
          : []),
      ...(s.status === 'pending' && !cname
        ? [
            t(
              'The CNAME target is not known here (the subscription was made outside this editor): Show CNAME Instructions offers to make it again, or to open the Qencode portal.',
            ),
          ]
        : []),
      ...(s.expires ? [t('Expires: {0}', formatDay(s.expires))] : []),
      t('Created: {0}', formatWhen(s.created)),
      t('ID: {0}', s.id),
    ].join('\n');
  }

  async details(client: QencodeClient, signal: AbortSignal): Promise<{ title: string; json: Record<string, unknown> }> {
    const sub = await getTlsSubscription(client, this.subscription.id, signal);
    return {
      title: `tls ${this.domain?.name ?? sub.id}`,
      json: tlsJson(sub, this.domain, sub.message ?? this.message),
    };
  }
}

export function tlsJson(
  sub: TlsSubscription,
  domain: Domain | undefined,
  message: string | undefined,
): Record<string, unknown> {
  return {
    id: sub.id,
    status: sub.status,
    domain_id: sub.domainId,
    domain_name: domain?.name,
    created: isoOrNull(sub.created),
    message,
  };
}

export function tlsGroup(services: TlsRowServices): GroupKind {
  return {
    kind: 'tls',
    contextValue: Ctx.groupTls,
    label: () => t('TLS Subscriptions'),
    icon: 'shield',
    shows: ['tls', 'domains'],
    async rows(group) {
      const project = group.parent;
      const data = project.data;
      // Both lists are asked for at once; a failed domain list only costs the names.
      const [tls, domains] = await Promise.all([data.list('tls'), data.domainsById()]);
      const subs = validItems(tls);
      services.watch?.observe(project.projectId, subs, domains);
      const nodes = rows(
        group,
        tls,
        (s) => new TlsNode(group, s, domains.get(s.domainId), services),
        (s) => domains.get(s.domainId)?.name ?? s.domainId,
        {
          label: t('No TLS subscriptions yet. Create one…'),
          command: 'qencodeCdn.createTls',
        },
      );
      // DNS is looked up in the background; a changed verdict redraws the group.
      for (const n of nodes) {
        if (n instanceof TlsNode && n.domain && !services.dns.isFresh(n.domain.name, n.cnameTarget))
          void services.dns.check(n.domain.name, n.cnameTarget).catch(() => undefined);
      }
      return nodes;
    },
    refresh: (data) => data.invalidate('tls'),
  };
}
