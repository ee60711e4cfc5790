import * as vscode from 'vscode';
import type { Command } from '../../commands';
import * as api from '../../core';
import { confirm, createOrReconcile, deleteEach, runAction } from '../../actions';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { DomainNode } from '../domains/node';
import { pickDomain } from '../domains/picker';
import { pickProject } from '../projects/picker';
import { parseCname } from './certificate';
import { describeVerdict } from './dns';
import { TlsNode } from './node';
import { cnameTargetOf, instructionOf, pickTls, pickTlsTargets, type TlsTarget } from './picker';
import type { TlsWatch } from './watch';

const t = vscode.l10n.t;

/** A domain without a live subscription (the clicked one, or picked), a subscription created for it and watched, then its CNAME record shown. */
export async function createTls(s: Services, node?: unknown): Promise<void> {
  const project = await pickProject(s, node);
  const existing = await s.ui().loading(t('Loading TLS subscriptions…'), () => project.data.items('tls'));
  const live = new Set(existing.filter((x) => x.status !== 'failed' && x.status !== 'expired').map((x) => x.domainId));
  const target =
    node instanceof DomainNode
      ? { project, domain: node.domain }
      : await pickDomain(s, project, (d) => !live.has(d.id), t('A domain without a TLS subscription'));
  if (live.has(target.domain.id)) throw new Error(t('{0} has a TLS subscription already', target.domain.name));
  const sub = await createTlsFor(s, project, target.domain);
  if (sub) await showCnameRecord(s, target.domain.name, sub.message);
}

/** One GET of the subscription; its row is updated without reading the list again. */
export async function refreshTlsStatus(s: Services, node?: unknown): Promise<void> {
  const target = await pickTls(s, node);
  const project = target.project;
  const sub = await s
    .ui()
    .loading(t('Checking the TLS subscription of {0}…', target.domain?.name ?? target.subscription.domainId), () =>
      api.getTlsSubscription(s.clients.client(project.projectId), target.subscription.id),
    );
  project.data.replace('tls', sub);
}

/** The CNAME record to create, from the create reply kept here; when unknown, says why and offers to re-create the subscription or open the portal. */
export async function showCnameInstructions(s: Services, node?: unknown): Promise<void> {
  const target = await pickTls(s, node);
  const domain = target.domain;
  // Where Qencode's target is unknown here, a pending or failed subscription can be made again: the new reply names it.
  const recreate =
    domain && (target.subscription.status === 'pending' || target.subscription.status === 'failed')
      ? async () => {
          await s
            .ui()
            .progress(
              t('Deleting the TLS subscription of {0}…', domain.name),
              (_r, signal) =>
                api.deleteTlsSubscription(s.clients.client(target.project.projectId), target.subscription.id, signal),
              { cancellable: false },
            );
          try {
            return (await createTlsFor(s, target.project, domain))?.message;
          } catch (error) {
            throw new Error(
              t(
                'the subscription of {0} was deleted, and a new one could not be made: {1}. Create TLS Subscription on the domain makes one',
                domain.name,
                api.errorMessage(error),
              ),
            );
          } finally {
            target.project.data.invalidate('tls');
          }
        }
      : undefined;
  await showCnameRecord(s, domain?.name ?? target.subscription.domainId, instructionOf(s, target), recreate);
}

/** What DNS says now of the subscription's domain against the CNAME target, told with the record to add when it is missing or wrong. */
export async function checkDns(s: Services, node?: unknown): Promise<void> {
  const target =
    node instanceof DomainNode ? await tlsOfDomain(s, node.projectNode, node.domain) : await pickTls(s, node);
  if (!target)
    throw new Error(
      t(
        '{0} has no TLS subscription yet, so there is no CNAME to check. Create one first',
        (node as DomainNode).domain.name,
      ),
    );
  await checkDnsNow(s, target);
}

/** A failed or expired subscription: confirmed, a new one created for the same domain and watched, and its CNAME record shown. */
export async function renewTls(s: Services, node?: unknown): Promise<void> {
  const target = await pickTls(s, node);
  await renew(s, target);
}

/** Shows the watched (pending) subscriptions in the explorer. */
export async function revealPendingTls(s: Services): Promise<void> {
  const watched = s.tlsWatch.watched();
  if (watched.length === 0) return void s.ui().notify('noPendingTls', 'info', t('No TLS subscription is pending.'));
  for (const root of s.explorer.roots()) {
    const shown = await s.explorer.reveal(
      s.treeView,
      root.group('tls'),
      (r) =>
        r instanceof TlsNode && watched.some((w) => w.projectId === root.project.id && w.tlsId === r.subscription.id),
    );
    if (shown) return;
  }
}

/** The selected subscriptions (or one picked), confirmed, deleted one by one. */
export async function deleteTls(s: Services, node?: unknown, nodes?: unknown): Promise<void> {
  const targets = await pickTlsTargets(s, node, nodes);
  const names = targets.map((x) => x.domain?.name ?? x.subscription.domainId);
  await confirm(
    s.ui(),
    'deleteTls',
    targets.length === 1
      ? t('Delete the TLS subscription of {0}?', names[0]!)
      : t('Delete {0} TLS subscriptions?', targets.length),
    t('{0}\n\nHTTPS for the domain stops being renewed. This cannot be undone.', names.join('\n')),
    t('Delete'),
  );
  try {
    await deleteEach(
      s.ui(),
      targets,
      (x, signal) => api.deleteTlsSubscription(s.clients.client(x.project.projectId), x.subscription.id, signal),
      (x) => x.domain?.name ?? x.subscription.id,
    );
  } finally {
    for (const project of new Set(targets.map((x) => x.project))) project.data.invalidate('tls');
  }
}

/** The commands on TLS subscriptions. */
export const tlsCommands = (): Command[] => [
  { id: 'qencodeCdn.createTls', name: t('Create TLS subscription'), run: createTls },
  { id: 'qencodeCdn.refreshTlsStatus', name: t('Refresh TLS status'), run: refreshTlsStatus },
  { id: 'qencodeCdn.showCnameInstructions', name: t('Show CNAME instructions'), run: showCnameInstructions },
  { id: 'qencodeCdn.checkDns', name: t('Check DNS'), run: checkDns },
  { id: 'qencodeCdn.renewTls', name: t('Renew TLS subscription'), run: renewTls },
  { id: 'qencodeCdn.revealPendingTls', name: t('Show pending TLS subscriptions'), run: revealPendingTls },
  { id: 'qencodeCdn.deleteTls', name: t('Delete TLS subscription'), run: deleteTls },
];

/**
 * Creates a domain's TLS subscription, keeps its CNAME instructions (the API gives
 * them once) and watches it. Undefined when the reply was lost but it happened.
 */
export async function createTlsFor(
  s: Services,
  project: ProjectNode,
  domain: api.Domain,
): Promise<api.TlsSubscription | undefined> {
  const client = s.clients.client(project.projectId);
  let found: api.TlsSubscription | undefined;
  const sub = await createOrReconcile(
    s.ui(),
    t('Creating a TLS subscription for {0}…', domain.name),
    () => api.createTlsSubscription(client, domain.id),
    async () => {
      found = api
        .validItems(await api.listTlsSubscriptions(client))
        .find((x) => x.domainId === domain.id && x.status === 'pending');
      return found
        ? t(
            '{0} has a TLS subscription; its CNAME instructions were in the lost reply, so your Qencode account shows them',
            domain.name,
          )
        : undefined;
    },
  );
  if (sub) await s.tlsInstructions.remember(project.projectId, sub.id, sub.message);
  // Watched either way, even when only the check found it.
  const watched = sub ?? found;
  if (watched) s.tlsWatch.watch(project.projectId, watched.id, domain.name);
  project.data.invalidate('tls');
  return sub;
}

/** Where Qencode's portal is: a subscription made elsewhere shows its CNAME target there. */
const QENCODE_PORTAL = 'https://portal.qencode.com/';

/**
 * The DNS record to create, with its name and target one click from the clipboard,
 * and what DNS says now. Asked again after each copy, until Done. When the target is
 * not known here (the subscription was made outside this editor), says why in a modal,
 * not a toast cut short, and offers what can be done: make the subscription again
 * (`recreate`; its reply names the target), or open the Qencode portal.
 */
export async function showCnameRecord(
  s: Services,
  domainName: string,
  message: string | undefined,
  recreate?: () => Promise<string | undefined>,
): Promise<void> {
  let cname = parseCname(message);
  if (!cname) {
    const dns = await s.dns.check(domainName, undefined).catch(() => undefined);
    const again = t('Re-create Subscription');
    const portal = t('Open the Qencode Portal');
    const choice = await s
      .ui()
      .ask(
        'cnameUnknown',
        t('The CNAME record for {0} is not known here.', domainName),
        [
          message
            ? t('Qencode said: {0}', message)
            : t(
                'Qencode names the CNAME target only in the reply that creates a TLS subscription, and this one was created outside this editor.',
              ),
          '',
          ...(recreate
            ? [
                t(
                  'Re-create Subscription: this subscription is deleted and a new one is made for {0}; its reply names the target, and it is watched until the certificate is issued.',
                  domainName,
                ),
              ]
            : []),
          t('The Qencode portal shows the target with the domain {0}.', domainName),
          ...(dns ? ['', `${t('DNS now')}: ${describeVerdict(dns.verdict)}.`] : []),
        ].join('\n'),
        ...(recreate ? [again, portal] : [portal]),
      );
    if (choice === portal) return void (await vscode.env.openExternal(vscode.Uri.parse(QENCODE_PORTAL)));
    if (choice !== again || !recreate) return;
    cname = parseCname(await recreate());
    if (!cname)
      throw new Error(
        t(
          'the new subscription of {0} was made, but its reply named no CNAME target; the Qencode portal shows it',
          domainName,
        ),
      );
  }
  // Most DNS forms take the target without the root's final dot; a few want it whole (they say "fully qualified").
  const target = cname.target.replace(/\.$/, '');
  let copied = '';
  for (;;) {
    const dns = await s.dns.check(domainName, cname.target).catch(() => undefined);
    const copyName = {
      iconPath: new vscode.ThemeIcon(copied === 'name' ? 'check' : 'copy'),
      label: copied === 'name' ? t('Copied the name') : t('Copy the name'),
      description: cname.name,
      action: 'name' as const,
    };
    const copyTarget = {
      iconPath: new vscode.ThemeIcon(copied === 'target' ? 'check' : 'copy'),
      label: copied === 'target' ? t('Copied the target') : t('Copy the target'),
      description: target,
      detail: t('Without the final dot, as most DNS forms take it.'),
      action: 'target' as const,
    };
    const copyFqdn = {
      iconPath: new vscode.ThemeIcon(copied === 'fqdn' ? 'check' : 'copy'),
      label: copied === 'fqdn' ? t('Copied the target with its final dot') : t('Copy the target with its final dot'),
      description: `${target}.`,
      detail: t('For a form that asks for a fully qualified name.'),
      action: 'fqdn' as const,
    };
    const done = {
      iconPath: new vscode.ThemeIcon('pass'),
      label: t('Done'),
      description: t('the certificate is watched; you will be told when it is issued'),
      action: 'done' as const,
    };
    const picked = await s.ui().pick([copyName, copyTarget, copyFqdn, done], {
      id: 'cnameRecord',
      title: t('Add this DNS record at your DNS provider: {0} CNAME {1}', cname.name, target),
      placeHolder: dns ? describeVerdict(dns.verdict) : t('DNS: could not be checked'),
    });
    if (!picked || picked.action === 'done') return;
    await vscode.env.clipboard.writeText(
      picked.action === 'name' ? cname.name : picked.action === 'target' ? target : `${target}.`,
    );
    copied = picked.action;
  }
}

async function checkDnsNow(s: Services, target: TlsTarget): Promise<void> {
  const domain = target.domain?.name;
  if (!domain) throw new Error(t('the domain of this TLS subscription is not in the list, so its name is unknown'));
  s.dns.forget(domain);
  const result = await s
    .ui()
    .loading(t('Checking the DNS of {0}…', domain), () => s.dns.check(domain, cnameTargetOf(s, target), true));
  target.project.data.changed('tls');
  const cname = parseCname(instructionOf(s, target));
  const advice =
    result.verdict.kind === 'missing' || result.verdict.kind === 'wrong'
      ? cname
        ? ` ${t('Add the record “{0} CNAME {1}”.', cname.name, cname.target)}`
        : ''
      : '';
  void s
    .ui()
    .notify(
      'dnsChecked',
      result.verdict.kind === 'ok' ? 'info' : 'warning',
      `${domain}: ${describeVerdict(result.verdict)}.${advice}`,
    );
}

async function renew(s: Services, target: TlsTarget): Promise<void> {
  const domain = target.domain;
  if (!domain) throw new Error(t('the domain of this TLS subscription is no longer in the list'));
  if (target.subscription.status !== 'failed' && target.subscription.status !== 'expired') {
    throw new Error(t('only a failed or expired subscription is renewed; this one is {0}', target.subscription.status));
  }
  await confirm(
    s.ui(),
    'renewTls',
    t('Renew the TLS subscription of {0}?', domain.name),
    t(
      'A new subscription is created for the same domain, and watched until its certificate is issued. Make sure the CNAME record is right first.',
    ),
    t('Renew'),
  );
  const sub = await createTlsFor(s, target.project, domain);
  if (sub) await showCnameRecord(s, domain.name, sub.message);
}

async function tlsOfDomain(s: Services, project: ProjectNode, domain: api.Domain): Promise<TlsTarget | undefined> {
  const subs = await s.ui().loading(t('Loading TLS subscriptions…'), () => project.data.items('tls'));
  // The newest one, when a failed subscription was renewed.
  const sub = subs.filter((x) => x.domainId === domain.id).sort((a, b) => b.created.getTime() - a.created.getTime())[0];
  return sub ? { project, subscription: sub, domain } : undefined;
}

async function tlsById(s: Services, projectId: string, tlsId: string): Promise<TlsTarget | undefined> {
  const project = s.explorer.roots().find((n) => n.project.id === projectId);
  if (!project) return undefined;
  const [subs, domains] = await Promise.all([project.data.items('tls'), project.data.domainsById()]);
  const sub = subs.find((x) => x.id === tlsId);
  return sub ? { project, subscription: sub, domain: domains.get(sub.domainId) } : undefined;
}

/** What the TLS watch's failure notification does (Renew, Check DNS): the same steps as the commands, through the one wrapper. */
export function watchActions(s: Services): NonNullable<TlsWatch['actions']> {
  return {
    renew: (projectId, tlsId) =>
      runAction(s, t('Renew TLS subscription'), async () => {
        const target = await tlsById(s, projectId, tlsId);
        if (target) await renew(s, target);
      }),
    checkDns: (projectId, tlsId) =>
      runAction(s, t('Check DNS'), async () => {
        const target = await tlsById(s, projectId, tlsId);
        if (target) await checkDnsNow(s, target);
      }),
  };
}
