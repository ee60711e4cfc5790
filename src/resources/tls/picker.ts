import * as vscode from 'vscode';
import { answered, selection } from '../../actions';
import type { Domain, TlsSubscription } from '../../core';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { pickProject } from '../projects/picker';
import { parseCname } from './certificate';
import { TlsNode } from './node';

const t = vscode.l10n.t;

/** What a TLS command acts on: a project's subscription, with its domain when the list has it. */
export interface TlsTarget {
  project: ProjectNode;
  subscription: TlsSubscription;
  domain: Domain | undefined;
}

/** A row of the tree, as the commands take it. */
export function tlsTargetOf(row: TlsNode): TlsTarget {
  return { project: row.projectNode, subscription: row.subscription, domain: row.domain };
}

/** The clicked subscription, or one picked from the project's subscriptions. */
export async function pickTls(s: Services, node: unknown): Promise<TlsTarget> {
  if (node instanceof TlsNode) return tlsTargetOf(node);
  const project = await pickProject(s, node);
  const [subs, domains] = await s
    .ui()
    .loading(t('Loading TLS subscriptions…'), () =>
      Promise.all([project.data.items('tls'), project.data.domainsById()]),
    );
  if (subs.length === 0) throw new Error(t('project {0} has no TLS subscriptions', project.projectName));
  const picked = answered(
    await s.ui().pick(
      subs.map((sub) => ({ label: domains.get(sub.domainId)?.name ?? sub.domainId, description: sub.status, sub })),
      { id: 'tls', title: t('Choose a TLS subscription') },
    ),
  );
  return { project, subscription: picked.sub, domain: domains.get(picked.sub.domainId) };
}

/** The subscriptions selected in the view, or one picked. */
export async function pickTlsTargets(s: Services, node: unknown, nodes: unknown): Promise<TlsTarget[]> {
  const selected = selection(node, nodes, TlsNode).map(tlsTargetOf);
  return selected.length ? selected : [await pickTls(s, node)];
}

/** The subscription's CNAME instruction: in its reply when this editor created it, else as kept since. */
export function instructionOf(s: Services, target: TlsTarget): string | undefined {
  return target.subscription.message ?? s.tlsInstructions.instruction(target.project.projectId, target.subscription.id);
}

/** The CNAME target Qencode named for the domain, when this editor saw it. */
export function cnameTargetOf(s: Services, target: TlsTarget): string | undefined {
  return parseCname(instructionOf(s, target))?.target;
}
