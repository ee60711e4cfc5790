import * as vscode from 'vscode';
import * as api from '../../core';
import { confirm, createOrReconcile, deleteEach, registerCommand, selection } from '../../actions';
import type { Services } from '../../services';
import { DomainNode } from '../domains/node';
import { pickDomain } from '../domains/picker';
import { pickProject } from '../projects/picker';
import { parseCname } from './cname';
import { TlsNode } from './node';
import { pickTls } from './picker';

const t = vscode.l10n.t;

export function registerTlsCommands(context: vscode.ExtensionContext, s: Services): void {
  const register = (id: string, name: string, handler: (node?: unknown, nodes?: unknown) => Promise<void>) => registerCommand(context, s, id, name, handler);

  register('createTls', t('Create TLS subscription'), async (node) => {
    const ui = s.ui();
    const project = await pickProject(s, node);
    const existing = new Set((await ui.loading(t('Loading TLS subscriptions…'), () => project.data.items('tls'))).map((x) => x.domainId));
    const target = node instanceof DomainNode ? { project, domain: node.domain } : await pickDomain(s, project, (d) => !existing.has(d.id), t('A domain without a TLS subscription'));
    if (existing.has(target.domain.id)) throw new Error(t('{0} has a TLS subscription already', target.domain.name));
    const client = s.projects.client(project.project.id);
    const sub = await createOrReconcile(
      ui,
      t('Creating a TLS subscription for {0}…', target.domain.name),
      () => api.createTlsSubscription(client, target.domain.id),
      async () => (api.validItems(await api.listTlsSubscriptions(client)).some((x) => x.domainId === target.domain.id) ? t('{0} has a TLS subscription', target.domain.name) : undefined),
    );
    if (sub) await s.projects.rememberTlsMessage(project.project.id, sub.id, sub.message);
    project.data.invalidate('tls');
    if (sub) await showCname(s, target.domain.name, sub.message);
  });

  register('refreshTlsStatus', t('Refresh TLS status'), async (node) => {
    const target = await pickTls(s, node);
    const project = target.projectNode;
    const sub = await s.ui().loading(t('Checking the TLS subscription of {0}…', target.domain?.name ?? target.subscription.domainId), () =>
      api.getTlsSubscription(s.projects.client(project.project.id), target.subscription.id),
    );
    project.data.replace('tls', sub);
  });

  register('showCnameInstructions', t('Show CNAME instructions'), async (node) => {
    const target = await pickTls(s, node);
    await showCname(s, target.domain?.name ?? target.subscription.domainId, target.message);
  });

  register('deleteTls', t('Delete TLS subscription'), async (node, nodes) => {
    const targets = selection(node, nodes, TlsNode);
    if (targets.length === 0) targets.push(await pickTls(s, node));
    const names = targets.map((x) => x.domain?.name ?? x.subscription.domainId);
    await confirm(
      s.ui(),
      'deleteTls',
      targets.length === 1 ? t('Delete the TLS subscription of {0}?', names[0]!) : t('Delete {0} TLS subscriptions?', targets.length),
      t('{0}\n\nHTTPS for the domain stops being renewed. This cannot be undone.', names.join('\n')),
      t('Delete'),
    );
    try {
      await deleteEach(s.ui(), targets, (x, signal) => api.deleteTlsSubscription(s.projects.client(x.projectNode.project.id), x.subscription.id, signal), (x) => x.domain?.name ?? x.subscription.id);
    } finally {
      for (const project of new Set(targets.map((x) => x.projectNode))) project.data.invalidate('tls');
    }
  });
}

async function showCname(s: Services, domainName: string, message: string | undefined): Promise<void> {
  const cname = parseCname(message);
  if (!cname) {
    await s.ui().notify(
      'cname',
      'info',
      message ?? t('Qencode gives the CNAME target for {0} only in the reply that creates the TLS subscription, and this editor did not keep it. Your Qencode account shows it with the domain.', domainName),
    );
    return;
  }
  const copy = t('Copy CNAME Target');
  const choice = await s.ui().notify('cname', 'info', t('To verify {0}, add the DNS record “{1} CNAME {2}”. The certificate is issued once the record resolves.', domainName, cname.name, cname.target), copy);
  if (choice === copy) await vscode.env.clipboard.writeText(cname.target);
}
