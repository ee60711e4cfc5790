import * as vscode from 'vscode';
import { withProgress } from '../actions';
import type { Command } from '../commands';
import type { QencodeClient } from '../core';
import { Node } from '../explorer/nodes';
import type { Services } from '../services';
import { pickDomain } from './domains/picker';
import { domainDetails } from './domains/node';

const t = vscode.l10n.t;

/** A row of an API item: it has an id to copy and details to fetch. */
interface ItemNode extends Node {
  readonly itemId: string;
  details(client: QencodeClient, signal: AbortSignal): Promise<{ title: string; json: Record<string, unknown> }>;
}

const isItemNode = (node: unknown): node is ItemNode => node instanceof Node && 'itemId' in node && 'details' in node;

/** Copy ID: the id of the row's domain, TLS subscription or signing key. */
export async function copyId(_s: Services, node?: unknown): Promise<void> {
  if (!isItemNode(node))
    throw new Error(t('Copy ID works on a domain, TLS subscription or signing key in the explorer'));
  await vscode.env.clipboard.writeText(node.itemId);
}

/** Show Details: the item read again from the API, as read-only JSON (from the palette, a domain is asked for). */
export async function showDetails(s: Services, node?: unknown): Promise<void> {
  const target = isItemNode(node)
    ? { project: node.projectNode, details: node.details.bind(node) }
    : await pickDomain(s, node).then(({ project, domain }) => ({
        project,
        details: (client: QencodeClient, signal: AbortSignal) => domainDetails(client, domain.id, signal),
      }));
  const { title, json } = await withProgress(s.ui(), t('Getting the details…'), (signal) =>
    target.details(s.clients.client(target.project.projectId), signal),
  );
  await s.details.show(target.project.projectName, title, json);
}

/** Commands shared by the rows of every API item. */
export const commonCommands = (): Command[] => [
  { id: 'qencodeCdn.copyId', name: t('Copy ID'), run: copyId },
  { id: 'qencodeCdn.showDetails', name: t('Show details'), run: showDetails },
];
