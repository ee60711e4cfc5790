import * as vscode from 'vscode';
import type { Command } from '../../commands';
import * as api from '../../core';
import { validItems, type Domain, type DomainType } from '../../core';
import { answered, check, createOrReconcile, errorMessage } from '../../actions';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { knownBucketsOf } from '../buckets/picker';
import { pickProject } from '../projects/picker';
import { createTlsFor, showCnameRecord } from '../tls/commands';
import { askNewDomainName, pickDomain } from './picker';

const t = vscode.l10n.t;

/**
 * A custom domain from creation to an issued certificate: the domain, its bucket
 * (vod), its TLS subscription, the CNAME record to create, and the watch. Each step
 * can be skipped and taken up later with "Continue Setup…" on the domain's row; a
 * failure leaves what was made and says what to do next.
 */
/** The guided setup: a vod or live domain (named, created), its bucket (vod), its TLS subscription, then the CNAME record to create; each step can be skipped and continued later. */
export async function addCustomDomain(s: Services, node?: unknown): Promise<void> {
  const ui = s.ui();
  const project = await pickProject(s, node);
  const name = await askNewDomainName(
    s,
    project,
    (used, max) => t('Add a custom domain to {0} ({1} of {2} domains used)', project.projectName, used, max),
    t('The host name players will use, e.g. video.example.com. You will point it at Qencode with a CNAME record.'),
  );
  const type = answered(
    await ui.pick(
      [
        {
          label: t('Media storage (VOD)'),
          description: 'vod',
          detail: t('Serves a media-storage bucket.'),
          type: 'vod' as DomainType,
        },
        {
          label: t('Live streaming'),
          description: 'live',
          detail: t('For live streams. A live domain cannot be changed after it is created.'),
          type: 'live' as DomainType,
        },
      ],
      { id: 'domainType', title: t('What will {0} serve?', name) },
    ),
  ).type;
  const bucket = type === 'vod' ? await askBucket(s, project, name) : undefined;
  const client = s.clients.client(project.projectId);
  const domain = await createOrReconcile(
    ui,
    t('Creating playback domain {0}…', name),
    () => api.createDomain(client, { name, type }),
    async () =>
      validItems(await api.listDomains(client)).some((d) => d.name === name)
        ? t('domain {0} exists. Run "Continue Setup…" on its row to finish', name)
        : undefined,
  );
  project.data.invalidate('domains');
  if (!domain) return;
  await finish(s, project, domain, bucket);
}

/** Takes the guided setup of a domain up at the first step it still lacks. */
export async function continueSetup(s: Services, node?: unknown): Promise<void> {
  const target = await pickDomain(s, node);
  const bucket =
    target.domain.type === 'vod' && !target.domain.bucketName
      ? await askBucket(s, target.project, target.domain.name)
      : undefined;
  await finish(s, target.project, target.domain, bucket);
}

/** The guided setup of a custom domain. */
export const customDomainCommands = (): Command[] => [
  { id: 'qencodeCdn.addCustomDomain', name: t('Add custom domain'), run: addCustomDomain },
  { id: 'qencodeCdn.continueSetup', name: t('Continue custom domain setup'), run: continueSetup },
];

/** The bucket of a vod domain: a known one, one typed in, or none for now. */
async function askBucket(s: Services, project: ProjectNode, domain: string): Promise<string | undefined> {
  const known = await knownBucketsOf(s, project);
  const skip = {
    iconPath: new vscode.ThemeIcon('debug-step-over'),
    label: t('Skip: set the bucket later'),
    bucket: undefined as string | undefined,
    typed: false,
  };
  const typed = {
    iconPath: new vscode.ThemeIcon('edit'),
    label: t('Enter a bucket name…'),
    bucket: undefined as string | undefined,
    typed: true,
  };
  const picked = answered(
    await s.ui().pick(
      [
        ...known.map((b) => ({
          label: b.name,
          description: b.policy?.policy,
          bucket: b.name as string | undefined,
          typed: false,
        })),
        typed,
        skip,
      ],
      {
        id: 'bucket',
        title: t('Which bucket will {0} serve?', domain),
        placeHolder: t('Media-storage bucket'),
      },
    ),
  );
  if (picked.typed) {
    return answered(
      await s.ui().input({
        id: 'bucketName',
        title: t('Bucket name'),
        prompt: t('The name of a media-storage bucket in project {0}', project.projectName),
        validateInput: check(api.validateBucketName),
      }),
    ).trim();
  }
  return picked.bucket;
}

/** The steps after the domain exists: its bucket, its TLS subscription, the CNAME record, the watch. */
async function finish(s: Services, project: ProjectNode, domain: Domain, bucket: string | undefined): Promise<void> {
  const ui = s.ui();
  const step = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new Error(
        t(
          'playback domain {0} exists, but {1} failed: {2} Run "Continue Setup…" on its row to finish.',
          domain.name,
          what,
          errorMessage(error),
        ),
      );
    }
  };
  if (bucket) {
    const updated = await step(t('pointing it at bucket {0}', bucket), () =>
      ui.loading(t('Pointing {0} at bucket {1}…', domain.name, bucket), () =>
        api.setDomainBucket(s.clients.client(project.projectId), domain.id, bucket),
      ),
    );
    project.data.replace('domains', updated);
  }
  const subs = await ui.loading(t('Loading TLS subscriptions…'), () => project.data.items('tls'));
  let sub = subs.filter((x) => x.domainId === domain.id).sort((a, b) => b.created.getTime() - a.created.getTime())[0];
  if (!sub || sub.status === 'failed' || sub.status === 'expired') {
    const create = t('Create the TLS Subscription');
    const offer = await ui.pick(
      [
        {
          label: create,
          detail: t(
            'HTTPS for {0}: Qencode issues the certificate once a CNAME record points the domain at it.',
            domain.name,
          ),
          go: true,
        },
        {
          iconPath: new vscode.ThemeIcon('debug-step-over'),
          label: t('Later'),
          detail: t('Run "Continue Setup…" on the domain\'s row when you are ready.'),
          go: false,
        },
      ],
      { id: 'tlsOffer', title: t('Create the TLS subscription of {0} now?', domain.name) },
    );
    if (!offer?.go) {
      void ui.notify(
        'setupPaused',
        'info',
        t(
          'Playback domain {0} is ready without HTTPS. Run "Continue Setup…" on its row to create the TLS subscription.',
          domain.name,
        ),
      );
      return;
    }
    sub = await step(t('creating its TLS subscription'), () => createTlsFor(s, project, domain));
    if (!sub) return;
  } else if (sub.status === 'issued') {
    void ui.notify('setupDone', 'info', t('{0} is set up: its certificate is issued.', domain.name));
    return;
  } else {
    s.tlsWatch.watch(project.projectId, sub.id, domain.name);
  }
  await showCnameRecord(s, domain.name, sub.message ?? s.tlsInstructions.instruction(project.projectId, sub.id));
  void ui.notify(
    'setupWatching',
    'info',
    t('Watching the TLS subscription of {0}: you will be told when its certificate is issued.', domain.name),
  );
}
