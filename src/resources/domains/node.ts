import * as vscode from 'vscode';
import { formatWhen, getDomain, isoOrNull, type Domain, type QencodeClient } from '../../core';
import { Ctx } from '../../explorer/context-values';
import { Node, rows, type GroupKind, type GroupNode } from '../../explorer/nodes';
import { certificateOf } from '../tls/certificate';

const t = vscode.l10n.t;

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

  get itemId(): string {
    return this.domain.id;
  }

  treeItem(): vscode.TreeItem {
    const d = this.domain;
    const item = new vscode.TreeItem(d.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = d.type === 'live' ? Ctx.domainLive : Ctx.domainVod;
    // A vod domain without an issued certificate serves nothing over https: its icon says so (known once TLS is listed).
    item.iconPath = new vscode.ThemeIcon(
      d.type === 'live' ? 'broadcast' : 'device-camera-video',
      this.certificate() ? new vscode.ThemeColor('charts.orange') : undefined,
    );
    // The essential first, short enough for a 300 px sidebar; the rest is in the tooltip.
    // The icon tells live from vod; what a vod domain serves comes first.
    item.description = d.type === 'live' ? t('live') : d.bucketName ? `→ ${d.bucketName}` : t('no bucket');
    return item;
  }

  /** For a vod domain with no issued certificate (when the TLS list is known): what is wrong, else undefined. */
  private certificate(): string | undefined {
    const data = this.projectNode.data;
    if (this.domain.type !== 'vod' || !data.has('tls')) return undefined;
    const state = certificateOf(this.domain.id, data.peek('tls'));
    if (state === 'issued') return undefined;
    return state === 'none'
      ? t('No TLS subscription: https to this domain fails until a certificate is issued (Create TLS Subscription).')
      : t('Its certificate is {0}, not issued: https to this domain fails until it is.', state);
  }

  override tooltip(): string {
    const d = this.domain;
    const certificate = this.certificate();
    return [
      d.name,
      t('Type: {0}', d.type === 'live' ? t('live streaming') : t('media storage (vod)')),
      ...(d.type === 'vod' ? [t('Bucket: {0}', d.bucketName ?? t('none'))] : []),
      ...(certificate ? [certificate] : []),
      t('Created: {0}', formatWhen(d.created)),
      t('ID: {0}', d.id),
    ].join('\n');
  }

  details(client: QencodeClient, signal: AbortSignal): Promise<{ title: string; json: Record<string, unknown> }> {
    return domainDetails(client, this.domain.id, signal);
  }
}

/** A domain read again from the API, for Show Details. */
export async function domainDetails(
  client: QencodeClient,
  domainId: string,
  signal: AbortSignal,
): Promise<{ title: string; json: Record<string, unknown> }> {
  const d = await getDomain(client, domainId, signal);
  return { title: `domain ${d.name}`, json: domainJson(d) };
}

export function domainJson(d: Domain): Record<string, unknown> {
  return {
    id: d.id,
    domain_name: d.name,
    type: d.type,
    ...(d.type === 'vod' ? { bucket_name: d.bucketName ?? null } : {}),
    created: isoOrNull(d.created),
  };
}

export const domainsGroup: GroupKind = {
  kind: 'domains',
  contextValue: Ctx.groupDomains,
  label: () => t('Playback Domains'),
  icon: 'globe',
  // TLS too: a vod row marks a missing certificate once the TLS list is read.
  shows: ['domains', 'tls'],
  async rows(group) {
    const domains = await group.parent.data.list('domains');
    return rows(
      group,
      domains,
      (d) => new DomainNode(group, d),
      (d) => d.name,
      { label: t('No playback domains yet. Create one…'), command: 'qencodeCdn.createDomain' },
    );
  },
  refresh: (data) => data.invalidate('domains'),
};
