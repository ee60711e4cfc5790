import * as vscode from 'vscode';
import { answered } from '../../actions';
import type { Services } from '../../services';
import { pickProject } from '../projects/picker';
import { TlsNode } from './node';

const t = vscode.l10n.t;

/** The clicked subscription, or one picked from the project's subscriptions. */
export async function pickTls(s: Services, node: unknown): Promise<TlsNode> {
  if (node instanceof TlsNode) return node;
  const project = await pickProject(s, node);
  const [subs, domains] = await s
    .ui()
    .loading(t('Loading TLS subscriptions…'), () =>
      Promise.all([project.data.items('tls'), project.data.domainsById()]),
    );
  if (subs.length === 0) throw new Error(t('project {0} has no TLS subscriptions', project.project.name));
  const picked = answered(
    await s.ui().pick(
      subs.map((sub) => ({ label: domains.get(sub.domainId)?.name ?? sub.domainId, description: sub.status, sub })),
      { id: 'tls', title: t('Choose a TLS subscription') },
    ),
  );
  return new TlsNode(project.group('tls'), picked.sub, domains.get(picked.sub.domainId), {
    messages: (p, id) => s.tlsInstructions.instruction(p, id),
  });
}
