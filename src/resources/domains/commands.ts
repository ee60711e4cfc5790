import * as vscode from 'vscode';
import type { Command } from '../../commands';
import * as api from '../../core';
import { validItems, type DomainType } from '../../core';
import { answered, confirm, createOrReconcile, deleteEach, selection, withProgress } from '../../actions';
import type { Services } from '../../services';
import { pickBucket } from '../buckets/picker';
import { pickProject } from '../projects/picker';
import { DomainNode, domainJson } from './node';
import { askNewDomainName, pickDomain, type PickedDomain } from './picker';
import { createTlsFor, showCnameRecord } from '../tls/commands';

const t = vscode.l10n.t;

/** Asks a name (the 20-domain limit told first) and a type, creates the domain, then offers its next step (Set Bucket, Create TLS Subscription). */
export async function createDomain(s: Services, node?: unknown): Promise<void> {
  const ui = s.ui();
  const project = await pickProject(s, node);
  const name = await askNewDomainName(
    s,
    project,
    (used, max) => t('Create a playback domain in {0} ({1} of {2} used)', project.projectName, used, max),
    t('The host name players will use, e.g. live.example.com. You will point it at Qencode with a CNAME record.'),
  );
  const type = answered(
    await ui.pick(
      [
        {
          label: t('Live streaming'),
          description: 'live',
          detail: t('For live streams. A live domain cannot be changed after it is created.'),
          type: 'live' as DomainType,
        },
        {
          label: t('Media storage (VOD)'),
          description: 'vod',
          detail: t('Serves a media-storage bucket; you can change its bucket later.'),
          type: 'vod' as DomainType,
        },
      ],
      { id: 'domainType', title: t('What will {0} serve?', name) },
    ),
  ).type;
  const client = s.clients.client(project.projectId);
  const wanted = name;
  const domain = await createOrReconcile(
    ui,
    t('Creating playback domain {0}…', wanted),
    () => api.createDomain(client, { name, type }),
    async () =>
      validItems(await api.listDomains(client)).some((d) => d.name === wanted)
        ? t('domain {0} exists', wanted)
        : undefined,
  );
  project.data.invalidate('domains');
  if (!domain) return;
  const createTls = t('Create TLS Subscription');
  const setBucket = t('Set Bucket…');
  const choice = await ui.notify(
    'done',
    'info',
    t('Playback domain {0} created.', domain.name),
    ...(type === 'vod' ? [setBucket, createTls] : [createTls]),
  );
  if (choice === setBucket) await pointAtBucket(s, { project, domain });
  if (choice === createTls) {
    const sub = await createTlsFor(s, project, domain);
    if (sub) await showCnameRecord(s, domain.name, sub.message);
  }
}

/** Lists the live or the vod domains, as the API filters them, in a read-only document. */
export async function listDomainsByType(s: Services, node?: unknown): Promise<void> {
  const ui = s.ui();
  const project = await pickProject(s, node);
  const type = answered(
    await ui.pick(
      [
        { label: t('Live streaming domains'), type: 'live' as DomainType },
        { label: t('Media storage (VOD) domains'), type: 'vod' as DomainType },
      ],
      { id: 'domainType', title: t('Which playback domains?') },
    ),
  ).type;
  const listed = await withProgress(ui, t('Listing {0} domains…', type), (signal) =>
    api.listDomains(s.clients.client(project.projectId), type, signal),
  );
  const domains = validItems(listed);
  if (domains.length === 0)
    return void ui.notify('done', 'info', t('Project {0} has no {1} domains.', project.projectName, type));
  const picked = answered(
    await ui.pick(
      domains.map((d) => ({
        label: d.name,
        description: d.bucketName ? `→ ${d.bucketName}` : undefined,
        detail: d.id,
        domain: d,
      })),
      {
        id: 'domain',
        title: t('{0} {1} domains in {2}: choose one to see its details', domains.length, type, project.projectName),
      },
    ),
  );
  await s.details.show(project.projectName, `domain ${picked.domain.name}`, domainJson(picked.domain));
}

/** A vod domain and a bucket picked, then the domain points at it. */
export async function setDomainBucket(s: Services, node?: unknown): Promise<void> {
  await pointAtBucket(s, await pickDomain(s, node, (d) => d.type === 'vod', t('A media-storage (vod) domain')));
}

/** Points a vod domain at a bucket the user picks. */
async function pointAtBucket(s: Services, target: PickedDomain): Promise<void> {
  if (target.domain.type !== 'vod')
    throw new Error(
      t('{0} is a live domain; live domains cannot be changed after they are created', target.domain.name),
    );
  const { bucket } = await pickBucket(s, target.project);
  const domain = await withProgress(s.ui(), t('Pointing {0} at bucket {1}…', target.domain.name, bucket), (signal) =>
    api.setDomainBucket(s.clients.client(target.project.projectId), target.domain.id, bucket, signal),
  );
  target.project.data.replace('domains', domain);
  void s.ui().notify('done', 'info', t('{0} now serves bucket {1}.', domain.name, domain.bucketName ?? bucket));
}

/** The selected domains (or one picked), confirmed, deleted one by one; the lists are read again. */
export async function deleteDomain(s: Services, node?: unknown, nodes?: unknown): Promise<void> {
  const targets = selection(node, nodes, DomainNode).map((n) => ({ project: n.projectNode, domain: n.domain }));
  if (targets.length === 0) targets.push(await pickDomain(s, node));
  const names = targets.map((d) => d.domain.name);
  await confirm(
    s.ui(),
    'deleteDomain',
    targets.length === 1
      ? t('Delete playback domain {0}?', names[0]!)
      : t('Delete {0} playback domains?', targets.length),
    t(
      '{0}\n\nPlayers that use it stop working, and its TLS subscription is deleted with it. This cannot be undone.',
      names.join('\n'),
    ),
    t('Delete'),
  );
  try {
    await deleteEach(
      s.ui(),
      targets,
      (d, signal) => api.deleteDomain(s.clients.client(d.project.projectId), d.domain.id, signal),
      (d) => d.domain.name,
    );
  } finally {
    for (const project of new Set(targets.map((d) => d.project))) {
      project.data.invalidate('domains');
      project.data.invalidate('tls');
    }
  }
}

/** The domain's name, to the clipboard. */
export async function copyDomainName(s: Services, node?: unknown): Promise<void> {
  const d = await pickDomain(s, node);
  await vscode.env.clipboard.writeText(d.domain.name);
}

/** The commands on playback domains. */
export const domainCommands = (): Command[] => [
  { id: 'qencodeCdn.createDomain', name: t('Create playback domain'), run: createDomain },
  { id: 'qencodeCdn.listDomainsByType', name: t('List playback domains by type'), run: listDomainsByType },
  { id: 'qencodeCdn.setDomainBucket', name: t('Set domain bucket'), run: setDomainBucket },
  { id: 'qencodeCdn.deleteDomain', name: t('Delete playback domain'), run: deleteDomain },
  { id: 'qencodeCdn.copyDomainName', name: t('Copy domain name'), run: copyDomainName },
];
